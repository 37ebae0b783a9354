"""扣款上限 (``cap``): what some clauses charge within a span never exceeds a limit; the excess is
credited beside the charges, once, in the month it arises.

The synthetic contract (``contract_builder``): 12 months from 2025-01-31, 合同总价款
4,200,000.00, 月服务费 350,000.00 (季度服务费 1,050,000.00), paid by cycles of 3 months;
4.6.1 deducts 5,000.00 per 0-point order, 4.6.4 (added here) 2,000.00 per complaint, 6.1
(added here) 0.5% of 合同总价款 = 21,000.00 per day of delay. 4.6.5 raises the termination right
when the month's 4.6 deductions exceed 20% of the fee (70,000.00).
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from conftest import run_cli
from contract_builder import write_contract

from compliance.account.build import contract_account
from compliance.engine.kinds import cap as cap_kind
from compliance.engine.loading import load_contract
from compliance.engine.outcome import Line, Trace
from compliance.errors import UserError
from compliance.legal.explain import explain
from compliance.model.facts import load_facts
from compliance.model.periods import period as period_of
from compliance.model.workdays import calendar
from compliance.views.ledger import ledger
from compliance.views.statement import cycle_statement, period_statement


def _cap(clauses: list[str], scope: str, limit, months: int | None = None) -> dict:
    params = {"clauses": clauses, "scope": scope, "limit": limit}
    return {"kind": "cap", "params": {**params, **({"months": months} if months else {})}}


def _clause(clause_id: str, text: str, *rules: dict) -> dict:
    return {"id": clause_id, "title": "条款", "text": text, "effect": "money", "rules": list(rules)}


DELAY = {"kind": "per_block", "params": {"event_types": ["late"], "units": "天数", "block": 1,
                                        "rounding": "up", "per_block_amount": "合同总价款 × 5‰"}}
COMPLAINTS = _clause("4.6.4", "每发生一次有效投诉扣除 2000 元",
                     {"kind": "per_occurrence", "params": {"event_types": ["complaint"], "unit_amount": 2000}})


def _loaded(tmp_path, *clauses: dict, months: int = 12):
    """The synthetic contract with 4.6.4 (complaints), 6.1 (delays) and ``clauses``; a term of
    ``months`` months (24: 合同总价款 8,400,000.00)."""
    def changes(document):
        document["event_types"].update(
            late={"label": "逾期交付", "unit": "次", "requires": ["days"]},
            complaint={"label": "有效投诉", "unit": "件"})
        if months == 24:
            document["term"]["end"] = date(2027, 1, 30)
            document["total_price"]["amount"] = 8400000
        by_id = {clause["id"]: clause for clause in clauses}
        document["clauses"] += [COMPLAINTS]
        document["clauses"] += [by_id.pop("6.1", _clause("6.1", "每逾期一日按合同总价款的 5‰ 计违约金", DELAY))]
        document["clauses"] += list(by_id.values())
    return load_contract(write_contract(tmp_path, changes))


def _events(loaded, index: int, orders: int = 0, complaints: int = 0, days: int = 0,
            waivers: tuple[dict, ...] = ()) -> list[dict]:
    """A month's facts: ``orders`` 0-point orders and ``complaints`` on its 3rd day, a delay of
    ``days`` on its 10th, then the waivers given."""
    start = period_of(loaded.contract, index).start
    events = []
    for kind, count in (("zero_point_order", orders), ("complaint", complaints)):
        if count:
            events.append({"type": kind, "date": (start + timedelta(days=2)).isoformat(), "count": count})
    if days:
        events.append({"type": "late", "date": (start + timedelta(days=9)).isoformat(), "days": days})
    return events + list(waivers)


def _book(loaded, write_facts, months: dict[int, dict]):
    """A facts file for every month 1 … the last one given (the months not given empty)."""
    folder = None
    for index in range(1, max(months) + 1):
        folder = write_facts("test-contract", index, _events(loaded, index, **months.get(index, {})))
    return load_facts(folder, loaded)


def _month(loaded, book, index: int) -> dict:
    return period_statement(loaded, book, index)


def _caps(statement: dict) -> list[str]:
    return [line["amount"] for line in statement["deductions"] if line["type"] == "cap"]


def _replays(line: dict) -> None:
    """The line's steps replay to its amount (each rounded half-up to the fen)."""
    steps = line["trace_v1"]["steps"]
    assert steps[-1]["value"] == line["amount"]
    for step in steps:
        assert Decimal(step["exact"]).quantize(Decimal("0.01"), ROUND_HALF_UP) == Decimal(step["value"])


