"""The rows of an export as a clerk reads them.

* **The header row** is the first of the top rows that holds every header the mapping names;
  the merged title rows above it (``高米店街道 12345 工单考核明细（2026年2月）``) are passed
  over. Headers are matched without their spaces and line breaks, full-width letters as ASCII.
* **Cells** are read without the spaces around them, full-width digits, letters and signs as
  their ASCII twins (``９０`` is 90); an empty cell is no value.
* **Rows that are not work orders** (neither 工单编号 nor date) are skipped and said: an empty
  row silently, a totals row (合计, 总计, 小计, 共计 in its first cell or its 工单编号 cell) and
  any other (a note under the table) by their row numbers.
"""
from __future__ import annotations

from dataclasses import dataclass

from compliance.errors import UserError
from compliance.model.suggest import did_you_mean

FULL_WIDTH = "".join(chr(code) for code in range(0xFF01, 0xFF5F)) + "\u3000\u00a0"
HALF_WIDTH = "".join(chr(code) for code in range(0x21, 0x7F)) + "  "
_TO_HALF = str.maketrans(FULL_WIDTH, HALF_WIDTH)
TOTALS = ("合计", "总计", "小计", "共计")
"""How a totals row starts (spaces left out: ``合　计`` too)."""


def header_key(text: str) -> str:
    """A header as it is matched: full-width as ASCII, no spaces or line breaks."""
    return "".join(text.translate(_TO_HALF).split())


@dataclass(frozen=True)
class Layout:
    """Where the table is: its header row (0-based, as counted with empty rows) and the column
    (0-based) of each header the mapping names, as the mapping writes it."""

    header_row: int
    columns: dict[str, int]
    width: int


def find_header(name: str, head: list[list[str]], wanted: list[str]) -> Layout:
    """The first of ``head`` holding every header in ``wanted``."""
    keys = {header_key(header): header for header in wanted}
    best: tuple[int, list[str]] = (-1, [])
    for index, row in enumerate(head):
        found: dict[str, int] = {}
        for column, cell in enumerate(row):
            key = header_key(cell)
            if key in keys and keys[key] not in found:
                found[keys[key]] = column
        if len(found) == len(keys):
            return Layout(index, {header: found[header] for header in wanted}, len(row))
        if len(found) > best[0]:
            best = (len(found), row)
    missing = [header for header in wanted if header_key(header) not in map(header_key, best[1])]
    present = [cell.strip() for cell in best[1] if cell.strip()]
    raise UserError(f"前 {len(head)} 行中没有同时含有 {'、'.join(wanted)} 的表头行；缺少 "
                    f"{'、'.join(missing)}{did_you_mean(missing[0], present, '；') if present else ''}",
                    file=name, field="表头",
                    valid="映射文件的 ref、date 和 columns 写明导出文件的表头" +
                    (f"（最接近的一行：{'、'.join(present)}）" if present else ""))


def literal(text: str) -> str:
    """SQL: ``text`` as a string literal."""
    return "'" + text.replace("'", "''") + "'"


WIDE = "[\uff01-\uff5e\u3000\u00a0]"
"""A full-width character (or a no-break space)."""
TYPED_OFTEN = "０１２３４５６７８９　．，－：／％"
"""The full-width characters an input method types most often into a number, a date or a
工单编号: translated on their own, since DuckDB's ``translate`` is dear for a long list."""
ODD = WIDE + r"|(?:^|\x1f)\p{Zs}|\p{Zs}(?:\x1f|$)"
"""A full-width character, or a space at either end of a cell, in a record's cells joined by
chr(31): the records to look into cell by cell (DuckDB's ``trim`` removes the spaces, Zs)."""


def odd(columns: list[int]) -> str:
    """SQL: whether a record's cells in ``columns`` hold a full-width character or a space at
    an end: few do, and the others are taken as read (``cell``), which saves most of the cost
    of reading a million rows."""
    joined = ", chr(31), ".join(f"c{column}" for column in columns)
    return f"regexp_matches(concat({joined}), {literal(ODD)})"


def cell(column: int, flag: str = "odd") -> str:
    """SQL: the cell of column ``column`` as read (see the module's description), or NULL;
    ``flag`` (SQL, ``odd``) says whether its record holds anything to translate or trim."""
    raw = f"c{column}"
    often = TYPED_OFTEN.translate(_TO_HALF)
    rest = "[" + "".join(sorted(set(FULL_WIDTH) - set(TYPED_OFTEN))) + "]"
    translated = (f"case when regexp_matches({raw}, {literal(rest)})"
                  f" then translate({raw}, {literal(FULL_WIDTH)}, {literal(HALF_WIDTH)})"
                  f" when regexp_matches({raw}, {literal(WIDE)})"
                  f" then translate({raw}, {literal(TYPED_OFTEN)}, {literal(often)}) else {raw} end")
    return f"case when {flag} then nullif(trim({translated}), '') else nullif({raw}, '') end"


def totals_row(*cells: str) -> str:
    """SQL: whether a row whose cells are ``cells`` (SQL expressions) is a totals row."""
    words = ", ".join(map(literal, TOTALS))
    return " or ".join(f"left(replace(replace(coalesce({sql}, ''), ' ', ''), '\u3000', ''), 2)"
                       f" in ({words})" for sql in cells)


def ranges(rows: list[int]) -> str:
    """Row numbers as a clerk writes them: ``12–14、20``."""
    parts: list[str] = []
    start = previous = None
    for row in sorted(rows):
        if previous is not None and row == previous + 1:
            previous = row
            continue
        if start is not None:
            parts.append(str(start) if start == previous else f"{start}–{previous}")
        start = previous = row
    if start is not None:
        parts.append(str(start) if start == previous else f"{start}–{previous}")
    return "、".join(parts)
