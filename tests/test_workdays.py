"""The working-day calendar: our data against both public libraries, and the deadline rules."""
import dataclasses
from datetime import date, timedelta
from types import SimpleNamespace

import chinese_calendar
import holidays
import pytest
from conftest import CONTRACTS, edited_contract

from compliance.engine.kinds import tranche as tranche_kind
from compliance.engine.loading import load_contract
from compliance.engine.term import TermView
from compliance.errors import UserError
from compliance.model.contract import DeadlineRule
from compliance.model.facts import load_facts
from compliance.model.workdays import PROVISIONAL_NOTE, Deadline, calendar
from compliance.views.statement import tranche_statement


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
    with pytest.raises(UserError, match="没有 2028 年的工作日日历"):
        calendar().is_working_day(date(2028, 1, 3))
    added = calendar(extra)
    assert not added.is_working_day(date(2028, 1, 3))
    assert added.is_working_day(date(2028, 1, 8))  # a Saturday made a workday


def test_a_bad_calendar_file_names_its_line(tmp_path):
    extra = tmp_path / "bad.yaml"
    extra.write_text("years:\n  2028:\n    status: maybe\n    days_off: []\n", "utf-8")
    with pytest.raises(UserError, match=r"bad.yaml:3: years\[2028\].status"):
        calendar(extra)


# --- 《民法典》第二百零三条: a calendar-day period ending on a day off ends on the next working day ---

ON = SimpleNamespace(deadlines=DeadlineRule())
OFF = SimpleNamespace(deadlines=DeadlineRule(extend_past_rest_days=False))


def test_a_30_day_period_ending_on_a_saturday_ends_on_monday():
    # 2025-06-12 (Thursday) + 30 = 2025-07-12 (Saturday) → 2025-07-14 (Monday)
    deadline = calendar().for_contract(ON).add(date(2025, 6, 12), 30, "calendar")
    assert (deadline.day, deadline.extended_from, deadline.provisional) == (
        date(2025, 7, 14), date(2025, 7, 12), False)
    assert deadline.note == "期限末日 2025-07-12 为法定休假日，依《民法典》第二百零三条顺延至 2025-07-14"


def test_a_period_ending_in_national_day_2026_ends_after_the_holiday():
    # 2026-09-03 + 30 = 2026-10-03; 国庆 2026 is 10-01 … 10-07 off → Thursday 2026-10-08
    deadline = calendar().for_contract(ON).add_calendar_days(date(2026, 9, 3), 30)
    assert (deadline.day, deadline.extended_from) == (date(2026, 10, 8), date(2026, 10, 3))


def test_a_period_ending_on_a_holiday_that_runs_into_a_weekend_ends_after_both():
    # 中秋 2026: Friday 09-25 … Sunday 09-27 off; 2026-08-26 + 30 = 09-25 → Monday 09-28
    deadline = calendar().for_contract(ON).add_calendar_days(date(2026, 8, 26), 30)
    assert deadline.day == date(2026, 9, 28)


def test_a_period_ending_on_a_make_up_saturday_is_not_moved():
    # 2026-10-10 is a Saturday the State Council made a working day (调休上班)
    deadline = calendar().for_contract(ON).add_calendar_days(date(2026, 9, 10), 30)
    assert (deadline.day, deadline.extended_from, deadline.note) == (date(2026, 10, 10), None, None)


def test_a_period_ending_on_a_working_day_is_not_moved():
    deadline = calendar().for_contract(ON).add_calendar_days(date(2026, 1, 28), 30)
    assert (deadline.day, deadline.extended_from) == (date(2026, 2, 27), None)


def test_with_the_setting_off_nothing_moves():
    counted = calendar().for_contract(OFF)
    assert not counted.extends_rest_days
    for trigger, last in ((date(2025, 6, 12), date(2025, 7, 12)), (date(2026, 9, 3), date(2026, 10, 3))):
        deadline = counted.add(trigger, 30, "calendar")
        assert (deadline.day, deadline.extended_from, deadline.note) == (last, None, None)


def test_the_plain_calendar_does_not_move_and_for_contract_leaves_it_so():
    plain = calendar()
    counted = plain.for_contract(ON)
    assert counted.extends_rest_days and not plain.extends_rest_days
    assert counted.years is plain.years
    assert plain.add_calendar_days(date(2025, 6, 12), 30).day == date(2025, 7, 12)


