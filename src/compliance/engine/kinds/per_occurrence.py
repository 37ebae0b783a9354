"""按次扣款: each occurrence in the month deducts a fixed amount (高米店 4.6.1, 4.6.4, 4.6.6).

One line per event type: quantity = occurrences in the period, amount = quantity × unit.
"""
from __future__ import annotations

from compliance.model import money
from compliance.engine.outcome import Outcome
from compliance.engine.kinds.base import CounterSpec, Rule


def counters(rule: Rule) -> list[CounterSpec]:
    return [CounterSpec(name, (name,)) for name in rule.params.event_types]


def when(rule: Rule) -> dict:
    return {"all": [{"m": {"$and": [{"t": "counter"}, {"rule": rule.id}, {"$gt": {"period": 0}}]}}]}


def then(rule: Rule, matched: dict) -> Outcome:
    counter = matched["m"]
    event_type, quantity = counter["name"], counter["period"]
    unit = rule.params.unit_amount
    amount = money.fen(unit * quantity)
    label, noun = rule.terms.event_label(event_type), rule.terms.event_unit(event_type)
    explanation = f"{label} {quantity} {noun} × {money.grouped(unit)} 元 = {money.grouped(amount)} 元"
    line = rule.line(type=event_type, quantity=quantity, unit_amount=unit, amount=amount,
                     refs=counter["refs"], explanation=explanation, facts=counter["items"])
    return Outcome(lines=[line])
