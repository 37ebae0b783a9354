"""The working-day calendar: our data against both public libraries, and the deadline rules."""
from datetime import date, timedelta

import chinese_calendar
import holidays
import pytest

from compliance.errors import UserError
from compliance.model.workdays import PROVISIONAL_NOTE, calendar


def _year(year: int):
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += timedelta(days=1)


@pytest.mark.parametrize("year", [2023, 2024, 2025, 2026])
def test_official_years_agree_with_chinesecalendar(year):
    ours = calendar()
    differences = [day for day in _year(year)
                   if ours.is_working_day(day) != chinese_calendar.is_workday(day)]
    assert differences == []


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_official_years_agree_with_holidays(year):
    ours, theirs = calendar(), holidays.China(years=[year])
    differences = [day for day in _year(year)
                   if ours.is_working_day(day) != theirs.is_working_day(day)]
    assert differences == []


def test_fifteen_working_days_after_2026_02_10_is_2026_03_09():
    deadline = calendar().add_working_days(date(2026, 2, 10), 15)
    assert (deadline.day, deadline.provisional) == (date(2026, 3, 9), False)


def test_counting_starts_the_day_after_the_trigger():
    # Friday 2026-03-06 + 1 working day = Monday 2026-03-09
    assert calendar().add_working_days(date(2026, 3, 6), 1).day == date(2026, 3, 9)


def test_a_make_up_saturday_counts_as_a_working_day():
    # 2026-09-20 (Sunday) is a make-up workday before 国庆 2026
    assert calendar().is_working_day(date(2026, 9, 20))
    assert calendar().add_working_days(date(2026, 9, 18), 1).day == date(2026, 9, 20)


def test_national_day_2026_is_skipped():
    # 5 working days after 2026-09-28: 09-29, 09-30, then 10-08, 10-09, 10-10 (make-up Saturday)
    assert calendar().add_working_days(date(2026, 9, 28), 5).day == date(2026, 10, 10)


def test_a_deadline_reaching_into_2027_is_provisional():
    deadline = calendar().add_working_days(date(2026, 12, 20), 15)
    assert deadline.provisional
    assert deadline.note == PROVISIONAL_NOTE
    assert deadline.day == date(2027, 1, 11)  # 元旦 2027-01-01 off, weekends off


def test_2027_statutory_holidays_match_holidays_library():
    ours = calendar()
    statutory = {day for day, name in holidays.China(years=[2027]).items() if "observed" not in name}
    assert all(not ours.is_working_day(day) for day in statutory)
    assert ours.is_provisional(date(2027, 3, 1))


def test_calendar_days_are_plain_days():
    assert calendar().add_calendar_days(date(2026, 1, 28), 30).day == date(2026, 2, 27)


def test_a_user_file_adds_a_year(tmp_path):
    extra = tmp_path / "2028.yaml"
    extra.write_text("years:\n  2028:\n    status: official\n    days_off:\n"
                     "      - {name: 元旦, from: 2028-01-01, to: 2028-01-03}\n"
                     "    makeup_workdays: [2028-01-08]\n", "utf-8")
    with pytest.raises(UserError, match="no working-day calendar for 2028"):
        calendar().is_working_day(date(2028, 1, 3))
    added = calendar(extra)
    assert not added.is_working_day(date(2028, 1, 3))
    assert added.is_working_day(date(2028, 1, 8))  # a Saturday made a workday


def test_a_bad_calendar_file_names_its_line(tmp_path):
    extra = tmp_path / "bad.yaml"
    extra.write_text("years:\n  2028:\n    status: maybe\n    days_off: []\n", "utf-8")
    with pytest.raises(UserError, match=r"bad.yaml:3: years\[2028\].status"):
        calendar(extra)
