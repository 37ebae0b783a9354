"""一次性比例违约金: each occurrence costs a ratio of a base once, with the contract's
consequences (高米店 6.2: 经通知仍未履行 → 合同总价款 30% 违约金 and 解除权). When ``waived_if``
names event types and one of them occurred in the term, the penalty is not charged twice
(checked with a durable-rules ``$not`` on the term counter); the consequences stand either way.

Two durable-rules rules: ``m`` (the event, penalty not waived) charges the penalty,
``e`` (the event) raises the consequences.
"""
from __future__ import annotations

from compliance.model import money
from compliance.model.arithmetic import product
from compliance.engine.outcome import Outcome
from compliance.engine.kinds.base import (
    CounterSpec,
    Rule,
    counter_fact,
    current_event,
    event_trace,
)


def counters(rule: Rule) -> list[CounterSpec]:
    return [CounterSpec("waived_if", tuple(rule.params.waived_if))] if rule.params.waived_if else []


def when(rule: Rule) -> list[dict]:
    penalty = [{"m": current_event(rule.params.event_types)}]
    if rule.params.waived_if:
        penalty.append({"w$not": counter_fact(rule, "waived_if", {"$gt": {"term": 0}})})
    consequences = {"all": [{"e": current_event(rule.params.event_types)}]}
    return [{"all": penalty}, consequences] if rule.params.flags else [{"all": penalty}]


def then(rule: Rule, matched: dict) -> Outcome:
    if "e" in matched:
        event = matched["e"]
        reason = f"{rule.terms.event_label(event['type'])}（{event['date']}）"
        return Outcome(flags=rule.flags(rule.params.flags, reason, [event_trace(event)]))
    event = matched["m"]
    params = rule.params
    base, unit_step = rule.share_of_base("每次违约金")
    unit, count = unit_step.value, event["count"]
    steps = [unit_step, product("违约金", count, unit)]
    amount = steps[-1].value
    label = rule.terms.event_label(event["type"])
    explanation = (f"{label} {count} 次 × {rule.terms.base_label(params.base)} {money.grouped(base)} 元 × "
                   f"{money.percent(params.rate)} = {money.grouped(amount)} 元")
    line = rule.event_line(event, quantity=count, unit_amount=unit, amount=amount,
                           explanation=explanation, steps=steps)
    return Outcome(lines=[line])
