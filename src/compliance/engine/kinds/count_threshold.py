"""累计次数触发: N or more occurrences in the scope raise the contract's consequences
(高米店 4.6.4: 5 or more in a payment cycle → 暂停支付当期费用并要求整改; 规自委 6.1: 经甲方要求
整改满 10 次 → 甲方解除权及 10% 违约金).

Counted per month or per cycle, the consequence stands in every month the count is
reached. Counted over the term, it is raised once, in the month the count reaches N
(the 10th demand), and later statements show the counter as reached.
"""
from __future__ import annotations

from compliance.engine.outcome import Outcome
from compliance.engine.kinds.base import (CounterSpec, Rule, check_window, counter_fact, scope_label,
                                         scope_of)


def validate_rule(rule: Rule) -> str | None:
    return check_window(rule.params)


def counters(rule: Rule) -> list[CounterSpec]:
    return [CounterSpec("all", tuple(rule.params.event_types))]


def when(rule: Rule) -> dict:
    scope, threshold = rule.params.scope, rule.params.threshold
    tests = [{"$gte": {scope: threshold}}]
    if scope == "term":
        tests.append({"$lt": {"before": threshold}})
    return {"all": [{"m": counter_fact(rule, "all", *tests)}]}


def then(rule: Rule, matched: dict) -> Outcome:
    counter = matched["m"]
    scope = rule.params.scope
    reason = (
        f"{scope_label(rule.params)}{_labels(rule)}累计 {counter[scope]} 次"
        f"（达到 {rule.params.threshold} 次及以上）"
    )
    return Outcome(flags=rule.flags(rule.params.flags, reason, counter["items"]))


def _labels(rule: Rule) -> str:
    return "、".join(rule.terms.event_label(name) for name in rule.params.event_types)


def standing(rule: Rule, tally, outcome) -> dict:
    """Where the counter stands: "整改要求 7/10"."""
    params = rule.params
    count = tally.count(params.event_types, scope_of(params))
    return {"clause": rule.clause, "rule": rule.id, "label": _labels(rule), "count": count,
            "period_count": tally.count(params.event_types, "period"),
            "threshold": params.threshold, "reached": count >= params.threshold,
            "text": f"{scope_label(params)}{_labels(rule)} {count}/{params.threshold}"}
