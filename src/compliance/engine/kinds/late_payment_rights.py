"""甲方迟延付款时乙方的权利: more than N working days late, unexcused, gives the vendor its
rights (城北 五(二)2: 延迟十五个工作日以上的，乙方有权中止本协议履行，直至甲方付款为止，
且乙方有权选择单方解除本合同；因财政拨款或其他不能控制的原因的除外).
Working days late are counted from the day after the due date.
"""
from __future__ import annotations

from compliance.engine.outcome import Outcome
from compliance.engine.kinds.base import Rule, tranche_trace
from compliance.engine.kinds.late_payment_interest import unexcused


def when(rule: Rule) -> dict:
    over = {"$gt": {"working_days_late": rule.params.after_working_days}}
    return {"all": unexcused(rule.params.excused_by, over)}


def then(rule: Rule, matched: dict) -> Outcome:
    tranche = matched["t"]
    reason = (f"{tranche['label']}应于 {tranche['due']} 前支付，至 {tranche['until']} 迟延 "
              f"{tranche['working_days_late']} 个工作日（超过 {rule.params.after_working_days} 个工作日）")
    return Outcome(flags=rule.flags(rule.params.flags, reason, [tranche_trace(tranche)],
                                    tranche["number"]))
