"""付款前提条件: a fact that must precede each payment (羊坊店 3.4: 发票须在付款 10 日前提供，
否则甲方有权拒绝付款；城北 四(六): 付款前提供发票，否则甲方有权暂不支付且不承担违约责任).

Two durable-rules rules on every dated tranche: ``i`` joined (the fact exists for the
tranche, on or before due − days_before) records the condition as met; ``i$not``
records it missing and raises the contract's consequence (暂停/拒绝付款).
"""
from __future__ import annotations

from datetime import date, timedelta

from compliance.engine.outcome import Outcome
from compliance.engine.kinds.base import (
    Rule,
    check,
    event_of_tranche,
    event_trace,
    tranche_fact,
    tranche_trace,
)


def _in_time(rule: Rule) -> dict:
    latest = {"$sub": {"$l": {"t": "due_ordinal"}, "$r": rule.params.days_before}}
    return event_of_tranche([rule.params.event_type], "t", {"$lte": {"ordinal": latest}})


def when(rule: Rule) -> list[dict]:
    return [{"all": [{"t": tranche_fact("tranche")}, {"i": _in_time(rule)}]},
            {"all": [{"t": tranche_fact("tranche")}, {"i$not": _in_time(rule)}]}]


def then(rule: Rule, matched: dict) -> Outcome:
    tranche = matched["t"]
    latest = date.fromisoformat(tranche["due"]) - timedelta(days=rule.params.days_before)
    label = rule.terms.event_label(rule.params.event_type)
    if "i" in matched:
        message = f"{rule.params.description}：{label} {matched['i']['date']}（不晚于 {latest}）"
        return Outcome(checks=[check(rule, tranche, True, message,
                                     [tranche_trace(tranche), event_trace(matched["i"])])])
    message = f"{rule.params.description}：至 {latest} 未记录{label}"
    facts = [tranche_trace(tranche)]
    return Outcome(checks=[check(rule, tranche, False, message, facts)],
                   flags=rule.flags(rule.params.flags, f"{tranche['label']}{message}", facts,
                                    tranche["number"]))
