"""Contract lint: the five signed contracts are linted, their one known inconsistency is
reported, each check catches the mistake it exists for, and a contract with lint errors is
not settled."""
import json
from decimal import Decimal

import pytest
from conftest import CONTRACTS, EXAMPLES, edited_contract, run_cli

from compliance.engine.loading import load_contract
from compliance.errors import UserError
from compliance.legal import lint as lint_module
from compliance.legal.lint import _written, capital_value, lint, refuse_if_unsound


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


MISTAKES = [
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
]


def test_a_contract_that_does_not_load_is_an_error_naming_file_and_line(tmp_path, capsys):
    def wrong_subtotal(document):
        document["quote"]["years"][0]["subtotal"] = 1
    path = edited_contract(tmp_path, "chengbei-2025", wrong_subtotal)
    code, out, err = run_cli(capsys, "lint", str(path), "gaomidian-2025")
    assert code == 1
    assert f"错误 [—] load：{path}:" in out
    assert "报价表 2025 年度：各行合计 898,000.00，但表中写的小计是 1.00" in out
    assert "高米店（gaomidian-2025）：10 项检查，0 个错误，0 个警告" in out
    assert not err


# --- amounts and rates given to rules are the ones the text writes -----------------------------

@pytest.mark.parametrize(("text", "kind", "value"), [
    ("扣除乙方服务费5000元", "amount", "5000"), ("5,000 元", "amount", "5000"),
    ("伍仟元", "amount", "5000"), ("五千", "amount", "5000"), ("0.5万元", "amount", "5000"),
    ("人民币：577,359 元", "amount", "577359"), ("尾款 192032.8 元", "amount", "192032.80"),
    ("合同总价款的5%", "ratio", "0.05"), ("百分之五", "ratio", "0.05"), ("5‰", "ratio", "0.005"),
    ("0.5‰", "ratio", "0.0005"), ("千分之零点五", "ratio", "0.0005"), ("千分之二", "ratio", "0.002"),
    ("30%", "ratio", "0.30"), ("百分之三十", "ratio", "0.30"), ("三成", "ratio", "0.30"),
    ("服务费总额【10】%", "ratio", "0.10"), ("３０％", "ratio", "0.30"), ("万分之五", "ratio", "0.0005"),
])
def test_amounts_and_rates_are_read_in_every_written_form(text, kind, value):
    assert Decimal(value) in {w.value for w in _written(text) if w.kind == kind}


@pytest.mark.parametrize("text", ["2025年10月28日", "逾期三日", "30分钟", "5个工作日", "完成成果", "每月1次"])
def test_days_counts_and_dates_are_not_amounts(text):
    assert not [w for w in _written(text) if w.value > 0]


def test_5000_and_3000_either_side_of_a_chinese_comma_are_two_amounts():
    assert [w.value for w in _written("扣5000，3000元")] == [5000, 3000]


def _param(clause_id: str, name: str, value, number: int = 1):
    def edit(document):
        rule = _clause(document, clause_id)["rules"][number - 1]
        rule["params"][name] = value
        rule["params"].pop("stated_amount", None)
    return edit


def _both(*edits):
    def edit(document):
        for one in edits:
            one(document)
    return edit


def _interpretation(clause_id: str, text: str):
    def edit(document):
        _clause(document, clause_id)["interpretation"] = text
    return edit


def _permille_slip(document):
    """城北 五(一)1 written as 0.5‰ and encoded 0.005: 0.5‰ is 0.0005."""
    _replace_text("五(一)1", "千分之二", "0.5‰")(document)
    _param("五(一)1", "per_block_amount", "合同总价款 × 5‰")(document)


def _tranche_share(number: int, share: float, clause_id: str = "3.2"):
    def edit(document):
        for rule in _clause(document, clause_id)["rules"]:
            if rule["kind"] == "tranche" and rule["params"]["number"] == number:
                rule["params"]["share"] = share
                rule["params"].pop("stated_amount", None)
    return edit


def _price(amount):
    def edit(document):
        document["total_price"]["amount"] = amount
    return edit


def _monthly_fees_too(document):
    """羊坊店, paid in three tranches, also given a monthly fee of 2,470,800 ÷ 12."""
    document["fees"] = [{"id": "service", "label": "服务费", "monthly": 205900, "clause": "3.1"}]


def _fee(fee_id: str, monthly):
    def edit(document):
        next(f for f in document["fees"] if f["id"] == fee_id)["monthly"] = monthly
    return edit


