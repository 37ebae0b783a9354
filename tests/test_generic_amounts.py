"""The three generic amount kinds a contract writes without Python: 按公式计算 (formula), 分档
(tiered) and 按段计 (per_block). Each amount below is worked by hand from the synthetic
contract of ``contract_builder``: 月服务费 350,000.00, 季度服务费 1,050,000.00, 合同总价款
4,200,000.00, twelve contract months from 2025-01-31, paid every three months."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from conftest import run_cli
from contract_builder import write_contract

from compliance.engine.loading import load_contract
from compliance.errors import UserError
from compliance.legal.explain import explain
from compliance.legal.lint import lint
from compliance.model import money
from compliance.model.facts import load_facts
from compliance.model.periods import period
from compliance.views.statement import period_statement

D = Decimal

EVENT_TYPES = {
    "outage": {"label": "平台中断", "fields": {"超时小时数": {"label": "超时小时数", "min": 0}}},
    "sample_check": {"label": "抽检", "fields": {"差错率": {"label": "差错率", "min": 0}}},
    "refund": {"label": "退款", "requires": ["amount"]},
    "quarterly_score": {"label": "季度考核", "fields": {
        "score": {"label": "得分", "min": 0, "max": 100, "decimals": 1}}},
    "late_delivery": {"label": "逾期交付", "requires": ["days"]},
    "late_arrival": {"label": "迟到", "fields": {"接报时间": {"label": "接报时间", "type": "time"},
                                               "到场时间": {"label": "到场时间", "type": "time"}}},
}

QUARTER_BANDS = [{"from": 90, "amount": 0},
                 {"from": 80, "to": 90, "amount": "季度服务费 × 2%"},
                 {"from": 70, "to": 80, "amount": "季度服务费 × 5%"},
                 {"to": 70, "amount": "季度服务费 × 10%"}]


def _contract(tmp_path, kind: str, clause_text: str = "考核扣款", sub_clauses: tuple = (),
              **params):
    """The base contract with clause 5 executed by one rule of ``kind`` (and ``sub_clauses``,
    texts of 5.1, 5.2 … it executes)."""
    def change(document):
        document["event_types"].update(EVENT_TYPES)
        document["clauses"].append({"id": "5", "title": "考核", "text": clause_text,
                                    "effect": "money", "rules": [{"kind": kind, "params": params}]})
        document["clauses"] += [{"id": f"5.{n}", "title": "分档", "text": text, "effect": "money",
                                 "reason": "由第 5 条的规则执行"}
                                for n, text in enumerate(sub_clauses, start=1)]
    return load_contract(write_contract(tmp_path, change))


def _day(loaded, index: int, offset: int = 0) -> str:
    return (period(loaded.contract, index).start + timedelta(days=offset)).isoformat()


def _settle(loaded, write_facts, months: dict[int, list[dict]], index: int) -> dict:
    """The statement of month ``index``, with a facts file for each month of ``months``."""
    for month, events in months.items():
        folder = write_facts("test-contract", month, events)
    return period_statement(loaded, load_facts(folder, loaded), index)


def _settle_one(loaded, write_facts, index: int, event_type: str, **fields) -> dict:
    """The statement of month ``index`` with one event of ``event_type``, on its first day."""
    event = {"type": event_type, "date": _day(loaded, index), **fields}
    return _settle(loaded, write_facts, {index: [event]}, index)


def _ours(statement: dict) -> list[dict]:
    return [line for line in statement["deductions"] if line["clause"] == "5"]


def _amounts(statement: dict) -> list[str]:
    return [line["amount"] for line in _ours(statement)]


def _flags(statement: dict) -> list[str]:
    return [flag["kind"] for flag in statement["flags"] if flag["clause"] == "5"]


def _replays(line: dict) -> None:
    """The trace's last step gives the line's amount; every step of money is rounded half-up to
    the fen, a count of blocks as its step records (``ROUND_CEILING 1`` …)."""
    steps = line["trace_v1"]["steps"]
    assert steps[-1]["value"] == line["amount"]
    for step in steps:
        mode, _, quantum = step["rounding"].partition(" ")
        exact = D(step["exact"]).quantize(D(quantum), mode) if quantum else D(step["exact"])
        assert exact == D(step["value"]), step


# --- formula ----------------------------------------------------------------------------------

def test_formula_per_event_reads_each_events_declared_value(tmp_path, write_facts):
    """(15 + 超时小时数)% × 月服务费: 3 hours → 18% × 350,000 = 63,000.00; 2.5 hours → 17.5% ×
    350,000 = 61,250.00; one line per event."""
    loaded = _contract(tmp_path, "formula", event_types=["outage"],
                       amount="(15 + 超时小时数)% × 月服务费")
    events = [{"type": "outage", "date": _day(loaded, 1, 1), "超时小时数": 3, "ref": "A"},
              {"type": "outage", "date": _day(loaded, 1, 2), "超时小时数": D("2.5"), "ref": "B"}]
    statement = _settle(loaded, write_facts, {1: events}, 1)
    assert sorted(_amounts(statement)) == ["61250.00", "63000.00"]
    line = next(line for line in _ours(statement) if line["refs"] == ["A"])
    assert line["explanation"] == (
        f"平台中断（{_day(loaded, 1, 1)}）：按公式 (15 + 超时小时数)% × 月服务费（超时小时数 = 3，"
        "月服务费 = 350,000.00） = 63,000.00 元")
    _replays(line)
    assert statement["deductions_total"] == "124250.00"


@pytest.mark.parametrize("rate, amount", [
    ("1.25", "3000.00"),   # 超过 0.25 个百分点 → 向上取整(2.5) = 3 段 × 1000
    ("1.3", "3000.00"),    # 0.3 ÷ 0.1 = 3 exactly, not rounded up to 4
    ("1", None),           # not above 1%: the condition does not hold
    ("0.5", None),
])
def test_formula_condition_decides_whether_there_is_a_line(tmp_path, write_facts, rate, amount):
    loaded = _contract(tmp_path, "formula", event_types=["sample_check"], condition="差错率 > 1",
                       amount="向上取整((差错率 - 1) ÷ 0.1) × 1000")
    statement = _settle_one(loaded, write_facts, 1, "sample_check", 差错率=D(rate))
    assert _amounts(statement) == ([amount] if amount else [])
    if amount:
        assert "差错率 > 1（差错率 = " in _ours(statement)[0]["explanation"]


def test_formula_amount_is_rounded_half_up_to_the_fen_once(tmp_path, write_facts):
    """金额 × 0.5% on 1.00 yuan is 0.005: half-up gives 0.01 (half-even would give 0.00);
    on 3.00 yuan 0.015 → 0.02."""
    loaded = _contract(tmp_path, "formula", event_types=["refund"], amount="金额 × 0.5%")
    events = [{"type": "refund", "date": _day(loaded, 1), "amount": 1, "ref": "a"},
              {"type": "refund", "date": _day(loaded, 1), "amount": 3, "ref": "b"}]
    statement = _settle(loaded, write_facts, {1: events}, 1)
    assert sorted(_amounts(statement)) == ["0.01", "0.02"]
    step = _ours(statement)[0]["trace_v1"]["steps"][0]
    assert step["how"].startswith("金额 × 0.5%（金额 = ")


@pytest.mark.parametrize("hours, amount", [(1, None), (2, None), (3, "100.00")])
def test_formula_a_result_of_zero_or_less_makes_no_line(tmp_path, write_facts, hours, amount):
    """(超时小时数 − 2) × 100: 1 hour is −100, 2 hours 0 — neither a line nor a credit."""
    loaded = _contract(tmp_path, "formula", event_types=["outage"], amount="(超时小时数 - 2) × 100")
    statement = _settle_one(loaded, write_facts, 1, "outage", 超时小时数=hours)
    assert _amounts(statement) == ([amount] if amount else [])


def test_formula_owed_by_the_buyer_is_not_a_deduction(tmp_path, write_facts):
    """A refund's 金额 × 0.1% owed by the buyer: 20,000 → 20.00, listed but not deducted."""
    loaded = _contract(tmp_path, "formula", event_types=["refund"], amount="金额 × 0.1%",
                       owed_by="buyer")
    statement = _settle_one(loaded, write_facts, 1, "refund", amount=20000)
    [line] = _ours(statement)
    assert line["amount"] == "20.00" and line["explanation"].endswith("（甲方应付乙方）")
    assert statement["deductions_total"] == "0.00"


