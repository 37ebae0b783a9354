"""累计次数触发: N or more occurrences in the scope raise the contract's consequences
(高米店 4.6.4: 5 or more in a payment cycle → 暂停支付当期费用并要求整改).
"""
from __future__ import annotations

from ..outcome import Outcome
from .base import SCOPE_LABEL, CounterSpec, Rule, counter_fact


def counters(rule: Rule) -> list[CounterSpec]:
    return [CounterSpec("all", tuple(rule.params.event_types))]


def when(rule: Rule) -> dict:
    return {"all": [{"m": counter_fact(rule, "all", {"$gte": {rule.params.scope: rule.params.threshold}})}]}


def then(rule: Rule, matched: dict) -> Outcome:
    counter = matched["m"]
    scope = rule.params.scope
    labels = "、".join(rule.terms.event_label(name) for name in rule.params.event_types)
    reason = (
        f"{SCOPE_LABEL[scope]}{labels}累计 {counter[scope]} 次"
        f"（达到 {rule.params.threshold} 次及以上）"
    )
    return Outcome(flags=rule.flags(rule.params.flags, reason, counter["items"]))
