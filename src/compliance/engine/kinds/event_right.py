"""情形触发权利: an occurrence gives the buyer a right or sets a consequence, and moves no
money by itself (高米店 5.6 不按要求调整, 6.3 擅自转包 → 甲方解除权).
"""
from __future__ import annotations

from compliance.engine.outcome import Outcome
from compliance.engine.kinds.base import Rule, current_event, event_trace


def when(rule: Rule) -> dict:
    return {"all": [{"m": current_event(rule.params.event_types)}]}


def then(rule: Rule, matched: dict) -> Outcome:
    event = matched["m"]
    reason = f"{rule.terms.event_label(event['type'])}（{event['date']}）"
    return Outcome(flags=rule.flags(rule.params.flags, reason, [event_trace(event)]))
