"""The statement as a Chinese A4 PDF a finance clerk signs and files (issue 15).

The signed pages carry only what the parties sign: a header (结算单编号, 出具日期, 合同编号,
合同名称, 甲方, 乙方, 结算期间, 状态), the 更正说明 of a corrective statement, the fees, the
deductions with their clause and calculation, the flags and their consequences, and the
合计 — every amount that moves money with its 大写 — kept on one page with the approval block
(甲方 经办 / 复核 / 审核 / 负责人, 乙方确认, both seals). Technical identifiers (fingerprints,
file:line, rule ids) and the step-by-step calculation follow in the 附件：计算依据
(:mod:`compliance.render.basis`).

Every page's footer names the statement and says 第 X 页 共 Y 页; a draft (no
:class:`~compliance.render.stamp.Stamp`), a voided and a superseded statement are written
across every page (草稿, 已作废, 已更正). One font, embedded: the canvas starts in it instead
of reportlab's Helvetica, which would otherwise be named, unembedded, in every PDF.
``invariant=1`` makes the same statement and stamp produce the same bytes.
"""
from __future__ import annotations

import io
from decimal import Decimal
from typing import Any, Callable

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, SimpleDocTemplate, Spacer

from compliance.engine.outcome import CHECK_MARKS
from compliance.model import money
from compliance.model.contract import Contract
from compliance.model.fieldtypes import FLAG_LABELS
from compliance.render.basis import annex_ranges, basis_story, facts_by_line
from compliance.render.correction import correction_story
from compliance.render.pagecount import canvas_maker
from compliance.render.pdfparts import (BLANK, FONT, NUMERALS, SHADE, WIDTH, Amount, Sentence,
                                        amounts_table, day, p, styles, table, yuan)
from compliance.render.signing import approval_block
from compliance.render.stamp import WATERMARKS, Stamp, status_of, status_text
from compliance.views.statement import payable_sentence, span_label
from compliance.views.termination import notice_verdict

POINTER = "计算依据见附件（扣款计算过程、扣款明细及其来源、适用条款的解释与输入指纹），附于本结算单之后。"
WATERMARK_GREY = 0.85
Section = tuple[str, list[Any]]
"""A numbered section of the signed pages: its heading and what follows it."""


def _kind(statement: dict[str, Any]) -> str:
    """结算单, or what keeps it from being one to sign: no facts file, or a month still running."""
    if "ground" in statement:
        return "解除结算单"
    if statement.get("estimated"):
        return "估算单（无事实文件，不作为结算依据）"
    return "结算单（中期，未结束）" if statement.get("interim") else "结算单"


def _head(statement: dict[str, Any], contract: Contract, stamp: Stamp | None) -> list[Any]:
    """The title and the header table; what the register has not given is a blank to fill."""
    rows = [
        ["结算单编号", stamp.number if stamp else BLANK, "出具日期",
         day(stamp.issued_on if stamp else None)],
        ["合同编号", contract.number or BLANK],
        ["合同名称", statement["contract_title"]],
        ["甲方", statement["parties"]["buyer"]],
        ["乙方", statement["parties"]["vendor"]],
        ["结算事项" if "ground" in statement else "结算期间", span_label(statement)],
        *([["市级评价", statement.get("rating") or "—"]] if "period" in statement else []),
        ["状态", status_text(stamp)],
    ]
    spans = [("SPAN", (1, row), (3, row)) for row in range(1, len(rows))]
    return [p(_kind(statement), "title"), Spacer(1, 3 * mm),
            table([row + [""] * (4 - len(row)) for row in rows], [24, 61, 24, 61], header=False,
                  labels=True, extra=[*spans, ("BACKGROUND", (2, 0), (2, 0), SHADE)]),
            *[p(statement[key], "notice") for key in ("estimated", "interim") if statement.get(key)]]


def _period_column(statement: dict[str, Any]) -> bool:
    return "cycle" in statement and "period" not in statement


