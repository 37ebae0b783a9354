"""The formula language a contract writes where no clause kind fits: exact Decimal arithmetic,
the percent and per-mille signs a contract uses, and refusals that say where and why."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from compliance.model.formula import FormulaError, check_names, parse

D = Decimal


def test_a_percentage_of_the_monthly_fee_plus_a_number_of_points():
    """(15 + m)% × 月服务费: the example of the issue, 18% of 359,600.00."""
    formula = parse("(15 + m)% × 月服务费")
    assert formula.number({"m": D(3), "月服务费": D("359600")}) == D("64728")
    assert formula.names == ["m", "月服务费"]


def test_numbers_are_read_exactly_as_written():
    assert parse("0.1 + 0.2").number({}) == D("0.3")
    assert parse("合同总价款 × 0.5‰").number({"合同总价款": D("1079000")}) == D("539.5")


def test_percent_binds_to_what_it_follows_not_to_the_whole_product():
    """a ÷ 5% is a ÷ 0.05, not (a ÷ 5) ÷ 100."""
    assert parse("100 ÷ 5%").number({}) == D(2000)


def test_full_width_digits_and_brackets_typed_by_an_input_method_are_read():
    assert parse("（１＋２）×３").number({}) == D(9)


def test_blocks_rounded_up_and_down():
    assert parse("向上取整(5 ÷ 2) × 1000").number({}) == D(3000)
    assert parse("向下取整(5 ÷ 2) × 1000").number({}) == D(2000)
    assert parse("取整到分(10 ÷ 3)").number({}) == D("3.33")
    assert parse("四舍五入(2.345, 2)").number({}) == D("2.35")


def test_conditions_and_choices():
    assert parse("若(得分 < 70 且 得分 ≥ 60, 1000, 0)").number({"得分": D(65)}) == D(1000)
    assert parse("若(得分 < 70 且 得分 ≥ 60, 1000, 0)").number({"得分": D(70)}) == D(0)
    assert parse('评价 = "待提升" 或 非 (次数 < 3)').holds({"评价": "良好", "次数": D(3)})


def test_hours_between_two_beijing_times():
    beijing = timezone(timedelta(hours=8))
    start = datetime(2025, 3, 4, 22, 30, tzinfo=beijing)
    end = datetime(2025, 3, 5, 1, 0, tzinfo=beijing)
    assert parse("小时数(接报, 办结)").number({"接报": start, "办结": end}) == D("2.5")


def test_the_trace_shows_each_value_read():
    formula = parse("月服务费 × 10%")
    assert formula.describe({"月服务费": D("359600")}) == "月服务费 × 10%（月服务费 = 359,600.00）"


@pytest.mark.parametrize("text, where", [
    ("1 +", "末尾"),
    ("a.b", "'.'"),
    ("2 ** 3", "第 4 个字符"),
    ("a < b < c", "用“且”连接"),
    ("__import__(1)", "没有函数 __import__"),
    ("open(1)", "没有函数 open"),
    ("(" * 60 + "1" + ")" * 60, "嵌套过深"),
    ("1" * 30, "超过 18 位"),
    ("x" * 600, "过长"),
])
def test_what_is_not_a_formula_is_refused_saying_where(text, where):
    with pytest.raises(FormulaError, match=where.replace("(", r"\(").replace("*", r"\*")):
        parse(text)


def test_errors_while_working_it_out_say_why():
    with pytest.raises(FormulaError, match="除数为零"):
        parse("a ÷ b").number({"a": D(1), "b": D(0)})
    with pytest.raises(FormulaError, match="条件须是比较"):
        parse("若(1, 2, 3)").number({})
    with pytest.raises(FormulaError, match="参数个数不对"):
        parse("向上取整(1, 2, 3)").number({})
    with pytest.raises(FormulaError, match="须是数字"):
        parse('评价 + 1').number({"评价": "良好"})


def test_a_name_the_clause_does_not_give_is_named_with_a_suggestion():
    problem = check_names(parse("月服务 × 10%"), ["月服务费", "合同总价款"], "规则 4.6#1 的 amount")
    assert "月服务 不是可用的名称" in problem and "月服务费" in problem
