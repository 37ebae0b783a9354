"""The contract schema refuses what a lawyer or an engineer could get wrong, naming where."""
import re

import pytest
from conftest import CONTRACTS
from contract_builder import write_contract

from compliance.engine.loading import load_contract
from compliance.errors import UserError


def _error(tmp_path, changes=None, text=None) -> str:
    with pytest.raises(UserError) as caught:
        load_contract(write_contract(tmp_path, changes, text))
    return str(caught.value)


def _line_of(path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text("utf-8").splitlines(), 1) if needle in line)


def test_gaomidian_encodes_every_rule_it_declares():
    loaded = load_contract(CONTRACTS / "gaomidian-2025.yaml")
    assert loaded.contract.monthly_fee == 359600
    assert loaded.period_count == 12
    kinds = {rule.kind for rule in loaded.rules}
    assert {"per_occurrence", "per_block", "count_threshold", "consecutive_periods",
            "ratio_threshold", "advance_surcharge", "one_off_penalty", "formula",
            "netting"} <= kinds


def test_unknown_key_in_a_clause_names_file_line_and_valid_keys(tmp_path):
    message = _error(tmp_path, lambda d: d["clauses"][3].update(colour="red"))
    path = tmp_path / "test-contract.yaml"
    assert f"test-contract.yaml:{_line_of(path, 'colour')}: clauses[3].colour: 未知的键" in message
    assert "可用：id, title, text, effect" in message


def test_unknown_clause_kind_lists_the_kinds(tmp_path):
    message = _error(tmp_path, lambda d: d["clauses"][3]["rules"][0].update(kind="per_ocurrence"))
    assert "没有这种条款类型：'per_ocurrence'" in message
    assert "per_occurrence" in message.split("可用：")[1]


def test_misspelt_parameter_is_refused_at_its_line(tmp_path):
    def misspell(document):
        document["clauses"][3]["rules"][0]["params"] = {"event_types": ["zero_point_order"],
                                                        "unit_amont": 5000}
    message = _error(tmp_path, misspell)
    path = tmp_path / "test-contract.yaml"
    assert f":{_line_of(path, 'unit_amont')}: clauses[3].rules[0].params.unit_amont: 未知的键" in message
    assert "unit_amount" in message


def test_rule_on_an_undeclared_event_type_is_refused(tmp_path):
    message = _error(tmp_path, lambda d: d["clauses"][3]["rules"][0]["params"].update(
        event_types=["complaint"]))
    assert "complaint 未在合同的 event_types 中声明" in message


def test_money_with_three_decimals_is_refused(tmp_path):
    message = _error(tmp_path, lambda d: d["total_price"].update(amount="1.005"),)
    assert "total_price.amount" in message


def test_clause_that_moves_money_needs_its_encoding(tmp_path):
    message = _error(tmp_path, lambda d: d["clauses"][3].update(rules=[]))
    assert "第 4.6.1 条的 effect 为 money" in message


def test_informational_clause_needs_a_reason(tmp_path):
    message = _error(tmp_path, lambda d: d["clauses"][2].pop("reason"))
    assert "须在 reason 中写明它为何不产生金额" in message


def test_duplicate_clause_ids_are_refused(tmp_path):
    message = _error(tmp_path, lambda d: d["clauses"].append(dict(d["clauses"][2])))
    assert "条款编号重复：4.6" in message


def test_term_that_is_not_whole_months_is_refused(tmp_path):
    message = _error(tmp_path, lambda d: d["term"].update(end=d["term"]["end"].replace(day=15)))
    assert "不是整数个合同月" in message


def test_yaml_syntax_error_names_the_line(tmp_path):
    message = _error(tmp_path, text="id: x\nclauses: [\n")
    assert re.search(r"test-contract.yaml:3: YAML 格式错误", message)
