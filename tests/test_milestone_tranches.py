"""Tranches counted in months after a milestone, a retention (质保金) that bears the repair
costs, and a principal paid in monthly instalments with interest on the balance: amounts and
dates worked by hand, and the encodings refused."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from conftest import dump_facts
from contract_builder import write_contract

from compliance.engine.loading import load_contract
from compliance.engine.schedule import payment_schedule
from compliance.errors import UserError
from compliance.legal.lint import findings_of
from compliance.model.facts import load_facts
from compliance.model.workdays import calendar
from compliance.views.statement import tranche_statement

TERM = {"start": date(2025, 1, 1), "end": date(2025, 12, 31), "clause": "1"}
PROVISIONAL = "按法定节假日推算，待国务院公布调休安排"


def _retention_contract(retention: dict | None = None):
    """合同总价款 1,000,000 元：终验合格后 15 个工作日内付 95%；5% 为质保金，自终验合格之日起满
    12 个月后 15 日内无息退还，维修费用（第 7 条）从中扣除，不足部分乙方 10 日内补足。"""
    params = {"number": 2, "label": "质保金", "share": 0.05, "events": ["final_acceptance"],
              "offset_months": 12, "offset": 15, "takes": ["7"], **(retention or {})}

    def change(document):
        document.update(signed=TERM["start"], term=TERM, fees=[],
                        total_price={"amount": 1000000, "clause": "2"})
        del document["payment"]
        document["event_types"] = {
            "final_acceptance": {"label": "终验合格"},
            "payment_made": {"label": "甲方付款", "requires": ["amount", "tranche"]},
            "repair_cost": {"label": "质保期内维修费用", "requires": ["amount"]},
            "loss": {"label": "乙方造成的损失", "requires": ["amount"]}}
        document["clauses"] = [
            {"id": "1", "title": "期限", "text": "服务期限自2025年1月1日起至2025年12月31日止。",
             "effect": "date", "executed_by": "term"},
            {"id": "2", "title": "价款", "text": "合同总价款 1000000 元。", "effect": "money",
             "executed_by": "total_price"},
            _clause("4.1", "终验合格后 15 个工作日内支付合同总价款的 95%。", "tranche",
                    {"number": 1, "label": "第一次付款", "share": 0.95, "events": ["final_acceptance"],
                     "offset": 15, "offset_unit": "working"}),
            _clause("4.2", "合同总价款的 5% 作为质保金，在终验合格之日起满 12 个月后 15 日内无息退还。",
                    "tranche", params),
            _clause("6", "乙方造成的损失按实扣除。", "formula", {"event_types": ["loss"], "amount": "金额"}),
            {"id": "7", "title": "质保", "text": "第七条 质保", "effect": "informational",
             "reason": "总则"},
            _clause("7.1", "质保期内的维修费用从质保金中扣除。", "formula",
                    {"event_types": ["repair_cost"], "amount": "金额"}),
            _clause("7.2", "质保金不足抵扣的，乙方应于 10 日内补足。", "netting",
                    {"make_good_days": 10,
                     "flags": [{"kind": "make_good", "consequence": "乙方应于 10 日内补足"}]}),
        ]
    return change


def _instalment_contract(plan: dict | None = None, price: int = 120000, text: str = ""):
    """合同总价款 120,000 元自合同签订（2025-01-31）之日起分 12 个月支付，每月另按未付本金的
    0.5% 计付利息；甲方每迟延一日按合同总价款的 0.1% 支付违约金。"""
    params = {"first_number": 1, "label": "分期付款", "count": 12, "amount": price,
              "monthly_rate": 0.005, "anchors": ["signed"], **(plan or {})}

    def change(document):
        document.update(fees=[], total_price={"amount": price, "clause": "2"})
        del document["payment"]
        document["event_types"] = {"payment_made": {"label": "甲方付款",
                                                    "requires": ["amount", "tranche"]}}
        document["clauses"] = [
            {"id": "1", "title": "期限", "text": "服务期限自2025年1月31日起至2026年1月30日止。",
             "effect": "date", "executed_by": "term"},
            {"id": "2", "title": "价款", "text": f"合同总价款 {price} 元。", "effect": "money",
             "executed_by": "total_price"},
            _clause("3", text or "合同价款 120000 元自合同签订之日起分 12 期按月支付，每期另按未付"
                                 "本金的 0.5% 计付当月利息。", "instalments", params),
            _clause("5", "甲方每迟延一日按合同总价款的 0.1% 支付违约金。", "late_payment_interest",
                    {"rate": 0.001, "base": "total_price", "excused_by": []}),
        ]
    return change


def _clause(clause_id: str, text: str, kind: str, params: dict) -> dict:
    return {"id": clause_id, "title": text[:6], "text": text, "effect": "money",
            "rules": [{"kind": kind, "params": params}]}


def _facts(tmp_path, files: dict) -> object:
    folder = tmp_path / "facts"
    folder.mkdir()
    for period, events in files.items():
        name = "after.yaml" if period == "after" else f"period-{period:02d}.yaml"
        (folder / name).write_text(dump_facts({"contract": "test-contract", "period": period,
                                               "events": events}), "utf-8")
    return folder


def _retention_case(tmp_path, repairs_after: Decimal, retention: dict | None = None):
    """Accepted 2026-01-31 (after the term); a repair of 8,000.50 in month 5 and a loss of
    3,000.00 in month 5; a second repair after the term."""
    loaded = load_contract(write_contract(tmp_path, _retention_contract(retention)))
    folder = _facts(tmp_path, {
        5: [{"type": "repair_cost", "date": date(2025, 5, 10), "amount": Decimal("8000.50")},
            {"type": "loss", "date": date(2025, 5, 12), "amount": 3000}],
        "after": [{"type": "final_acceptance", "date": date(2026, 1, 31)},
                  {"type": "repair_cost", "date": date(2026, 6, 10), "amount": repairs_after}]})
    return loaded, load_facts(folder, loaded)


def _statement(loaded, book, number: int, as_of: date) -> dict:
    return tranche_statement(loaded, book, number, as_of, calendar())


def test_the_retention_is_due_12_months_and_15_days_after_acceptance_and_bears_repairs(tmp_path):
    """终验合格 2026-01-31 起满 12 个月：2027-01-31，其后 15 日内：2027-02-15（2027 年调休未公布，
    暂定）. The retention 1,000,000 × 5% = 50,000.00 bears both repairs, 12,000.00 + 8,000.50 =
    20,000.50, wherever they arose: 29,999.50 is payable. The loss of 3,000.00 (第 6 条) goes
    to the first tranche, as before: 950,000.00 − 3,000.00 = 947,000.00."""
    loaded, book = _retention_case(tmp_path, Decimal("12000"))
    assert findings_of(loaded) == []
    retention = _statement(loaded, book, 2, date(2027, 2, 15))
    assert retention["tranche"]["due"] == {
        "date": "2027-02-15", "provisional": True, "note": PROVISIONAL,
        "how": f"终验合格 2026-01-31 起满 12 个月：2027-01-31，其后 15 日内：2027-02-15（{PROVISIONAL}）"}
    assert [(line["clause"], line["amount"]) for line in retention["deductions"]] == [
        ("7.1", "8000.50"), ("7.1", "12000.00")]
    assert (retention["gross"], retention["deductions_total"], retention["payable"],
            retention["owed_by_vendor"]) == ("50000.00", "20000.50", "29999.50", "0.00")
    assert retention["tranche"]["status"] == "due"
    assert retention["fees"][0]["label"] == "质保金：合同总价款 5%"
    first = _statement(loaded, book, 1, date(2027, 2, 15))
    assert [(line["clause"], line["amount"]) for line in first["deductions"]] == [("6", "3000.00")]
    assert first["net"] == "947000.00"
    assert _statement(loaded, book, 2, date(2027, 2, 16))["tranche"]["status"] == "overdue"


def test_repairs_beyond_the_retention_are_owed_by_the_vendor_and_never_late(tmp_path):
    """Repairs 47,000.00 + 8,000.50 = 55,000.50 exceed the retention of 50,000.00: the buyer
    pays nothing, the vendor owes 5,000.50 (第 7.2 条: 10 日内补足), and the retention is never
    overdue, even after 2027-02-15."""
    loaded, book = _retention_case(tmp_path, Decimal("47000"))
    retention = _statement(loaded, book, 2, date(2027, 3, 1))
    assert (retention["net"], retention["payable"], retention["owed_by_vendor"]) == (
        "-5000.50", "0.00", "5000.50")
    assert (retention["tranche"]["status_label"], retention["tranche"]["days_late"]) == ("乙方应补足", 0)
    assert [flag["message"] for flag in retention["flags"]] == [
        "扣款 55,000.50 元超过应付 50,000.00 元，不足抵扣 5,000.50 元：乙方应于 10 日内补足"]
    assert retention["owed_by_buyer"] == "0.00"
    assert _statement(loaded, book, 1, date(2027, 3, 1))["net"] == "947000.00"


def test_repairs_equal_to_the_retention_settle_it(tmp_path):
    """41,999.50 + 8,000.50 = 50,000.00: nothing to pay, nothing to make good."""
    loaded, book = _retention_case(tmp_path, Decimal("41999.50"))
    retention = _statement(loaded, book, 2, date(2027, 3, 1))
    assert (retention["net"], retention["payable"], retention["owed_by_vendor"]) == (
        "0.00", "0.00", "0.00")
    assert (retention["tranche"]["status_label"], retention["flags"]) == ("已由扣款抵足", [])


def test_a_retention_may_be_the_whole_of_an_amount_the_contract_names(tmp_path):
    """amounts: 质保金 = 合同总价款 × 5% = 50,000.00; the retention is 100% of it."""
    def change(document):
        _retention_contract({"share": 1, "base": "retention"})(document)
        document["amounts"] = {"retention": {"label": "质保金", "formula": "合同总价款 × 5%",
                                             "clause": "4.2"}}
    loaded = load_contract(write_contract(tmp_path, change))
    state = payment_schedule(loaded, load_facts(_facts(tmp_path, {}), loaded), date(2025, 3, 1),
                             calendar()).tranche(2)
    assert (state.amount, state.basis) == (Decimal("50000.00"), "质保金 100%")


@pytest.mark.parametrize("months, offset, due, how", [
    # 31 Jan + 1 month has no 31st: the end of February; 2026-02-28 is a Saturday but a
    # make-up workday (调休上班), so it is not moved
    (1, 0, "2026-02-28", "终验合格 2026-01-31 起满 1 个月：2026-02-28"),
    # every month counted from the anchor, not month by month: 31 Jan + 2 months = 31 Mar
    (2, 0, "2026-03-31", "终验合格 2026-01-31 起满 2 个月：2026-03-31"),
    # 2027-02-28 is a Sunday: the period's last day moves to Monday (《民法典》第二百零三条)
    (13, 0, "2027-03-01", f"终验合格 2026-01-31 起满 13 个月：2027-02-28（{PROVISIONAL}；"
                          "期限末日 2027-02-28 为法定休假日，依《民法典》第二百零三条顺延至 2027-03-01）"),
    # the days after the months are a period of their own: 15 working days after Sunday
    # 2027-01-31 skip the provisional 春节 2027-02-05..08: 02-01..04 (4), 02-09..12 (8),
    # 02-15..19 (13), 02-22 and 02-23 (15)
    (12, 15, "2027-02-23", f"终验合格 2026-01-31 起满 12 个月：2027-01-31，其后 15 个工作日内："
                           f"2027-02-23（{PROVISIONAL}）"),
])
def test_months_after_the_trigger_end_on_the_same_day_or_the_month_end(tmp_path, months, offset,
                                                                        due, how):
    unit = {"offset_unit": "working"} if offset else {}
    loaded, book = _retention_case(tmp_path, Decimal("1"),
                                   {"offset_months": months, "offset": offset, **unit})
    state = payment_schedule(loaded, book, date(2027, 3, 1), calendar()).tranche(2)
    assert (state.due.day.isoformat(), state.due_how) == (due, how)


@pytest.mark.parametrize("change, message", [
    ({"offset": 0, "due_by": date(2027, 3, 31)},
     "offset_months（触发后满若干个月）与 due_by（合同写明的付款日）不能同时写"),
    ({"offset_months": None, "offset": 0},
     "一次付款的期限须写 offset / offset_months（触发后若干日、满若干个月）或 due_by（固定日期）之一"),
    ({"takes": ["8"]}, "takes 中的第 8 条不在合同的 clauses 中"),
    ({"amount": 50000}, "须写 share（占基数的比例）或 amount（固定金额）之一"),
    ({"share": None, "amount": 50000, "base": "monthly_fee"}, "写固定金额 amount 时不写 base"),
])
def test_a_retention_encoded_inconsistently_is_refused(tmp_path, change, message):
    params = {key: value for key, value in change.items() if value is not None}
    dropped = [key for key, value in change.items() if value is None]

    def edit(document):
        _retention_contract(params)(document)
        rule = document["clauses"][3]["rules"][0]["params"]
        for key in dropped:
            rule.pop(key)
    with pytest.raises(UserError, match=re.escape(message)):
        load_contract(write_contract(tmp_path, edit))


INSTALMENTS = ["10600.00", "10550.00", "10500.00", "10450.00", "10400.00", "10350.00",
               "10300.00", "10250.00", "10200.00", "10150.00", "10100.00", "10050.00"]
"""120,000.00 ÷ 12 = 10,000.00 of principal a month; the interest of instalment k is 0.5% of
the 120,000.00 − (k − 1) × 10,000.00 still owed: 600.00, 550.00, … 50.00."""


def test_instalments_pay_equal_principal_and_the_interest_on_the_balance(tmp_path):
    """1st: 10,000.00 + 120,000.00 × 0.5% = 10,600.00; 2nd: 10,000.00 + 110,000.00 × 0.5% =
    10,550.00; … 12th: 10,000.00 + 10,000.00 × 0.5% = 10,050.00; in all 120,000.00 + 3,900.00
    (50.00 × (12 + 11 + … + 1) = 50.00 × 78). The price check counts the principal only."""
    loaded = load_contract(write_contract(tmp_path, _instalment_contract()))
    assert [str(loaded.tranche_amounts[n]) for n in range(1, 13)] == INSTALMENTS
    assert sum(loaded.tranche_amounts.values()) == Decimal("123900.00")
    assert sum(loaded.tranche_prices.values()) == Decimal("120000.00")
    assert findings_of(loaded) == []


def test_each_instalment_is_a_tranche_dated_month_by_month_and_paid_late_with_interest(tmp_path):
    """Signed 2025-01-31. Instalment 1 is due 2025-02-28 (no 31 Feb), 2 on 2025-03-31, 4 on
    2025-05-31, a day off (端午节 2025-05-31..06-02), so on 2025-06-03, 12 on 2026-01-31, a
    Saturday, so on Monday 2026-02-02. Instalment 2 (10,550.00) paid on 2025-04-03 is 3 days
    late: 3 × 120,000.00 × 0.1% = 360.00 owed to the vendor."""
    loaded = load_contract(write_contract(tmp_path, _instalment_contract()))
    folder = _facts(tmp_path, {3: [{"type": "payment_made", "date": date(2025, 4, 3),
                                    "amount": Decimal("10550"), "tranche": 2}]})
    book = load_facts(folder, loaded)
    schedule = payment_schedule(loaded, book, date(2025, 4, 30), calendar())
    due = {state.number: state.due.day.isoformat() for state in schedule.tranches}
    assert [due[n] for n in (1, 2, 4, 12)] == ["2025-02-28", "2025-03-31", "2025-06-03", "2026-02-02"]
    second = _statement(loaded, book, 2, date(2025, 4, 30))
    assert second["tranche"]["label"] == "分期付款第 2 期"
    assert second["fees"][0]["label"] == (
        "分期付款第 2 期：本金 10,000.00 元 + 利息 剩余本金 110,000.00 × 0.5% = 550.00 元")
    assert second["tranche"]["due"]["how"] == "合同签订 2025-01-31 起满 2 个月：2025-03-31"
    assert (second["tranche"]["status"], second["already_paid"], second["payable"],
            second["owed_by_buyer"]) == ("paid_late", "10550.00", "0.00", "360.00")


def test_the_last_instalment_takes_the_rounding_remainder(tmp_path):
    """100,000.00 over 3 months at 0.7%: principal 33,333.33, 33,333.33 and the remainder
    33,333.34; interest 100,000.00 × 0.7% = 700.00, 66,666.67 × 0.7% = 466.66669 → 466.67,
    33,333.34 × 0.7% = 233.33338 → 233.33: 34,033.33, 33,800.00, 33,566.67."""
    text = "合同价款 100000 元自合同签订之日起分 3 期按月支付，每期另按未付本金的 0.7% 计付当月利息。"
    loaded = load_contract(write_contract(tmp_path, _instalment_contract(
        {"count": 3, "monthly_rate": 0.007}, price=100000, text=text)))
    amounts, prices = loaded.tranche_amounts, loaded.tranche_prices
    assert [str(amounts[n]) for n in (1, 2, 3)] == ["34033.33", "33800.00", "33566.67"]
    assert [str(prices[n]) for n in (1, 2, 3)] == ["33333.33", "33333.33", "33333.34"]
    folder = _facts(tmp_path, {})
    second = _statement(loaded, load_facts(folder, loaded), 2, date(2025, 3, 1))
    assert second["fees"][0]["label"] == ("分期付款第 2 期：本金 33,333.33 元 + 利息 剩余本金 "
                                          "66,666.67 × 0.7% = 466.67 元（466.66669，四舍五入至分）")


@pytest.mark.parametrize("plan, message", [
    ({"first_number": 3, "count": 2}, None),
    ({"first_number": 1}, "付款序号重复：第 12 次付款不止一处"),
    ({"amount": 0.05}, "本金 0.05 元分 12 期，每期本金不足一分"),
])
def test_instalment_numbers_must_not_meet_another_tranche(tmp_path, plan, message):
    """A tranche numbered 12 beside the plan: instalments 3 and 4 are clear of it, 1..12 are not."""
    def edit(document):
        _instalment_contract(plan)(document)
        document["clauses"].append(_clause("6", "另付 100 元。", "tranche", {
            "number": 12, "label": "另付", "amount": 100, "anchors": ["signed"], "offset": 5}))
    path = write_contract(tmp_path, edit)
    if message is None:
        assert [rule.params.number for rule in load_contract(path).tranches] == [3, 4, 12]
        return
    with pytest.raises(UserError, match=message):
        load_contract(path)
