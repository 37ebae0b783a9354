"""The bundled Chinese font, registered without parsing its 5 MB collection on every run.

reportlab's ``TTFont`` reads a TrueType font by walking its character map, metrics and glyph
locations in Python: for 文泉驿微米黑 (35,000 characters, 50,000 glyphs) that is 0.07–0.1 s,
a fifth of a cold ``compliance settle``. What it extracts depends only on the font file, the
reportlab version and its ``allowTTFSubsetting`` setting, so the first run stores the parsed
face in the user's cache folder (``$XDG_CACHE_HOME/compliance/fonts/``, else
``~/.cache/compliance/fonts/``) and later runs load it back in a fraction of that time.

The face loaded is the face parsed, attribute for attribute (checked before a cache file is
written), so the PDF's bytes never depend on whether the cache was there. A cache file that is
missing, stale, damaged or unwritable only means the font is parsed again; it is never an error.
The file holds ``marshal`` data, which cannot run code when loaded, behind a checksum.
"""
from __future__ import annotations

import hashlib
import marshal
import os
import sys
import tempfile
from fnmatch import fnmatch
from pathlib import Path
from typing import Any, Callable
from weakref import WeakKeyDictionary

import reportlab
from reportlab import rl_config
from reportlab.pdfbase import ttfonts
from reportlab.pdfbase.ttfonts import TTEncoding, TTFNameBytes, TTFont, TTFontFace

from compliance.model import collector

FORMAT = b"compliance-font-face/1\n"
"""The first bytes of a cache file; a new layout gets a new number (and a new file name)."""
UNSTORED = ("_ttf_data", "_pdfScale")
"""Face attributes not cached: the file's bytes (read afresh each run, reportlab subsets the
glyphs from them) and the function scaling font units, remade from ``unitsPerEm``."""


def font(name: str, path: Path, subfont: int = 0) -> TTFont:
    """The TrueType font ``name`` from ``path`` (a collection's ``subfont``), as reportlab's
    ``TTFont(name, str(path), subfontIndex=subfont)`` would build it: from the cache when it
    holds this file's face, parsed (and cached) otherwise."""
    try:
        data = path.read_bytes()
    except OSError:  # reportlab says what is wrong with the file, as it always did
        return TTFont(name, str(path), subfontIndex=subfont)
    cached = _cache_file(path, data, subfont)
    face = _load(cached, data) if cached else None
    if face is not None:
        return _font_of(name, face)
    parsed = TTFont(name, str(path), subfontIndex=subfont)
    if cached:
        _store(cached, name, parsed)
    return parsed


def _cache_file(path: Path, data: bytes, subfont: int) -> Path | None:
    """Where the face of this font is cached: named by everything the parse depends on (the
    file's bytes and path, the subfont, reportlab's version and setting, Python's marshal
    format), so a change to any of them reads another file. None without a home folder."""
    key = hashlib.sha256(repr((
        FORMAT, hashlib.sha256(data).hexdigest(), str(path), subfont, reportlab.Version,
        sys.implementation.cache_tag, marshal.version, rl_config.allowTTFSubsetting,
    )).encode("utf-8")).hexdigest()
    try:
        folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    except RuntimeError:  # no home folder to cache in
        return None
    return folder / "compliance" / "fonts" / f"{path.stem}-{subfont}-{key[:32]}.face"


def _load(cached: Path, data: bytes) -> TTFontFace | None:
    """The face stored in ``cached``, with the font file's ``data``; None when there is no
    such file or it does not read back whole."""
    try:
        content = cached.read_bytes()
    except OSError:
        return None
    view = memoryview(content)  # slices without copying the 2 MB
    head, digest, payload = view[:len(FORMAT)], view[len(FORMAT):len(FORMAT) + 32], \
        view[len(FORMAT) + 32:]
    if head != FORMAT or hashlib.sha256(payload).digest() != digest:
        return None
    try:
        return _face_of(_unmarshal(payload), data)
    except (ValueError, EOFError, TypeError, KeyError, AttributeError):
        return None


