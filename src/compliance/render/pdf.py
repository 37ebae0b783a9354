"""The statement as a Chinese A4 PDF a finance clerk can sign.

The font is WenQuanYi Micro Hei 文泉驿微米黑 (Apache-2.0), bundled in ``fonts/`` and
embedded (subset) in every PDF, so the statement renders, Chinese and Latin alike, on
machines without Chinese fonts.
``invariant=1`` makes the same statement produce the same bytes.
"""
from __future__ import annotations

import io
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from compliance.model import money
from compliance.model.contract import Contract
from compliance.legal.explain import line_node
from compliance.model.fieldtypes import FLAG_LABELS
from compliance.engine.outcome import CHECK_MARKS, TRACE_KEY
from compliance.views.statement import payable_sentence

FONT = "WenQuanYiMicroHei"
FONT_FILE = Path(__file__).parents[1] / "fonts" / "wqy-microhei.ttc"



@cache
def _styles() -> dict[str, ParagraphStyle]:
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILE), subfontIndex=0))
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


def _deduction_rows(statement: dict[str, Any]) -> list[list[Any]]:
    with_period = _period_column(statement)
    rows = [(["期"] if with_period else []) + ["条款", "计算", "单号/依据", "金额（元）"]]
    for line in statement["deductions"]:
        refs = "、".join(line["refs"]) or "、".join(f["source"] for f in line[TRACE_KEY]["facts"]
                                                   if "source" in f) or "—"
        rows.append(([str(line["period"])] if with_period else [])
                    + [line["clause"], line["explanation"], _p(refs, "small"), _yuan(line["amount"])])
    return rows


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


def _appendix(statement: dict[str, Any], contract: Contract) -> list[Any]:
    """附录: for each deduction, the trace ``compliance explain`` prints — clause, rule and
    parameters, facts with file:line, arithmetic with rounding, interpretation."""
    if not statement["deductions"]:
        return []
    story: list[Any] = [PageBreak(), _p("附录 扣款计算过程", "heading"),
                        _p("每行扣款所依据的条款、规则及参数、所匹配的事实（文件:行）、逐步计算与四舍五入；"
                           "与 compliance explain 的输出一致。", "small")]
    for number, line in enumerate(statement["deductions"], start=1):
        for depth, text in line_node(number, line, contract).outline():
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
    if statement["deductions"]:
        story.append(_table(_deduction_rows(statement), ([10] if wide else []) + [16, 88, 34, 32]))
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
    return story + _appendix(statement, contract)


def _footer(fingerprint: str):
    def draw(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7)
        canvas.drawString(20 * mm, 10 * mm, f"指纹 {fingerprint[:16]}…  由 compliance 生成，每个金额均注明合同条款")
        canvas.drawRightString(190 * mm, 10 * mm, f"第 {document.page} 页")
        canvas.restoreState()
    return draw


def render(statement: dict[str, Any], contract: Contract) -> bytes:
    """The statement as PDF bytes, with the contract's clause texts in the appendix;
    identical statements give identical bytes."""
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
