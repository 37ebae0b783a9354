"""Contract months and payment cycles, always counted from the anchor date.

Period n runs from start + (n−1) months to the day before start + n months
(高米店 1.2: period 1 is 2025-10-28..2025-11-27). Each boundary is computed from
the anchor with pendulum, never by chaining "+1 month", so a start on the 31st
does not drift. Cycle k groups periods (k−1)·m+1 .. k·m for an m-month cycle
(高米店 3.2: every 3 months).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

import pendulum

from compliance.errors import UserError

if TYPE_CHECKING:
    from compliance.model.contract import Contract


@dataclass(frozen=True)
class Period:
    index: int
    start: date
    end: date
    cycle: int

    def to_json(self) -> dict:
        return {"index": self.index, "start": self.start.isoformat(), "end": self.end.isoformat()}

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Cycle:
    index: int
    periods: tuple[Period, ...]

    @property
    def start(self) -> date:
        return self.periods[0].start

    @property
    def end(self) -> date:
        return self.periods[-1].end

    def to_json(self) -> dict:
        return {"index": self.index, "start": self.start.isoformat(), "end": self.end.isoformat(),
                "periods": [period.index for period in self.periods]}


@lru_cache(maxsize=8192)
def month_boundary(anchor: date, months: int) -> date:
    """``anchor`` + ``months`` calendar months, computed from the anchor (31st → end of month).
    Remembered: a statement asks for the same few boundaries thousands of times (酒仙桥's 13
    deliverable quotas cut the term into windows for every month settled)."""
    start = pendulum.Date(anchor.year, anchor.month, anchor.day).add(months=months)
    return date(start.year, start.month, start.day)


def cycle_index(contract: "Contract", period_index: int) -> int:
    """The payment cycle that contract month ``period_index`` belongs to."""
    return (period_index - 1) // contract.cycle_months + 1


QUARTER_MONTHS = 3
"""A contract quarter (季度): contract months 1–3, 4–6 … counted from the start of the term."""


def months_in_scope(contract: "Contract", index: int, scope: str, window: int | None = None) -> range:
    """The contract months a span counted at month ``index`` takes in: the month itself
    (``period``), its contract quarter, its payment cycle, the term so far, or the ``window``
    months ending with it (``rolling``, 最近 N 个月)."""
    if scope == "period":
        return range(index, index + 1)
    if scope == "quarter":
        first = (index - 1) // QUARTER_MONTHS * QUARTER_MONTHS + 1
        return range(first, index + 1)
    if scope == "cycle":
        first = (cycle_index(contract, index) - 1) * contract.cycle_months + 1
        return range(first, index + 1)
    if scope == "rolling":
        return range(max(1, index - (window or 1) + 1), index + 1)
    return range(1, index + 1)


def period(contract: "Contract", index: int) -> Period:
    count = contract.periods_in_term()
    if not 1 <= index <= count:
        raise UserError(f"第 {index} 期不在合同期内", field="period",
                        valid=f"1..{count} ({contract.term.start}..{contract.term.end})")
    start = month_boundary(contract.term.start, index - 1)
    end = month_boundary(contract.term.start, index) - timedelta(days=1)
    return Period(index, start, end, cycle_index(contract, index))


def all_periods(contract: "Contract") -> list[Period]:
    return [period(contract, index) for index in range(1, contract.periods_in_term() + 1)]


def period_holding(contract: "Contract", day: date) -> Period:
    """The contract month that ``day`` falls in."""
    for candidate in all_periods(contract):
        if candidate.contains(day):
            return candidate
    raise UserError(f"{day} 不在合同期内", field="date",
                    valid=f"{contract.term.start}..{contract.term.end}")


def cycle_count(contract: "Contract") -> int:
    return -(-contract.periods_in_term() // contract.cycle_months)


def cycle(contract: "Contract", index: int) -> Cycle:
    count = cycle_count(contract)
    if not 1 <= index <= count:
        raise UserError(f"第 {index} 支付周期不在合同期内", field="cycle", valid=f"1..{count}")
    months = contract.cycle_months
    first = (index - 1) * months + 1
    last = min(index * months, contract.periods_in_term())
    return Cycle(index, tuple(period(contract, n) for n in range(first, last + 1)))


def span(contract: "Contract", index: int) -> Period:
    """Contract month ``index``, or the span after the term (the index after the last month)."""
    return period(contract, index) if index <= contract.periods_in_term() else after_term(contract)


def after_term(contract: "Contract") -> Period:
    """What happens once the term is over, as one open-ended span numbered after the last month."""
    count = contract.periods_in_term()
    return Period(count + 1, contract.term.end + timedelta(days=1), date.max,
                  cycle_index(contract, count))


def facts_period(contract: "Contract", label: "int | str") -> Period:
    """The span a facts file covers: contract month ``label``, or ``after`` the term."""
    return after_term(contract) if label == "after" else period(contract, label)  # type: ignore[arg-type]