MONTHLY = _clause("4.6.8", "每月按第 4.6 条扣除的金额合计不超过当月服务费的 10%",
                  _cap(["4.6"], "period", "月服务费 × 10%"))


def test_a_monthly_cap_credits_only_what_exceeds_it(tmp_path, write_facts):
    """Limit: 月服务费 350,000.00 × 10% = 35,000.00 a month on 4.6.

    Month 1: 7 orders = 35,000.00, exactly the limit: nothing is credited.
    Month 2: 8 orders = 40,000.00 > 35,000.00: credit −5,000.00, net deductions 35,000.00.
    Month 3: no orders: nothing. The 4.6.5 standing still reads the month's 40,000.00 charged
    (the threshold judges the charges, before the cap)."""
    loaded = _loaded(tmp_path, MONTHLY)
    book = _book(loaded, write_facts, {1: {"orders": 7}, 2: {"orders": 8}, 3: {}})
    first, second, third = (_month(loaded, book, n) for n in (1, 2, 3))
    assert (_caps(first), first["deductions_total"]) == ([], "35000.00")
    assert (_caps(second), second["deductions_total"]) == (["-5000.00"], "35000.00")
    assert (_caps(third), third["deductions_total"]) == ([], "0.00")
    [line] = [line for line in second["deductions"] if line["type"] == "cap"]
    assert line["clause"] == "4.6.8"
    assert line["explanation"] == ("第 4.6 条扣款当月累计 40,000.00 元，超过上限 月服务费 × 10% = "
                                   "35,000.00 元，超出部分 5,000.00 元不予扣除")
    _replays(line)
    [standing] = [s for s in second["counters"] if s["rule"] == "4.6.5#1"]
    assert standing["count"] == "40000.00"


def test_the_limit_is_rounded_half_up_to_the_fen_once(tmp_path, write_facts):
    """Limit: 月服务费 350,000.00 ÷ 3 = 116,666.666… → 116,666.67. Month 1: 24 orders =
    120,000.00, excess 120,000.00 − 116,666.67 = 3,333.33: credit −3,333.33, net 116,666.67."""
    loaded = _loaded(tmp_path, _clause("4.6.8", "每月不超过月服务费的三分之一",
                                       _cap(["4.6.1"], "period", "月服务费 ÷ 3")))
    statement = _month(loaded, _book(loaded, write_facts, {1: {"orders": 24}}), 1)
    [line] = [line for line in statement["deductions"] if line["type"] == "cap"]
    assert (line["amount"], statement["deductions_total"]) == ("-3333.33", "116666.67")
    limit = line["trace_v1"]["steps"][0]
    assert (limit["exact"][:12], limit["value"]) == ("116666.66666", "116666.67")
    _replays(line)


TERM = _clause("6.1", "每逾期一日按合同总价款的 5‰ 计违约金，逾期违约金累计不超过合同总价款的 5%",
               DELAY, _cap(["6.1"], "term", "合同总价款 × 5%"))


