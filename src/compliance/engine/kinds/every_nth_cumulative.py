"""累计满 N 次扣款: every complete group of N occurrences in the scope deducts once
(高米店 4.6.3: every 3 complaints over the term deduct 5,000), in the month the group completes.
"""
from __future__ import annotations

from compliance.model import money
from compliance.engine.outcome import Outcome
from compliance.engine.kinds.base import CounterSpec, Rule, counter_fact, scope_label, scope_of


def validate_rule(rule: Rule) -> str | None:
    """Groups of N are counted from the start of their span; a sliding window has no start."""
    if rule.params.scope == "rolling":
        return "每满 N 次扣款按当月、季度（quarter）、支付周期或合同期计数，不按最近 N 个月滚动计数"
    return None


def counters(rule: Rule) -> list[CounterSpec]:
    return [CounterSpec("all", tuple(rule.params.event_types))]


def when(rule: Rule) -> dict:
    scope = rule.params.scope
    return {"all": [{"m": counter_fact(rule, "all", {"$gt": {"period": 0}},
                                       {"$gte": {scope: rule.params.every}})}]}


def standing(rule: Rule, tally, outcome) -> dict:
    """投诉累计 1/3: occurrences towards the next deduction, and the total so far."""
    params = rule.params
    count = tally.count(params.event_types, scope_of(params))
    labels = "、".join(rule.terms.event_label(name) for name in params.event_types)
    return {"clause": rule.clause, "rule": rule.id, "label": labels, "count": count,
            "period_count": tally.count(params.event_types, "period"), "threshold": params.every,
            "reached": False,
            "text": f"{scope_label(params)}{labels}累计 {count % params.every}/{params.every}"
                    f"（共 {count} 次，每满 {params.every} 次扣 {money.grouped(params.amount)} 元）"}


def then(rule: Rule, matched: dict) -> Outcome:
    counter = matched["m"]
    every, scope = rule.params.every, rule.params.scope
    to_date = counter[scope]
    before = to_date - counter["period"]
    groups = to_date // every - before // every
    if groups == 0:
        return Outcome()
    amount = money.fen(rule.params.amount * groups)
    labels = "、".join(rule.terms.event_label(name) for name in rule.params.event_types)
    explanation = (
        f"{scope_label(rule.params)}{labels}累计 {to_date} 次（本月前 {before} 次），"
        f"本月新满 {groups} 组 × 每满 {every} 次扣 {money.grouped(rule.params.amount)} 元"
        f" = {money.grouped(amount)} 元"
    )
    line = rule.line(type=rule.params.event_types[0], quantity=groups,
                     unit_amount=rule.params.amount, amount=amount, refs=counter["refs"],
                     explanation=explanation, facts=counter["items"])
    return Outcome(lines=[line])
