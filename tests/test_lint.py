"""Contract lint: the five signed contracts are linted, their one known inconsistency is
reported, and each check catches the mistake it exists for."""
import json

import pytest
from conftest import CONTRACTS, edited_contract, run_cli

from compliance.engine.loading import load_contract
from compliance.legal.lint import capital_value, lint


def test_the_five_contracts_have_no_errors_and_the_known_inconsistency_is_reported(capsys):
    code, out, _ = run_cli(capsys, "lint", "--json")
    report = {item["contract"]: item for item in json.loads(out)["contracts"]}
    assert code == 0
    assert len(report) == len(list(CONTRACTS.glob("*.yaml")))
    assert all(item["errors"] == 0 for item in report.values())
    assert report["chengbei-2025"]["findings"] == [{
        "check": "tranches", "severity": "warning", "clause": "四(三)",
        "message": "文字“剩余价款的 40%”按字面为 638,400.00 × 40% = 255,360.00 元，"
                   "与文中金额及编码 638,400.00 元不一致；已记录解释"}]


@pytest.mark.parametrize(("text", "value"), [
    ("人民币陆拾叁万捌仟肆佰元整", "638400"), ("贰佰肆拾柒万零捌佰元整", "2470800"),
    ("壹佰玖拾贰万肆仟伍佰叁拾元整", "1924530"), ("拾元伍角", "10.5"),
    ("壹亿贰仟万零伍元零陆分", "120000005.06"),
])
def test_capital_amounts_are_read_as_written(text, value):
    assert str(capital_value(text)) == value


def _clause(document: dict, clause_id: str) -> dict:
    return next(c for c in document["clauses"] if c["id"] == clause_id)


def _replace_text(clause_id: str, old: str, new: str):
    def edit(document):
        clause = _clause(document, clause_id)
        clause["text"] = clause["text"].replace(old, new)
    return edit


def _findings(tmp_path, name, edit) -> list[dict]:
    return lint(load_contract(edited_contract(tmp_path, name, edit)))["findings"]


def _unused_event(document):
    document["event_types"]["site_visit"] = {"label": "现场检查"}


def _no_interpretation(document):
    _clause(document, "4.6.4")["interpretation"] = None


def _shares_short(document):
    for clause_id, share in (("3.2", 0.5),):
        for rule in _clause(document, clause_id)["rules"]:
            if rule["kind"] == "tranche" and rule["params"]["number"] == 3:
                rule["params"]["share"] = 0.15
                rule["params"].pop("stated_amount", None)


@pytest.mark.parametrize(("name", "edit", "expected"), [
    ("gaomidian-2025", _replace_text("3.1", "肆佰叁拾壹万伍仟贰佰元整", "肆佰叁拾壹万伍仟元整"),
     ("written_amounts", "error", "3.1", "大写“肆佰叁拾壹万伍仟元整”为 4,315,000.00 元，旁边的数字为 "
                                         "4,315,200.00 元")),
    ("gaomidian-2025", _replace_text("3.1", "全年共计2,664,000元", "全年共计2,640,000元"),
     ("fees", "error", "3.1", "每月 222,000.00 元 × 12 个月 = 2,664,000.00 元，文中全年合计 "
                              "2,640,000.00 元")),
    ("gaomidian-2025", _replace_text("1.2", "2026年10月27日", "2026年10月26日"),
     ("term", "error", "1.2", "文中期限 2025-10-28 至 2026-10-26，编码为 2025-10-28 至 2026-10-27")),
    ("jiuxianqiao-2025", _replace_text("3.1", "1,924,530 元(大写：壹佰玖拾贰万肆仟伍佰叁拾元整)",
                                       "1,924,350 元(大写：壹佰玖拾贰万肆仟叁佰伍拾元整)"),
     ("total_price", "error", "3.1", "编码的合同总价款 1,924,530.00 元未出现在条款文字中")),
    ("gaomidian-2025", _unused_event,
     ("event_types", "warning", "—", "事实类型 site_visit（现场检查）没有任何规则使用：记录它不会改变结算")),
    ("gaomidian-2025", _no_interpretation,
     ("interpretations", "warning", "4.6.4", "文字含“以上”“累计”，编码作了取舍，但没有记录解释")),
    ("yangfangdian-2026", _shares_short,
     ("tranches", "error", "3.2", "各期付款 1,235,400.00 + 741,240.00 + 370,620.00 = "
                                  "2,347,260.00 元，不等于合同总价款 2,470,800.00 元")),
])
def test_each_check_catches_its_mistake(tmp_path, name, edit, expected):
    check, severity, clause, message = expected
    findings = _findings(tmp_path, name, edit)
    assert any(f["check"] == check and f["severity"] == severity and f["clause"] == clause
               and f["message"].startswith(message) for f in findings), findings


def test_a_contract_that_does_not_load_is_an_error_naming_file_and_line(tmp_path, capsys):
    def wrong_subtotal(document):
        document["quote"]["years"][0]["subtotal"] = 1
    path = edited_contract(tmp_path, "chengbei-2025", wrong_subtotal)
    code, out, err = run_cli(capsys, "lint", str(path), "gaomidian-2025")
    assert code == 1
    assert f"错误 [—] load：{path}:" in out
    assert "lines add up to 898,000.00, but the table states a subtotal of 1.00" in out
    assert "高米店（gaomidian-2025）：7 项检查，0 个错误，0 个警告" in out
    assert not err
