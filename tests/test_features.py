"""The lawyers' scenarios in ``features/*.feature``, run against the real engine.

Steps speak the contract's language: events are named by their Chinese labels
as declared in the contract YAML, amounts are written as on the statement.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from compliance import periods
from compliance.contract import LoadedContract, load_contract
from compliance.facts import load_facts
from compliance.pdf import FLAG_LABELS
from compliance.statement import cycle_statement, period_statement

from conftest import CONTRACTS, dump_facts

scenarios(".")

COLUMNS = {"情形": "type", "日期": "date", "次数": "count", "天数": "days", "金额": "amount",
           "单号": "ref"}
FLAG_KINDS = {label: kind for kind, label in FLAG_LABELS.items()}


@dataclass
class Settlement:
    """What a scenario has recorded, and the last statement it settled."""

    folder: Path
    loaded: LoadedContract | None = None
    events: dict[int, list[dict]] = field(default_factory=dict)
    ratings: dict[int, str] = field(default_factory=dict)
    statement: dict | None = None

    def write(self) -> None:
        for path in self.folder.glob("*.yaml"):
            path.unlink()
        for period in sorted(set(self.events) | set(self.ratings)):
            document = {"contract": self.loaded.contract.id, "period": period,
                        "events": self.events.get(period, [])}
            if period in self.ratings:
                document["rating"] = self.ratings[period]
            (self.folder / f"period-{period:02d}.yaml").write_text(dump_facts(document), "utf-8")


@pytest.fixture
def settlement(tmp_path: Path) -> Settlement:
    return Settlement(tmp_path)


def _event(loaded: LoadedContract, header: list[str], row: list[str]) -> dict:
    labels = {spec.label: name for name, spec in loaded.contract.event_types.items()}
    event: dict = {}
    for column, cell in zip(header, row):
        key = COLUMNS[column]
        if key == "type":
            event[key] = labels[cell]
        elif key in ("count", "days"):
            event[key] = int(cell)
        elif key == "amount":
            event[key] = Decimal(cell)
        elif key == "date":
            event[key] = cell
        else:
            event[key] = cell
    return event


@given(parsers.parse('合同为 "{contract_id}"'))
def given_contract(settlement: Settlement, contract_id: str) -> None:
    settlement.loaded = load_contract(CONTRACTS / f"{contract_id}.yaml")


@given(parsers.parse("第 {period:d} 期记录了以下情形："))
def given_events(settlement: Settlement, period: int, datatable: list[list[str]]) -> None:
    header, *rows = datatable
    settlement.events.setdefault(period, []).extend(
        _event(settlement.loaded, header, row) for row in rows)


@given(parsers.parse("第 {period:d} 期没有记录任何情形"))
def given_no_events(settlement: Settlement, period: int) -> None:
    settlement.events.setdefault(period, [])


@given(parsers.parse('第 {period:d} 期市级评价为 "{tier}"'))
def given_rating(settlement: Settlement, period: int, tier: str) -> None:
    settlement.ratings[period] = tier


@when(parsers.parse("结算第 {period:d} 期"))
def settle_period(settlement: Settlement, period: int) -> None:
    settlement.write()
    book = load_facts(settlement.folder, settlement.loaded)
    settlement.statement = period_statement(settlement.loaded, book, period)


@when(parsers.parse("结算第 {cycle:d} 支付周期"))
def settle_cycle(settlement: Settlement, cycle: int) -> None:
    settlement.write()
    book = load_facts(settlement.folder, settlement.loaded)
    settlement.statement = cycle_statement(settlement.loaded, book, cycle)


def _amount(text: str) -> str:
    return text.replace(",", "")


@then(parsers.parse('第 {period:d} 期为 "{start}" 至 "{end}"'))
def period_dates(settlement: Settlement, period: int, start: str, end: str) -> None:
    span = periods.period(settlement.loaded.contract, period)
    assert (span.start.isoformat(), span.end.isoformat()) == (start, end)


@then(parsers.parse("合同共 {count:d} 期"))
def period_count(settlement: Settlement, count: int) -> None:
    assert len(periods.all_periods(settlement.loaded.contract)) == count


@then(parsers.parse('第 {cycle:d} 支付周期含第 "{months}" 期'))
def cycle_months(settlement: Settlement, cycle: int, months: str) -> None:
    span = periods.cycle(settlement.loaded.contract, cycle)
    assert [p.index for p in span.periods] == [int(n) for n in months.split("、")]


@then(parsers.parse('第 {cycle:d} 支付周期为 "{start}" 至 "{end}"'))
def cycle_dates(settlement: Settlement, cycle: int, start: str, end: str) -> None:
    span = periods.cycle(settlement.loaded.contract, cycle)
    assert (span.start.isoformat(), span.end.isoformat()) == (start, end)


def _clause_total(statement: dict, clause: str) -> Decimal:
    return sum((Decimal(line["amount"]) for line in statement["deductions"]
                if line["clause"] == clause), Decimal("0"))


@then(parsers.parse('按第 "{clause}" 条扣款 "{amount}" 元'))
def clause_deduction(settlement: Settlement, clause: str, amount: str) -> None:
    assert _clause_total(settlement.statement, clause) == Decimal(_amount(amount))


@then(parsers.parse('第 "{clause}" 条不扣款'))
def clause_no_deduction(settlement: Settlement, clause: str) -> None:
    assert not [line for line in settlement.statement["deductions"] if line["clause"] == clause]


@then(parsers.parse('扣款说明含 "{text}"'))
def explanation_contains(settlement: Settlement, text: str) -> None:
    explanations = [line["explanation"] for line in settlement.statement["deductions"]]
    assert any(text in explanation for explanation in explanations), explanations


TOTALS = {"应结算服务费为": "gross", "扣款合计为": "deductions_total", "本期应付为": "payable",
          "暂扣为": "withheld", "净额为": "net", "乙方应补足": "owed_by_vendor"}


@then(parsers.re(r'(?P<label>应结算服务费为|扣款合计为|本期应付为|暂扣为|净额为|乙方应补足) '
                 r'"(?P<amount>[-0-9,.]+)" 元'))
def total_is(settlement: Settlement, label: str, amount: str) -> None:
    assert settlement.statement[TOTALS[label]] == _amount(amount)


@then(parsers.parse('应付大写为 "{words}"'))
def words_are(settlement: Settlement, words: str) -> None:
    assert settlement.statement["amount_in_words"] == words


@then(parsers.parse('出现第 "{clause}" 条的 "{label}" 标记'))
def flag_present(settlement: Settlement, clause: str, label: str) -> None:
    flags = [(flag["clause"], flag["kind"]) for flag in settlement.statement["flags"]]
    assert (clause, FLAG_KINDS[label]) in flags, flags


@then(parsers.parse('不出现 "{label}" 标记'))
def flag_absent(settlement: Settlement, label: str) -> None:
    kinds = [flag["kind"] for flag in settlement.statement["flags"]]
    assert FLAG_KINDS[label] not in kinds, settlement.statement["flags"]