def test_formula_per_month_needs_events(tmp_path, write_facts):
    """次数 × 1000 per month: month 1 has 3 outages → 3,000.00; month 2 has none → no line."""
    loaded = _contract(tmp_path, "formula", event_types=["outage"], per="period",
                       amount="次数 × 1000")
    outages = [{"type": "outage", "date": _day(loaded, 1, n), "超时小时数": 1} for n in range(3)]
    months = {1: outages, 2: []}
    assert _amounts(_settle(loaded, write_facts, months, 1)) == ["3000.00"]
    assert _amounts(_settle(loaded, write_facts, months, 2)) == []
    line = _ours(_settle(loaded, write_facts, months, 1))[0]
    assert line["explanation"] == "当月平台中断：按公式 次数 × 1000（次数 = 3） = 3,000.00 元"
    assert len(line["trace_v1"]["facts"]) == 3


def test_formula_per_quarter_is_judged_once_when_the_quarter_closes(tmp_path, write_facts):
    """次数 ≥ 3 in the quarter → 合计_超时小时数 × 1000: months 1 and 2 hold 2 + 1 outages of
    1 + 2 + 4 hours. Month 2 (the quarter still open) gives nothing; month 3 (no events of its
    own) judges the quarter: 3 outages, 7 hours → 7,000.00. Month 4 starts quarter 2: nothing."""
    loaded = _contract(tmp_path, "formula", event_types=["outage"], per="period", scope="quarter",
                       condition="次数 ≥ 3", amount="合计_超时小时数 × 1000")
    months = {1: [{"type": "outage", "date": _day(loaded, 1, 1), "超时小时数": 1},
                  {"type": "outage", "date": _day(loaded, 1, 2), "超时小时数": 2}],
              2: [{"type": "outage", "date": _day(loaded, 2, 1), "超时小时数": 4}], 3: [], 4: []}
    assert _amounts(_settle(loaded, write_facts, months, 2)) == []
    statement = _settle(loaded, write_facts, months, 3)
    assert _amounts(statement) == ["7000.00"]
    assert _ours(statement)[0]["explanation"].startswith("第1季度平台中断：次数 ≥ 3（次数 = 3）成立，")
    assert _amounts(_settle(loaded, write_facts, months, 4)) == []