def test_a_term_cap_credits_the_excess_when_reached_then_every_later_charge(tmp_path, write_facts):
    """Limit: 合同总价款 4,200,000.00 × 5% = 210,000.00 over the term on 6.1 (21,000.00 a day).

    Months 1, 2: 4 days each = 84,000.00, total 168,000.00: under the limit.
    Month 3: 3 days = 63,000.00, total 231,000.00: credit only the excess, −21,000.00 (net
    42,000.00). Month 4: 1 day = 21,000.00; total 252,000.00 − 21,000.00 = 231,000.00, excess
    21,000.00 = all of the month's charge: net 0. Month 5: no delay, nothing. The term nets
    84,000 + 84,000 + 42,000 + 0 = 210,000.00, the limit."""
    loaded = _loaded(tmp_path, TERM)
    book = _book(loaded, write_facts, {1: {"days": 4}, 2: {"days": 4}, 3: {"days": 3}, 4: {"days": 1}, 5: {}})
    months = [_month(loaded, book, n) for n in range(1, 6)]
    assert [_caps(m) for m in months] == [[], [], ["-21000.00"], ["-21000.00"], []]
    assert [m["deductions_total"] for m in months] == ["84000.00", "84000.00", "42000.00", "0.00", "0.00"]
    third = [line for line in months[2]["deductions"] if line["type"] == "cap"][0]
    assert third["explanation"] == ("第 6.1 条扣款合同期内累计 231,000.00 元，超过上限 合同总价款 × 5% = "
                                    "210,000.00 元，超出部分 21,000.00 元不予扣除")
    fourth = [line for line in months[3]["deductions"] if line["type"] == "cap"][0]
    assert "减去已按上限不予扣除的 21,000.00 元为 231,000.00 元" in fourth["explanation"]
    assert [step["how"] for step in fourth["trace_v1"]["steps"]][1] == (
        "第 1 期 84,000.00 + 第 2 期 84,000.00 + 第 3 期 63,000.00 − 21,000.00 + 第 4 期 21,000.00")
    for line in (third, fourth):
        _replays(line)


def test_a_rolling_cap_forgets_the_months_that_leave_its_window(tmp_path, write_facts):
    """连续 12 个月内 4.6.1 的扣款不超过 50,000.00 (a plain number), over a 24-month term.

    Orders (5,000.00 each): month 1: 4; months 11, 12, 13: 4 each; month 14: 2.
    Month 12, window 1–12: 20,000 × 3 = 60,000.00 → credit −10,000.00.
    Month 13, window 2–13: 20,000 + (20,000 − 10,000) + 20,000 = 50,000.00, the limit: nothing.
    Month 14, window 3–14: 50,000 + 10,000 = 60,000.00 → −10,000.00, all of the month's charge:
    month 1 has left the window, but its charge was capped in the windows that held it."""
    rolling = _clause("4.6.9", "连续 12 个月内按第 4.6.1 条扣除的金额累计不超过 50000 元",
                      _cap(["4.6.1"], "rolling", 50000, months=12))
    loaded = _loaded(tmp_path, rolling, months=24)
    book = _book(loaded, write_facts, {1: {"orders": 4}, 11: {"orders": 4}, 12: {"orders": 4},
                                       13: {"orders": 4}, 14: {"orders": 2}})
    assert [_caps(_month(loaded, book, n)) for n in (1, 11, 12, 13, 14)] == [
        [], [], ["-10000.00"], [], ["-10000.00"]]
    line = [line for line in _month(loaded, book, 14)["deductions"] if line["type"] == "cap"][0]
    assert line["explanation"].startswith("第 4.6.1 条扣款最近 12 个月内累计 70,000.00 元，减去已按上限"
                                          "不予扣除的 10,000.00 元为 60,000.00 元，超过上限 50,000.00 元")
    _replays(line)


QUARTER = _clause("4.6.9", "每季度按第 4.6 条扣除的金额不超过季度服务费的 5%",
                  _cap(["4.6"], "quarter", "季度服务费 × 5%"))


def test_a_quarter_cap_starts_again_with_the_quarter(tmp_path, write_facts):
    """Limit: 季度服务费 1,050,000.00 × 5% = 52,500.00 a contract quarter.

    Month 1: 6 orders = 30,000.00. Month 2: 30,000.00, quarter 60,000.00 → −7,500.00.
    Month 3: 2 orders = 10,000.00; 52,500 + 10,000 = 62,500.00 → −10,000.00 (all of it).
    Month 4 opens quarter 2: 30,000.00, under the limit: nothing credited."""
    loaded = _loaded(tmp_path, QUARTER)
    book = _book(loaded, write_facts, {1: {"orders": 6}, 2: {"orders": 6}, 3: {"orders": 2}, 4: {"orders": 6}})
    months = [_month(loaded, book, n) for n in range(1, 5)]
    assert [_caps(m) for m in months] == [[], ["-7500.00"], ["-10000.00"], []]
    assert [m["deductions_total"] for m in months] == ["30000.00", "22500.00", "0.00", "30000.00"]