def _fees(statement: dict[str, Any]) -> Section:
    """服务费 (or 本次付款): the fee lines, and a tranche's trigger, due date and conditions."""
    title = "本次付款" if "tranche" in statement else "服务费"
    if not statement["fees"]:
        return title, [p("本合同按分期付款结算，本期不单独计付服务费；本期扣款在下一次应付款中抵扣。")]
    wide = _period_column(statement)
    rows = [(["期"] if wide else []) + ["条款", "项目", p("金额（元）", "right")]]
    rows += [([str(fee["period"])] if wide else []) + [fee["clause"], fee["label"], yuan(fee["amount"])]
             for fee in statement["fees"]]
    story = [table(rows, ([10] if wide else []) + [18, WIDTH - 55 - (10 if wide else 0), 37])]
    if "tranche" in statement:
        story += [Spacer(1, 2 * mm),
                  table(_tranche_rows(statement), [35, WIDTH - 35], header=False, labels=True)]
    return title, story


def _tranche_rows(statement: dict[str, Any]) -> list[list[Any]]:
    """Due date, status, trigger, payments and payment conditions of a tranche statement."""
    tranche = statement["tranche"]
    due = tranche["due"]
    trigger = tranche["trigger"]
    rows = [
        ["触发", "；".join(trigger["basis"]) or "—"],
        ["付款期限", due["how"] if due else f"尚未确定，待：{'、'.join(trigger['awaiting'])}"],
        ["状态", f"{tranche['status_label']}（截至 {statement['as_of']}）"],
        ["已付款", "；".join(f"{pay['date']} {money.grouped(Decimal(pay['amount']))} 元"
                          for pay in tranche["payments"]) or "—"],
    ]
    rows += [[f"{CHECK_MARKS[c['status']]} {c['clause']}", c["message"]] for c in statement["checks"]]
    rows += [[f"验收 {m['deliverable']}", f"{m['accepted_on'] or '尚未通过'}：{m['how']}（{m['clause']}）"]
             for m in statement["acceptance"]]
    rows += [[f"解除结算 {t['clause']}", f"{t['explanation']}；甲方应付 {t['buyer_pays']} 元，乙方应退 "
              f"{t['vendor_refunds']} 元"] for t in statement["termination"]]
    return rows


def _deductions(statement: dict[str, Any]) -> Section:
    """扣款: one row per deduction line — clause, how it was reached, count, unit, amount — and
    where in the 扣款明细 its work orders are listed (never the refs themselves: a busy month
    has thousands)."""
    if not statement["deductions"]:
        return "扣款", [p("本期无扣款。")]
    annex = annex_ranges(facts_by_line(statement))
    wide = _period_column(statement)
    rows = [["行"] + (["期"] if wide else []) + ["条款", "计算", p("数量", "right"),
                                                 p("单价（元）", "right"), p("金额（元）", "right"), "明细序号"]]
    for number, line in enumerate(statement["deductions"], start=1):
        first, last = annex.get(number, (0, 0))
        where = "—" if not first else str(first) if first == last else f"{first}–{last}"
        rows.append([str(number)] + ([str(line["period"])] if wide else [])
                    + [line["clause"], line["explanation"], p(line["quantity"], "right"),
                       yuan(line["unit_amount"]), yuan(line["amount"]), p(where, "small")])
    widths = [8] + ([8] if wide else []) + [14, 64 - (8 if wide else 0), 14, 22, 26, 22]
    story = [table(rows, widths)]
    if annex:
        story.append(p("各行所依据的工单号及事实（含来源）逐条列于附件扣款明细，“明细序号”为其序号。", "small"))
    return "扣款", story


def _buyer_interest(statement: dict[str, Any]) -> list[Section]:
    """甲方迟延付款违约金 of a tranche statement, line by line (城北 五(二)1)."""
    if not statement.get("owed_by_buyer_lines"):
        return []
    rows = [["条款", "计算", p("金额（元）", "right")]]
    rows += [[line["clause"], line["explanation"], yuan(line["amount"])]
             for line in statement["owed_by_buyer_lines"]]
    return [("甲方迟延付款违约金", [table(rows, [18, WIDTH - 50, 32])])]


