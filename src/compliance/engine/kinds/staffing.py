"""驻场人员配置: the resident staff the vendor owes (规自委 2.1: 至少 4 名固定长期驻场服务人员，
其中一人承担项目组长职责).

This kind raises nothing itself: the penalties for a shortfall are their own clauses
(6.1 per occurrence, 5.4 by absent days). It gives the statement the staffing
standing, in staff-days (缺员人日 = 缺员人数 × 天数), and the staff-days provided that a
termination settlement counts (6.8: 按照服务天数及服务人员数量计算).
"""
from __future__ import annotations

from compliance.engine.kinds.base import Rule


def staff_days(event) -> int:
    """The staff-days a shortfall fact records: staff missing × days (1 when not given)."""
    return (event.staff or 1) * (event.days or 1)


def missing_staff_days(rule: Rule, events) -> int:
    return sum(staff_days(e.event) for e in events if e.event.type == rule.params.shortfall_event)


def standing(rule: Rule, tally, outcome) -> dict:
    month = missing_staff_days(rule, tally.in_scope([rule.params.shortfall_event], "period"))
    term = missing_staff_days(rule, tally.events)
    text = (f"驻场人员至少 {rule.params.required} 人：本月缺员 {month} 人日，"
            f"合同期内累计 {term} 人日")
    return {"clause": rule.clause, "rule": rule.id, "label": "驻场人员缺员（人日）",
            "count": term, "period_count": month, "threshold": None, "reached": False,
            "text": text}
