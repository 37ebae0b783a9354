"""累计金额超限: losses adding up to more than a limit give the buyer its right
(羊坊店 9.2(3): 造成甲方财产损失超过 30000 元的，甲方有权立即解除合同). Raised in a month
that records such a loss once the running total is over the limit.
"""
from __future__ import annotations

from compliance.model import money
from compliance.engine.outcome import Outcome
from compliance.engine.kinds.base import SCOPE_LABEL, CounterSpec, Rule, counter_fact


def counters(rule: Rule) -> list[CounterSpec]:
    return [CounterSpec("all", tuple(rule.params.event_types))]


def when(rule: Rule) -> dict:
    over = {"$gt": {f"amount_{rule.params.scope}_fen": money.to_fen_int(rule.params.limit)}}
    return {"all": [{"m": counter_fact(rule, "all", over, {"$gt": {"amount_period_fen": 0}})}]}


def standing(rule: Rule, tally, outcome) -> dict:
    """合同期内财产损失累计 8,000.00 / 30,000.00 元."""
    params = rule.params
    total = sum((e.event.amount for e in tally.in_scope(params.event_types, params.scope)
                 if e.event.amount is not None), money.fen(0))
    labels = "、".join(rule.terms.event_label(name) for name in params.event_types)
    return {"clause": rule.clause, "rule": rule.id, "label": labels, "count": money.as_json(total),
            "period_count": None, "threshold": money.as_json(params.limit),
            "reached": total > params.limit,
            "text": f"{SCOPE_LABEL[params.scope]}{labels}累计 {money.grouped(total)} / "
                    f"{money.grouped(params.limit)} 元（超过即触发）"}


def then(rule: Rule, matched: dict) -> Outcome:
    counter = matched["m"]
    scope = rule.params.scope
    total = money.from_fen_int(counter[f"amount_{scope}_fen"])
    labels = "、".join(rule.terms.event_label(name) for name in rule.params.event_types)
    reason = (f"{SCOPE_LABEL[scope]}{labels}累计 {money.grouped(total)} 元"
              f"（超过 {money.grouped(rule.params.limit)} 元）")
    return Outcome(flags=rule.flags(rule.params.flags, reason, counter["items"]))
