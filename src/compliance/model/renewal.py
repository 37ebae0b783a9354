"""Renewal limits (羊坊店 2.2): checked whenever a renewal is encoded on the contract.

续签次数不得超过两次，总服务期限不得超过三年，合同金额增加部分不能超过原合同采购金额的百分之十.
A renewal that breaks a limit makes the contract file invalid, with the limit it breaks.
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from pydantic import Field

from compliance.model import money
from compliance.model.fieldtypes import Day, Money, Ratio, Strict
from compliance.model.periods import month_boundary

if TYPE_CHECKING:
    from compliance.model.contract import Term


class RenewalLimits(Strict):
    clause: str
    max_renewals: int = Field(ge=0, le=100)
    max_total_years: int = Field(ge=1, le=100)
    max_increase: Ratio


class Renewal(Strict):
    """One renewal: its own service term and contract amount."""

    start: Day
    end: Day
    amount: Money


def check_renewals(limits: RenewalLimits | None, renewals: list[Renewal], term: "Term",
                   original: Decimal) -> None:
    """Raise ValueError naming the limit a renewal breaks."""
    if not renewals:
        return
    if limits is None:
        raise ValueError("编码了续签（renewals），但合同没有写续签限制 renewal_limits")
    where = f"（第 {limits.clause} 条）"
    if len(renewals) > limits.max_renewals:
        raise ValueError(f"续签 {len(renewals)} 次；至多 {limits.max_renewals} 次{where}")
    latest_end = month_boundary(term.start, 12 * limits.max_total_years) - timedelta(days=1)
    previous_end: date = term.end
    ceiling = money.fen(original * (1 + limits.max_increase))
    for number, renewal in enumerate(renewals, start=1):
        if renewal.start != previous_end + timedelta(days=1) or renewal.end <= renewal.start:
            raise ValueError(f"第 {number} 次续签须自 {previous_end + timedelta(days=1)}"
                             "（上一期限届满次日）起算，且结束日晚于开始日")
        if renewal.end > latest_end:
            raise ValueError(f"第 {number} 次续签至 {renewal.end}；总服务期限不得超过 "
                             f"{limits.max_total_years} 年（最后一日 {latest_end}）{where}")
        if renewal.amount > ceiling:
            raise ValueError(f"第 {number} 次续签金额 {money.grouped(renewal.amount)} 比原合同金额 "
                             f"{money.grouped(original)} 增加超过 "
                             f"{money.percent(limits.max_increase)}（至多 "
                             f"{money.grouped(ceiling)}）{where}")
        previous_end = renewal.end
