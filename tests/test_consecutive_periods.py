"""连续 N 期触发 (consecutive_periods), worked by hand on the synthetic contract of
``contract_builder``: term from 2025-01-31, monthly fee 350,000.00; contract months 1–3 are
quarter 1 (2025-01-31 … 2025-04-29), 4–6 quarter 2 (… 2025-07-30), 7–9 quarter 3 (… 2025-10-30).
A quarter's score is recorded on the last day of its third month."""
from __future__ import annotations

from decimal import Decimal

import pytest
from contract_builder import write_contract

from compliance.engine.evaluation import settle_period_outcome
from compliance.engine.loading import load_contract
from compliance.errors import UserError
from compliance.legal.explain import explain
from compliance.model.facts import load_facts
from compliance.model.periods import period
from compliance.views.statement import period_statement

EVENT_TYPES = {
    "quarterly_score": {"label": "季度考核得分",
                        "fields": {"score": {"label": "得分", "min": 0, "max": 100, "decimals": 1}}},
    "satisfaction": {"label": "月度满意率",
                     "fields": {"rate": {"label": "满意率", "min": 0, "max": 100, "unit": "%"}}},
}
TERMINATION = [{"kind": "termination_right", "consequence": "甲方有权解除合同"}]
INTERVIEW = [{"kind": "interview", "consequence": "甲方约谈乙方"}]


def _contract(tmp_path, *rules):
    """The base contract with the event types above and clause 9.1 holding ``rules``."""
    def change(document):
        document["event_types"].update(EVENT_TYPES)
        document["clauses"].append({"id": "9.1", "title": "连续考核", "text": "连续考核",
                                    "effect": "right", "rules": list(rules)})
    return load_contract(write_contract(tmp_path, change))


def _rule(**params):
    return {"kind": "consecutive_periods", "params": params}


QUARTERLY = _rule(event_types=["quarterly_score"], per="quarter", condition="平均_score < 70",
                  times=2, flags=TERMINATION)


def _write_months(loaded, write_facts, months: dict[int, list[dict]], ratings=None):
    """A facts file for each month (its events), with each month's rating if given."""
    folder = None
    for n, events in months.items():
        folder = write_facts("test-contract", n, events, (ratings or {}).get(n))
    return load_facts(folder, loaded)


def _score(loaded, month: int, score) -> dict:
    return {"type": "quarterly_score", "date": period(loaded.contract, month).end.isoformat(),
            "score": score}


