"""解除或终止时的结算: on termination, the price earned so far against what was paid
(羊坊店 3.7: 解除或终止后 10 个工作日内结算支付; 9.4: 甲方仅需支付已实际提供合格服务对应的费用;
城北 六(四): 乙方扣除按实际完成工作量及工作时间产生的费用后，退还已支付的剩余款项).

Earned = fen(合同总价款 × days served ÷ days in the term), the termination day
being the last day served. Balance = earned − every payment recorded: positive,
the buyer pays it by the due date; negative, the vendor refunds it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .. import money
from ..facts import PAYMENT
from ..workdays import Deadline
from .base import Rule


@dataclass(frozen=True)
class Settlement:
    rule: Rule
    terminated_on: date
    days_served: int
    days_in_term: int
    earned: Decimal
    paid: Decimal
    due: Deadline | None

    @property
    def balance(self) -> Decimal:
        return self.earned - self.paid

    def to_json(self) -> dict:
        total = self.rule.terms.base_amount("total_price")
        explanation = (f"合同总价款 {money.grouped(total)} 元 × 已服务 {self.days_served} 日 ÷ "
                       f"{self.days_in_term} 日 = {money.grouped(self.earned)} 元；已付 "
                       f"{money.grouped(self.paid)} 元")
        balance = self.balance
        return {
            "clause": self.rule.clause, "rule": self.rule.id,
            "terminated_on": self.terminated_on.isoformat(), "days_served": self.days_served,
            "earned": money.as_json(self.earned), "paid": money.as_json(self.paid),
            "buyer_pays": money.as_json(max(balance, Decimal("0"))),
            "vendor_refunds": money.as_json(max(-balance, Decimal("0"))),
            "due": None if self.due is None else {"date": self.due.day.isoformat(),
                                                  "provisional": self.due.provisional,
                                                  "note": self.due.note},
            "explanation": explanation,
        }


def settlement(rule: Rule, view) -> Settlement | None:
    """The termination settlement, when a termination is recorded by the date of judgement."""
    recorded = view.of_type(rule.params.event_type)
    if not recorded:
        return None
    contract = view.contract
    ended = min(e.event.date for e in recorded)
    served = (min(ended, contract.term.end) - contract.term.start).days + 1
    in_term = (contract.term.end - contract.term.start).days + 1
    earned = money.fen(contract.total_price.amount * served / in_term)
    paid = sum((e.event.amount for e in view.of_type(PAYMENT)), Decimal("0"))
    due = (view.calendar.add(ended, rule.params.offset, rule.params.offset_unit)
           if rule.params.offset else None)
    return Settlement(rule, ended, served, in_term, earned, paid, due)
