"""付款前提条件: a fact that must precede each payment (羊坊店 3.4: 发票须在付款 10 日前提供，
否则甲方有权拒绝付款；城北 四(六): 付款前提供发票，否则甲方有权暂不支付且不承担违约责任；规自委 3.3:
若乙方不提供符合本合同要求的发票，甲方有权拒绝支付该笔款项).

The condition is judged as of the date of judgement, against its deadline
(the payment's due date less ``days_before``):

* ``met``: a qualifying fact on or before the deadline;
* ``met_late``: a qualifying fact after the deadline. The buyer could refuse to pay until
  it came; once it has, the payment falls due ``days_before`` days after it (or on its
  due date, if later), and no late-payment interest runs before that day;
* ``pending``: none yet, and the deadline has not passed: nothing is held back yet;
* ``missing``: none, and the deadline has passed: the contract's consequence (暂停/拒绝付款).

A fact qualifies when it names the tranche, was not rejected (``accepted: false``) and, if
it records an amount, covers the amount to be paid (正规足额发票: the tranche less the
deductions netted against it). Only the first qualifying fact of each tranche is asserted
(``term_facts``), so each tranche gets one check.
"""
from __future__ import annotations

from datetime import date, timedelta

from compliance.model import money
from compliance.engine.outcome import Outcome
from compliance.engine.kinds.base import Rule, check, event_trace, tranche_fact, tranche_trace


def term_facts(rule: Rule, view) -> list[dict]:
    """The first qualifying fact of each tranche, known by the date of judgement."""
    firsts: dict[int, dict] = {}
    for recorded in sorted(view.of_type(rule.params.event_type), key=lambda e: (e.event.date, e.source)):
        event = recorded.event
        payable = view.payable.get(event.tranche)
        if event.tranche is None or event.tranche in firsts or event.accepted is False:
            continue
        if event.amount is not None and payable is not None and event.amount < payable:
            continue
        falls_due = view.calendar.add_calendar_days(event.date, rule.params.days_before)
        firsts[event.tranche] = {**recorded.as_fact(0), "t": "qualified", "rule": rule.id,
                                 "falls_due": falls_due.day.isoformat(),
                                 "falls_due_note": falls_due.extension_note}
    return list(firsts.values())


def _latest(rule: Rule) -> dict:
    return {"$sub": {"$l": {"t": "due_ordinal"}, "$r": rule.params.days_before}}


def _qualified(rule: Rule, *tests: dict) -> dict:
    return {"$and": [{"t": "qualified"}, {"rule": rule.id}, {"tranche": {"t": "number"}}, *tests]}


def when(rule: Rule) -> list[dict]:
    latest = _latest(rule)
    tranche = {"t": tranche_fact("tranche")}
    return [{"all": [tranche, {"i": _qualified(rule, {"$lte": {"ordinal": latest}})}]},
            {"all": [tranche, {"l": _qualified(rule, {"$gt": {"ordinal": latest}})}]},
            {"all": [tranche, {"a": {"$and": [{"t": "as_of"}, {"$lte": {"ordinal": latest}}]}},
                     {"q$not": _qualified(rule)}]},
            {"all": [tranche, {"a": {"$and": [{"t": "as_of"}, {"$gt": {"ordinal": latest}}]}},
                     {"q$not": _qualified(rule)}]}]


def then(rule: Rule, matched: dict) -> Outcome:
    tranche = matched["t"]
    params = rule.params
    latest = date.fromisoformat(tranche["due"]) - timedelta(days=params.days_before)
    label = rule.terms.event_label(params.event_type)
    facts = [tranche_trace(tranche)]
    if "i" in matched:
        message = f"{params.description}：{label} {matched['i']['date']}（不晚于 {latest}）"
        return Outcome(checks=[check(rule, tranche, True, message, facts + [event_trace(matched["i"])],
                                     "met")])
    if "l" in matched:
        return Outcome(checks=[_met_late(rule, tranche, matched["l"], latest, label)])
    if matched["a"]["ordinal"] <= latest.toordinal():
        message = f"{params.description}：应不晚于 {latest}，尚未到期（{label}未记录）"
        return Outcome(checks=[check(rule, tranche, False, message, facts, "pending")])
    message = f"{params.description}：至 {latest} 未记录{_qualifying(label, tranche)}"
    return Outcome(checks=[check(rule, tranche, False, message, facts, "missing")],
                   flags=rule.flags(params.flags, f"{tranche['label']}{message}", facts,
                                    tranche["number"]))


def _met_late(rule: Rule, tranche: dict, fact: dict, latest: date, label: str):
    """Fulfilled after its deadline: the payment falls due ``days_before`` days after it (a last
    day off moved to the next working day, 《民法典》第二百零三条, where the contract keeps it)."""
    received, falls_due = date.fromisoformat(fact["date"]), date.fromisoformat(fact["falls_due"])
    due = max(falls_due, date.fromisoformat(tranche["due"]))
    moved = f"（{fact['falls_due_note']}）" if fact["falls_due_note"] and due == falls_due else ""
    message = (f"{rule.params.description}：{label} {received}，晚于 {latest}；甲方在此之前可拒绝付款，"
               f"付款期限相应顺延至 {due}{moved}，此前不计迟延付款责任")
    return check(rule, tranche, True, message, [tranche_trace(tranche), event_trace(fact)],
                 "met_late", due)


def _qualifying(label: str, tranche: dict) -> str:
    """“合格的…（金额不低于应付 …）”: what would have met the condition."""
    return f"合格足额的{label}（应付 {money.grouped(money.from_fen_int(tranche['payable_fen']))} 元）"
