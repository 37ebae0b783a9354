"""The statement as a Chinese A4 PDF a finance clerk can sign.

The font is WenQuanYi Micro Hei 文泉驿微米黑 (Apache-2.0), bundled in ``fonts/`` and
embedded (subset) in every PDF, so the statement renders, Chinese and Latin alike, on
machines without Chinese fonts.
``invariant=1`` makes the same statement produce the same bytes.

A month of any size fits: the deduction table of the body gives each line's count, unit,
amount and explanation, and the work-order refs behind every line are listed one per row in
the 附件：扣款明细, a table that flows across as many pages as it needs with its header
repeated on each, long refs wrapped inside their cell. The 附录 traces each line, naming its
first facts and sending the reader to the annex for the rest.
"""
from __future__ import annotations

import io
from bisect import bisect_right
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from compliance.model import money
from compliance.render import fontcache
from compliance.model.contract import Contract
from compliance.legal.explain import fact_label, fact_summary, line_node
from compliance.model.fieldtypes import FLAG_LABELS
from compliance.engine.outcome import CHECK_MARKS, TRACE_KEY
from compliance.views.statement import events_by_id, payable_sentence, trace_facts

FONT = "WenQuanYiMicroHei"
FONT_FILE = Path(__file__).parents[1] / "fonts" / "wqy-microhei.ttc"
APPENDIX_FACTS = 10
"""The 附录 lists this many facts of a line; the annex lists them all."""
ANNEX_SIZE, ANNEX_LEADING, ANNEX_PADDING = 7.5, 9.5, 2
ANNEX_ROW_LINES = 40
"""The most lines one annex row holds (a third of a page); longer cells continue below."""
ANNEX_COLUMNS = (("序号", 10), ("行", 7), ("条款", 12), ("类型", 23), ("日期", 16),
                 ("工单号", 54), ("数量/金额", 20), ("来源（文件:行）", 28))
"""The annex's columns and their widths in mm (170 in all, the width of the page's text)."""
ANNEX_STYLE = TableStyle([
    ("FONTNAME", (0, 0), (-1, -1), FONT),
    ("FONTSIZE", (0, 0), (-1, -1), ANNEX_SIZE),
    ("LEADING", (0, 0), (-1, -1), ANNEX_LEADING),
    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), ANNEX_PADDING),
    ("RIGHTPADDING", (0, 0), (-1, -1), ANNEX_PADDING),
    ("TOPPADDING", (0, 0), (-1, -1), ANNEX_PADDING - 0.5),
    ("BOTTOMPADDING", (0, 0), (-1, -1), ANNEX_PADDING + 0.5),
    ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)),
])


@cache
def _styles() -> dict[str, ParagraphStyle]:
    pdfmetrics.registerFont(fontcache.font(FONT, FONT_FILE, subfont=0))
    base = ParagraphStyle("base", fontName=FONT, fontSize=9, leading=13, wordWrap="CJK")
    return {
        "base": base,
        "title": ParagraphStyle("title", parent=base, fontSize=15, leading=21, alignment=1),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=11, leading=16, alignment=1),
        "heading": ParagraphStyle("heading", parent=base, fontSize=11, leading=16, spaceBefore=8,
                                  spaceAfter=4),
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=10),
        "right": ParagraphStyle("right", parent=base, alignment=2),
    }


def _p(text: Any, style: str = "base") -> Paragraph:
    escaped = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return Paragraph(escaped.replace("\n", "<br/>"), _styles()[style])


def _table(rows: list[list[Any]], widths: list[float], header: bool = True) -> Table:
    cells = [[cell if isinstance(cell, Paragraph) else _p(cell) for cell in row] for row in rows]
    table = Table(cells, colWidths=[w * mm for w in widths], repeatRows=1 if header else 0)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)))
    table.setStyle(TableStyle(style))
    return table


def _yuan(amount: str) -> Paragraph:
    return _p(money.grouped(Decimal(amount)), "right")


