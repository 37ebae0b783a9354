"""Periods are counted from the anchor date with pendulum, never by chaining months."""
from datetime import date

import pytest
from conftest import CONTRACTS
from contract_builder import write_contract

from compliance.model import periods
from compliance.engine.loading import load_contract
from compliance.errors import UserError


def test_gaomidian_first_period_and_last_period():
    contract = load_contract(CONTRACTS / "gaomidian-2025.yaml").contract
    first, last = periods.period(contract, 1), periods.period(contract, 12)
    assert (first.start, first.end) == (date(2025, 10, 28), date(2025, 11, 27))
    assert (last.start, last.end) == (date(2026, 9, 28), date(2026, 10, 27))


def test_start_on_the_31st_does_not_drift(tmp_path):
    contract = load_contract(write_contract(tmp_path)).contract
    spans = [(p.start, p.end) for p in periods.all_periods(contract)]
    assert spans[0] == (date(2025, 1, 31), date(2025, 2, 27))
    assert spans[1] == (date(2025, 2, 28), date(2025, 3, 30))
    assert spans[2] == (date(2025, 3, 31), date(2025, 4, 29))  # back to the 31st, not the 28th
    assert spans[-1][1] == date(2026, 1, 30)
    # the periods tile the term: each starts the day after the previous ends
    assert all((b[0] - a[1]).days == 1 for a, b in zip(spans, spans[1:]))


def test_cycle_groups_three_months():
    contract = load_contract(CONTRACTS / "gaomidian-2025.yaml").contract
    assert [p.index for p in periods.cycle(contract, 2).periods] == [4, 5, 6]
    assert periods.cycle_count(contract) == 4


@pytest.mark.parametrize("index", [0, 13])
def test_period_outside_term_is_a_user_error(index):
    contract = load_contract(CONTRACTS / "gaomidian-2025.yaml").contract
    with pytest.raises(UserError, match="不在合同期内"):
        periods.period(contract, index)