def test_formula_with_a_condition_judges_a_span_without_events(tmp_path, write_facts):
    """次数 = 0 in the month → 500 (a bonus-style term judged on an empty month): month 1 with
    no outage gives 500.00, month 2 with one gives nothing."""
    loaded = _contract(tmp_path, "formula", event_types=["outage"], per="period",
                       condition="次数 = 0", amount="500")
    months = {1: [], 2: [{"type": "outage", "date": _day(loaded, 2), "超时小时数": 1}]}
    assert _amounts(_settle(loaded, write_facts, months, 1)) == ["500.00"]
    assert _amounts(_settle(loaded, write_facts, months, 2)) == []


def test_formula_over_the_last_three_months_is_judged_every_month(tmp_path, write_facts):
    """次数 × 100 over the last 3 months, one outage a month: months 1, 2, 3, 4 → 100, 200,
    300, 300 (month 4's window is months 2–4)."""
    loaded = _contract(tmp_path, "formula", event_types=["outage"], per="period", scope="rolling",
                       months=3, amount="次数 × 100")
    months = {n: [{"type": "outage", "date": _day(loaded, n), "超时小时数": 1}] for n in range(1, 5)}
    assert [_amounts(_settle(loaded, write_facts, months, n)) for n in range(1, 5)] == [
        ["100.00"], ["200.00"], ["300.00"], ["300.00"]]


@pytest.mark.parametrize("params, message", [
    ({"amount": "超时时数 × 100"}, "规则 5#1 的 amount中的 超时时数 不是可用的名称"),
    ({"amount": "100", "condition": "平均_超时小时数 > 1"}, "规则 5#1 的 condition中的 平均_超时小时数"),
    ({"amount": "天数 × 100"}, "requires: [days]"),
    ({"amount": "100", "scope": "quarter"}, "per 为 event（每件事实一行）时不写 scope"),
    ({"amount": "100", "per": "period", "scope": "rolling"}, "须写 months"),
])
def test_formula_names_and_scopes_are_checked_when_the_contract_loads(tmp_path, params, message):
    with pytest.raises(UserError, match=message.replace("[", r"\[").replace("]", r"\]")):
        _contract(tmp_path, "formula", event_types=["outage"], **params)


# --- tiered -----------------------------------------------------------------------------------

@pytest.mark.parametrize("score, band, rate, amount", [
    ("95", None, None, None),                     # 90 分以上: 0, no line
    ("90", None, None, None),                     # 90 is in the top band (from included)
    ("89.9", "80 ≤ 得分 < 90", "2%", "21,000.00"),  # 季度服务费 1,050,000.00 × 2%
    ("80", "80 ≤ 得分 < 90", "2%", "21,000.00"),
    ("79.9", "70 ≤ 得分 < 80", "5%", "52,500.00"),
    ("70", "70 ≤ 得分 < 80", "5%", "52,500.00"),
    ("69", "得分 < 70", "10%", "105,000.00"),
])
def test_tiered_per_event_bands_from_included_to_excluded(tmp_path, write_facts, score, band,
                                                           rate, amount):
    loaded = _contract(tmp_path, "tiered", event_types=["quarterly_score"], measure="score",
                       bands=QUARTER_BANDS)
    day = _day(loaded, 3)
    statement = _settle(loaded, write_facts,
                        {3: [{"type": "quarterly_score", "date": day, "score": D(score)}]}, 3)
    assert [money.grouped(D(a)) for a in _amounts(statement)] == ([amount] if amount else [])
    if amount:
        [line] = _ours(statement)
        assert line["explanation"] == (f"季度考核（{day}）：得分 {score}（{band}），扣 季度服务费 × "
                                       f"{rate}（季度服务费 = 1,050,000.00） = {amount} 元")
        _replays(line)


