"""甲方主张违约金: a penalty the contract lets the buyer claim is deducted once the buyer claims
it (规自委 6.9: 乙方需向甲方支付的违约金、赔偿金，甲方有权自应付未付的服务费中予以扣除).

Until then the statement shows it as a ``penalty_exposure`` flag. The claim names the
clause that grants the penalty; the line is listed under that clause, for the amount
the clause grants (or the smaller amount the buyer claims). Facts are checked when
loaded: the clause must grant a penalty, and a claim may not exceed it.
"""
from __future__ import annotations

from compliance.model import money
from compliance.engine.outcome import Outcome
from compliance.engine.kinds.base import Rule, amount_of, current_event, event_trace


def when(rule: Rule) -> dict:
    return {"all": [{"m": current_event([rule.params.event_type])}]}


def then(rule: Rule, matched: dict) -> Outcome:
    event = matched["m"]
    granted = rule.terms.exposures_of(event["clause"])
    amount = amount_of(event) if event["amount_fen"] is not None else granted[0]
    explanation = f"甲方主张第 {event['clause']} 条违约金 {money.grouped(amount)} 元"
    if amount < max(granted):
        explanation += f"（该条约定 {money.grouped(max(granted))} 元，甲方主张其中部分）"
    line = rule.line(type=event["type"], quantity=1, unit_amount=amount, amount=amount,
                     refs=[event["ref"]] if event.get("ref") else [], explanation=explanation,
                     facts=[event_trace(event)], clause=event["clause"])
    return Outcome(lines=[line])
