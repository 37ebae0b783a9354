"""通知后逾期未改正: a breach notice not cured within N days gives the buyer its right
(羊坊店 9.2(5): 经甲方通知后在 10 天内仍不改正的，甲方有权立即解除合同).

Judged at the date of judgement (the ``as_of`` fact of a term session): a notice
``n``, its cure period ``w`` (from the notice to its last day, notice + N days, moved to
the next working day when that is a day off under 《民法典》第二百零三条 and the contract
keeps that rule), no cure dated within the period (``c$not``), and the date of judgement
past its last day. The periods are term facts, counted on the contract's calendar.
"""
from __future__ import annotations

from compliance.engine.outcome import Outcome
from compliance.engine.kinds.base import Rule, event_trace, of_types

PERIOD = "cure_period"


def term_facts(rule: Rule, view) -> list[dict]:
    """The cure period of each notice recorded by the date of judgement, counted from the day it
    reached the vendor (``received``; 羊坊店 第十一条), else the day sent: its last day, and how it
    was moved past days off (《民法典》第二百零三条), if it was."""
    reached = {e.event.date: e.event.received or e.event.date for e in view.of_type(rule.params.notice)}
    facts = []
    for day in sorted(reached):
        last = view.calendar.add_calendar_days(reached[day], rule.params.days)
        facts.append({"t": PERIOD, "rule": rule.id, "from": day.toordinal(),
                      "last": last.day.toordinal(), "last_date": last.day.isoformat(),
                      "note": last.extension_note or ""})
    return facts


def when(rule: Rule) -> dict:
    cure = {"$and": [{"t": "event"}, of_types([rule.params.cured]),
                     {"$gte": {"ordinal": {"n": "ordinal"}}}, {"$lte": {"ordinal": {"w": "last"}}}]}
    period = {"$and": [{"t": PERIOD}, {"rule": rule.id}, {"from": {"n": "ordinal"}}]}
    return {"all": [{"n": {"$and": [{"t": "event"}, of_types([rule.params.notice])]}},
                    {"w": period},
                    {"a": {"$and": [{"t": "as_of"}, {"$gt": {"ordinal": {"w": "last"}}}]}},
                    {"c$not": cure}]}


def then(rule: Rule, matched: dict) -> Outcome:
    notice, period = matched["n"], matched["w"]
    note = f"；{period['note']}" if period["note"] else ""
    reason = (f"{rule.terms.event_label(notice['type'])}（{notice['date']}）后 {rule.params.days} 日内"
              f"（至 {period['last_date']}{note}）未记录{rule.terms.event_label(rule.params.cured)}")
    return Outcome(flags=rule.flags(rule.params.flags, reason, [event_trace(notice)]))
