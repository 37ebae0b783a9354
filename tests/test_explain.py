"""Why this number: every statement line and flag carries a trace an auditor can replay, and
``compliance explain`` prints it as a tree naming the clause, rule, facts and arithmetic."""
from decimal import Decimal

import pytest
from conftest import CONTRACTS, EXAMPLES, pdf_text, run_cli

from compliance.engine.loading import load_contract
from compliance.model.facts import load_facts
from compliance.engine.outcome import TRACE_KEY
from compliance.views.statement import period_statement

EXAMPLE_PERIODS = [(folder.name, int(path.stem.split("-")[1]))
                   for folder in sorted(EXAMPLES.iterdir())
                   for path in sorted(folder.glob("period-*.yaml"))]


@pytest.mark.parametrize(("contract", "index"), EXAMPLE_PERIODS,
                         ids=[f"{c}-{i}" for c, i in EXAMPLE_PERIODS])
def test_every_line_of_every_example_replays_from_its_trace(contract, index):
    """Each step of money rounds its exact result half-up to the fen (a count of blocks as its
    clause says: ``ROUND_CEILING 1``), the last step is the line's amount, and the lines add up
    to the statement's deductions."""
    loaded = load_contract(CONTRACTS / f"{contract}.yaml")
    statement = period_statement(loaded, load_facts(EXAMPLES / contract, loaded), index)
    for line in statement["deductions"]:
        trace = line[TRACE_KEY]
        assert trace["clause"] and trace["kind"] and trace["steps"], line["explanation"]
        for step in trace["steps"]:
            mode, _, quantum = step["rounding"].partition(" ")
            exact = Decimal(step["exact"])
            if quantum:
                exact = exact.quantize(Decimal(quantum), rounding=mode)
            assert exact == Decimal(step["value"]), step
        assert trace["steps"][-1]["value"] == line["amount"]
        assert all(":" in fact["source"] for fact in trace["facts"] if "source" in fact)
    total = sum((Decimal(line["amount"]) for line in statement["deductions"]), Decimal("0"))
    assert f"{total:.2f}" == statement["deductions_total"]


def test_explain_one_line_names_clause_rule_facts_and_arithmetic(capsys):
    code, out, _ = run_cli(capsys, "explain", "gaomidian-2025", str(EXAMPLES / "gaomidian-2025"),
                           "--period", "2", "--line", "1")
    assert code == 0
    for expected in ("扣款第 1 行 [4.6.1]：10,000.00 元",
                     "4.6.1 工单：每出现1次0分工单，甲方有权扣除乙方服务费5000元。",  # verbatim
                     "规则 4.6.1#1：按次扣款（per_occurrence）",
                     "unit_amount = 5000",
                     "0分工单 2025-12-03 单号 GMD-2512-0031  ← period-02.yaml:7",
                     "金额：2 × 5,000.00 = 10,000.00 元"):
        assert expected in out, expected
    assert "[4.6.4]" not in out


def test_explain_shows_where_rounding_gains_a_fen(capsys):
    code, out, _ = run_cli(capsys, "explain", "ghzrzw-chaoyang-2023",
                           str(EXAMPLES / "ghzrzw-chaoyang-2023"), "--period", "2", "--clause", "5.4")
    assert code == 0
    assert ("合同总价款 992,032.80 × 1 人 × 3 日 ÷ (4 人 × 366 日) = 2,032.8540983606557377049"
            in out)
    assert "四舍五入至分 → 2,032.85 元" in out
    assert "解释（合同文字的理解）" in out


def test_explain_the_whole_statement_ends_with_the_totals(capsys):
    code, out, _ = run_cli(capsys, "explain", "gaomidian-2025", str(EXAMPLES / "gaomidian-2025"),
                           "--period", "3")
    assert code == 0
    assert "标记 [4.6.4] 暂停支付" in out
    assert "净额 = 359,600.00 − 445,520.00 = -85,920.00 元" in out
    assert out.rstrip().endswith("本月不单独付款：净额 -85,920.00 元（人民币负捌万伍仟玖佰贰拾元整）计入第 1 支付周期结算")


@pytest.mark.parametrize(("option", "message"), [
    (["--line", "9"], "--line: 本结算单共有 4 行扣款（可用：1..4）"),
    (["--clause", "9.9"], "--clause: 本结算单没有依第 9.9 条的扣款或标记（可用：4.6.4, 5.7, 6.1）"),
    (["--clause", "5.l"], "--clause: 本结算单没有依第 5.l 条的扣款或标记；您是不是要写 5.7？"
                          "（可用：4.6.4, 5.7, 6.1）"),
])
def test_explain_refuses_a_line_or_clause_the_statement_does_not_have(capsys, option, message):
    code, out, err = run_cli(capsys, "explain", "gaomidian-2025", str(EXAMPLES / "gaomidian-2025"),
                             "--period", "3", *option)
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_the_pdf_appendix_traces_each_deduction(tmp_path, capsys):
    code, _, _ = run_cli(capsys, "settle", "gaomidian-2025", str(EXAMPLES / "gaomidian-2025"),
                         "--period", "3", "--out", str(tmp_path))
    assert code == 0
    text = pdf_text(tmp_path / "gaomidian-2025" / "period-03.pdf")
    appendix = text[text.index("附件：计算依据"):]
    for expected in ("扣款第 4 行 [6.1]：431,520.00 元", "逾期履行 2026-01-21 2 日", "period-03.yaml:8",
                     "每段金额：合同总价款 × 5%（合同总价款 = 4,315,200.00） = 215,760.00 元"):
        assert expected in appendix, expected
