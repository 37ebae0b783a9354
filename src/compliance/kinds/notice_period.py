"""提前通知期: a right that needs N days' written notice, dated from the notice
(羊坊店 9.4: 因甲方原因无法履行的，甲方应提前 30 日书面通知乙方，双方协商解除合同).
"""
from __future__ import annotations

from datetime import date, timedelta

from ..outcome import Outcome
from .base import Rule, current_event, event_trace


def when(rule: Rule) -> dict:
    return {"all": [{"m": current_event([rule.params.event_type])}]}


def then(rule: Rule, matched: dict) -> Outcome:
    notice = matched["m"]
    earliest = date.fromisoformat(notice["date"]) + timedelta(days=rule.params.days)
    reason = (f"{rule.terms.event_label(notice['type'])}（{notice['date']}），提前 {rule.params.days} 日："
              f"最早于 {earliest} 解除")
    return Outcome(flags=rule.flags(rule.params.flags, reason, [event_trace(notice)]))
