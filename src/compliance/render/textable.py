"""Plain-text tables for the terminal, aligned by display width: a Chinese character takes two
columns, so ``str.ljust`` would misalign every column after the first 条款名称."""
from __future__ import annotations

import unicodedata


def width(text: str) -> int:
    """Display width: wide and full-width characters count two columns."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` columns, with … where it was cut."""
    if width(text) <= limit:
        return text
    out = ""
    for char in text:
        if width(out + char) > limit - 1:
            return out + "…"
        out += char
    return out


def render(header: list[str], rows: list[list[str]], right: set[int] = frozenset()) -> str:
    """The rows under the header, columns separated by two spaces; columns in ``right`` (by
    index) are right-aligned, as amounts are."""
    table = [header] + rows
    widths = [max(width(row[i]) for row in table) for i in range(len(header))]

    def line(row: list[str]) -> str:
        cells = []
        for i, cell in enumerate(row):
            pad = " " * (widths[i] - width(cell))
            cells.append(pad + cell if i in right else cell + pad)
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule] + [line(row) for row in rows])
