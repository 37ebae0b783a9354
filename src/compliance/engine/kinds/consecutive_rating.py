"""连续评价触发: the city's monthly rating at a tier for N consecutive months raises the
contract's consequences (高米店 4.6.2: 待提升 → 专项约谈; 4.6.5: two months running → 解除权).

The months are joined inside durable-rules: rating k must be the current month,
rating k−i the month i before it, all at the same tier.
"""
from __future__ import annotations

from compliance.engine.outcome import Outcome
from compliance.engine.kinds.base import Rule


def when(rule: Rule) -> dict:
    tier = rule.params.tier
    months = [{"r0": {"$and": [{"t": "rating"}, {"tier": tier}, {"current": 1}]}}]
    for back in range(1, rule.params.months):
        earlier = {"period": {"$sub": {"$l": {"r0": "period"}, "$r": back}}}
        months.append({f"r{back}": {"$and": [{"t": "rating"}, {"tier": tier}, earlier]}})
    return {"all": months}


def then(rule: Rule, matched: dict) -> Outcome:
    periods = sorted(rating["period"] for rating in matched.values())
    tier = rule.params.tier
    if len(periods) == 1:
        reason = f"第 {periods[0]} 期市级评价为“{tier}”"
    else:
        reason = f"连续 {len(periods)} 个月（第 {periods[0]}–{periods[-1]} 期）市级评价为“{tier}”"
    facts = [{"type": "rating", "period": p, "tier": tier} for p in periods]
    return Outcome(flags=rule.flags(rule.params.flags, reason, facts))
