"""更正说明: what a corrective statement changes in the statement it corrects (issue 15).

The register builds ``statement["correction"]``: the original's number and issue day, the
reason, one change per clause and type (原结算 / 更正后 / 差额, and 补扣 when more is
deducted, 退还 when less; on a cycle statement the month it is in), every total that changed
(扣款合计, 暂停支付 …), and the payable before and after. The section says which statement it
corrects, lists the changes and the totals, and gives the payable's difference with its 大写.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from compliance.render.pdfparts import WIDTH, amounts_table, day, p, table, yuan

AMOUNT_COLUMNS = (("原结算（元）", 26), ("更正后（元）", 26), ("差额（元）", 26), ("补扣或退还", 22))
PERIOD_WIDTH, CLAUSE_WIDTH = 10, 16


def correction_story(correction: dict[str, Any]) -> list[Any]:
    """The 更正说明 section of a corrective statement."""
    issued = day(date.fromisoformat(correction["original_issued_on"]))
    return [
        p("更正说明", "heading"),
        p(f"本结算单更正第 {correction['original']} 号结算单（{issued}出具）。"
          f"更正原因：{correction['reason']}"),
        _changes(correction["changes"]),
        *_totals(correction.get("totals", [])),
        Spacer(1, 2 * mm),
        amounts_table([("原结算本期应付", correction["payable_before"], False),
                       ("更正后本期应付", correction["payable_after"], False),
                       ("差额（更正后 − 原结算）", correction["payable_difference"], True)]),
    ]


def _totals(totals: list[dict[str, Any]]) -> list[Any]:
    """The totals that changed: 项目 / 原结算 / 更正后 / 差额."""
    if not totals:
        return []
    rows = [["项目"] + [title for title, _ in AMOUNT_COLUMNS[:3]]]
    rows += [[total["label"], yuan(total["before"]), yuan(total["after"]), yuan(total["difference"])]
             for total in totals]
    widths = [WIDTH - sum(width for _, width in AMOUNT_COLUMNS[:3])] + [w for _, w in AMOUNT_COLUMNS[:3]]
    return [Spacer(1, 2 * mm), table(rows, widths)]


def _changes(changes: list[dict[str, Any]]):
    """条款 / 情形 / 原结算 / 更正后 / 差额 / 补扣或退还, with the month first when a change
    names one (a cycle statement)."""
    monthly = any("period" in change for change in changes)
    lead = ["期"] if monthly else []
    rows = [lead + ["条款", "情形"] + [title for title, _ in AMOUNT_COLUMNS]]
    rows += [([str(change.get("period", "—"))] if monthly else [])
             + [change["clause"], change["label"], yuan(change["before"]), yuan(change["after"]),
                yuan(change["difference"]), change["effect"]] for change in changes]
    fixed = (PERIOD_WIDTH if monthly else 0) + CLAUSE_WIDTH + sum(width for _, width in AMOUNT_COLUMNS)
    widths = ([PERIOD_WIDTH] if monthly else []) + [CLAUSE_WIDTH, WIDTH - fixed] \
        + [width for _, width in AMOUNT_COLUMNS]
    return table(rows, widths)
