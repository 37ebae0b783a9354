"""每月承诺量: a month whose recorded quantity is below the vendor's promise is flagged
(城北 附件2 三: 承诺每月至少处理 1500 件案件). A month with no record counts as 0. A month
is judged only once it is over: before its last day has ended the shortfall is not known.
"""
from __future__ import annotations

from compliance.engine.outcome import Outcome
from compliance.engine.kinds.base import CounterSpec, Rule, counter_fact


def counters(rule: Rule) -> list[CounterSpec]:
    return [CounterSpec("all", (rule.params.event_type,))]


def when(rule: Rule) -> dict:
    over = {"$and": [{"t": "month"}, {"over": 1}]}
    return {"all": [{"o": over},
                    {"m": counter_fact(rule, "all", {"$lt": {"period": rule.params.minimum}})}]}


def then(rule: Rule, matched: dict) -> Outcome:
    counter = matched["m"]
    params = rule.params
    label = rule.terms.event_label(params.event_type)
    unit = rule.terms.event_unit(params.event_type)
    reason = f"当月{label} {counter['period']} {unit}，低于承诺的每月 {params.minimum} {unit}"
    return Outcome(flags=rule.flags(params.flags, reason, counter["items"]))
