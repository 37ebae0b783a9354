"""按实扣除损失: a loss the facts record is deducted as written (高米店 6.4 with 6.6)."""
from __future__ import annotations

from compliance.model import money
from compliance.engine.outcome import Outcome
from compliance.engine.kinds.base import Rule, amount_of, current_event


def when(rule: Rule) -> dict:
    return {"all": [{"m": current_event(rule.params.event_types)}]}


def then(rule: Rule, matched: dict) -> Outcome:
    event = matched["m"]
    amount = amount_of(event)
    explanation = f"{rule.terms.event_label(event['type'])} {money.grouped(amount)} 元，按实扣除"
    line = rule.event_line(event, quantity=1, unit_amount=amount, amount=amount,
                           explanation=explanation)
    return Outcome(lines=[line])