def test_tiered_inclusivity_overridden_per_band(tmp_path, write_facts):
    """60 ≤ 得分 ≤ 70 → 1,000; 70 < 得分 < 80 → 2,000: 70 falls in the first band."""
    loaded = _contract(tmp_path, "tiered", event_types=["quarterly_score"], measure="score", bands=[
        {"from": 60, "to": 70, "to_included": True, "amount": 1000},
        {"from": 70, "from_included": False, "to": 80, "amount": 2000}])
    events = {3: [{"type": "quarterly_score", "date": _day(loaded, 3), "score": 70}]}
    line = _ours(_settle(loaded, write_facts, events, 3))[0]
    assert line["amount"] == "1000.00"
    assert "得分 70（60 ≤ 得分 ≤ 70）" in line["explanation"]


def test_tiered_a_measure_in_a_gap_produces_nothing(tmp_path, write_facts):
    loaded = _contract(tmp_path, "tiered", event_types=["quarterly_score"], measure="score", bands=[
        {"from": 60, "to": 70, "amount": 1000,
         "flags": [{"kind": "interview", "consequence": "约谈"}]},
        {"from": 80, "to": 90, "amount": 2000}])
    statement = _settle_one(loaded, write_facts, 3, "quarterly_score", score=75)
    assert _amounts(statement) == [] and _flags(statement) == []


def test_tiered_a_band_of_zero_still_raises_its_flags(tmp_path, write_facts):
    loaded = _contract(tmp_path, "tiered", event_types=["quarterly_score"], measure="score", bands=[
        {"to": 60, "amount": 0,
         "flags": [{"kind": "termination_right", "consequence": "甲方有权解除合同"}]},
        {"from": 60, "amount": 0}])
    statement = _settle_one(loaded, write_facts, 3, "quarterly_score", score=59)
    assert _amounts(statement) == [] and _flags(statement) == ["termination_right"]
    message = next(f["message"] for f in statement["flags"] if f["clause"] == "5")
    assert message == f"季度考核（{_day(loaded, 3)}）：得分 59（得分 < 60）：甲方有权解除合同"


def test_tiered_per_quarter_average_judged_in_the_quarters_third_month(tmp_path, write_facts):
    """平均_score over the quarter: 66, 70, 68 → 68, in 60 ≤ 平均得分 < 70 → 月服务费 × 5% =
    17,500.00, listed in month 3 only (month 2's average 68 of an open quarter is not judged)."""
    loaded = _contract(tmp_path, "tiered", event_types=["quarterly_score"], per="period",
                       scope="quarter", measure="平均_score",
                       bands=[{"from": 60, "to": 70, "amount": "月服务费 × 5%"},
                              {"from": 70, "amount": 0}])
    months = {n: [{"type": "quarterly_score", "date": _day(loaded, n), "score": s}]
              for n, s in ((1, 66), (2, 70), (3, 68))}
    assert _amounts(_settle(loaded, write_facts, months, 2)) == []
    [line] = _ours(_settle(loaded, write_facts, months, 3))
    assert line["amount"] == "17500.00"
    assert line["explanation"] == ("第1季度季度考核：平均得分 68（60 ≤ 平均得分 < 70），"
                                   "扣 月服务费 × 5%（月服务费 = 350,000.00） = 17,500.00 元")
    assert len(line["trace_v1"]["facts"]) == 3


def test_tiered_a_quarter_without_a_score_produces_nothing(tmp_path, write_facts):
    loaded = _contract(tmp_path, "tiered", event_types=["quarterly_score"], per="period",
                       scope="quarter", measure="平均_score", bands=[{"to": 70, "amount": 1000}])
    assert _amounts(_settle(loaded, write_facts, {1: [], 2: [], 3: []}, 3)) == []


def test_tiered_an_average_is_shown_to_four_decimals(tmp_path, write_facts):
    """(60 + 61 + 61) ÷ 3 = 60.666…: shown 约 60.6667, compared exactly (below 60.67)."""
    loaded = _contract(tmp_path, "tiered", event_types=["quarterly_score"], per="period",
                       scope="quarter", measure="平均_score", bands=[{"to": 60.67, "amount": 100}])
    months = {n: [{"type": "quarterly_score", "date": _day(loaded, n), "score": s}]
              for n, s in ((1, 60), (2, 61), (3, 61))}
    [line] = _ours(_settle(loaded, write_facts, months, 3))
    assert "平均得分 约 60.6667（平均得分 < 60.67）" in line["explanation"]


