"""Text for a terminal: control characters shown escaped, never sent raw.

A work-order ref or a note typed into a facts file may hold an escape sequence (``\\x1b[2J``
clears a screen, ``\\x1b]8;;`` forges a link) or a bidirectional override that reorders what a
clerk reads. Every line the command line prints passes through ``visible``; JSON escapes the
same characters as ``\\uXXXX`` (``json_safe``), so a statement file can be ``cat``-ed safely.
"""
from __future__ import annotations

import re
from typing import Any, TextIO

_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""C0 and C1 controls (tab and newline excepted), DEL, and the bidirectional marks and
overrides."""


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every control character written as an escape (``\\x1b``, ``\\u202e``)."""
    return _UNSAFE.sub(_escape, text)


def json_safe(text: str) -> str:
    """JSON text with the characters ``json.dumps`` leaves raw (DEL, C1 controls, bidirectional
    overrides) written as ``\\uXXXX`` escapes, which read back as the same characters."""
    return _UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


class VisibleStream:
    """A text stream that escapes control characters in everything written to it."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(visible(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

