"""垫付扣回加违约金: an amount the buyer advanced is deducted in full, plus a surcharge of a
ratio of it as 违约金 (高米店 5.7: 垫付部分的 30%). Two lines, so each is traced on its own.
"""
from __future__ import annotations

from compliance.model import money
from compliance.model.arithmetic import share
from compliance.engine.outcome import Outcome
from compliance.engine.kinds.base import Rule, amount_of, current_event


def when(rule: Rule) -> dict:
    return {"all": [{"m": current_event([rule.params.event_type])}]}


def then(rule: Rule, matched: dict) -> Outcome:
    event = matched["m"]
    advanced = amount_of(event)
    rate = rule.params.surcharge_rate
    step = share("违约金", "垫付金额", advanced, rate)
    surcharge = step.value
    label = rule.terms.event_label(event["type"])
    recovered = rule.event_line(event, quantity=1, unit_amount=advanced, amount=advanced,
                                explanation=f"{label} {money.grouped(advanced)} 元，全额扣回")
    penalty = rule.event_line(event, type=f"{event['type']}_surcharge", quantity=1,
                              unit_amount=surcharge, amount=surcharge, steps=[step],
                              explanation=(f"{label} {money.grouped(advanced)} 元 × "
                                           f"{money.percent(rate)} 违约金 = {money.grouped(surcharge)} 元"))
    return Outcome(lines=[recovered, penalty])
