"""付款期限顺延: a cause the contract names holds a payment back, and the payment period runs
on while it lasts (城北 四(六): 如甲方因财政拨款或其他不能控制的原因未能及时付款的，相应支付期限
顺延，甲方不承担违约责任).

A fact of ``event_type`` naming a tranche records the cause. While it has not ended, the
late-payment rules list it among their excuses (``excused_by``) and no interest runs. Once
its ``ended`` day is recorded (资金到位之日) and that day is after the tranche's due date, the
tranche falls due on that day instead: a payment after it is late from the next day.
"""
from __future__ import annotations

from datetime import date

from compliance.engine.outcome import Outcome
from compliance.engine.kinds.base import Rule, check, event_of_tranche, event_trace, tranche_fact, tranche_trace


def when(rule: Rule) -> dict:
    ended_late = {"$gt": {"ended_ordinal": {"t": "due_ordinal"}}}
    return {"all": [{"t": tranche_fact("tranche")},
                    {"x": event_of_tranche([rule.params.event_type], "t", {"open": 0}, ended_late)}]}


def then(rule: Rule, matched: dict) -> Outcome:
    tranche, cause = matched["t"], matched["x"]
    ended = date.fromisoformat(cause["ended"])
    message = (f"{rule.terms.event_label(cause['type'])}（{cause['date']} 起，至 {ended} 结束）："
               f"{tranche['label']}付款期限自 {tranche['due']} 顺延至 {ended}，此前不计迟延付款责任")
    return Outcome(checks=[check(rule, tranche, True, message,
                                 [tranche_trace(tranche), event_trace(cause)], "postponed", ended)])