def _quarters(loaded, write_facts, scores: dict[int, object], months: int = 9):
    """Months 1 … ``months`` recorded; quarter q's score (if any) on the last day of month 3q."""
    return _write_months(loaded, write_facts, {
        n: [_score(loaded, n, scores[n // 3])] if n % 3 == 0 and n // 3 in scores else []
        for n in range(1, months + 1)})


def _flags(loaded, book, month: int, clause: str = "9.1") -> list[str]:
    outcome = settle_period_outcome(loaded, book, period(loaded.contract, month))
    return [flag.message for flag in outcome.flags if flag.clause == clause]


def _fired(loaded, book, months: range, clause: str = "9.1") -> list[int]:
    return [n for n in months if _flags(loaded, book, n, clause)]


def test_two_bad_quarters_running_flag_at_month_6_only(tmp_path, write_facts):
    """Quarter 1 scores 68, quarter 2 scores 65: both below 70. Quarter 2 is judged in month
    6, its third month — not in month 3 (one bad quarter only), nor in month 5 (quarter 2 is
    not over). The reason names both quarters, their months and their scores."""
    loaded = _contract(tmp_path, QUARTERLY)
    book = _quarters(loaded, write_facts, {1: 68, 2: 65}, months=6)
    assert _fired(loaded, book, range(1, 7)) == [6]
    assert _flags(loaded, book, 6) == [
        "第 1–2 季度（第 1–6 期）季度考核得分连续 2 个季度满足“得分平均值 < 70”"
        "（第 1 季度 得分平均值 = 68；第 2 季度 得分平均值 = 65）：甲方有权解除合同"]


def test_a_third_bad_quarter_in_a_row_fires_again(tmp_path, write_facts):
    """68, 65, 60: the last two quarters are bad at month 6 and again at month 9; at month 9
    the flag names the two quarters that make it (the 2nd and 3rd), as the clause counts."""
    loaded = _contract(tmp_path, QUARTERLY)
    book = _quarters(loaded, write_facts, {1: 68, 2: 65, 3: 60})
    assert _fired(loaded, book, range(1, 10)) == [6, 9]
    assert _flags(loaded, book, 9)[0].startswith(
        "第 2–3 季度（第 4–9 期）季度考核得分连续 2 个季度满足“得分平均值 < 70”"
        "（第 2 季度 得分平均值 = 65；第 3 季度 得分平均值 = 60）")


@pytest.mark.parametrize("scores", [{1: 60, 2: 75, 3: 60}, {1: 60, 2: 70, 3: 60}])
def test_a_good_quarter_between_two_bad_ones_breaks_the_run(tmp_path, write_facts, scores):
    """Bad, good, bad: no two bad quarters in a row. 70 is not below 70 (the bound is
    exclusive), so 60, 70, 60 is no run either."""
    loaded = _contract(tmp_path, QUARTERLY)
    book = _quarters(loaded, write_facts, scores)
    assert _fired(loaded, book, range(1, 10)) == []


def test_a_quarter_missing_its_score_breaks_the_run(tmp_path, write_facts):
    """60, (no score recorded), 60: quarter 2's average cannot be known, so it does not
    count as bad; quarter 3 follows an unknown quarter and stands alone."""
    loaded = _contract(tmp_path, QUARTERLY)
    book = _quarters(loaded, write_facts, {1: 60, 3: 60})
    assert _fired(loaded, book, range(1, 10)) == []


def test_a_quarter_is_judged_once_its_third_month_is_recorded(tmp_path, write_facts):
    """Only months 3 and 6 have facts files (scores 68 and 65): the months without a file
    have no events, and each quarter's third month is recorded, so month 6 flags. Had
    quarter 1's score been written in month 2 with no file for month 3, quarter 1 would not
    be over: month 6 stands alone and raises nothing."""
    loaded = _contract(tmp_path, QUARTERLY)
    book = _write_months(loaded, write_facts,
                         {3: [_score(loaded, 3, 68)], 6: [_score(loaded, 6, 65)]})
    assert len(_flags(loaded, book, 6)) == 1
    (book.folder / "period-03.yaml").unlink()
    book = _write_months(loaded, write_facts, {2: [_score(loaded, 2, 68)]})
    assert _flags(loaded, book, 6) == []


def test_an_average_is_judged_exactly_and_shown_to_the_fen(tmp_path, write_facts):
    """Quarter 1 scores 70, 70 and 69.9 (average 69.9666…, below 70), quarter 2 scores 69:
    the flag at month 6 shows the average to the fen (约 69.97)."""
    loaded = _contract(tmp_path, QUARTERLY)
    months = {n: [] for n in range(1, 7)}
    months[3] = [_score(loaded, 3, 70), _score(loaded, 3, 70), _score(loaded, 3, Decimal("69.9"))]
    months[6] = [_score(loaded, 6, 69)]
    book = _write_months(loaded, write_facts, months)
    assert "第 1 季度 得分平均值 = 约 69.97；第 2 季度 得分平均值 = 69" in _flags(loaded, book, 6)[0]


MONTHLY_ORDERS = _rule(event_types=["zero_point_order"], per="month", condition="次数 > 5",
                       times=3, flags=INTERVIEW)


def test_more_than_five_zero_point_orders_three_months_running(tmp_path, write_facts):
    """0-point orders per month: 6, 7, 6, 6, 5, 6. More than 5 three months running is
    reached in month 3 (6, 7, 6) and still holds in month 4 (7, 6, 6 — a run of 4); month 5's
    5 orders are not more than 5, so months 5 and 6 raise nothing."""
    loaded = _contract(tmp_path, MONTHLY_ORDERS)
    counts = [6, 7, 6, 6, 5, 6]
    book = _write_months(loaded, write_facts, {
        n: [{"type": "zero_point_order", "date": period(loaded.contract, n).start.isoformat(),
             "count": count}] for n, count in enumerate(counts, start=1)})
    assert _fired(loaded, book, range(1, 7)) == [3, 4]
    assert _flags(loaded, book, 3) == [
        "第 1–3 期0分工单连续 3 个月满足“次数 > 5”（第 1 期 次数 = 6；第 2 期 次数 = 7；"
        "第 3 期 次数 = 6）：甲方约谈乙方"]


def test_two_rated_months_running_fire_and_an_unrated_month_breaks_the_run(tmp_path, write_facts):
    """高米店 4.6.5 (连续2个月市级评价为“待提升”), as it is encoded: ratings 待提升, 良好, 待提升,
    待提升, (none), 待提升, 待提升: two 待提升 months running are months 3–4 and 6–7; month 5 is
    not rated, which breaks the run. The rule flags in months 4 and 7 only."""

    def change(document):
        document["clauses"] += [
            {"id": "9.1", "title": "连续评价", "text": "连续评价", "effect": "right",
             "rules": [_rule(per="month", condition='评价 = "待提升"', times=2, flags=TERMINATION)]}]
    loaded = load_contract(write_contract(tmp_path, change))
    ratings = {1: "待提升", 2: "良好", 3: "待提升", 4: "待提升", 6: "待提升", 7: "待提升"}
    book = _write_months(loaded, write_facts, {n: [] for n in range(1, 8)}, ratings)
    assert _fired(loaded, book, range(1, 8)) == [4, 7]
    assert _flags(loaded, book, 4) == [
        "第 3–4 期连续 2 个月满足“市级评价 = ‘待提升’”（第 3 期 市级评价 = 待提升；第 4 期 市级评价 = 待提升）"
        "：甲方有权解除合同"]


def test_an_amount_formula_deducts_when_reached(tmp_path, write_facts):
    """月度满意率连续两个月低于 90% 的，扣当月服务费 2%: month 1's rate 89.9, month 2's
    readings 89 and 90 (average 89.5), month 3's 90 (not below). Month 2 deducts
    350,000.00 × 2% = 7,000.00; months 1 and 3 deduct nothing."""
    loaded = _contract(tmp_path, _rule(event_types=["satisfaction"], per="month",
                                       condition="平均_rate < 90", times=2, amount="月服务费 × 2%"))
    rates = {1: [Decimal("89.9")], 2: [89, 90], 3: [90]}
    book = _write_months(loaded, write_facts, {
        n: [{"type": "satisfaction", "date": period(loaded.contract, n).start.isoformat(),
             "rate": rate, "ref": f"S{n}-{i}"} for i, rate in enumerate(found)]
        for n, found in rates.items()})
    statement = period_statement(loaded, book, 2)
    [line] = [line for line in statement["deductions"] if line["clause"] == "9.1"]
    assert line["amount"] == "7000.00"
    assert line["refs"] == ["S1-0", "S2-0", "S2-1"]
    assert line["explanation"] == (
        "第 1–2 期月度满意率连续 2 个月满足“满意率平均值 < 90”（第 1 期 满意率平均值 = 89.90；"
        "第 2 期 满意率平均值 = 89.50）：扣款 月服务费 × 2%（月服务费 = 350,000.00） = 7,000.00 元")
    [node] = explain(statement, loaded.contract, clause="9.1")
    tree = "\n".join(node.lines())
    assert "扣款：月服务费 × 2%（月服务费 = 350,000.00） = 7,000.00 元" in tree
    assert tree.count("月度满意率") >= 3  # the three readings the line rests on, with their files
    for month in (1, 3):
        assert not any(line["clause"] == "9.1"
                       for line in period_statement(loaded, book, month)["deductions"])


def test_an_amount_is_rounded_half_up_to_the_fen_once(tmp_path, write_facts):
    """月服务费 ÷ 3 × 1% = 350,000 ÷ 3 × 0.01 = 1,166.666… → 1,166.67, on a single bad
    month (times 1): the trace's one step gives the line's amount."""
    loaded = _contract(tmp_path, _rule(event_types=["satisfaction"], per="month",
                                       condition="最小_rate < 90", times=1,
                                       amount="月服务费 ÷ 3 × 1%", flags=INTERVIEW))
    book = _write_months(loaded, write_facts, {1: [
        {"type": "satisfaction", "date": "2025-02-03", "rate": 95},
        {"type": "satisfaction", "date": "2025-02-04", "rate": 80}]})
    outcome = settle_period_outcome(loaded, book, period(loaded.contract, 1))
    [line] = [line for line in outcome.lines if line.clause == "9.1"]
    assert line.amount == Decimal("1166.67")
    assert str(line.trace.steps[-1].exact).startswith("1166.66666")
    assert [flag.message for flag in outcome.flags if flag.clause == "9.1"] == [
        "第 1 期月度满意率满足“满意率最低值 < 90”（第 1 期 满意率最低值 = 80）：甲方约谈乙方"]


@pytest.mark.parametrize("params, message", [
    ({"event_types": ["quarterly_score"], "per": "quarter", "condition": "平均_得分 < 70",
      "times": 2, "flags": TERMINATION}, "平均_得分 不是可用的名称"),
    ({"per": "quarter", "condition": '评价 = "待提升"', "times": 2, "flags": TERMINATION},
     "评价 不是可用的名称"),
    ({"event_types": ["satisfaction"], "per": "month", "condition": "平均_rate < 90",
      "times": 2, "amount": "月服务费 × 评价"}, "amount中的 评价 不是可用的名称"),
    ({"event_types": ["satisfaction"], "per": "month", "condition": "平均_rate < 90",
      "times": 2}, "须写 flags（后果）或 amount（扣款公式），至少其一"),
])
def test_a_rule_reading_what_no_period_gives_is_refused_at_load(tmp_path, params, message):
    """A misspelt measure, a rating read per quarter (a quarter has no rating), an amount
    reading the rating, and a rule with neither consequence nor amount."""
    with pytest.raises(UserError, match=message):
        _contract(tmp_path, _rule(**params))


@pytest.mark.parametrize("condition, message", [
    ('评价 = "待提生"', "“待提生”不是合同 ratings 中的评价档次；您是不是要写 待提升？可用：优秀、良好、待提升"),
    ('评价 = "差"', "“差”不是合同 ratings 中的评价档次；可用：优秀、良好、待提升"),
    ('评价 = "良好" 或 评价 = "一般"', "“一般”不是合同 ratings 中的评价档次"),
])
def test_a_rating_the_contract_does_not_list_is_refused_at_load(tmp_path, condition, message):
    """The synthetic contract rates 优秀、良好、待提升: a condition comparing with any other text
    would never hold, so loading refuses it, naming the rating meant when one is alike."""
    with pytest.raises(UserError, match=message) as refused:
        _contract(tmp_path, _rule(per="month", condition=condition, times=2, flags=TERMINATION))
    assert "规则 9.1#1 的 condition" in str(refused.value)
