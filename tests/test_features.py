"""The lawyers' scenarios in ``features/*.feature``, run against the real engine.

Steps speak the contract's language: events are named by their Chinese labels
as declared in the contract YAML, amounts are written as on the statement.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from conftest import CONTRACTS, dump_facts
from pytest_bdd import given, parsers, scenarios, then, when

from compliance.model import periods
from compliance.engine.loading import LoadedContract, load_contract
from compliance.errors import UserError
from compliance.model.facts import load_facts
from compliance.model.fieldtypes import FLAG_LABELS
from compliance.engine.kinds import deliverable_quota as quota_kind
from compliance.views.schedule_view import schedule_listing
from compliance.views.statement import cycle_statement, period_statement, tranche_statement
from compliance.views.termination import termination_statement
from compliance.model.workdays import PROVISIONAL_NOTE, calendar

scenarios(".")

COLUMNS = {"情形": "type", "日期": "date", "次数": "count", "天数": "days", "金额": "amount",
           "单号": "ref", "付款次数": "tranche", "成果": "deliverable", "人数": "staff",
           "条款": "clause", "结束日期": "ended", "理由": "note",
           "甲方认可": "accepted"}
YES_NO = {"是": True, "否": False}
AFTER_TERM = "after"
FLAG_KINDS = {label: kind for kind, label in FLAG_LABELS.items()}


@dataclass
class Settlement:
    """What a scenario has recorded, and the last statement it settled."""

    folder: Path
    loaded: LoadedContract | None = None
    events: dict[int | str, list[dict]] = field(default_factory=dict)
    ratings: dict[int, str] = field(default_factory=dict)
    statement: dict | None = None
    refusal: UserError | None = None
    document: dict | None = None
    """The contract YAML a scenario edits (renewals, quote lines) before reloading it."""

    def write(self) -> None:
        for path in self.folder.glob("*.yaml"):
            path.unlink()
        for period in set(self.events) | set(self.ratings):
            document = {"contract": self.loaded.contract.id, "period": period,
                        "events": self.events.get(period, [])}
            if period in self.ratings:
                document["rating"] = self.ratings[period]
            name = "after-term" if period == AFTER_TERM else f"period-{period:02d}"
            (self.folder / f"{name}.yaml").write_text(dump_facts(document), "utf-8")

    def book(self):
        self.write()
        return load_facts(self.folder, self.loaded)


@pytest.fixture
def settlement(tmp_path: Path) -> Settlement:
    return Settlement(tmp_path)


def _declared_columns(loaded: LoadedContract) -> dict[str, str]:
    """The fields a contract declares on its event types (``fields``), by their labels: a
    scenario writes 考核得分 where the facts file writes ``score``."""
    return {field.label: (name, field.type) for spec in loaded.contract.event_types.values()
            for name, field in spec.fields.items()}


def _event(loaded: LoadedContract, header: list[str], row: list[str]) -> dict:
    labels = {spec.label: name for name, spec in loaded.contract.event_types.items()}
    declared = _declared_columns(loaded)
    event: dict = {}
    for column, cell in zip(header, row):
        if not cell.strip():
            continue  # an empty cell: the event does not carry this field
        if column in declared:  # a number, or a Beijing time written as text
            name, kind = declared[column]
            event[name] = Decimal(cell.strip()) if kind == "number" else cell.strip()
            continue
        key = COLUMNS[column]
        if key == "type":
            event[key] = labels[cell]
        elif key in ("count", "days", "tranche", "staff"):
            event[key] = int(cell)
        elif key == "amount":
            event[key] = Decimal(cell)
        elif key == "accepted":
            event[key] = YES_NO[cell]
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


@given("合同期满后记录了以下情形：")
def given_events_after_term(settlement: Settlement, datatable: list[list[str]]) -> None:
    header, *rows = datatable
    settlement.events.setdefault(AFTER_TERM, []).extend(
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


@when(parsers.parse("试图结算第 {period:d} 期"))
def try_settle_period(settlement: Settlement, period: int) -> None:
    try:
        settle_period(settlement, period)
        settlement.refusal = None
    except UserError as refusal:
        settlement.refusal = refusal


@then(parsers.parse('事实被拒绝，原因含 "{text}"'))
def facts_refused(settlement: Settlement, text: str) -> None:
    assert settlement.refusal is not None and text in str(settlement.refusal), settlement.refusal


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


@then(parsers.parse("本月不单独付款，净额计入第 {cycle:d} 支付周期结算"))
def settled_in_cycle(settlement: Settlement, cycle: int) -> None:
    assert settlement.statement["settled_in"] == f"第 {cycle} 支付周期"
    assert (settlement.statement["payable"], settlement.statement["owed_by_vendor"]) == ("0.00", "0.00")


@then(parsers.parse('应付大写为 "{words}"'))
def words_are(settlement: Settlement, words: str) -> None:
    assert settlement.statement["amount_in_words"] == words


@then(parsers.parse('出现第 "{clause}" 条的 "{label}" 标记'))
def flag_present(settlement: Settlement, clause: str, label: str) -> None:
    flags = [(flag["clause"], flag["kind"]) for flag in settlement.statement["flags"]]
    assert (clause, FLAG_KINDS[label]) in flags, flags


@then(parsers.parse('第 "{clause}" 条没有标记'))
def clause_without_flags(settlement: Settlement, clause: str) -> None:
    assert not [flag for flag in settlement.statement["flags"] if flag["clause"] == clause]


@then(parsers.parse('不出现 "{label}" 标记'))
def flag_absent(settlement: Settlement, label: str) -> None:
    kinds = [flag["kind"] for flag in settlement.statement["flags"]]
    assert FLAG_KINDS[label] not in kinds, settlement.statement["flags"]


# --- tranches, schedules, acceptance, termination, renewals, quote tables -------------------

@when(parsers.parse('截至 "{as_of}" 结算第 {number:d} 次付款'))
def settle_tranche(settlement: Settlement, as_of: str, number: int) -> None:
    settlement.statement = tranche_statement(settlement.loaded, settlement.book(), number,
                                             date.fromisoformat(as_of), calendar())


@when(parsers.parse('截至 "{as_of}" 查看付款计划'))
def view_schedule(settlement: Settlement, as_of: str) -> None:
    settlement.statement = schedule_listing(settlement.loaded, settlement.book(),
                                            date.fromisoformat(as_of), calendar())


def _tranche(settlement: Settlement) -> dict:
    return settlement.statement["tranche"]


@then(parsers.parse('本次付款金额为 "{amount}" 元'))
def tranche_amount(settlement: Settlement, amount: str) -> None:
    assert _tranche(settlement)["amount"] == _amount(amount)


@then(parsers.parse('付款期限为 "{day}"'))
def tranche_due(settlement: Settlement, day: str) -> None:
    due = _tranche(settlement)["due"]
    assert due is not None and due["date"] == day, due


@then("付款期限为暂定，注明按法定节假日推算")
def tranche_due_provisional(settlement: Settlement) -> None:
    due = _tranche(settlement)["due"]
    assert due["provisional"] and due["note"] == PROVISIONAL_NOTE, due


@then("付款期限不是暂定")
def tranche_due_official(settlement: Settlement) -> None:
    assert _tranche(settlement)["due"]["provisional"] is False


@then(parsers.parse('付款期限说明含 "{text}"'))
def tranche_due_how(settlement: Settlement, text: str) -> None:
    due = _tranche(settlement)["due"]
    assert due is not None and text in due["how"], due


@then("付款期限未依民法典第二百零三条顺延")
def tranche_due_not_extended(settlement: Settlement) -> None:
    due = _tranche(settlement)["due"]
    assert due is not None and "第二百零三条" not in f"{due['note']}{due['how']}", due


@then(parsers.parse('尚无付款期限，等待 "{awaited}"'))
def tranche_awaiting(settlement: Settlement, awaited: str) -> None:
    tranche = _tranche(settlement)
    assert tranche["due"] is None and awaited in tranche["trigger"]["awaiting"], tranche["trigger"]


@then(parsers.parse('付款状态为 "{label}"'))
def tranche_status(settlement: Settlement, label: str) -> None:
    assert _tranche(settlement)["status_label"] == label


@then(parsers.parse('付款计划中第 {number:d} 次付款状态为 "{label}"，付款期限为 "{day}"'))
def schedule_row(settlement: Settlement, number: int, label: str, day: str) -> None:
    row = next(r for r in settlement.statement["tranches"] if r["number"] == number)
    assert (row["status_label"], row["due"]["date"] if row["due"] else "—") == (label, day), row


@then(parsers.parse('第 "{clause}" 条的付款条件{state}'))
def payment_condition(settlement: Settlement, clause: str, state: str) -> None:
    """已满足 / 逾期满足 / 待满足（期限未到）/ 未满足（期限已过）."""
    status = {"已满足": "met", "逾期满足": "met_late", "待满足": "pending", "未满足": "missing"}[state]
    checks = [c["status"] for c in settlement.statement["checks"] if c["clause"] == clause]
    assert checks and set(checks) == {status}, settlement.statement["checks"]


@then(parsers.parse('付款条件说明含 "{text}"'))
def payment_condition_message(settlement: Settlement, text: str) -> None:
    messages = [c["message"] for c in settlement.statement["checks"]]
    assert any(text in message for message in messages), messages


@then(parsers.re(r'(?P<label>已付为|甲方应付迟延付款违约金) "(?P<amount>[-0-9,.]+)" 元'))
def tranche_total(settlement: Settlement, label: str, amount: str) -> None:
    key = {"已付为": "already_paid", "甲方应付迟延付款违约金": "owed_by_buyer"}[label]
    assert settlement.statement[key] == _amount(amount)


@then(parsers.parse('成果 "{deliverable}" 的验收通过日为 "{day}"，依据 "{how}"'))
def accepted_on(settlement: Settlement, deliverable: str, day: str, how: str) -> None:
    milestone = next(m for m in settlement.statement["acceptance"] if m["deliverable"] == deliverable)
    assert (milestone["accepted_on"], milestone["how"]) == (day, how), milestone


@then(parsers.parse('成果 "{deliverable}" 尚未验收通过，进度含 "{step}"'))
def not_accepted(settlement: Settlement, deliverable: str, step: str) -> None:
    milestone = next(m for m in settlement.statement["acceptance"] if m["deliverable"] == deliverable)
    assert milestone["accepted_on"] is None and any(step in s for s in milestone["steps"]), milestone


@then(parsers.parse('解除结算：已服务 {days:d} 日，应得 "{earned}" 元，甲方应付 "{pays}" 元，乙方应退 "{refunds}" 元'))
def termination(settlement: Settlement, days: int, earned: str, pays: str, refunds: str) -> None:
    item = _ended(settlement)
    assert (item["days_served"], item["earned"], item["buyer_pays"], item["vendor_refunds"]) == (
        days, _amount(earned), _amount(pays), _amount(refunds)), item


@then(parsers.parse('解除结算应于 "{day}" 前完成'))
def termination_due(settlement: Settlement, day: str) -> None:
    item = _ended(settlement)
    assert item["due"] is not None and item["due"]["date"] == day, item


@then(parsers.parse('解除依据第 "{ground}" 条，按第 "{under}" 条结算'))
def termination_ground(settlement: Settlement, ground: str, under: str) -> None:
    item = _ended(settlement)
    assert (item["ground"], item["settled_under"]) == (ground, under), item


@then(parsers.re('解除前的书面通知(?P<verdict>已满足|不足)，最早可于 "(?P<day>[0-9-]+)" 解除'))
def termination_notice(settlement: Settlement, verdict: str, day: str) -> None:
    item = _ended(settlement)
    notice = item["notice"]
    assert (notice["sufficient"], notice["earliest"]) == (verdict == "已满足", day), notice


@then(parsers.parse('标记说明含 "{text}"'))
def flag_message_contains(settlement: Settlement, text: str) -> None:
    messages = [flag["message"] for flag in settlement.statement["flags"]]
    assert any(text in message for message in messages), messages


@when(parsers.parse('合同文件加入续签 "{start}" 至 "{end}"，金额 "{amount}" 元'))
def add_renewal(settlement: Settlement, start: str, end: str, amount: str) -> None:
    renewals = _document(settlement).setdefault("renewals", [])
    renewals.append({"start": start, "end": end, "amount": Decimal(_amount(amount))})
    _reload(settlement)


@when(parsers.parse('报价表 "{line}" 行的单价改为 "{price}" 元'))
def change_quote(settlement: Settlement, line: str, price: str) -> None:
    for year in _document(settlement)["quote"]["years"]:
        for row in year["lines"]:
            if row["id"] == line:
                row["unit_price"] = Decimal(_amount(price))
    _reload(settlement)


@then("合同文件被接受")
def contract_accepted(settlement: Settlement) -> None:
    assert settlement.refusal is None, settlement.refusal


@then(parsers.parse('合同文件被拒绝，原因含 "{text}"'))
def contract_refused(settlement: Settlement, text: str) -> None:
    assert settlement.refusal is not None and text in str(settlement.refusal), settlement.refusal


@then(parsers.parse('报价表合计为 "{total}" 元，"{year}" 年小计为 "{subtotal}" 元'))
def quote_totals(settlement: Settlement, total: str, year: str, subtotal: str) -> None:
    quote = settlement.loaded.contract.quote
    subtotals = {y.id: y.subtotal for y in quote.years}
    assert (quote.total, subtotals[year]) == (Decimal(_amount(total)), Decimal(_amount(subtotal)))


def _document(settlement: Settlement) -> dict:
    if settlement.document is None:
        settlement.document = yaml.safe_load(settlement.loaded.path.read_text("utf-8"))
    return settlement.document


def _reload(settlement: Settlement) -> None:
    path = settlement.folder / "contract.yaml"
    path.write_text(dump_facts(settlement.document), "utf-8")
    try:
        load_contract(path)
        settlement.refusal = None
    except UserError as refusal:
        settlement.refusal = refusal


# --- deliverable quotas, counters, penalty exposure, termination statements ------------------

@given("乙方按交付计划按时交付了全部服务成果")
def deliver_everything(settlement: Settlement) -> None:
    """One delivery per slot of every quota, on the last day of its window."""
    contract = settlement.loaded.contract
    for rule in settlement.loaded.rules:
        if rule.kind != "deliverable_quota":
            continue
        for slot in quota_kind.slots(rule, [], contract.term.end):
            index = periods.period_holding(contract, slot.deadline).index
            settlement.events.setdefault(index, []).append(
                {"type": rule.params.event_type, "date": slot.deadline.isoformat(),
                 "deliverable": rule.params.deliverable, "ref": f"{slot.window}-{slot.number}"})


def _progress(settlement: Settlement, label: str) -> dict:
    return next(d for d in settlement.statement["deliverables"] if d["label"] == label)


@then(parsers.parse('成果 "{label}" 截至本期末应交 {due:d} 次，已交 {delivered:d} 次，共 {total:d} 次'))
def progress_counts(settlement: Settlement, label: str, due: int, delivered: int, total: int) -> None:
    item = _progress(settlement, label)
    assert (item["due_so_far"], item["delivered"], item["total"]) == (due, delivered, total), item


@then(parsers.parse('成果 "{label}" 的逾期记录含 "{text}"'))
def progress_late(settlement: Settlement, label: str, text: str) -> None:
    item = _progress(settlement, label)
    assert any(text in entry for entry in item["late"] + item["overdue"] + item["rejected"]), item


@then(parsers.parse('成果 "{label}" 没有逾期'))
def progress_on_time(settlement: Settlement, label: str) -> None:
    item = _progress(settlement, label)
    assert not item["late"] and not item["overdue"], item


@then(parsers.parse('计数显示 "{text}"'))
def counter_shows(settlement: Settlement, text: str) -> None:
    counters = [c["text"] for c in settlement.statement["counters"]]
    assert text in counters, counters


@then(parsers.parse('第 "{clause}" 条甲方可主张违约金 "{amount}" 元'))
def exposure(settlement: Settlement, clause: str, amount: str) -> None:
    exposures = [(f["clause"], f.get("amount")) for f in settlement.statement["flags"]
                 if f["kind"] == "penalty_exposure"]
    assert (clause, _amount(amount)) in exposures, exposures


@then("不出现甲方可主张的违约金")
def no_exposure(settlement: Settlement) -> None:
    assert not [f for f in settlement.statement["flags"] if f["kind"] == "penalty_exposure"]


@when(parsers.parse('{party}于 "{on}" 依第 "{clause}" 条解除合同'))
def terminate(settlement: Settlement, party: str, on: str, clause: str) -> None:
    by = {"甲方": "buyer", "乙方": "vendor"}[party]
    rule_parties = {rule.params.party for rule in settlement.loaded.rules
                    if rule.kind == "termination_settlement" and rule.clause == clause}
    settlement.statement = termination_statement(
        settlement.loaded, settlement.book(), clause, date.fromisoformat(on),
        by if rule_parties - {None} else None, calendar())


def _ended(settlement: Settlement) -> dict:
    """The termination settled: of a termination statement, or the one a schedule records."""
    termination = settlement.statement["termination"]
    if isinstance(termination, list):
        [termination] = termination
    return termination


@then(parsers.parse('解除时已服务 {days:d} 日，应得服务费 "{earned}" 元，已付 "{paid}" 元'))
def termination_earned(settlement: Settlement, days: int, earned: str, paid: str) -> None:
    item = _ended(settlement)
    assert (item["days_served"], item["earned"], item["paid"]) == (days, _amount(earned), _amount(paid)), item


@then(parsers.parse('解除违约金 "{amount}" 元由{party}支付'))
def termination_penalty(settlement: Settlement, amount: str, party: str) -> None:
    penalty = _ended(settlement)["penalty"]
    payer = {"甲方": "buyer", "乙方": "vendor"}[party]
    assert penalty is not None and (penalty["amount"], penalty["payer"]) == (_amount(amount), payer), penalty


@then("解除不计违约金")
def termination_no_penalty(settlement: Settlement) -> None:
    assert _ended(settlement)["penalty"] is None


@then(parsers.parse('解除时的扣款合计为 "{amount}" 元'))
def termination_deductions(settlement: Settlement, amount: str) -> None:
    assert _ended(settlement)["deductions"] == _amount(amount)


@then(parsers.re(r'(?P<party>乙方应退还|甲方应支付) "(?P<amount>[0-9,.]+)" 元(，期限为 "(?P<day>[0-9-]+)")?'))
def termination_balance(settlement: Settlement, party: str, amount: str, day: str | None) -> None:
    item = _ended(settlement)
    key = {"乙方应退还": "vendor_refunds", "甲方应支付": "buyer_pays"}[party]
    assert item[key] == _amount(amount), item
    if day:
        assert item["due"] is not None and item["due"]["date"] == day, item["due"]


@then(parsers.parse("提前通知{state}"))
def termination_notice_state(settlement: Settlement, state: str) -> None:
    notice = _ended(settlement)["notice"]
    assert notice is not None and notice["sufficient"] is {"已满足": True, "不足": False}[state], notice