def _unmarshal(payload: bytes | memoryview) -> Any:
    """``marshal.loads`` with the cyclic garbage collector paused: the face is some 200,000
    small lists, tuples and numbers, each of which would otherwise count towards a collection
    pass over everything alive (twice as slow)."""
    with collector.paused():
        return marshal.loads(payload)


def _snapshot(face: TTFontFace) -> tuple[dict[str, Any], dict[str, tuple[bytes, str]]]:
    """The face's attributes as plain values: the names reportlab keeps as ``TTFNameBytes``
    (bytes that also carry their text) apart, as (bytes, text)."""
    plain, names = {}, {}
    for key, value in vars(face).items():
        if key in UNSTORED:
            continue
        if isinstance(value, TTFNameBytes):
            names[key] = (bytes(value), value.ustr)
        else:
            plain[key] = value
    return plain, names


def _face_of(snapshot: Any, data: bytes) -> TTFontFace:
    """A ``TTFontFace`` with the attributes of ``snapshot`` and the font file's ``data``, as
    reportlab's parse would have left it."""
    plain, names = snapshot
    face = TTFontFace.__new__(TTFontFace)
    vars(face).update(plain)
    for key, (raw, text) in names.items():
        value = bytes.__new__(TTFNameBytes, raw)
        value.ustr = text
        setattr(face, key, value)
    face._ttf_data = data
    face._pdfScale = _scale(face.unitsPerEm)
    return face


def _scale(units_per_em: int) -> Callable[[float], float]:
    """Font units to thousandths of an em, as ``TTFontFile.extractInfo`` defines it."""
    if units_per_em == 1000:
        return lambda x: x
    factor = 1000 / units_per_em
    return lambda x: x * factor


def _font_of(name: str, face: TTFontFace) -> TTFont:
    """The ``TTFont`` that ``TTFont.__init__`` makes around ``face`` (checked against it before
    the face is cached, see :func:`_same_font`)."""
    made = TTFont.__new__(TTFont)
    made.fontName = name
    made.face = face
    made.encoding = TTEncoding()
    made.state = WeakKeyDictionary()
    made._asciiReadable = rl_config.ttfAsciiReadable
    made.shapable = not any(fnmatch(name, pattern) for pattern in ttfonts.unShapedFontGlob)
    return made


def _store(cached: Path, name: str, parsed: TTFont) -> None:
    """Cache ``parsed``'s face, if it reads back as the same face in the same font; written to a
    temporary file and renamed, so a reader never sees half a file. Failing to write is
    harmless: the next run parses again."""
    try:
        payload = marshal.dumps(_snapshot(parsed.face))
        restored = _font_of(name, _face_of(marshal.loads(payload), parsed.face._ttf_data))
    except ValueError:  # an attribute marshal cannot hold: this reportlab is not cached
        return
    if not _same_font(restored, parsed):
        return
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=cached.parent, prefix=".tmp-")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(FORMAT + hashlib.sha256(payload).digest() + payload)
            os.replace(temporary, cached)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        pass


def _same_font(restored: TTFont, parsed: TTFont) -> bool:
    """Whether the font rebuilt from the cache has every attribute, and every face attribute,
    that reportlab gave the parsed one: a reportlab whose ``TTFont`` sets something else is
    simply not cached."""
    def font_state(made: TTFont) -> dict[str, Any]:
        state = {key: value for key, value in vars(made).items()
                 if key not in ("face", "encoding", "state")}
        return {**state, "encoding": (type(made.encoding), vars(made.encoding)),
                "state": (type(made.state), len(made.state))}

    samples = (1, -77, 1000, 2048, 0.5)
    return (font_state(restored) == font_state(parsed)
            and _snapshot(restored.face) == _snapshot(parsed.face)
            and set(vars(restored.face)) == set(vars(parsed.face))
            and [restored.face._pdfScale(x) for x in samples]
            == [parsed.face._pdfScale(x) for x in samples])