@pytest.mark.parametrize("bands, message", [
    ([{"from": 60, "to": 70, "amount": 1}, {"from": 65, "to": 80, "amount": 2}],
     "规则 5#1：分档「60 ≤ 值 < 70」与「65 ≤ 值 < 80」重叠"),
    ([{"from": 60, "to": 70, "to_included": True, "amount": 1}, {"from": 70, "amount": 2}],
     "分档「60 ≤ 值 ≤ 70」与「值 ≥ 70」重叠"),
    ([{"to": 60, "amount": 1}, {"amount": 2}], "分档「值 < 60」与「任意值」重叠"),
    ([{"from": 70, "to": 60, "amount": 1}], "不含任何值"),
    ([{"from": 60, "amount": "月服务 × 5%"}], "bands\\[0\\].amount中的 月服务 不是可用的名称"),
    ([], "须至少写一档"),
    ([{"from": 60, "amount": 0,
       "flags": [{"kind": "interview", "consequence": "约谈", "clause": "9"}]}],
     "分档后果引用的第 9 条不在 clauses 中"),
    ([{"to": 60, "amount": 0, "flags": [{"kind": "penalty_exposure", "consequence": "违约金",
                                          "rate": 0.1, "base": "total_price"}]}],
     "分档后果不能是 penalty_exposure"),
])
def test_tiered_bands_are_checked_when_the_contract_loads(tmp_path, bands, message):
    with pytest.raises(UserError, match=message):
        _contract(tmp_path, "tiered", event_types=["quarterly_score"], measure="score", bands=bands)


def test_tiered_adjacent_bands_and_gaps_are_accepted(tmp_path):
    _contract(tmp_path, "tiered", event_types=["quarterly_score"], measure="score", bands=[
        {"to": 60, "amount": 1}, {"from": 60, "to": 70, "amount": 2}, {"from": 80, "amount": 0}])


# --- per_block --------------------------------------------------------------------------------

LATE = {"event_types": ["late_delivery"], "units": "天数", "block": 2,
        "per_block_amount": "合同总价款 × 0.5%"}


@pytest.mark.parametrize("rounding, days, amount, blocks", [
    ("up", 5, "63000.00", "3"),          # 2.5 段 → 3 段 × 21,000.00
    ("up", 4, "42000.00", "2"),
    ("up", 1, "21000.00", "1"),
    ("down", 5, "42000.00", "2"),        # 2.5 段 → 2 段
    ("down", 1, None, None),             # less than one block: nothing
    ("pro_rata", 5, "52500.00", "2.5"),  # 5 ÷ 2 × 21,000.00
])
def test_per_block_rounds_a_part_block_as_the_contract_says(tmp_path, write_facts, rounding, days,
                                                              amount, blocks):
    loaded = _contract(tmp_path, "per_block", rounding=rounding, **LATE)
    statement = _settle_one(loaded, write_facts, 1, "late_delivery", days=days)
    assert _amounts(statement) == ([amount] if amount else [])
    if amount:
        [line] = _ours(statement)
        assert (line["quantity"], line["unit_amount"]) == (blocks, "21000.00")
        assert [s["what"] for s in line["trace_v1"]["steps"]] == ["每段金额", "段数", "金额"]
        _replays(line)


@pytest.mark.parametrize("rounding, days, step", [
    ("up", 5, {"what": "段数", "how": "5 日 ÷ 每 2 日（不足一段按一段计）", "exact": "2.5",
               "value": "3", "rounding": "ROUND_CEILING 1", "unit": "段"}),
    ("down", 5, {"what": "段数", "how": "5 日 ÷ 每 2 日（不足一段不计）", "exact": "2.5",
                 "value": "2", "rounding": "ROUND_FLOOR 1", "unit": "段"}),
    ("pro_rata", 5, {"what": "段数", "how": "5 日 ÷ 每 2 日（不足一段按比例计）", "exact": "2.5",
                     "value": "2.5", "rounding": "EXACT", "unit": "段"}),
])
def test_per_block_the_trace_counts_the_blocks_in_a_step(tmp_path, write_facts, rounding, days,
                                                          step):
    """逾期 5 日 ÷ 每 2 日 = 2.5 段: 3 段 rounded up (不足一段按一段计), 2 rounded down, 2.5 pro rata."""
    loaded = _contract(tmp_path, "per_block", rounding=rounding, **LATE)
    [line] = _ours(_settle_one(loaded, write_facts, 1, "late_delivery", days=days))
    assert line["trace_v1"]["steps"][1] == step


