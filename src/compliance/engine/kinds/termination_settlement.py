"""解除或终止时的结算: on termination under a clause, the price earned so far against what
was paid, with the penalty that clause attaches (羊坊店 3.7, 9.4; 城北 六(四); 酒仙桥 6.3: 乙方
应在甲方通知后三日内退还未提供服务期间的服务费用，同时按照年服务费用的 30% 支付违约金; 规自委 6.8:
对经双方共同认可的工作量（按照服务天数及服务人员数量计算），甲方支付相应的费用，其余费用乙方应在
合同解除后 30 日归还).

Earned, by days: fen(合同总价款 × days served ÷ days in the term), the termination day
being the last day served. By staff-days: fen(合同总价款 × staff-days provided ÷ (staff ×
days in the term)), where staff-days provided = staff × days served − the staff-days
the shortfall facts record up to the termination.
Balance = earned − payments − the vendor's penalty + the buyer's penalty − every deduction
and claimed penalty that arose by the termination (the lines given by the caller): the
account's own identity, so a tranche paid net of its deductions is not credited them twice.
Positive, the buyer pays it by the due date; negative, the vendor refunds it. A clause that
needs notice checks the latest notice recorded before the termination.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from compliance.model import money
from compliance.model.facts import PAYMENT, PENALTY_CLAIM
from compliance.model.workdays import Deadline
from compliance.engine.kinds.base import Rule
from compliance.engine.kinds.staffing import staff_days

ZERO = Decimal("0")
PARTY_LABEL = {"vendor": "乙方", "buyer": "甲方"}


def validate_rule(rule: Rule) -> str | None:
    params = rule.params
    if (params.basis == "staff_days") != (params.staff is not None and params.shortfall_event is not None):
        return "basis 为 staff_days 时须写 staff 和 shortfall_event（也只有它用这两项）"
    if (params.notice_days > 0) != (params.notice_event is not None):
        return "notice_days 与 notice_event 须同时写明"
    return None


@dataclass(frozen=True)
class Notice:
    required_days: int
    given: date | None
    earliest: date | None
    sufficient: bool
    note: str | None = None
    """How ``earliest`` was moved past days off (《民法典》第二百零三条), if it was."""

    def to_json(self) -> dict:
        return {"required_days": self.required_days,
                "given": self.given.isoformat() if self.given else None,
                "earliest": self.earliest.isoformat() if self.earliest else None,
                "sufficient": self.sufficient, "note": self.note}


@dataclass(frozen=True)
class Settlement:
    rule: Rule
    terminated_on: date
    days_served: int
    days_in_term: int
    earned: Decimal
    earned_how: str
    paid: Decimal
    penalty: Decimal
    due: Deadline | None
    notice: Notice | None = None
    deductions: Decimal = ZERO
    """Every deduction and claimed penalty (less claims waived) that arose by the termination."""
    payments: list = field(default_factory=list)
    claimed_on: str | None = None
    """Where the buyer already claimed this clause's penalty: one breach, one penalty, so the
    termination does not charge it again (it is among the deductions instead)."""
    ground: str | None = None
    """The clause the termination was made under (羊坊店 9.2(5)), settled under this rule."""

    @property
    def balance(self) -> Decimal:
        sign = -1 if self.rule.params.penalty_payer == "vendor" else 1
        return self.earned - self.paid + sign * self.penalty - self.deductions

    def to_json(self) -> dict:
        params = self.rule.params
        balance = self.balance
        explanation = f"{self.earned_how}；已付 {money.grouped(self.paid)} 元"
        if self.penalty:
            explanation += (f"；{PARTY_LABEL[params.penalty_payer]}应付违约金 "
                            f"{money.grouped(self.penalty)} 元")
        if self.claimed_on:
            explanation += (f"；第 {self.rule.clause} 条违约金已由甲方主张（{self.claimed_on}），"
                            "计入扣款，不重复计收")
        if self.deductions:
            explanation += f"；扣款 {money.grouped(self.deductions)} 元"
        return {
            "clause": self.rule.clause, "rule": self.rule.id,
            "settled_under": params.settled_under or self.rule.clause,
            "ground": self.ground or self.rule.clause,
            "party": params.party, "terminated_on": self.terminated_on.isoformat(),
            "days_served": self.days_served, "days_in_term": self.days_in_term,
            "basis": params.basis, "earned": money.as_json(self.earned),
            "paid": money.as_json(self.paid),
            "penalty": None if not self.penalty else {
                "amount": money.as_json(self.penalty), "payer": params.penalty_payer,
                "rate": str(params.penalty_rate), "base": params.penalty_base},
            "deductions": money.as_json(self.deductions),
            "balance": money.as_json(balance),
            "buyer_pays": money.as_json(max(balance, ZERO)),
            "vendor_refunds": money.as_json(max(-balance, ZERO)),
            "amount_in_words": money.in_words(abs(balance)),
            "due": None if self.due is None else {"date": self.due.day.isoformat(),
                                                  "provisional": self.due.provisional,
                                                  "note": self.due.note},
            "notice": None if self.notice is None else self.notice.to_json(),
            "penalty_claimed_on": self.claimed_on,
            "explanation": explanation,
        }


def penalty_claimed_on(lines, clause: str) -> str | None:
    """Where the buyer already claimed the penalty of ``clause`` (酒仙桥 6.3: 30% once, however
    many statements or terminations mention the breach): the claim's date and file:line."""
    claims = [line for line in lines if line.type == PENALTY_CLAIM and line.clause == clause]
    if not claims:
        return None
    fact = claims[0].trace.facts[0]
    return f"{fact['date']}，{fact.get('source', '')}".rstrip("，")


