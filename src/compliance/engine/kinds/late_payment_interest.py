"""甲方迟延付款违约金: the buyer owes the vendor a daily rate for each day a tranche is paid
late (城北 五(二)1: 总金额千分之二 per day), unless the delay is excused: a fact names a
cause the contract excuses (财政拨款 or other causes beyond the buyer's control, 五(二)1,
四(六)), or a payment condition was not met (no invoice, 四(六): 无需承担任何违约责任).
The vendor's rights after a long delay are the kind ``late_payment_rights``.

Judged on the ``late`` facts of the term session, asserted after the payment
conditions: ``x$not`` (no excuse for this tranche) and ``m$not`` (no unmet condition).
Days late run from the day after the due date to the payment (or the date of
judgement while unpaid).
"""
from __future__ import annotations

from compliance.model import money
from compliance.model.arithmetic import product
from compliance.engine.outcome import Outcome
from compliance.engine.kinds.base import (
    Rule,
    check,
    event_of_tranche,
    event_trace,
    tranche_fact,
    tranche_trace,
)


def excuse(excused_by: list[str]) -> dict:
    """An excuse recorded for the tranche bound to ``t`` that still lasts: one that has ended
    has moved the due date instead (``payment_postponed``)."""
    return event_of_tranche(excused_by, "t", {"open": 1})


def unexcused(excused_by: list[str], *tests: dict) -> list[dict]:
    """A late tranche (``t``) with no excuse lasting for it and no unmet payment condition."""
    return [{"t": tranche_fact("late", *tests)},
            {"x$not": excuse(excused_by)},
            {"m$not": tranche_fact("missing", {"number": {"t": "number"}})}]


def when(rule: Rule) -> list[dict]:
    excused = [{"t": tranche_fact("late")}, {"x": excuse(rule.params.excused_by)}]
    return [{"all": unexcused(rule.params.excused_by)}, {"all": excused}]


def then(rule: Rule, matched: dict) -> Outcome:
    tranche = matched["t"]
    facts = [tranche_trace(tranche)]
    if "x" in matched:
        reason = (f"{tranche['label']}逾期 {tranche['days_late']} 日，但"
                  f"{rule.terms.event_label(matched['x']['type'])}（{matched['x']['date']}）：付款期限顺延，"
                  "甲方不承担违约责任")
        return Outcome(checks=[check(rule, tranche, True, f"迟延付款免责：{reason}",
                                     [*facts, event_trace(matched["x"])])])
    params = rule.params
    base, daily_step = rule.share_of_base("日额")
    daily, days = daily_step.value, tranche["days_late"]
    steps = [daily_step, product("迟延付款违约金", days, daily)]
    amount = steps[-1].value
    explanation = (f"{tranche['label']}应于 {tranche['due']} 前支付，至 {tranche['until']} 迟延 {days} 日 × "
                   f"{rule.terms.base_label(params.base)} {money.grouped(base)} 元 × {money.percent(params.rate)}"
                   f"（日额 {money.grouped(daily)} 元）= {money.grouped(amount)} 元")
    line = rule.line(type="late_payment", quantity=days, unit_amount=daily, amount=amount, refs=[],
                     explanation=explanation, facts=facts, owed_by="buyer", tranche=tranche["number"],
                     steps=steps)
    return Outcome(lines=[line])