def test_explain_prints_the_count_of_blocks(tmp_path, write_facts):
    loaded = _contract(tmp_path, "per_block", rounding="up", **LATE)
    statement = _settle_one(loaded, write_facts, 1, "late_delivery", days=5)
    [node] = explain(statement, loaded.contract, clause="5")
    assert "段数：5 日 ÷ 每 2 日（不足一段按一段计） = 2.5 → 3 段" in "\n".join(node.lines())


def test_per_block_explanation(tmp_path, write_facts):
    loaded = _contract(tmp_path, "per_block", rounding="up", **LATE)
    statement = _settle_one(loaded, write_facts, 1, "late_delivery", days=5)
    assert _ours(statement)[0]["explanation"] == (
        f"逾期交付（{_day(loaded, 1)}）5 日，每 2 日为一段，不足一段按一段计："
        "3 段 × 21,000.00 元 = 63,000.00 元")


def test_per_block_the_amount_per_block_is_rounded_first(tmp_path, write_facts):
    """月服务费 ÷ 3 = 116,666.666… → 116,666.67 per block; 3 blocks → 350,000.01 (not 350,000.00)."""
    loaded = _contract(tmp_path, "per_block", event_types=["late_delivery"], units="天数", block=1,
                       rounding="up", per_block_amount="月服务费 ÷ 3")
    [line] = _ours(_settle_one(loaded, write_facts, 1, "late_delivery", days=3))
    assert line["amount"] == "350000.01"
    assert [s["value"] for s in line["trace_v1"]["steps"]] == ["116666.67", "3", "350000.01"]


def test_per_block_of_one_whole_unit_reads_as_a_rate(tmp_path, write_facts):
    """每逾期一日按合同总价款的 5%（高米店 6.1）: 4,200,000.00 × 5% = 210,000.00 a day; 3 days
    = 630,000.00, said as 3 日 × 每日 210,000.00 元."""
    loaded = _contract(tmp_path, "per_block", event_types=["late_delivery"], units="天数", block=1,
                       rounding="up", per_block_amount="合同总价款 × 5%")
    [line] = _ours(_settle_one(loaded, write_facts, 1, "late_delivery", days=3))
    assert (line["quantity"], line["unit_amount"], line["amount"]) == ("3", "210000.00", "630000.00")
    assert line["explanation"] == (
        f"逾期交付（{_day(loaded, 1)}）3 日 × 每日 210,000.00 元 = 630,000.00 元")


@pytest.mark.parametrize("start, end, amount", [
    ("09:00", "12:30", "1000.00"),   # 3.5 h − 2 = 1.5 → 2 blocks × 500
    ("09:00", "11:00", None),         # exactly 2 hours: 0 units
    ("09:00", "10:30", None),         # −0.5: nothing
    ("23:30", "02:00", "500.00"),     # over midnight: 2.5 − 2 = 0.5 → 1 block
])
def test_per_block_hours_between_two_times(tmp_path, write_facts, start, end, amount):
    loaded = _contract(tmp_path, "per_block", event_types=["late_arrival"],
                       units="小时数(接报时间, 到场时间) - 2", block=1, rounding="up",
                       per_block_amount=500, unit_label="小时")
    day = period(loaded.contract, 1).start
    finish = day + timedelta(days=1) if end < start else day
    event = {"type": "late_arrival", "date": day.isoformat(), "接报时间": f"{day} {start}",
             "到场时间": f"{finish} {end}"}
    statement = _settle(loaded, write_facts, {1: [event]}, 1)
    assert _amounts(statement) == ([amount] if amount else [])
    if amount == "1000.00":
        assert "小时数(接报时间, 到场时间) - 2（接报时间 = " in _ours(statement)[0]["explanation"]
        assert "= 1.5 小时，每 1 小时为一段" in _ours(statement)[0]["explanation"]


@pytest.mark.parametrize("days, flagged", [(30, False), (31, True)])
def test_per_block_flags_from_a_number_of_units(tmp_path, write_facts, days, flagged):
    """逾期超过 30 日，甲方有权解除合同: flag_from 31 (含本数)."""
    loaded = _contract(tmp_path, "per_block", rounding="up", flag_from=31, flags=[
        {"kind": "termination_right", "consequence": "甲方有权解除合同"}], **LATE)
    statement = _settle_one(loaded, write_facts, 1, "late_delivery", days=days)
    assert (_flags(statement) == ["termination_right"]) is flagged
    assert _amounts(statement) == [f"{(days + 1) // 2 * 21000}.00"]