NEW_MISTAKES = [
    ("gaomidian-2025", _param("4.6.1", "unit_amount", 6000),
     ("figures", "error", "4.6.1", "规则 4.6.1#1（按次扣款）的参数 unit_amount = 6,000.00 元，条款 4.6.1 的文字中"
                                  "没有这个金额；文中金额：5000")),
    ("gaomidian-2025", _param("6.1", "per_block_amount", "合同总价款 × 50%"),
     ("figures", "error", "6.1", "规则 6.1#1（按段计）的参数 per_block_amount = 0.5（50%），条款 6.1 的文字中没有这个比例，"
                                "也没有写 50% × 合同总价款 = 2,157,600.00 元；文中比例：5%（= 0.05）。编码是文中“5%”"
                                "的 10 倍：是否把 ‰ 当作 %，或小数点写错了位置？")),
    ("chengbei-2025", _permille_slip,
     ("figures", "error", "五(一)1", "规则 五(一)1#1（按段计）的参数 per_block_amount = 0.005（0.5%，5‰），条款 五(一)1 的"
                                    "文字中没有这个比例，也没有写 0.5% × 合同总价款 = 7,980.00 元；"
                                    "文中比例：0.5‰（= 0.0005）。编码是文中“0.5‰”的 10 倍：是否把 ‰ 当作 %，"
                                    "或小数点写错了位置？")),
    ("jiuxianqiao-2025", _both(_replace_text("6.7", "30%", "20%"), _interpretation("6.7", "甲方可主张。")),
     ("figures", "error", "6.6(1)", "规则 6.6(1)#1（情形触发权利）的参数 flags[0].rate = 0.3（30%），"
                                   "条款 6.6(1)、6.7 的文字中没有这个比例，也没有写 30% × 合同总价款 = "
                                   "577,359.00 元；文中比例：20%（= 0.2）")),
    ("jiuxianqiao-2025", _tranche_share(2, 0.2, "3.2.2"),
     ("figures", "error", "3.2.2", "规则 3.2.2#1（分期付款）的参数 share = 0.2（20%），条款 3.2.2 的文字中没有"
                                  "这个比例，也没有写 20% × 合同总价款 = 384,906.00 元；文中比例：无")),
    ("gaomidian-2025", _replace_text("6.1", "合同总价款的5%", "当月服务费的5%"),
     ("bases", "error", "6.1", "规则 6.1#1（按段计）的参数 per_block_amount = 0.05（5%），基数编码为 total_price（合同总价款），"
                              "文中写的是“当月服务费的5%”，基数为当月服务费")),
    ("gaomidian-2025", _replace_text("4.6.5", "当月服务费20%", "合同总价款20%"),
     ("bases", "error", "4.6.5", "规则 4.6.5#2（扣款比例触发）的参数 ratio = 0.2（20%），基数编码为 monthly_fee"
                                "（当月服务费），文中写的是“合同总价款20%”，基数为合同总价款")),
    ("gaomidian-2025", _replace_text("6.1", "合同总价款的5%", "合同总价款及当月服务费的5%"),
     ("bases", "warning", "6.1", "规则 6.1#1（按段计）的参数 per_block_amount = 0.05（5%），基数编码为 total_price（合同总价款），"
                                "文中写的是“当月服务费的5%”，基数为当月服务费（文中也提到合同总价款，请核对）")),
    ("gaomidian-2025", _both(_replace_text("6.1", "合同总价款的5%", "当月服务费的5%"),
                             _interpretation("6.1", "文中“当月服务费”按合同总价款理解：……")),
     ("bases", "warning", "6.1", "规则 6.1#1（按段计）的参数 per_block_amount = 0.05（5%），基数编码为 total_price")),
    ("yangfangdian-2026", _tranche_share(3, 0.10),
     ("tranches", "error", "3.2", "各期付款 1,235,400.00 + 741,240.00 + 247,080.00 = 2,223,720.00 元，不等于合同"
                                 "总价款 2,470,800.00 元（各期比例 50% + 30% + 10% = 90%，不是 100%）")),
    ("yangfangdian-2026", _tranche_share(3, 0.30),
     ("tranches", "error", "3.2", "各期付款 1,235,400.00 + 741,240.00 + 741,240.00 = 2,717,880.00 元，不等于合同"
                                 "总价款 2,470,800.00 元（各期比例 50% + 30% + 30% = 110%，不是 100%）")),
    ("ghzrzw-chaoyang-2023", _price(0),
     ("payments", "error", "3.1", "编码的合同总价款为 0 元：各期付款、按比例计算的违约金都将为 0（文中金额："
                                 "992,032.80）")),
    ("yangfangdian-2026", _monthly_fees_too,
     ("payments", "error", "3.2", "月服务费（第 3.1 条）205,900.00 元 × 12 个月 = 2,470,800.00 元，分期付款"
                                 "（第 3.2 条）1,235,400.00 + 741,240.00 + 494,160.00 = 2,470,800.00 元，合计 "
                                 "4,941,600.00 元，超过合同总价款 2,470,800.00 元：同一笔价款既按月支付又分期支付"
                                 "（重复支付）")),
    ("gaomidian-2025", _fee("hotline", 220000),
     ("fees", "error", "3.1", "月服务费合计 357,600.00 元 × 12 个月 = 4,291,200.00 元，合同总价款 "
                              "4,315,200.00 元")),
]