def test_a_cycle_statement_and_the_account_add_up_the_capped_months(tmp_path, write_facts):
    """The quarter cap above, over cycle 1 (months 1–3): the cycle's deductions are its months'
    30,000.00 + 22,500.00 + 0.00 = 52,500.00, its lines theirs; the account credits the
    7,500.00 + 10,000.00 = 17,500.00 not deducted as 超过上限不予扣除的扣款, and its balance is
    3 × 350,000.00 earned − 70,000.00 deducted + 17,500.00 = 997,500.00; the ledger, summing
    the months, deducts 52,500.00. The credits arise with the orders they cap (03-02, 04-02)."""
    loaded = _loaded(tmp_path, QUARTER)
    book = _book(loaded, write_facts, {1: {"orders": 6}, 2: {"orders": 6}, 3: {"orders": 2}})
    months = [_month(loaded, book, n) for n in (1, 2, 3)]
    cycle = cycle_statement(loaded, book, 1)
    assert cycle["deductions_total"] == "52500.00"
    assert sum(Decimal(m["deductions_total"]) for m in months) == Decimal(cycle["deductions_total"])
    assert [line["amount"] for line in cycle["deductions"]] == [
        line["amount"] for m in months for line in m["deductions"]]
    account = contract_account(loaded, book, date(2025, 4, 29), calendar())
    assert (account.total("deduction"), account.total("capped")) == (Decimal("70000.00"), Decimal("17500.00"))
    assert account.balance == Decimal("997500.00")
    by_ledger = ledger(loaded, book, date(2025, 4, 29), calendar())
    assert by_ledger["totals"]["deductions_total"] == "52500.00"
    assert by_ledger["account"] == account.to_json()
    capped = [entry for entry in account.entries if entry.kind == "capped"]
    assert [(entry.arose, entry.clause) for entry in capped] == [
        (date(2025, 3, 2), "4.6.9"), (date(2025, 4, 2), "4.6.9")]


@pytest.mark.parametrize("monthly_first", [True, False], ids=["monthly-first", "term-first"])
def test_two_caps_on_the_same_clauses_each_count_what_the_other_credited(tmp_path, write_facts,
                                                                         monthly_first):
    """A monthly cap of 月服务费 × 10% = 35,000.00 and a term cap of 50,000.00, both on 4.6; they
    apply in reading order, the later counting the earlier's credits as no longer charged.

    Monthly cap first (4.6.8, then the term cap at 4.6.9):
    month 1: 8 orders = 40,000.00 → monthly −5,000.00; term 35,000.00: nothing. Net 35,000.00.
    month 2: 40,000.00 → monthly −5,000.00; term 35,000 + 35,000 = 70,000.00 → −20,000.00.
    Net 15,000.00. Month 3: 1 order = 5,000.00; term 50,000 + 5,000 → −5,000.00. Net 0.
    Term cap first (4.6.8), the monthly one after (4.6.9): month 1: term 40,000.00, nothing;
    monthly −5,000.00. Month 2: term 35,000 + 40,000 = 75,000.00 → −25,000.00; monthly sees
    15,000.00: nothing. Month 3: term −5,000.00. The same nets either way."""
    monthly = _cap(["4.6"], "period", "月服务费 × 10%")
    term = _cap(["4.6"], "term", 50000)
    first, second = (monthly, term) if monthly_first else (term, monthly)
    loaded = _loaded(tmp_path, _clause("4.6.8", "上限", first), _clause("4.6.9", "上限", second))
    book = _book(loaded, write_facts, {1: {"orders": 8}, 2: {"orders": 8}, 3: {"orders": 1}})
    months = [_month(loaded, book, n) for n in (1, 2, 3)]
    assert [m["deductions_total"] for m in months] == ["35000.00", "15000.00", "0.00"]
    by_clause = [[(line["clause"], line["amount"]) for line in m["deductions"] if line["type"] == "cap"]
                 for m in months]
    if monthly_first:
        assert by_clause == [[("4.6.8", "-5000.00")], [("4.6.8", "-5000.00"), ("4.6.9", "-20000.00")],
                             [("4.6.9", "-5000.00")]]
    else:
        assert by_clause == [[("4.6.9", "-5000.00")], [("4.6.8", "-25000.00")], [("4.6.8", "-5000.00")]]