def _flags(statement: dict[str, Any]) -> Section:
    """标记与后果; on a cycle statement each names its month, or 周期 where the whole cycle's
    payment raised it (高米店 6.6 补足, 4.6.4 暂停支付); and what the buyer may still claim."""
    story: list[Any] = []
    if statement["flags"]:
        wide = _period_column(statement)
        rows = [(["期"] if wide else []) + ["条款", "标记", "事由与后果"]]
        rows += [([str(flag.get("period", "周期"))] if wide else [])
                 + [flag["clause"], FLAG_LABELS[flag["kind"]], flag["message"]]
                 for flag in statement["flags"]]
        story.append(table(rows, ([10] if wide else []) + [16, 26, WIDTH - 42 - (10 if wide else 0)]))
    else:
        story.append(p("本期无标记。"))
    if statement.get("exposure_total", "0.00") != "0.00":
        story.append(p(f"甲方可主张而尚未主张的违约金合计 {money.grouped(Decimal(statement['exposure_total']))}"
                       " 元（甲方主张后方扣除，未计入本期扣款）。"))
    return "标记与后果", story


def _progress(statement: dict[str, Any]) -> list[Section]:
    """Deliverable quotas and counters of a period statement (酒仙桥 2.2, 规自委 6.1)."""
    sections: list[Section] = []
    if statement.get("deliverables"):
        rows = [["条款", "服务成果", "频次", "应交", "已交", "共计", "逾期"]]
        rows += [[d["clause"], d["label"], d["cadence_label"], str(d["due_so_far"]), str(d["delivered"]),
                  str(d["total"]), p("\n".join(d["late"] + d["overdue"] + d["rejected"]) or "—", "small")]
                 for d in statement["deliverables"]]
        sections.append(("服务成果交付进度（截至本期末）", [table(rows, [14, 38, 16, 10, 10, 10, 72])]))
    if statement.get("counters"):
        rows = [["条款", "计数"]] + [[c["clause"], c["text"]] for c in statement["counters"]]
        sections.append(("累计计数", [table(rows, [18, WIDTH - 18])]))
    return sections


def _totals(statement: dict[str, Any]) -> list[Amount | Sentence]:
    """合计: what the statement adds up to; what the vendor makes up, the buyer's interest and
    what is paid now each with its 大写."""
    tranche = "already_paid" in statement
    rows: list[Amount | Sentence] = [
        ("本次付款金额" if tranche else "应结算服务费", statement["gross"], False),
        ("扣款合计", statement["deductions_total"], False),
        ("净额（应结算 − 扣款）", statement["net"], False),
        *([("已付", statement["already_paid"], False)] if tranche else []),
        ("暂停支付（暂扣）", statement["withheld"], False),
        ("乙方应补足", statement["owed_by_vendor"], True),
        *([("甲方应付迟延付款违约金（另行支付）", statement["owed_by_buyer"], True)]
          if "owed_by_buyer" in statement else []),
    ]
    if statement.get("settled_in"):
        return [*rows, ("结算方式", payable_sentence(statement))]
    return [*rows, ("本期应付", statement["payable"], True)]


def _statement_sections(statement: dict[str, Any]) -> list[Section]:
    return [_fees(statement), _deductions(statement), *_buyer_interest(statement),
            _flags(statement), *_progress(statement)]


def _termination_sections(statement: dict[str, Any]) -> list[Section]:
    """A termination statement: the ground, the settlement, the clause's text, the deductions."""
    item = statement["termination"]
    rows = [["解除日", statement["terminated_on"]],
            ["解除依据", f"第 {statement['ground']['clause']} 条 {statement['ground']['title']}"],
            ["结算依据", f"第 {statement['settled_under']['clause']} 条 {statement['settled_under']['title']}"],
            ["计算", item["explanation"]]]
    if item["notice"]:
        rows.append(["通知", notice_verdict(item["notice"])])
    sections: list[Section] = [("解除结算", [table(rows, [35, WIDTH - 35], header=False, labels=True)]),
                               ("解除依据条款原文", [p(statement["ground"]["text"])])]
    if statement["deductions"]:
        lines = [["条款", "计算", p("金额（元）", "right")]]
        lines += [[line["clause"], line["explanation"], yuan(line["amount"])]
                  for line in statement["deductions"]]
        sections.append(("解除日前发生的扣款", [table(lines, [18, WIDTH - 50, 32])]))
    return sections


