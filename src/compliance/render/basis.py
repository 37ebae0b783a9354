"""附件：计算依据 — everything behind the signed pages that a clerk does not sign but an
auditor may ask for, after a page break: the input fingerprints and versions, the clauses'
recorded interpretations, each deduction traced step by step (the 扣款计算过程 ``compliance
explain`` prints), and every work order behind every deduction (扣款明细).

A month of any size fits: the 扣款明细 lists the facts one per row in a table that flows
across as many pages as it needs with its header repeated on each, long refs wrapped inside
their cell; the 计算过程 names each line's first facts and sends the reader to the 明细 for
the rest.
"""
from __future__ import annotations

from bisect import bisect_right
from decimal import Decimal
from functools import lru_cache
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer, Table, TableStyle

from compliance.engine.outcome import TRACE_KEY
from compliance.legal.explain import fact_label, fact_summary, line_node
from compliance.model import money
from compliance.model.contract import Contract
from compliance.render.pdfparts import FONT, NUMERALS, RULE, SHADE, WIDTH, p, styles, table
from compliance.views.statement import events_by_id, trace_facts

TITLE = "附件：计算依据"
APPENDIX_FACTS = 10
"""The 计算过程 lists this many facts of a line; the 扣款明细 lists them all."""
ANNEX_SIZE, ANNEX_LEADING, ANNEX_PADDING = 7.5, 9.5, 2
ANNEX_ROW_LINES = 40
"""The most lines one 明细 row holds (a third of a page); longer cells continue below."""
ANNEX_COLUMNS = (("序号", 10), ("行", 7), ("条款", 12), ("类型", 23), ("日期", 16),
                 ("工单号", 54), ("数量/金额", 20), ("来源（文件:行）", 28))
"""The 明细's columns and their widths in mm (170 in all, the width of the page's text)."""
ANNEX_STYLE = TableStyle([
    ("FONTNAME", (0, 0), (-1, -1), FONT),
    ("FONTSIZE", (0, 0), (-1, -1), ANNEX_SIZE),
    ("LEADING", (0, 0), (-1, -1), ANNEX_LEADING),
    ("GRID", (0, 0), (-1, -1), 0.5, RULE),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), ANNEX_PADDING),
    ("RIGHTPADDING", (0, 0), (-1, -1), ANNEX_PADDING),
    ("TOPPADDING", (0, 0), (-1, -1), ANNEX_PADDING - 0.5),
    ("BOTTOMPADDING", (0, 0), (-1, -1), ANNEX_PADDING + 0.5),
    ("BACKGROUND", (0, 0), (-1, 0), SHADE),
])
FINGERPRINT_LABELS = {"sha256": "输入指纹（以下各项合并）", "contract_sha256": "合同文件",
                      "software_version": "软件版本", "bundled_calendar_sha256": "内置工作日日历",
                      "calendar_sha256": "补充工作日日历", "as_of": "判断日", "terminated_on": "解除日"}
"""How the 计算依据 names each part of a statement's ``fingerprint``."""