def test_a_cap_across_two_clauses_and_a_cap_within_it_applied_first(tmp_path, write_facts):
    """4.6.8 caps 4.6.1 and 4.6.4 together at 30,000.00 a month; 4.6.9, later in reading order,
    caps 4.6.4 alone at 10,000.00. The cap within applies first.

    Month 1: 4 orders = 20,000.00 and 6 complaints = 12,000.00. 4.6.9: 12,000 > 10,000 →
    −2,000.00. 4.6.8: 20,000 + 12,000 − 2,000 = 30,000.00, the limit: nothing. Net 30,000.00
    (the other order would credit 2,000.00 twice: net 28,000.00).
    Month 2: 5 orders = 25,000.00 and 4 complaints = 8,000.00: 4.6.9 nothing; 4.6.8:
    33,000.00 → −3,000.00, net 30,000.00."""
    loaded = _loaded(tmp_path, _clause("4.6.8", "第 4.6.1、4.6.4 条合计每月不超过 30000 元",
                                       _cap(["4.6.1", "4.6.4"], "period", 30000)),
                     _clause("4.6.9", "第 4.6.4 条每月不超过 10000 元", _cap(["4.6.4"], "period", 10000)))
    book = _book(loaded, write_facts, {1: {"orders": 4, "complaints": 6}, 2: {"orders": 5, "complaints": 4}})
    first, second = _month(loaded, book, 1), _month(loaded, book, 2)
    assert [(line["clause"], line["amount"]) for line in first["deductions"] if line["type"] == "cap"] == [
        ("4.6.9", "-2000.00")]
    assert first["deductions_total"] == "30000.00"
    [line] = [line for line in second["deductions"] if line["type"] == "cap"]
    assert (line["clause"], line["amount"], second["deductions_total"]) == ("4.6.8", "-3000.00", "30000.00")
    assert line["explanation"] == ("第 4.6.1、4.6.4 条扣款当月累计 33,000.00 元，超过上限 30,000.00 元，"
                                   "超出部分 3,000.00 元不予扣除")


def _waiver(day: str, **fields) -> dict:
    return {"type": "claim_waived", "date": day, "clause": "6.1", "note": "协商放弃", **fields}


def test_a_waiver_in_a_capped_month_gives_back_what_the_cap_left(tmp_path, write_facts):
    """The term cap of 6.1 (210,000.00; months 1, 2: 84,000.00 each; month 3: 63,000.00 − the
    cap's 21,000.00). In month 3 the buyer waives the whole of 6.1 on 2025-04-25, after the
    delay: still charged 84,000 + 84,000 + 63,000 − 21,000 = 210,000.00, all given back. Month 3
    nets 63,000 − 21,000 − 210,000 = −168,000.00: the term nets 0."""
    loaded = _loaded(tmp_path, TERM)
    book = _book(loaded, write_facts, {1: {"days": 4}, 2: {"days": 4},
                                       3: {"days": 3, "waivers": (_waiver("2025-04-25"),)}})
    third = _month(loaded, book, 3)
    assert [line["amount"] for line in third["deductions"]] == ["63000.00", "-21000.00", "-210000.00"]
    assert third["deductions_total"] == "-168000.00"


def test_a_waiver_of_an_amount_counts_as_less_charged_for_later_months(tmp_path, write_facts):
    """As above, but the buyer gives up 10,000.00 of 6.1 in month 3: month 3 nets
    63,000 − 21,000 − 10,000 = 32,000.00. Month 4: 1 day = 21,000.00; counted 168,000 + 63,000
    − 21,000 − 10,000 + 21,000 = 221,000.00 → −11,000.00, net 10,000.00. The term nets
    84,000 + 84,000 + 32,000 + 10,000 = 210,000.00, the limit."""
    loaded = _loaded(tmp_path, TERM)
    waiver = _waiver("2025-04-25", amount=Decimal("10000.00"))
    book = _book(loaded, write_facts, {1: {"days": 4}, 2: {"days": 4}, 3: {"days": 3, "waivers": (waiver,)},
                                       4: {"days": 1}})
    third, fourth = _month(loaded, book, 3), _month(loaded, book, 4)
    assert (third["deductions_total"], _caps(fourth), fourth["deductions_total"]) == (
        "32000.00", ["-11000.00"], "10000.00")