def _termination_totals(statement: dict[str, Any]) -> list[Amount | Sentence]:
    """合计 of a termination: what was earned and paid, the penalty, the deductions, and each
    party's balance with its 大写 and the day it is due."""
    item = statement["termination"]
    penalty = item["penalty"]
    payer = "乙方" if penalty and penalty["payer"] == "vendor" else "甲方"
    return [("应得服务费", item["earned"], False), ("已付", item["paid"], False),
            *([(f"{payer}应付违约金", penalty["amount"], False)] if penalty else []),
            ("扣款（截至解除日）", item["deductions"], False),
            ("甲方应支付", item["buyer_pays"], True), ("乙方应退还", item["vendor_refunds"], True),
            ("期限", _due(item["due"]))]


def _due(due: dict[str, Any] | None) -> str:
    """The day a termination's balance is due, and why it moved (《民法典》第二百零三条)."""
    if due is None:
        return "合同未约定"
    return f"{due['date']}前（{due['note']}）" if due.get("note") else f"{due['date']}前"


def _signed_pages(statement: dict[str, Any], contract: Contract, stamp: Stamp | None) -> list[Any]:
    """Header, 更正说明, the numbered sections, and the 合计 kept on one page with the
    approval block."""
    termination = "ground" in statement
    sections = _termination_sections(statement) if termination else _statement_sections(statement)
    story = _head(statement, contract, stamp)
    if statement.get("correction"):
        story += correction_story(statement["correction"])
    for number, (title, body) in enumerate(sections):
        story += [p(f"{NUMERALS[number]}、{title}", "heading"), *body]
    totals = _termination_totals(statement) if termination else _totals(statement)
    return story + [KeepTogether([
        p(f"{NUMERALS[len(sections)]}、合计", "heading"), amounts_table(totals),
        Spacer(1, 2 * mm), p(POINTER, "small"), Spacer(1, 4 * mm),
        p("签章", "heading"), approval_block(stamp)])]


def _reference(stamp: Stamp | None) -> str:
    """How the footer and the 附件 name the statement."""
    return f"第 {stamp.number} 号结算单" if stamp else "结算单草稿（未出具，未编号）"


def _watermark(stamp: Stamp | None) -> Callable[[Canvas, Any], None]:
    """Draws 草稿, 已作废 or 已更正 large, light grey and diagonal, under each page's content;
    nothing on an issued or approved statement."""
    text = WATERMARKS.get(status_of(stamp))

    def draw(canvas: Canvas, document: Any) -> None:
        if not text:
            return
        canvas.saveState()
        canvas.setFillGray(WATERMARK_GREY)
        canvas.setFont(FONT, 110)
        canvas.translate(A4[0] / 2, A4[1] / 2)
        canvas.rotate(40)
        canvas.drawCentredString(0, -40, text)
        canvas.restoreState()
    return draw


def _footer(reference: str) -> Callable[[Canvas, int, int], None]:
    """Draws, once the page count is known, which statement this is and 第 X 页 共 Y 页."""
    def draw(canvas: Canvas, page: int, pages: int) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.drawString(20 * mm, 10 * mm, reference)
        canvas.drawRightString(190 * mm, 10 * mm, f"第 {page} 页 共 {pages} 页")
        canvas.restoreState()
    return draw


def render(statement: dict[str, Any], contract: Contract, stamp: Stamp | None = None) -> bytes:
    """The statement as PDF bytes: the signed pages, then the 附件：计算依据. Without a
    ``stamp`` (a plain ``settle``) it is a draft. Identical statements and stamps give
    identical bytes."""
    buffer = io.BytesIO()
    styles()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
        bottomMargin=18 * mm, title=f"{statement['contract_title']} {_kind(statement)}",
        author="compliance", subject=span_label(statement), creator="compliance", invariant=1,
        initialFontName=FONT,
    )
    reference = _reference(stamp)
    story = _signed_pages(statement, contract, stamp) + basis_story(statement, contract, reference)
    watermark = _watermark(stamp)
    document.build(story, onFirstPage=watermark, onLaterPages=watermark,
                   canvasmaker=canvas_maker(_footer(reference)))
    return buffer.getvalue()
