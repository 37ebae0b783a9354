"""`compliance show`: the contract as a lawyer reads it, each clause's text above its encoding."""
import pytest
from conftest import CONTRACTS, edited_contract, run_cli

from compliance.engine.loading import load_contract


@pytest.mark.parametrize("path", sorted(CONTRACTS.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_clause_appears_with_its_text_in_reading_order(path, capsys):
    contract = load_contract(path).contract
    code, out, _ = run_cli(capsys, "show", contract.id)
    assert code == 0
    positions = [out.index(f"━━ {clause.id} {clause.title}") for clause in contract.clauses]
    assert positions == sorted(positions)
    first_line = contract.clauses[-1].text.strip().splitlines()[0].strip()
    assert first_line in out


def test_a_clause_shows_its_rule_with_each_parameter_explained_and_its_scenarios(capsys):
    code, out, _ = run_cli(capsys, "show", "gaomidian-2025", "--clause", "4.6.4")
    assert code == 0
    for expected in ("━━ 4.6.4 响应、派单、回访扣款与暂停支付  〔金钱〕",
                     "规则 4.6.4#1 按次扣款（per_occurrence）",
                     "unit_amount = 1000  — 每次扣除的金额（元）",
                     "规则 4.6.4#2 累计次数触发（count_threshold）",
                     "threshold = 5",
                     "  解释：",
                     "gaomidian-2025.feature:"):
        assert expected in out, expected
    assert "━━ 4.6.5" not in out


def test_a_structural_clause_and_a_clause_that_moves_no_money_say_so(capsys):
    code, out, _ = run_cli(capsys, "show", "gaomidian-2025", "--clause", "3")
    assert "由合同结构执行：月服务费（fees）" in out
    assert "不计金额：" in out


def test_an_unknown_clause_is_refused(capsys):
    code, _, err = run_cli(capsys, "show", "gaomidian-2025", "--clause", "4.7.9")
    assert code == 2
    assert "--clause: 合同没有第 4.7.9 条（可用：1, 1.1, 1.2" in err


def test_a_misspelt_clause_is_answered_with_the_clause_meant(capsys):
    code, _, err = run_cli(capsys, "show", "gaomidian-2025", "--clause", "4.6.l")
    assert code == 2
    assert "--clause: 合同没有第 4.6.l 条；您是不是要写 4.6.1？（可用：" in err


@pytest.mark.parametrize(("contract", "written", "heading"), [
    ("gaomidian-2025", "第4.6.1条", "━━ 4.6.1 0分工单扣款"),
    ("gaomidian-2025", "４.６.１", "━━ 4.6.1 0分工单扣款"),
    ("gaomidian-2025", "4.6.1条", "━━ 4.6.1 0分工单扣款"),
    ("gaomidian-2025", " 4.6.1\u3000", "━━ 4.6.1 0分工单扣款"),
    ("gaomidian-2025", "第四条", "━━ 4.6 "),
    ("chengbei-2025", "五（二）1", "━━ 五(二)1 "),
    ("chengbei-2025", "第五条(二)1", "━━ 五(二)1 "),
    ("chengbei-2025", "5（二）1", "━━ 五(二)1 "),
    ("yangfangdian-2026", "第十一条", "━━ 11 "),
])
def test_a_clause_is_accepted_as_the_contract_writes_it(capsys, contract, written, heading):
    code, out, err = run_cli(capsys, "show", contract, "--clause", written)
    assert (code, err) == (0, "")
    assert heading in out


def test_show_states_the_deadline_rule_and_its_interpretation_once_at_the_top(capsys):
    code, out, _ = run_cli(capsys, "show", "chengbei-2025", "--clause", "四(二)")
    assert code == 0
    heading = out.split("━━")[0]
    assert "期限顺延（《民法典》第二百零三条）：适用" in heading
    assert "deadlines.extend_past_rest_days = true" in heading
    assert "  解释：依《民法典》第二百零三条" in heading
    assert out.count("期限顺延（《民法典》第二百零三条）") == 1


def test_show_says_when_a_lawyer_switched_the_deadline_rule_off(tmp_path, capsys):
    def switch_off(document):
        document["deadlines"] = {"extend_past_rest_days": False,
                                 "interpretation": "双方约定期限不因休假日顺延。"}
    path = edited_contract(tmp_path, "chengbei-2025", switch_off)
    code, out, _ = run_cli(capsys, "show", str(path), "--clause", "四(二)")
    assert code == 0
    assert "期限顺延（《民法典》第二百零三条）：不适用" in out
    assert "deadlines.extend_past_rest_days = false" in out
    assert "  解释：双方约定期限不因休假日顺延。" in out
