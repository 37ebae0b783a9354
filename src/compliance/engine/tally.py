"""The events recorded through one contract month, counted by scope (当月, 支付周期, 合同期).

Counters for durable-rules, the standing of each threshold on a statement ("整改要求 7/10")
and the deliverable quotas all count the same way, here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from compliance.model.contract import Contract
from compliance.model.facts import RecordedEvent
from compliance.model.periods import Period, cycle_index


@dataclass(frozen=True)
class Tally:
    contract: Contract
    events: list[RecordedEvent]
    """Every event recorded in contract months 1 … ``period``."""
    period: Period
    as_of: date
    """The end of the day the month is judged at: its last day once it is over."""

    @property
    def month_over(self) -> bool:
        return self.as_of >= self.period.end

    def in_scope(self, event_types: tuple[str, ...] | list[str], scope: str) -> list[RecordedEvent]:
        """The events of ``event_types`` in the month, its payment cycle, or the term so far."""
        mine = [e for e in self.events if e.event.type in event_types]
        if scope == "period":
            return [e for e in mine if e.period == self.period.index]
        if scope == "cycle":
            return [e for e in mine if cycle_index(self.contract, e.period) == self.period.cycle]
        return mine

    def count(self, event_types: tuple[str, ...] | list[str], scope: str) -> int:
        return sum(e.event.count for e in self.in_scope(event_types, scope))
