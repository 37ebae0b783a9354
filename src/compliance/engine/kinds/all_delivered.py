"""全部服务完成方可付款: a tranche that waits for every deliverable quota to be complete
(酒仙桥 3.2.2: 乙方按照本合同约定的时间和标准完成全部服务项目，经甲方验收合格后 … 支付剩余费用).

Two durable-rules rules on the tranche: ``q`` (a quota not complete) records the
condition as unmet, naming the deliverable; ``q$not`` (no quota left incomplete) records
it as met. Quotas are asserted before tranches, so the ``$not`` sees them all.
"""
from __future__ import annotations

from compliance.engine.outcome import Outcome
from compliance.engine.kinds.base import Rule, check, tranche_fact, tranche_trace


def _incomplete() -> dict:
    return {"$and": [{"t": "quota"}, {"complete": 0}]}


def when(rule: Rule) -> list[dict]:
    tranche = {"t": tranche_fact("tranche", {"number": rule.params.tranche})}
    return [{"all": [tranche, {"q": _incomplete()}]},
            {"all": [tranche, {"q$not": _incomplete()}]}]


def then(rule: Rule, matched: dict) -> Outcome:
    tranche = matched["t"]
    if "q" in matched:
        quota = matched["q"]
        message = (f"{rule.params.description}：{quota['label']}已交付 {quota['filled']}/"
                   f"{quota['total']} 次，尚未完成")
        facts = [tranche_trace(tranche), {"quota": {k: quota[k] for k in ("deliverable", "total",
                                                                           "filled")}}]
        return Outcome(checks=[check(rule, tranche, False, message, facts)])
    message = f"{rule.params.description}：全部服务成果已按交付计划交付"
    return Outcome(checks=[check(rule, tranche, True, message, [tranche_trace(tranche)])])
