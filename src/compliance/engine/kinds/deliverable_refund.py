"""不合格成果退款: an inaccurate deliverable's price is refunded in full (城北 五(三)1:
乙方应将不准确的服务成果对应的协议价款全部退还甲方). The price is the deliverable's
quote-table lines; where the parties agreed a partial share, the facts give ``amount``.
"""
from __future__ import annotations

from compliance.model import money
from compliance.engine.outcome import Outcome
from compliance.engine.kinds.base import Rule, amount_of, current_event, event_trace


def when(rule: Rule) -> dict:
    return {"all": [{"m": current_event([rule.params.event_type])}]}


def then(rule: Rule, matched: dict) -> Outcome:
    event = matched["m"]
    deliverable = rule.terms.deliverable(event["deliverable"])
    price = rule.terms.deliverable_amount(deliverable.id)
    if event.get("amount_fen") is not None:
        amount = amount_of(event)
        explanation = (f"{deliverable.label}（报价 {money.grouped(price)} 元）不准确，"
                       f"双方协商退还 {money.grouped(amount)} 元")
    else:
        amount = price
        explanation = f"{deliverable.label}不准确，对应协议价款全部退还：{money.grouped(amount)} 元"
    line = rule.event_line(event, quantity=1, unit_amount=amount, amount=amount,
                           explanation=explanation)
    reason = f"{deliverable.label}不准确（{event['date']}）"
    return Outcome(lines=[line], flags=rule.flags(rule.params.flags, reason, [event_trace(event)]))
