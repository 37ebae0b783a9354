"""Working days (工作日) in mainland China, for deadlines written "N 个工作日内".

A day is a working day when it is a Monday–Friday not given off, or a weekend day
the State Council made a make-up workday (调休上班). The schedule of each year
is data (``data/calendar-cn.yaml``): years whose schedule has been published are
``official``; a year whose make-up days are not yet known is ``provisional`` and
lists only its statutory holidays, so a deadline reaching into it is computed
from weekends plus those holidays and marked provisional. A user calendar file in
the same format adds or replaces years.

"N 个工作日内" counts from the day after the trigger: 15 working days after
2026-02-10 (across 春节 2026 and the make-up Saturdays 02-14 and 02-28) is 2026-03-09.
"N 日" is calendar days.

《民法典》第二百零三条：期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的
最后一日。A calendar built ``for_contract`` of a contract that keeps the rule on (its
``deadlines.extend_past_rest_days``, the default) moves the last day of an "N 日内" period
that is not a working day (a statutory holiday, or a weekend day not made a make-up
workday) to the first working day after it: 30 日 after 2026-09-03 is 2026-10-03 (国庆),
moved to 2026-10-08. Working-day periods already end on a working day; fixed dates
the contract writes are not periods and never pass through here.
"""
from __future__ import annotations

import hashlib
from copy import copy
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import Field

from compliance.model import sourceyaml
from compliance.model import validation
from compliance.errors import UserError
from compliance.model.fieldtypes import Day, Strict

CALENDAR_FILE = Path(__file__).parents[1] / "data" / "calendar-cn.yaml"
PROVISIONAL_NOTE = "按法定节假日推算，待国务院公布调休安排"
EXTENSION_NOTE = "期限末日 {original} 为法定休假日，依《民法典》第二百零三条顺延至 {day}"


class DaysOff(Strict):
    """A run of days off, from and to inclusive (weekends inside the run included)."""

    name: str
    from_: Day = Field(alias="from")
    to: Day


class YearSchedule(Strict):
    status: Literal["official", "provisional"]
    days_off: list[DaysOff]
    makeup_workdays: list[Day] = []


class CalendarFile(Strict):
    years: dict[int, YearSchedule]


@dataclass(frozen=True)
class Deadline:
    """A computed due date, whether it rests on a provisional (unpublished) schedule, and the
    last day of the period it was moved from under 《民法典》第二百零三条 (None if not moved)."""

    day: date
    provisional: bool
    extended_from: date | None = None

    @property
    def extension_note(self) -> str | None:
        """期限末日 … 为法定休假日，依《民法典》第二百零三条顺延至 …, when it was moved."""
        if self.extended_from is None:
            return None
        return EXTENSION_NOTE.format(original=self.extended_from, day=self.day)

    @property
    def note(self) -> str | None:
        """The provisional note and the extension note, joined by "；" (None if neither)."""
        notes = [PROVISIONAL_NOTE if self.provisional else None, self.extension_note]
        return "；".join(n for n in notes if n) or None


class WorkCalendar:
    """The working-day calendar: official and provisional years."""

    def __init__(self, years: dict[int, YearSchedule], extends_rest_days: bool = False) -> None:
        self.years = years
        self.extends_rest_days = extends_rest_days
        """Whether a calendar-day period ending on a day off moves to the next working day
        (《民法典》第二百零三条); set from the contract by :meth:`for_contract`."""
        self._off = {day for schedule in years.values() for span in schedule.days_off
                     for day in _days(span.from_, span.to)}
        self._makeup = {day for schedule in years.values() for day in schedule.makeup_workdays}

    def for_contract(self, contract) -> "WorkCalendar":
        """This calendar (same years) counting deadlines as ``contract`` says: with its
        ``deadlines.extend_past_rest_days`` setting (《民法典》第二百零三条, on by default)."""
        extends = contract.deadlines.extend_past_rest_days
        if extends == self.extends_rest_days:
            return self
        counted = copy(self)
        counted.extends_rest_days = extends
        return counted

    def schedule(self, year: int) -> YearSchedule:
        if year not in self.years:
            known = ", ".join(str(y) for y in sorted(self.years))
            raise UserError(f"没有 {year} 年的工作日日历", field="calendar",
                            valid=f"{known} 年；{year} 年可用 --calendar 日历文件补充（见 README）")
        return self.years[year]

    def is_working_day(self, day: date) -> bool:
        self.schedule(day.year)
        if day in self._makeup:
            return True
        return day.weekday() < 5 and day not in self._off

    def is_provisional(self, day: date) -> bool:
        return self.schedule(day.year).status == "provisional"

    def add_working_days(self, trigger: date, count: int) -> Deadline:
        """The ``count``-th working day after ``trigger`` (the trigger day itself not counted)."""
        day, seen, provisional = trigger, 0, False
        while seen < count:
            day += timedelta(days=1)
            provisional |= self.is_provisional(day)
            if self.is_working_day(day):
                seen += 1
        return Deadline(day, provisional)

    def add_calendar_days(self, trigger: date, count: int) -> Deadline:
        """``count`` calendar days after ``trigger``; provisional only if it lands in such a year.

        With ``extends_rest_days``, a last day that is not a working day moves to the first
        working day after it (《民法典》第二百零三条); provisional if any day it passed is."""
        last = trigger + timedelta(days=count)
        day, provisional = last, self.is_provisional(last)
        if not (self.extends_rest_days and count > 0):
            return Deadline(day, provisional)
        while not self.is_working_day(day):
            day += timedelta(days=1)
            provisional |= self.is_provisional(day)
        return Deadline(day, provisional, last if day != last else None)

    def add(self, trigger: date, count: int, unit: str) -> Deadline:
        """``count`` working days (``unit`` "working") or calendar days ("calendar") after
        ``trigger``, as a contract clause states its period."""
        if unit == "working":
            return self.add_working_days(trigger, count)
        return self.add_calendar_days(trigger, count)

    def working_days_between(self, first: date, last: date) -> int:
        """Working days after ``first`` up to and including ``last`` (0 when last ≤ first)."""
        return sum(self.is_working_day(day) for day in _days(first + timedelta(days=1), last))


def _days(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def _load(path: Path) -> dict[int, YearSchedule]:
    document = sourceyaml.load(path)
    return validation.validate(CalendarFile, document, path).years


@cache
def _bundled() -> dict[int, YearSchedule]:
    return _load(CALENDAR_FILE)


@cache
def bundled_digest() -> str:
    """sha256 of the bundled calendar file: a statement names the calendar it was judged by."""
    return hashlib.sha256(CALENDAR_FILE.read_bytes()).hexdigest()


def calendar(extra: Path | None = None) -> WorkCalendar:
    """The bundled calendar, with the years of ``extra`` (a user file) added or replaced."""
    years = dict(_bundled())
    if extra is not None:
        years.update(_load(extra))
    return WorkCalendar(years)
