"""通知后逾期未改正: a breach notice not cured within N days gives the buyer its right
(羊坊店 9.2(5): 经甲方通知后在 10 天内仍不改正的，甲方有权立即解除合同).

Judged at the date of judgement (the ``as_of`` fact of a term session): a notice
``n``, no cure dated from the notice to notice + N days (``c$not``), and the date
of judgement past that last day.
"""
from __future__ import annotations

from datetime import date, timedelta

from compliance.engine.outcome import Outcome
from compliance.engine.kinds.base import Rule, event_trace, of_types


def when(rule: Rule) -> dict:
    days = rule.params.days
    last_day = {"$add": {"$l": {"n": "ordinal"}, "$r": days}}
    cure = {"$and": [{"t": "event"}, of_types([rule.params.cured]),
                     {"$gte": {"ordinal": {"n": "ordinal"}}}, {"$lte": {"ordinal": last_day}}]}
    return {"all": [{"n": {"$and": [{"t": "event"}, of_types([rule.params.notice])]}},
                    {"a": {"$and": [{"t": "as_of"}, {"$gt": {"ordinal": last_day}}]}},
                    {"c$not": cure}]}


def then(rule: Rule, matched: dict) -> Outcome:
    notice = matched["n"]
    last_day = date.fromisoformat(notice["date"]) + timedelta(days=rule.params.days)
    reason = (f"{rule.terms.event_label(notice['type'])}（{notice['date']}）后 {rule.params.days} 日内"
              f"（至 {last_day}）未记录{rule.terms.event_label(rule.params.cured)}")
    return Outcome(flags=rule.flags(rule.params.flags, reason, [event_trace(notice)]))