def span_label(statement: dict[str, Any]) -> str:
    if "ground" in statement:
        return f"于 {statement['terminated_on']} 依第 {statement['ground']['clause']} 条解除"
    if "tranche" in statement:
        t = statement["tranche"]
        return f"{t['label']}（第 {t['number']} 次付款，截至 {statement['as_of']}）"
    if "period" in statement:
        p = statement["period"]
        cycle = f"，第 {p['cycle']} 支付周期" if statement["fees"] else ""
        return f"第 {p['index']} 期（{p['start']} 至 {p['end']}{cycle}）"
    c = statement["cycle"]
    months = "、".join(str(n) for n in c["periods"])
    return f"第 {c['index']} 支付周期（{c['start']} 至 {c['end']}，含第 {months} 期）"


def _period_column(statement: dict[str, Any]) -> bool:
    return "cycle" in statement and "period" not in statement


def _fee_rows(statement: dict[str, Any]) -> list[list[Any]]:
    with_period = _period_column(statement)
    head = (["期"] if with_period else []) + ["条款", "项目", "金额（元）"]
    rows = [head]
    for fee in statement["fees"]:
        rows.append(([str(fee["period"])] if with_period else [])
                    + [fee["clause"], fee["label"], _yuan(fee["amount"])])
    return rows


def _deduction_rows(statement: dict[str, Any], annex: dict[int, tuple[int, int]]) -> list[list[Any]]:
    """One row per deduction line: clause, how it was reached, count, unit, amount, and where
    in the annex its work orders are listed (never the refs themselves: a busy month has
    thousands)."""
    with_period = _period_column(statement)
    rows = [["行"] + (["期"] if with_period else [])
            + ["条款", "计算", "数量", "单价（元）", "金额（元）", "附件序号"]]
    for number, line in enumerate(statement["deductions"], start=1):
        first, last = annex.get(number, (0, 0))
        where = "—" if not first else str(first) if first == last else f"{first}–{last}"
        rows.append([str(number)] + ([str(line["period"])] if with_period else [])
                    + [line["clause"], line["explanation"], _p(line["quantity"], "right"),
                       _yuan(line["unit_amount"]), _yuan(line["amount"]), _p(where, "small")])
    return rows