@pytest.mark.parametrize("trigger, count", [(date(2026, 2, 10), 15), (date(2026, 9, 28), 5),
                                            (date(2025, 9, 26), 5)])
def test_working_day_periods_are_unchanged(trigger, count):
    assert (calendar().for_contract(ON).add(trigger, count, "working")
            == calendar().for_contract(OFF).add(trigger, count, "working")
            == calendar().add_working_days(trigger, count))


def test_a_zero_day_offset_is_no_period_and_is_not_moved():
    # a Saturday given as the day itself (a written acceptance, an offset of 0)
    assert calendar().for_contract(ON).add_calendar_days(date(2025, 7, 12), 0).day == date(2025, 7, 12)


def test_a_deadline_can_be_provisional_and_extended():
    # 2026-12-02 + 30 = 2027-01-01 (元旦, provisional year) → Monday 2027-01-04
    deadline = calendar().for_contract(ON).add_calendar_days(date(2026, 12, 2), 30)
    assert (deadline.day, deadline.provisional, deadline.extended_from) == (
        date(2027, 1, 4), True, date(2027, 1, 1))
    assert deadline.note == (f"{PROVISIONAL_NOTE}；期限末日 2027-01-01 为法定休假日，"
                             "依《民法典》第二百零三条顺延至 2027-01-04")


def test_a_deadline_is_still_built_from_its_day_and_provisional_flag():
    deadline = Deadline(date(2027, 3, 1), True)
    assert (deadline.extended_from, deadline.note) == (None, PROVISIONAL_NOTE)
    assert Deadline(date(2026, 3, 2), False).note is None


def test_a_period_reaching_a_year_without_a_calendar_is_refused():
    with pytest.raises(UserError, match="没有 2028 年的工作日日历"):
        calendar().for_contract(ON).add_calendar_days(date(2027, 12, 20), 30)


def test_a_date_the_contract_writes_is_not_moved():
    # 规自委 3.2: 2023 年 6 月底前 — written as a date, it is no period; put on a Saturday, it stays
    loaded = load_contract(CONTRACTS / "ghzrzw-chaoyang-2023.yaml")
    rule = dataclasses.replace(loaded.tranches[0],
                               params=loaded.tranches[0].params.model_copy(update={"due_by": date(2023, 7, 1)}))
    deadline, how = tranche_kind.due(rule, date(2023, 5, 20), calendar().for_contract(loaded.contract))
    assert (deadline.day, deadline.extended_from, how) == (date(2023, 7, 1), None, "合同约定于 2023-07-01 前支付")


def test_every_contract_keeps_the_rule_on_by_default_with_its_interpretation():
    for path in sorted(CONTRACTS.glob("*.yaml")):
        rule = load_contract(path).contract.deadlines
        assert rule.extend_past_rest_days, path.stem
        for words in ("《民法典》第二百零三条", "周末", "调休上班", "不顺延", "extend_past_rest_days: false"):
            assert words in rule.interpretation, words


def _chengbei(tmp_path, extend: bool):
    def switch(document):
        document["deadlines"] = {"extend_past_rest_days": extend}
    return load_contract(edited_contract(tmp_path, "chengbei-2025", switch))


@pytest.mark.parametrize("extend, due", [(True, "2025-07-14"), (False, "2025-07-12")])
def test_a_lawyer_switches_the_rule_per_contract_and_the_statement_follows(tmp_path, write_facts,
                                                                           extend, due):
    # 城北 四(二): 资金到位 2025-06-12 后 30 日内 — the 30th day is Saturday 2025-07-12
    loaded = _chengbei(tmp_path, extend)
    folder = write_facts("chengbei-2025", 1, [
        {"type": "funds_available", "date": "2025-06-12", "tranche": 1},
        {"type": "invoice_received", "date": "2025-06-20", "tranche": 1}])
    statement = tranche_statement(loaded, load_facts(folder, loaded), 1, date(2025, 7, 13), calendar())
    tranche = statement["tranche"]
    assert tranche["due"]["date"] == due
    assert ("第二百零三条" in tranche["due"]["how"]) is extend
    assert tranche["status_label"] == ("应付" if extend else "逾期未付")


def test_a_term_view_counts_on_the_contracts_calendar(tmp_path):
    for extend in (True, False):
        view = TermView(_chengbei(tmp_path, extend).contract, [], calendar(), date(2025, 7, 1))
        assert view.calendar.extends_rest_days is extend