@pytest.mark.parametrize(("name", "edit", "expected"), MISTAKES + NEW_MISTAKES)
def test_each_check_catches_its_mistake(tmp_path, name, edit, expected):
    check, severity, clause, message = expected
    findings = _findings(tmp_path, name, edit)
    assert any(f["check"] == check and f["severity"] == severity and f["clause"] == clause
               and f["message"].startswith(message) for f in findings), findings


def test_0_0005_for_0_5_permille_is_right(tmp_path):
    def edit(document):
        _replace_text("五(一)1", "千分之二", "0.5‰")(document)
        _param("五(一)1", "per_block_amount", "合同总价款 × 0.5‰")(document)
    assert not [f for f in _findings(tmp_path, "chengbei-2025", edit) if f["clause"] == "五(一)1"]


@pytest.mark.parametrize("written", ["五千元", "伍仟元整", "5,000元", "0.5万元"])
def test_an_amount_written_in_words_or_grouped_is_found(tmp_path, written):
    edit = _replace_text("4.6.1", "5000元", written)
    assert not [f for f in _findings(tmp_path, "gaomidian-2025", edit) if f["check"] == "figures"]


@pytest.mark.parametrize("written", ["百分之三十", "三成"])
def test_a_rate_written_in_words_is_found(tmp_path, written):
    edit = _replace_text("5.7", "30%", written)
    assert not [f for f in _findings(tmp_path, "gaomidian-2025", edit) if f["check"] == "figures"]


def test_an_interpretation_that_writes_the_figure_exempts_it(tmp_path):
    edit = _both(_param("4.6.1", "unit_amount", 6000),
                 _interpretation("4.6.1", "双方补充协议将每件 0 分工单的扣款改为 6,000.00 元。"))
    assert not [f for f in _findings(tmp_path, "gaomidian-2025", edit) if f["check"] == "figures"]


def test_a_rate_the_text_writes_as_its_amount_is_found():
    """酒仙桥 3.2.2 尾款 writes 577,359 元, not 30%: share 0.30 of 1,924,530 is that amount."""
    findings = lint(load_contract(CONTRACTS / "jiuxianqiao-2025.yaml"))["findings"]
    assert not [f for f in findings if f["clause"] == "3.2.2"]


# --- a contract with lint errors is not settled -------------------------------------------------

def test_the_bundled_contracts_are_sound():
    for path in sorted(CONTRACTS.glob("*.yaml")):
        loaded = load_contract(path)
        assert refuse_if_unsound(loaded) is loaded


def test_a_contract_with_lint_errors_is_refused_naming_file_clause_and_finding(tmp_path):
    path = edited_contract(tmp_path, "chengbei-2025", _permille_slip)
    with pytest.raises(UserError) as refused:
        refuse_if_unsound(load_contract(path))
    message = str(refused.value)
    assert message.startswith(f"{path}: 合同 城北（chengbei-2025）的编码有 1 个错误，不能据此结算：\n"
                              "  [五(一)1] figures：规则 五(一)1#1（按段计）的参数 per_block_amount = 0.005")
    assert message.endswith(f"请运行 compliance lint {path} 查看，修正合同文件后再结算（警告不影响结算）。")


def test_warnings_do_not_refuse():
    loaded = load_contract(CONTRACTS / "chengbei-2025.yaml")
    assert lint(loaded)["warnings"] == 1
    assert refuse_if_unsound(loaded) is loaded


def test_lint_runs_once_per_contract_file_in_a_process(tmp_path, monkeypatch):
    calls = []

    def counting(loaded):
        calls.append(loaded.path)
        return iter(())
    monkeypatch.setitem(lint_module.CHECKS, "counting", ("计数", counting))
    path = edited_contract(tmp_path, "gaomidian-2025", lambda document: None)
    for _ in range(3):
        refuse_if_unsound(load_contract(path))
    lint(load_contract(path))
    assert calls == [path]


def test_settle_refuses_a_contract_with_lint_errors(tmp_path, capsys):
    path = edited_contract(tmp_path, "gaomidian-2025", _param("4.6.1", "unit_amount", 6000))
    code, out, err = run_cli(capsys, "settle", str(path), str(EXAMPLES / "gaomidian-2025"),
                             "--period", "1", "--out", str(tmp_path / "out"))
    assert code == 2
    assert "[4.6.1] figures：规则 4.6.1#1（按次扣款）的参数 unit_amount = 6,000.00 元" in err
    assert "compliance lint" in err
    assert not (tmp_path / "out").exists()
