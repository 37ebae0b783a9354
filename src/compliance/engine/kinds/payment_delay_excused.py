"""甲方不承担逾期付款责任: a tranche paid after its date gives the vendor no claim
(规自委 3.2: 甲方具体支付时间以财政拨款进度为准，甲方不承担由此产生的逾期付款违约责任).
Fires on each late tranche so the vendor reads why no interest is owed.
"""
from __future__ import annotations

from compliance.engine.outcome import Outcome
from compliance.engine.kinds.base import Rule, tranche_fact, tranche_trace


def when(rule: Rule) -> dict:
    return {"all": [{"t": tranche_fact("late")}]}


def then(rule: Rule, matched: dict) -> Outcome:
    tranche = matched["t"]
    reason = f"{tranche['label']}约定于 {tranche['due']} 前支付，至 {tranche['until']} 迟延 {tranche['days_late']} 日"
    return Outcome(flags=rule.flags(rule.params.flags, reason, [tranche_trace(tranche)],
                                    tranche["number"]))