def _annex_rows(statement: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """(line number, fact) for every fact behind every deduction line, in the body's order."""
    events = events_by_id(statement)
    return [(number, fact) for number, line in enumerate(statement["deductions"], start=1)
            for fact in trace_facts(line[TRACE_KEY], events)]


def _annex_ranges(rows: list[tuple[int, dict[str, Any]]]) -> dict[int, tuple[int, int]]:
    """For each deduction line, the first and last annex number of its facts."""
    ranges: dict[int, tuple[int, int]] = {}
    for position, (number, _) in enumerate(rows, start=1):
        first, _ = ranges.get(number, (position, position))
        ranges[number] = (first, position)
    return ranges


def _annex(statement: dict[str, Any], contract: Contract,
           rows: list[tuple[int, dict[str, Any]]]) -> list[Any]:
    """附件：扣款明细: every fact behind every deduction line, one per row, in a table that
    flows across pages with its header repeated. Cells are plain text wrapped here to their
    column's width (a 60-character ref takes two lines), so ten thousand rows lay out in
    seconds and no cell is ever taller than a few lines."""
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
    table = FlowingTable(cells, heights, widths)
    lines = len(statement["deductions"])
    return [PageBreak(), _p("附件：扣款明细", "heading"),
            _p(f"正文扣款表 {lines} 行所依据的事实逐条列示，共 {len(rows)} 条；“行”为正文扣款表的行号，"
               "同一事实支持多行扣款的，在每行下各列一次。“来源”为事实文件及其行号。", "small"),
            Spacer(1, 2 * mm), table]


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
        table = self._table(len(self.rows))
        table.wrapOn(self.canv, sum(self.widths), self._height(len(self.rows)))
        table.drawOn(self.canv, 0, 0)

    def _table(self, stop: int) -> Table:
        table = Table([self.rows[0], *self.rows[self.start:stop]], colWidths=self.widths,
                      rowHeights=[self.heights[0], *self.heights[self.start:stop]])
        table.setStyle(ANNEX_STYLE)
        return table


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
    """``text`` broken into lines no wider than ``width`` points at the annex's font size.
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


def _flag_rows(statement: dict[str, Any]) -> list[list[Any]]:
    """The flags; on a cycle statement each names its month, or 周期 where the whole cycle's
    payment raised it (高米店 6.6 补足, 4.6.4 暂停支付)."""
    with_period = _period_column(statement)
    rows = [(["期"] if with_period else []) + ["条款", "标记", "事由与后果"]]
    for flag in statement["flags"]:
        rows.append(([str(flag.get("period", "周期"))] if with_period else [])
                    + [flag["clause"], FLAG_LABELS[flag["kind"]], flag["message"]])
    return rows


def _totals_rows(statement: dict[str, Any]) -> list[list[Any]]:
    paid = [["已付", _yuan(statement["already_paid"])]] if "already_paid" in statement else []
    interest = ([["甲方应付迟延付款违约金（另行支付）", _yuan(statement["owed_by_buyer"])]]
                if "owed_by_buyer" in statement else [])
    return [
        ["应结算服务费" if not paid else "本次付款金额", _yuan(statement["gross"])],
        ["扣款合计", _yuan(statement["deductions_total"])],
        ["净额（应结算 − 扣款）", _yuan(statement["net"])],
        *paid,
        ["暂停支付（暂扣）", _yuan(statement["withheld"])],
        ["乙方应补足", _yuan(statement["owed_by_vendor"])],
        *interest,
    ] + ([["结算方式", payable_sentence(statement)]] if statement.get("settled_in") else [
        ["本期应付", _yuan(statement["payable"])],
        ["本期应付（大写）", statement["amount_in_words"]],
    ])


def _tranche_rows(statement: dict[str, Any]) -> list[list[Any]]:
    """Due date, status, trigger, payments and payment conditions of a tranche statement."""
    tranche = statement["tranche"]
    due = tranche["due"]
    trigger = tranche["trigger"]
    rows = [
        ["触发", "；".join(trigger["basis"]) or "—"],
        ["付款期限", due["how"] if due else f"尚未确定，待：{'、'.join(trigger['awaiting'])}"],
        ["状态", f"{tranche['status_label']}（截至 {statement['as_of']}）"],
        ["已付款", "；".join(f"{p['date']} {money.grouped(Decimal(p['amount']))} 元"
                          for p in tranche["payments"]) or "—"],
    ]
    rows += [[f"{CHECK_MARKS[c['status']]} {c['clause']}", c["message"]] for c in statement["checks"]]
    rows += [[f"验收 {m['deliverable']}", f"{m['accepted_on'] or '尚未通过'}：{m['how']}（{m['clause']}）"]
             for m in statement["acceptance"]]
    rows += [[f"解除结算 {t['clause']}", f"{t['explanation']}；甲方应付 {t['buyer_pays']} 元，乙方应退 "
              f"{t['vendor_refunds']} 元"] for t in statement["termination"]]
    return rows


def _progress_story(statement: dict[str, Any]) -> list[Any]:
    """Deliverable quotas and counters of a period statement (酒仙桥 2.2, 规自委 6.1)."""
    story: list[Any] = []
    if statement.get("exposure_total", "0.00") != "0.00":
        story.append(_p(f"甲方可主张而尚未主张的违约金合计 {money.grouped(Decimal(statement['exposure_total']))}"
                        " 元（甲方主张后方扣除，未计入本期扣款）。"))
    if statement.get("deliverables"):
        rows = [["条款", "服务成果", "频次", "应交", "已交", "共计", "逾期"]]
        rows += [[d["clause"], d["label"], d["cadence_label"], str(d["due_so_far"]),
                  str(d["delivered"]), str(d["total"]), _p("\n".join(d["late"] + d["overdue"] + d["rejected"]) or "—",
                                                           "small")]
                 for d in statement["deliverables"]]
        story += [_p("服务成果交付进度（截至本期末）", "heading"),
                  _table(rows, [14, 38, 16, 10, 10, 10, 72])]
    if statement.get("counters"):
        story += [_p("累计计数", "heading"),
                  _table([["条款", "计数"]] + [[c["clause"], c["text"]] for c in statement["counters"]],
                         [18, 152])]
    return story


def _termination_story(statement: dict[str, Any]) -> list[Any]:
    """A termination statement: the ground, the settlement, and what each side owes."""
    item = statement["termination"]
    rows = [["解除日", statement["terminated_on"]],
            ["解除依据", f"第 {statement['ground']['clause']} 条 {statement['ground']['title']}"],
            ["结算依据", f"第 {statement['settled_under']['clause']} 条 {statement['settled_under']['title']}"],
            ["应得服务费", f"{money.grouped(Decimal(item['earned']))} 元：{item['explanation']}"],
            ["已付", _yuan(item["paid"])]]
    if item["penalty"]:
        payer = "乙方" if item["penalty"]["payer"] == "vendor" else "甲方"
        rows.append([f"{payer}应付违约金", _yuan(item["penalty"]["amount"])])
    rows.append(["扣款（截至解除日）", _yuan(item["deductions"])])
    if item["notice"]:
        notice = item["notice"]
        rows.append([f"提前 {notice['required_days']} 日通知", f"通知日 {notice['given'] or '未记录'}，"
                     + ("已满足" if notice["sufficient"] else "不足")])
    refund = item["vendor_refunds"] != "0.00"
    rows += [["乙方应退还" if refund else "甲方应支付",
              _yuan(item["vendor_refunds"] if refund else item["buyer_pays"])],
             ["大写", item["amount_in_words"]],
             ["期限", item["due"]["date"] if item["due"] else "合同未约定"]]
    story = [_p("解除结算", "heading"), _table(rows, [35, 135], header=False),
             _p("解除依据条款原文", "heading"), _p(statement["ground"]["text"])]
    if statement["deductions"]:
        story += [_p("解除日前发生的扣款", "heading"),
                  _table([["条款", "计算", "金额（元）"]]
                         + [[line["clause"], line["explanation"], _yuan(line["amount"])]
                            for line in statement["deductions"]], [18, 120, 32])]
    return story


def _signatures() -> Table:
    cell = "{}\n\n\n经办人（签字）：______________\n\n日期：______年____月____日\n\n（盖章）"
    table = Table([[_p(cell.format("甲方审核")), _p(cell.format("乙方确认"))]],
                  colWidths=[85 * mm, 85 * mm])
    table.setStyle(TableStyle([("BOX", (0, 0), (0, 0), 0.4, colors.grey),
                               ("BOX", (1, 0), (1, 0), 0.4, colors.grey),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _head(statement: dict[str, Any], subtitle: str) -> list[Any]:
    return [
        _p(statement["contract_title"], "title"),
        _p(subtitle, "subtitle"),
        Spacer(1, 4 * mm),
        _table([
            ["合同", statement["contract"]],
            ["甲方", statement["parties"]["buyer"]],
            ["乙方", statement["parties"]["vendor"]],
            ["结算期间", span_label(statement)],
            *([["市级评价", statement.get("rating") or "—"]] if "period" in statement else []),
            ["输入指纹 sha256", _p(statement["fingerprint"]["sha256"], "small")],
        ], [35, 135], header=False),
    ]


def _interpretation_story(statement: dict[str, Any], heading: str) -> list[Any]:
    if not statement["interpretations"]:
        return []
    return [_p(heading, "heading"),
            _table([["条款", "本结算采用的解释"]]
                   + [[i["clause"], i["interpretation"]] for i in statement["interpretations"]],
                   [18, 152])]


def _appendix(statement: dict[str, Any], contract: Contract,
              annex: dict[int, tuple[int, int]]) -> list[Any]:
    """附录: for each deduction, the trace ``compliance explain`` prints — clause, rule and
    parameters, facts with file:line, arithmetic with rounding, interpretation — with its
    first facts only: the annex lists every one."""
    if not statement["deductions"]:
        return []
    story: list[Any] = [PageBreak(), _p("附录 扣款计算过程", "heading"),
                        _p("每行扣款所依据的条款、规则及参数、所匹配的事实（文件:行）、逐步计算与四舍五入；"
                           f"与 compliance explain 的输出一致（每行列出前 {APPENDIX_FACTS} 项事实，"
                           "全部事实见附件：扣款明细）。", "small")]
    events = events_by_id(statement)
    for number, line in enumerate(statement["deductions"], start=1):
        first, last = annex.get(number, (0, 0))
        more = f"，逐条见附件：扣款明细第 {first}–{last} 号" if first else ""
        node = line_node(number, line, contract, events, shown=APPENDIX_FACTS, more=more)
        for depth, text in node.outline():
            style = "base" if depth == 0 else "small"
            story.append(_indented(text, style, depth))
    return story


def _indented(text: str, style: str, depth: int) -> Paragraph:
    paragraph = _p(text, style)
    paragraph.style = ParagraphStyle(f"{style}-{depth}", parent=_styles()[style],
                                     leftIndent=depth * 5 * mm,
                                     spaceBefore=6 if depth == 0 else 0)
    return paragraph


def _subtitle(statement: dict[str, Any]) -> str:
    """结算单, or what keeps it from being one to sign: no facts file, or a month still running."""
    if statement.get("estimated"):
        return "估算单（无事实文件，不作为结算依据）"
    return "结算单（中期，未结束）" if statement.get("interim") else "结算单"


def _story(statement: dict[str, Any], contract: Contract) -> list[Any]:
    if "ground" in statement:
        return [*_head(statement, "解除结算单"), *_termination_story(statement),
                *_interpretation_story(statement, "适用条款的解释"), Spacer(1, 8 * mm),
                KeepTogether([_p("签章", "heading"), _signatures()])]
    wide = _period_column(statement)
    story: list[Any] = [
        *_head(statement, _subtitle(statement)),
        *[_p(statement[key], "heading") for key in ("estimated", "interim") if statement.get(key)],
        _p("一、服务费" if "tranche" not in statement else "一、本次付款", "heading"),
        _table(_fee_rows(statement), ([10] if wide else []) + [18, 115, 37]) if statement["fees"]
        else _p("本合同按分期付款结算，本期不单独计付服务费；本期扣款在下一次应付款中抵扣。"),
    ]
    if "tranche" in statement:
        story.append(_table(_tranche_rows(statement), [35, 135], header=False))
    story.append(_p("二、扣款", "heading"))
    annex_rows = _annex_rows(statement)
    annex = _annex_ranges(annex_rows)
    if statement["deductions"]:
        story.append(_table(_deduction_rows(statement, annex),
                            [8] + ([8] if wide else []) + [14, 64 - (8 if wide else 0), 14, 22, 26, 22]))
        if annex_rows:
            story.append(_p("各行所依据的工单号及事实（文件:行）逐条列于附件：扣款明细。", "small"))
    else:
        story.append(_p("本期无扣款。"))
    story.append(_p("三、标记与后果", "heading"))
    if statement["flags"]:
        story.append(_table(_flag_rows(statement), ([10] if wide else []) + [16, 30, 124]))
    else:
        story.append(_p("本期无标记。"))
    story += _progress_story(statement)
    story += [_p("四、合计", "heading"), _table(_totals_rows(statement), [70, 100], header=False)]
    if statement.get("owed_by_buyer_lines"):
        story.append(_p("甲方迟延付款违约金", "heading"))
        story.append(_table([["条款", "计算", "金额（元）"]]
                            + [[line["clause"], line["explanation"], _yuan(line["amount"])]
                               for line in statement["owed_by_buyer_lines"]], [18, 120, 32]))
    story += _interpretation_story(statement, "五、适用条款的解释")
    story += [Spacer(1, 8 * mm), KeepTogether([_p("签章", "heading"), _signatures()])]
    return story + _appendix(statement, contract, annex) + _annex(statement, contract, annex_rows)


def _footer(fingerprint: str):
    def draw(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7)
        canvas.drawString(20 * mm, 10 * mm, f"指纹 {fingerprint[:16]}…  由 compliance 生成，每个金额均注明合同条款")
        canvas.drawRightString(190 * mm, 10 * mm, f"第 {document.page} 页")
        canvas.restoreState()
    return draw


def render(statement: dict[str, Any], contract: Contract, stamp: Any = None) -> bytes:
    """The statement as PDF bytes, with the contract's clause texts in the appendix;
    identical statements give identical bytes. (``stamp``, the register's record of an issued
    statement, is printed on it from the next change on.)"""
    buffer = io.BytesIO()
    _styles()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
        bottomMargin=18 * mm, title=f"{statement['contract']} 结算单", author="compliance",
        subject=span_label(statement), creator="compliance", invariant=1,
    )
    footer = _footer(statement["fingerprint"]["sha256"])
    document.build(_story(statement, contract), onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