def recorded_termination(rule: Rule, view, shared: bool = False):
    """The first termination recorded under this clause (or one of the ``grounds`` it settles,
    羊坊店 9.2 settled by 3.7) by the date of judgement, or None. Where several clauses share
    the event type (酒仙桥 6.3, 6.4, 6.5; 羊坊店 3.7, 9.4), the fact must name its clause."""
    allowed = (rule.clause, *rule.params.grounds, *(() if shared else (None,)))
    recorded = [e for e in view.of_type(rule.params.event_type) if e.event.clause in allowed]
    return min(recorded, key=lambda e: (e.event.date, e.source), default=None)


def settlement(rule: Rule, view, terminated_on: date | None = None, lines=(),
               shared: bool = False, claimed_on: str | None = None,
               ground: str | None = None) -> Settlement | None:
    """The settlement on ``terminated_on``, or on the termination recorded (None if none),
    netting the vendor's ``lines`` (deductions, claims) that arose by then. ``claimed_on``
    names the claim of this clause's penalty already made, if any: the penalty is then not
    charged again."""
    recorded = None if terminated_on else recorded_termination(rule, view, shared)
    ended = terminated_on or (recorded.event.date if recorded else None)
    if ended is None:
        return None
    contract, params = view.contract, rule.params
    served = max((min(ended, contract.term.end) - contract.term.start).days + 1, 0)
    in_term = (contract.term.end - contract.term.start).days + 1
    earned, how = _earned(rule, view, ended, served, in_term)
    payments = [e for e in view.of_type(PAYMENT) if e.event.date <= ended or terminated_on is None]
    paid = sum((e.event.amount for e in payments), ZERO)
    penalty = (money.fen(params.penalty_rate * contract.base_amount(params.penalty_base))
               if params.penalty_rate and not claimed_on else ZERO)
    due = _due(view, ended, params)
    ground = ground or (recorded.event.clause if recorded else None) or rule.clause
    deductions = sum((line.amount for line in lines if line.owed_by == "vendor"
                      and (line.trace.arose() or "") <= ended.isoformat()), ZERO)
    return Settlement(rule, ended, served, in_term, earned, how, paid, penalty, due,
                      _notice(rule, view, ended), deductions, payments, claimed_on, ground)


def _due(view, ended: date, params) -> Deadline | None:
    """N 日（或 N 个工作日）after the termination (酒仙桥 6.3: 三日内；规自委 6.8: 30 日), a last
    day off moved to the next working day under 《民法典》第二百零三条 when the contract
    keeps that rule (``view.calendar`` is the contract's); None when the contract sets none."""
    return view.calendar.add(ended, params.offset, params.offset_unit) if params.offset else None


def _earned(rule: Rule, view, ended: date, served: int, in_term: int) -> tuple[Decimal, str]:
    params = rule.params
    total = view.contract.total_price.amount
    if params.basis == "days":
        earned = money.fen(total * served / in_term)
        return earned, (f"合同总价款 {money.grouped(total)} 元 × 已服务 {served} 日 ÷ {in_term} 日 = "
                        f"{money.grouped(earned)} 元")
    missing = sum(staff_days(e.event) for e in view.of_type(params.shortfall_event)
                  if e.event.date <= ended)
    provided = params.staff * served - missing
    earned = money.fen(total * provided / Decimal(params.staff * in_term))
    return earned, (f"服务人日 {params.staff} 人 × {served} 日 − 缺员 {missing} 人日 = {provided} 人日；"
                    f"合同总价款 {money.grouped(total)} 元 × {provided} ÷ ({params.staff} × {in_term}) = "
                    f"{money.grouped(earned)} 元")


def _notice(rule: Rule, view, ended: date) -> Notice | None:
    """The latest notice before ``ended`` and the earliest day it allows: notice + N 日,
    moved to the next working day if that is a day off (《民法典》第二百零三条, as the
    contract says; 酒仙桥 6.5: 提前 60 日书面通知)."""
    params = rule.params
    if not params.notice_days:
        return None
    notices = [e.event.received or e.event.date for e in view.of_type(params.notice_event)
               if (e.event.received or e.event.date) <= ended]
    given = max(notices, default=None)
    if given is None:
        return Notice(params.notice_days, None, None, False)
    earliest = view.calendar.add(given, params.notice_days, "calendar")
    return Notice(params.notice_days, given, earliest.day, earliest.day <= ended,
                  earliest.extension_note)

