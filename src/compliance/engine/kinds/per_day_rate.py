"""按日计罚: each day of delay costs a ratio of a base (高米店 6.1: 5% of the total price per
day; 逾期三日 → 解除权). Daily amount = fen(rate × base); amount = fen(daily × days), capped
at fen(cap × base) when the contract sets a cap. One line per delay event.
"""
from __future__ import annotations

from compliance.model import money
from compliance.model.arithmetic import Step, fen_step, product
from compliance.engine.outcome import Outcome
from compliance.engine.kinds.base import Rule, current_event, event_trace


def when(rule: Rule) -> dict:
    return {"all": [{"m": current_event([rule.params.event_type])}]}


def then(rule: Rule, matched: dict) -> Outcome:
    event = matched["m"]
    params = rule.params
    base, daily_step = rule.share_of_base("日额")
    daily, days = daily_step.value, event["days"]
    steps = [daily_step, product("违约金", days, daily)]
    amount = steps[-1].value
    explanation = (
        f"{rule.terms.event_label(event['type'])} {days} 日 × {rule.terms.base_label(params.base)} "
        f"{money.grouped(base)} 元 × {money.percent(params.rate)}（日额 {money.grouped(daily)} 元）"
        f" = {money.grouped(amount)} 元"
    )
    if params.cap is not None:
        cap = fen_step("上限", f"{rule.terms.base_label(params.base)} {money.grouped(base)} × "
                                f"{money.percent(params.cap)}", params.cap * base)
        if amount > cap.value:
            amount = cap.value
            explanation += f"，以 {money.percent(params.cap)} 为上限：{money.grouped(amount)} 元"
            steps += [cap, Step("违约金", "超过上限，按上限计", amount, amount)]
    line = rule.event_line(event, quantity=days, unit_amount=daily, amount=amount,
                           explanation=explanation, steps=steps)
    outcome = Outcome(lines=[line])
    if params.flag_from_days is not None and days >= params.flag_from_days:
        reason = f"逾期 {days} 日（达到 {params.flag_from_days} 日）"
        outcome.flags.extend(rule.flags(params.flags, reason, [event_trace(event)]))
    return outcome