GROUPS = {"event_types": ["zero_point_order"], "per": "period", "units": "次数", "block": 3,
          "per_block_amount": 5000, "unit_label": "件"}
"""高米店 4.6.3's shape: 如累计出现3次……扣除乙方服务费5000元."""


def _month(loaded, book, index: int) -> dict:
    return period_statement(loaded, book, index)


@pytest.mark.parametrize("scope, rounding, counts, charged", [
    # over the term, 不足一段不计: 2 → 0 段; 3 → 1 段 (5,000.00 in month 2); 3 → nothing;
    # 10 → 3 段, 2 new; 12 → 4 段, 1 new
    ("term", "down", {1: 2, 2: 1, 3: 0, 4: 7, 5: 2}, {2: ("1", "5000.00"), 4: ("2", "10000.00"),
                                                      5: ("1", "5000.00")}),
    # over the quarter: month 3 completes quarter 1's first block; quarter 2 starts afresh
    ("quarter", "down", {1: 0, 2: 2, 3: 2, 4: 2}, {3: ("1", "5000.00")}),
    # 不足一段按一段计: the first complaint starts a block, charged at once; the third fills it
    ("term", "up", {1: 1, 2: 2, 3: 1}, {1: ("1", "5000.00"), 3: ("1", "5000.00")}),
])
def test_per_block_over_a_span_charges_each_block_in_the_month_it_is_made(
        tmp_path, write_facts, scope, rounding, counts, charged):
    loaded = _contract(tmp_path, "per_block", scope=scope, rounding=rounding, **GROUPS)
    for n, c in counts.items():
        folder = write_facts("test-contract", n, [
            {"type": "zero_point_order", "date": _day(loaded, n), "count": c}] if c else [])
    book = load_facts(folder, loaded)
    for n in counts:
        lines = _ours(_month(loaded, book, n))
        assert [(line["quantity"], line["amount"]) for line in lines] == (
            [charged[n]] if n in charged else []), n
        for line in lines:
            _replays(line)


def test_per_block_over_the_term_explains_the_blocks_carried(tmp_path, write_facts):
    """Month 4: 10 orders over the term, 3 before it: 3 段 to date, 1 before, 2 new."""
    loaded = _contract(tmp_path, "per_block", scope="term", rounding="down", **GROUPS)
    for n, c in {1: 3, 4: 7}.items():
        folder = write_facts("test-contract", n, [
            {"type": "zero_point_order", "date": _day(loaded, n), "count": c}])
    statement = _month(loaded, load_facts(folder, loaded), 4)
    [line] = _ours(statement)
    assert line["explanation"] == ("合同期内0分工单累计 10 件（本月前 3 件），每 3 件为一段，不足一段不计："
                                   "本月新满 2 段 × 5,000.00 元 = 10,000.00 元")
    assert [(s["what"], s["how"], s["value"]) for s in line["trace_v1"]["steps"]] == [
        ("每段金额", "5000", "5000.00"),
        ("段数（累计）", "合同期内累计 10 件 ÷ 每 3 件（不足一段不计）", "3"),
        ("段数（本月前）", "本月前 3 件 ÷ 每 3 件（不足一段不计）", "1"),
        ("金额", "(3 − 1) × 5,000.00", "10000.00")]
    [counter] = [c for c in statement["counters"] if c["clause"] == "5"]
    assert (counter["count"], counter["period_count"], counter["threshold"]) == (10, 7, 3)
    assert counter["text"] == ("合同期内0分工单累计 1/3（共 10 件，每 3 件为一段，每段 5,000.00 元，"
                               "不足一段不计）")


def test_per_block_over_a_span_raises_its_flags_once_when_reached(tmp_path, write_facts):
    """累计 5 件起甲方约谈: 3, then 5 (flag), then 6 (already reached: no flag again)."""
    loaded = _contract(tmp_path, "per_block", scope="term", rounding="down", flag_from=5,
                       flags=[{"kind": "interview", "consequence": "甲方约谈乙方"}], **GROUPS)
    for n, c in {1: 3, 2: 2, 3: 1}.items():
        folder = write_facts("test-contract", n, [
            {"type": "zero_point_order", "date": _day(loaded, n), "count": c}])
    book = load_facts(folder, loaded)
    assert [_flags(_month(loaded, book, n)) for n in (1, 2, 3)] == [[], ["interview"], []]