def facts_by_line(statement: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """(line number, fact) for every fact behind every deduction line, in the body's order."""
    events = events_by_id(statement)
    return [(number, fact) for number, line in enumerate(statement["deductions"], start=1)
            for fact in trace_facts(line[TRACE_KEY], events)]


def annex_ranges(rows: list[tuple[int, dict[str, Any]]]) -> dict[int, tuple[int, int]]:
    """For each deduction line, the first and last 明细 number of its facts."""
    ranges: dict[int, tuple[int, int]] = {}
    for position, (number, _) in enumerate(rows, start=1):
        first, _ = ranges.get(number, (position, position))
        ranges[number] = (first, position)
    return ranges


def basis_story(statement: dict[str, Any], contract: Contract, reference: str) -> list[Any]:
    """The whole 附件 after a page break, its sections numbered; ``reference`` names the
    statement it belongs to (its number, or 草稿)."""
    rows = facts_by_line(statement)
    ranges = annex_ranges(rows)
    sections = [("输入指纹与版本", _fingerprint(statement)),
                ("适用条款的解释", _interpretations(statement)),
                ("扣款计算过程", _appendix(statement, contract, ranges)),
                ("扣款明细", _annex(statement, contract, rows))]
    story: list[Any] = [PageBreak(), p(TITLE, "subtitle"),
                        p(f"本附件属于{reference}，列明其计算所依据的输入、解释与逐项计算，供核对。", "small"),
                        Spacer(1, 2 * mm)]
    shown = [(title, body) for title, body in sections if body]
    for number, (title, body) in enumerate(shown):
        heading = p(f"{NUMERALS[number]}、{title}", "heading")
        story += [PageBreak(), heading, *body] if title == "扣款明细" else [heading, *body]
    return story


def _fingerprint(statement: dict[str, Any]) -> list[Any]:
    """The sha256 of the contract, of every facts file the statement read and of the
    calendars, and the software's version: what makes the same statement again."""
    prints = statement["fingerprint"]
    rows = [["合同标识", statement["contract"]]]
    for key, value in prints.items():
        if key == "facts_sha256":
            rows += [[f"事实文件 {name}", p(sha, "small")] for name, sha in value.items()]
        else:
            rows.append([FINGERPRINT_LABELS.get(key, key), p(value, "small")])
    return [table(rows, [50, WIDTH - 50], header=False, labels=True),
            p("sha256 为文件内容的摘要：同一合同文件与事实文件重新结算，得出同一指纹与同一结算单。", "small")]


def _interpretations(statement: dict[str, Any]) -> list[Any]:
    if not statement["interpretations"]:
        return []
    return [table([["条款", "本结算采用的解释"]]
                  + [[i["clause"], i["interpretation"]] for i in statement["interpretations"]],
                  [18, WIDTH - 18])]


def _appendix(statement: dict[str, Any], contract: Contract,
              annex: dict[int, tuple[int, int]]) -> list[Any]:
    """For each deduction, the trace ``compliance explain`` prints — clause, rule and
    parameters, facts with file:line, arithmetic with rounding, interpretation — with its
    first facts only: the 扣款明细 lists every one."""
    if not statement["deductions"]:
        return []
    story: list[Any] = [p("每行扣款所依据的条款、规则及参数、所匹配的事实（文件:行）、逐步计算与四舍五入；"
                          f"与 compliance explain 的输出一致（每行列出前 {APPENDIX_FACTS} 项事实，"
                          "全部事实见扣款明细）。", "small")]
    events = events_by_id(statement)
    for number, line in enumerate(statement["deductions"], start=1):
        first, last = annex.get(number, (0, 0))
        more = f"，逐条见扣款明细第 {first}–{last} 号" if first else ""
        node = line_node(number, line, contract, events, shown=APPENDIX_FACTS, more=more)
        for depth, text in node.outline():
            story.append(_indented(text, "base" if depth == 0 else "small", depth))
    return story


def _indented(text: str, style: str, depth: int) -> Paragraph:
    paragraph = p(text, style)
    paragraph.style = ParagraphStyle(f"{style}-{depth}", parent=styles()[style],
                                     leftIndent=depth * 5 * mm,
                                     spaceBefore=6 if depth == 0 else 0)
    return paragraph


def _annex(statement: dict[str, Any], contract: Contract,
           rows: list[tuple[int, dict[str, Any]]]) -> list[Any]:
    """Every fact behind every deduction line, one per row, in a table that flows across
    pages with its header repeated. Cells are plain text wrapped here to their column's width
    (a 60-character ref takes two lines), so ten thousand rows lay out in seconds and no cell
    is ever taller than a few lines."""
    if not rows:
        return []
    clause = {number: line["clause"] for number, line in enumerate(statement["deductions"], start=1)}
    widths = [width * mm for _, width in ANNEX_COLUMNS]
    cells = [[_wrap(title, widths[i] - 2 * ANNEX_PADDING) for i, (title, _) in enumerate(ANNEX_COLUMNS)]]
    for position, (number, fact) in enumerate(rows, start=1):
        values = [str(position), str(number), clause[number], fact_label(fact, contract),
                  fact.get("date") or (f"第 {fact['period']} 期" if fact.get("period") else "—"),
                  fact.get("ref") or "—", _quantity(fact, contract), fact.get("source") or "—"]
        cells += _bounded([_wrap(value, widths[i] - 2 * ANNEX_PADDING) for i, value in enumerate(values)])
    heights = [max(cell.count("\n") + 1 for cell in row) * ANNEX_LEADING + ANNEX_PADDING * 2
               for row in cells]
    lines = len(statement["deductions"])
    return [p(f"正文扣款表 {lines} 行所依据的事实逐条列示，共 {len(rows)} 条；“行”为正文扣款表的行号，"
              "同一事实支持多行扣款的，在每行下各列一次。“来源”为事实文件及其行号。", "small"),
            Spacer(1, 2 * mm), FlowingTable(cells, heights, widths)]


class FlowingTable(Flowable):
    """A table of any length that flows across pages with its header row on each. It is laid
    out page by page from row heights known in advance: each page gets a small ``Table`` of
    the rows that fit, and the rest stays one flowable that only remembers where it starts —
    splitting a ten-thousand-row ``Table`` instead copies and measures every remaining row on
    each page. Rows are plain text already wrapped to their column (see :func:`_wrap`)."""

    def __init__(self, rows: list[list[str]], heights: list[float], widths: list[float],
                 start: int = 1, ends: list[float] | None = None) -> None:
        super().__init__()
        self.rows, self.heights, self.widths, self.start = rows, heights, widths, start
        if ends is None:  # ends[i]: the height of rows 1..i stacked
            ends = [0.0]
            for height in heights[1:]:
                ends.append(ends[-1] + height)
        self.ends = ends

    def _height(self, stop: int) -> float:
        return self.heights[0] + self.ends[stop - 1] - self.ends[self.start - 1]

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return sum(self.widths), self._height(len(self.rows))

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        stop = bisect_right(self.ends, availHeight - self.heights[0] + self.ends[self.start - 1])
        stop = min(stop, len(self.rows))
        if stop <= self.start:
            return []  # not even one row fits: the frame moves on to the next page
        rest = [FlowingTable(self.rows, self.heights, self.widths, stop, self.ends)] \
            if stop < len(self.rows) else []
        return [self._table(stop), *rest]

    def draw(self) -> None:
        made = self._table(len(self.rows))
        made.wrapOn(self.canv, sum(self.widths), self._height(len(self.rows)))
        made.drawOn(self.canv, 0, 0)

    def _table(self, stop: int) -> Table:
        made = Table([self.rows[0], *self.rows[self.start:stop]], colWidths=self.widths,
                     rowHeights=[self.heights[0], *self.heights[self.start:stop]])
        made.setStyle(ANNEX_STYLE)
        return made


def _quantity(fact: dict[str, Any], contract: Contract) -> str:
    """How much a fact counts for: its amount in yuan, its days, or its count (1 unless the
    facts file says more), then any other field it has."""
    amount = fact.get("amount")
    head = (f"{money.grouped(Decimal(amount))} 元" if isinstance(amount, str) and amount
            else f"{fact['days']} 日" if fact.get("days") is not None
            else str(fact.get("count", 1)) if "type" in fact and fact.get("type") in contract.event_types
            else "")
    rest = fact_summary(fact, contract, skip=("type", "date", "ref", "period", "amount", "days", "count"))
    return " ".join(part for part in (head, rest) if part) or "—"


def _bounded(row: list[str]) -> list[list[str]]:
    """A row of wrapped cells, as rows of at most ``ANNEX_ROW_LINES`` lines each: a ref of
    thousands of characters continues on the rows below instead of making a row taller than
    the page."""
    lines = [cell.split("\n") for cell in row]
    tallest = max(len(cell) for cell in lines)
    return [["\n".join(cell[start:start + ANNEX_ROW_LINES]) for cell in lines]
            for start in range(0, tallest, ANNEX_ROW_LINES)]


def _wrap(text: str, width: float) -> str:
    """``text`` broken into lines no wider than ``width`` points at the 明细's font size.
    Any character may end a line: a work-order ref has no spaces to break at."""
    lines: list[str] = []
    for paragraph in str(text).split("\n"):
        line, used = "", 0.0
        for char in paragraph:
            advance = _advance(char)
            if line and used + advance > width:
                lines.append(line)
                line, used = "", 0.0
            line += char
            used += advance
        lines.append(line)
    return "\n".join(lines)


@lru_cache(maxsize=4096)
def _advance(char: str) -> float:
    return pdfmetrics.stringWidth(char, FONT, ANNEX_SIZE)