def test_the_buyers_lines_are_never_capped(tmp_path):
    """Interest the buyer owes under a capped clause is not counted: of a vendor's 40,000.00
    and the buyer's 9,000.00 under 4.6.1, the cap counts 40,000.00."""
    loaded = _loaded(tmp_path, MONTHLY)
    [rule] = [rule for rule in loaded.rules if rule.kind == "cap"]

    def line(amount: str, owed_by: str) -> Line:
        trace = Trace("4.6.1", "4.6.1#1", "per_occurrence", {}, [{"date": "2025-02-05"}])
        return Line("4.6.1", "x", 1, Decimal(amount), Decimal(amount), [], "", trace, owed_by)

    fact = cap_kind.fact(rule, [rule], {}, [line("40000.00", "vendor"), line("9000.00", "buyer")],
                         period_of(loaded.contract, 1))
    assert (fact["month_fen"], fact["total_fen"]) == (4_000_000, 4_000_000)


@pytest.mark.parametrize(("params", "message"), [
    ({"clauses": ["9.9"], "scope": "term", "limit": 1000}, "9.9 不是合同中有规则的条款"),
    ({"clauses": ["4.6.8"], "scope": "term", "limit": 1000}, "4.6.8 不是合同中有规则的条款"),
    ({"clauses": [], "scope": "term", "limit": 1000}, "clauses 须写明受上限限制的条款"),
    ({"clauses": ["4.6"], "scope": "term", "limit": "金额合计 × 10%"}, "金额合计 不是可用的名称"),
    ({"clauses": ["4.6"], "scope": "term", "limit": 0}, "须大于 0"),
    ({"clauses": ["4.6"], "scope": "rolling", "limit": 1000}, "须写 months"),
    ({"clauses": ["4.6.1", "6.1"], "scope": "term", "limit": 1000}, "上限条款部分重叠"),
])
def test_a_cap_is_checked_when_the_contract_is_loaded(tmp_path, params, message):
    """Its clauses must charge (a clause with rules other than caps: 4.6.8 holds only the cap);
    its limit reads only the contract's amounts and is above 0; two caps nest or are apart
    (4.6.1 and 6.1 against 4.6.9's 4.6: neither holds the other)."""
    clauses = [_clause("4.6.8", "上限", {"kind": "cap", "params": params})]
    if "6.1" in params["clauses"]:
        clauses.append(_clause("4.6.9", "上限", _cap(["4.6"], "period", 1000)))
    with pytest.raises(UserError, match=message):
        _loaded(tmp_path, *clauses)


def test_show_and_explain_describe_a_cap(tmp_path, write_facts, capsys):
    """``show`` lists the cap's parameters with their meaning; ``explain`` replays its line, naming
    what it counted month by month (the base contract's texts are too short for the CLI's lint)."""
    loaded = _loaded(tmp_path, TERM)
    _book(loaded, write_facts, {1: {"days": 4}, 2: {"days": 4}, 3: {"days": 3}})
    code, out, _ = run_cli(capsys, "show", str(loaded.path), "--clause", "6.1")
    assert code == 0 and "规则 6.1#2 扣款上限（cap）" in out and "limit = 合同总价款 × 5%" in out
    statement = _month(loaded, load_facts(tmp_path / "facts", loaded), 3)
    out = "\n".join(text for node in explain(statement, loaded.contract, clause="6.1")
                    for text in node.lines())
    for expected in ("规则 6.1#2：扣款上限（cap）", "计入上限的扣款 2025-02-09 第 1 期 84000.00 元",
                     "超出上限：231,000.00 − 210,000.00 = 21,000.00 元"):
        assert expected in out, expected