@pytest.mark.parametrize("params, message", [
    ({"block": 0}, "block（每段多少日）须大于 0"),
    ({"flags": [{"kind": "termination_right", "consequence": "解除"}]}, "flag_from 与 flags 须同时写明"),
    ({"units": "小时数"}, "units中的 小时数 不是可用的名称"),
    ({"scope": "term"}, "per 为 event（每件事实一行）时不写 scope"),
    ({"per": "period", "units": "次数", "scope": "rolling"}, "最近 N 个月的滚动范围没有起点"),
])
def test_per_block_params_are_checked_when_the_contract_loads(tmp_path, params, message):
    with pytest.raises(UserError, match=message):
        _contract(tmp_path, "per_block", rounding="up", **{**LATE, **params})


def test_per_block_needs_days_on_its_events(tmp_path):
    with pytest.raises(UserError, match=r"requires: \[days\]"):
        _contract(tmp_path, "per_block", event_types=["outage"], units="天数", block=1,
                  rounding="up", per_block_amount=100)


# --- the contract's own commands --------------------------------------------------------------

def test_show_describes_a_generic_kind(tmp_path, capsys):
    loaded = _contract(tmp_path, "tiered", event_types=["quarterly_score"], measure="score",
                       bands=QUARTER_BANDS)
    code, out, _ = run_cli(capsys, "show", str(loaded.path))
    assert code == 0
    assert "规则 5#1 分档（tiered）" in out and "measure = score" in out


def test_explain_shows_each_step_of_a_per_block_line(tmp_path, write_facts):
    """每段金额 then 段数 × 每段金额, as the clerk redoes them."""
    loaded = _contract(tmp_path, "per_block", rounding="up", **LATE)
    statement = _settle_one(loaded, write_facts, 1, "late_delivery", days=5)
    [node] = explain(statement, loaded.contract, clause="5")
    text = "\n".join(node.lines())
    assert "规则 5#1：按段计（per_block）" in text
    assert "每段金额：合同总价款 × 0.5%（合同总价款 = 4,200,000.00） = 21,000.00 元" in text
    assert "金额：3 × 21,000.00 = 63,000.00 元" in text


@pytest.mark.parametrize("kind, params, text, finding", [
    ("formula", {"event_types": ["outage"], "amount": "(15 + 超时小时数)% × 月服务费"},
     "每发生一次，扣除（15＋超时小时数）%×月服务费。", None),
    ("formula", {"event_types": ["outage"], "amount": "(15 + 超时小时数)% × 月服务费"},
     "每发生一次，扣除（10 + 超时小时数）% × 月服务费。",
     "规则 5#1（按公式计算）的参数 amount = 15，条款 5 的文字中没有这个数字；文中数字：一、10"),
    ("per_block", {**LATE, "rounding": "up"}, "每逾期2日，按合同总价款的0.5%计违约金，不足2日的按2日计。",
     None),
    ("per_block", {**LATE, "rounding": "up"}, "每逾期2日，按合同总价款的5%计违约金。",
     "参数 per_block_amount = 0.005（0.5%，5‰），条款 5 的文字中没有这个比例"),
    ("tiered", {"event_types": ["quarterly_score"], "measure": "score", "bands": QUARTER_BANDS},
     "90分以上不扣款；80分以上不足90分的，扣除季度服务费的2%；70分以上不足80分的，扣5%；不足70分的，扣10%。",
     None),
    ("tiered", {"event_types": ["quarterly_score"], "measure": "score", "bands": QUARTER_BANDS},
     "80分以上不足90分的，扣除季度服务费的2%；70分以上不足80分的，扣5%；不足70分的，扣百分之十五。",
     "参数 bands[3].amount = 0.1（10%），条款 5 的文字中没有这个比例"),
])
def test_lint_reads_the_numbers_a_formula_writes(tmp_path, kind, params, text, finding):
    """A number before % or ‰ is a rate the text must write; any other number in a formula must
    appear in the text as a number (15 in （15＋超时小时数）%); 0 (不扣款) is none."""
    loaded = _contract(tmp_path, kind, clause_text=text, **params)
    found = [f["message"] for f in lint(loaded)["findings"]
             if f["clause"] == "5" and f["check"] == "figures"]
    if finding is None:
        assert found == []
    else:
        [message] = found
        assert finding in message


def test_lint_reads_a_bands_figures_in_the_sub_clauses(tmp_path):
    """望京 5.4 writes its bands in 5.4.1–5.4.4: the rates found there are written."""
    loaded = _contract(tmp_path, "tiered", clause_text="甲方每季度对乙方进行一次考核：",
                       sub_clauses=("得分90分以上的，不扣款；", "80分以上不足90分的，扣除季度服务费的2%；",
                                    "70分以上不足80分的，扣除5%；", "不足70分的，扣除10%。"),
                       event_types=["quarterly_score"], measure="score", bands=QUARTER_BANDS)
    findings = lint(loaded)["findings"]
    assert not [f for f in findings if f["check"] == "figures" and f["clause"] == "5"]
