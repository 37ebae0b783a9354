"""The building blocks of the statement PDF: its one font, its paragraph styles, and the
bordered tables and right-aligned amounts every section is made of.

The font is WenQuanYi Micro Hei 文泉驿微米黑 (Apache-2.0), bundled in ``fonts/`` and
embedded (subset) in every PDF, so the statement renders, Chinese and Latin alike, on
machines without Chinese fonts. It is the only font the PDF names (the canvas starts in it,
see :mod:`compliance.render.pagecount`): no base-14 font a reader would have to substitute.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Paragraph, Table, TableStyle

from compliance.model import money
from compliance.render import fontcache

FONT = "WenQuanYiMicroHei"
FONT_FILE = Path(__file__).parents[1] / "fonts" / "wqy-microhei.ttc"
WIDTH = 170
"""The width of the page's text in mm (A4 less 20 mm margins)."""
RULE = colors.Color(0.45, 0.45, 0.45)
"""The colour of every table border."""
SHADE = colors.Color(0.92, 0.92, 0.92)
"""The background of a table's header row and label column."""
BLANK = "__________"
"""A line left to be filled in by hand."""
BLANK_DATE = "_____年___月___日"
NUMERALS = "一二三四五六七八九十"


@cache
def styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles, with the font registered the first time they are asked for."""
    pdfmetrics.registerFont(fontcache.font(FONT, FONT_FILE, subfont=0))
    base = ParagraphStyle("base", fontName=FONT, fontSize=9, leading=13, wordWrap="CJK")
    return {
        "base": base,
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=24, alignment=1,
                                spaceAfter=2),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=11, leading=16, alignment=1),
        "heading": ParagraphStyle("heading", parent=base, fontSize=11, leading=16, spaceBefore=8,
                                  spaceAfter=4),
        "notice": ParagraphStyle("notice", parent=base, fontSize=10, leading=15, spaceBefore=4),
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=10),
        "right": ParagraphStyle("right", parent=base, alignment=2),
        "center": ParagraphStyle("center", parent=base, alignment=1),
    }


def p(text: Any, style: str = "base") -> Paragraph:
    """``text`` as a paragraph, escaped (a ref may hold ``<`` or ``&``), lines kept."""
    escaped = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return Paragraph(escaped.replace("\n", "<br/>"), styles()[style])


def table(rows: list[list[Any]], widths: list[float], header: bool = True,
          labels: bool = False, extra: list[tuple] = (), heights: list[float] | None = None) -> Table:
    """A bordered table of ``widths`` mm; its first row shaded as a header (repeated on each
    page it flows to), or with ``labels`` its first column shaded as the row labels; ``extra``
    adds to its style, ``heights`` (points) fixes its rows' heights."""
    cells = [[cell if not isinstance(cell, (str, int)) else p(cell) for cell in row] for row in rows]
    made = Table(cells, colWidths=[w * mm for w in widths], rowHeights=heights,
                 repeatRows=1 if header else 0)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),  # a cell names its font even when it holds a paragraph
        ("GRID", (0, 0), (-1, -1), 0.5, RULE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), SHADE))
    if labels:
        style.append(("BACKGROUND", (0, 0), (0, -1), SHADE))
    made.setStyle(TableStyle(style + list(extra)))
    return made


def yuan(amount: str) -> Paragraph:
    """An amount of the statement (a JSON string), grouped and right-aligned: 1,234,567.80."""
    return p(money.grouped(Decimal(amount)), "right")


def words(amount: str) -> str:
    """大写 of an amount of the statement: 人民币叁拾叁万玖仟陆佰元整."""
    return money.in_words(Decimal(amount))


Amount = tuple[str, str, bool]
"""A row of an amounts table: its label, the amount (a JSON string), and whether it moves
money (and so is written in 大写 beside it)."""
Sentence = tuple[str, str]
"""A row of an amounts table that says in words what happens (本月不单独付款：…)."""
AMOUNT_COLUMNS = (62, 36, 72)


def amounts_table(rows: list[Amount | Sentence]) -> Table:
    """项目 / 金额（元） / 大写: the amounts right-aligned, each amount that moves money with its
    大写 beside it; a sentence row spans both columns."""
    cells: list[list[Any]] = [["项目", p("金额（元）", "right"), "大写"]]
    spans = []
    for row in rows:
        if len(row) == 2:
            spans.append(("SPAN", (1, len(cells)), (2, len(cells))))
            cells.append([row[0], row[1], ""])
        else:
            label, amount, moves = row
            cells.append([label, yuan(amount), words(amount) if moves else ""])
    return table(cells, list(AMOUNT_COLUMNS), extra=spans)


def day(on: date | None) -> str:
    """A date as a 财务 office writes it on a form (2026年1月5日), or the line to write it on."""
    return f"{on.year}年{on.month}月{on.day}日" if on else BLANK_DATE
