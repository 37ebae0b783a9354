"""The ledger workbook finance keeps (issue 15): a sheet per concern under a title row naming the
contract, its parties and the as-of day; dates as date cells, counts as whole numbers, amounts as
numbers exact to the fen with 合计 rows; every label Chinese; the register's statement numbers
and statuses beside each month, cycle and tranche; the same ledger, the same bytes.

Worked by hand from examples/gaomidian-2025 as of 2026-02-01 (README, 高米店):
month 2 (2025-11-28 ~ 2025-12-27) deducts 4.6.1 0分工单 2 × 5,000 = 10,000 + 4.6.3 投诉 5,000
+ 4.6.4 派单超时 2 × 1,000 = 2,000 + 4.6.6 虚假记录 3,000 = 20,000.00; the three months deduct
7,000 + 20,000 + 445,520 = 472,520.00 of gross 3 × 359,600 = 1,078,800.00.
"""
from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from conftest import CONTRACTS, EXAMPLES
from openpyxl import load_workbook

from compliance.engine.loading import load_contract
from compliance.model.facts import load_facts
from compliance.model.workdays import calendar
from compliance.render.ledger_output import ledger_xlsx
from compliance.views.ledger import ledger

TITLE = ("合同名称：“接诉即办”热线和网格巡查服务其他服务采购项目合同　甲方：北京市大兴区高米店街道办事处　"
         "乙方：北京兴众联城信息技术有限公司　截至日期：2026-02-01")


def _ledger(contract_id: str, as_of: date):
    loaded = load_contract(CONTRACTS / f"{contract_id}.yaml")
    book = load_facts(EXAMPLES / contract_id, loaded)
    return ledger(loaded, book, as_of, calendar()), loaded.contract


@pytest.fixture(scope="module")
def gaomidian():
    return _ledger("gaomidian-2025", date(2026, 2, 1))


@pytest.fixture(scope="module")
def wangjing():
    return _ledger("wangjing-2026", date(2026, 11, 22))


def _book(data: bytes):
    return load_workbook(io.BytesIO(data))


def _table(sheet) -> tuple[list[str], list[list]]:
    """The header (row 2) and the cells below it, as values."""
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    return rows[1], rows[2:]


def _exact(value) -> Decimal:
    """A number cell as the amount it holds: the shortest decimal of its double."""
    return Decimal(repr(value))


def test_every_sheet_opens_with_the_contract_its_parties_and_the_day(gaomidian):
    book = _book(ledger_xlsx(*gaomidian))
    assert book.sheetnames == ["月度结算", "支付周期", "扣款明细", "按条款汇总", "账户", "待付款项", "阈值"]
    for sheet in book.worksheets:
        assert sheet["A1"].value == TITLE, sheet.title
        assert sheet.freeze_panes == "A3", sheet.title        # the header stays in view
    header, _ = _table(book["扣款明细"])
    assert header == ["期", "条款", "情形", "数量", "金额", "单号", "计算"]


def test_month_two_has_date_cells_whole_counts_and_exact_amounts(gaomidian):
    item, contract = gaomidian
    months = _book(ledger_xlsx(item, contract))["月度结算"]
    header, rows = _table(months)
    month = dict(zip(header, rows[1]))
    assert month["期"] == 2 and isinstance(month["期"], int)
    assert month["开始"] == datetime(2025, 11, 28) and month["结束"] == datetime(2025, 12, 27)
    assert months["B4"].is_date and months["B4"].number_format == "yyyy-mm-dd"
    assert _exact(month["扣款"]) == Decimal("20000.00")
    assert months["E4"].number_format == "#,##0.00"
    assert month["有事实记录"] == "是" and month["结算方式"] == "计入第 1 支付周期"
    assert month["提示"] == "[4.6.2] 专项约谈"


def test_every_deduction_amount_is_the_json_amount_and_counts_are_integers(gaomidian):
    item, contract = gaomidian
    _, rows = _table(_book(ledger_xlsx(item, contract))["扣款明细"])
    lines = rows[:-1]
    assert [_exact(row[4]) for row in lines] == [Decimal(d["amount"]) for d in item["deductions"]]
    assert [row[3] for row in lines] == [int(d["quantity"]) for d in item["deductions"]]
    assert all(type(row[0]) is int and type(row[3]) is int for row in lines)
    assert lines[2][:6] == [2, "4.6.1", "0分工单", 2, 10000, "GMD-2512-0031、GMD-2512-0107"]


def test_totals_rows_sum_their_columns(gaomidian):
    """Month 2's 20,000.00 is its four deduction lines; 合计 is each amount column's sum."""
    item, contract = gaomidian
    book = _book(ledger_xlsx(item, contract))
    header, rows = _table(book["月度结算"])
    totals = dict(zip(header, rows[-1]))
    assert totals["期"] == "合计"
    assert _exact(totals["应结算"]) == Decimal("1078800.00")
    assert _exact(totals["扣款"]) == Decimal("472520.00")
    assert totals["累计扣款"] is None                       # a running total is not summed
    _, lines = _table(book["扣款明细"])
    assert sum(_exact(row[4]) for row in lines[:-1] if row[0] == 2) == Decimal("20000.00")
    for sheet in book.worksheets:
        header, rows = _table(sheet)
        if not rows or rows[-1][0] != "合计":
            continue
        body = rows[:-1]
        for index, total in enumerate(rows[-1]):
            if isinstance(total, (int, float)):
                column = [_exact(row[index]) for row in body if row[index] is not None]
                assert _exact(total) == sum(column, Decimal("0")), (sheet.title, header[index])


def test_account_total_is_what_the_buyer_owes(gaomidian):
    item, contract = gaomidian
    _, rows = _table(_book(ledger_xlsx(item, contract))["账户"])
    assert _exact(rows[-2][4]) == Decimal(item["account"]["balance"])
    assert rows[-1][0].startswith("截至 2026-02-01：甲方尚欠乙方")


@pytest.mark.parametrize("amount", ["4315200.00", "0.01", "760318.68", "9999999999.99", "-85920.00"])
def test_amounts_come_back_to_the_fen(gaomidian, amount):
    """openpyxl writes a number as "%.16g" of its float (760318.68 as 760318.6800000001): the
    same double, which reads back as the same two-decimal string."""
    item, contract = gaomidian
    line = {**item["deductions"][0], "amount": amount}
    book = _book(ledger_xlsx({**item, "deductions": [line, line]}, contract))
    _, rows = _table(book["扣款明细"])
    assert f"{rows[0][4]:.2f}" == amount and _exact(rows[0][4]) == Decimal(amount)
    assert _exact(rows[-1][4]) == 2 * Decimal(amount)


@pytest.mark.parametrize("contract_id, as_of", [("gaomidian-2025", date(2026, 2, 1)),
                                                ("wangjing-2026", date(2026, 11, 22)),
                                                ("ghzrzw-chaoyang-2023", date(2024, 6, 1))])
def test_no_cell_shows_an_english_id(contract_id, as_of):
    """Situations, flags and statuses in Chinese: 0分工单, not zero_point_order."""
    book = _book(ledger_xlsx(*_ledger(contract_id, as_of)))
    ids = [(sheet.title, cell.coordinate, cell.value) for sheet in book.worksheets
           for row in sheet.iter_rows() for cell in row
           if isinstance(cell.value, str) and re.search(r"[a-z]+_[a-z]+", cell.value)]
    assert ids == []


def test_lines_a_clause_makes_itself_are_named_by_the_clause(gaomidian, wangjing):
    """高米店 5.7's 30% surcharge on an advance and 望京 5.3's monthly cap are no event type."""
    situations = {}
    for item, contract in (gaomidian, wangjing):
        _, rows = _table(_book(ledger_xlsx(item, contract))["扣款明细"])
        situations.update({(row[1], row[4]): row[2] for row in rows[:-1]})
    assert situations[("5.7", 10000)] == "甲方先行垫付"
    assert situations[("5.7", 3000)] == "先行垫付扣回及 30% 违约金"
    assert situations[("5.3", -1500)] == "每月扣款上限"


def test_register_numbers_and_statuses_beside_months_and_cycles(gaomidian):
    item, contract = gaomidian
    register = {"period-02": ("GMD-2025-002", "已审批"), "cycle-1": ("GMD-C-001", "已出具")}
    with_register = _book(ledger_xlsx(item, contract, register))
    without = _book(ledger_xlsx(item, contract))
    header, rows = _table(with_register["月度结算"])
    assert header[-2:] == ["结算单编号", "状态"]
    assert [row[-2:] for row in rows[:-1]] == [[None, "未出具"], ["GMD-2025-002", "已审批"],
                                               [None, "未出具"]]
    _, cycles = _table(with_register["支付周期"])
    assert cycles[0][-2:] == ["GMD-C-001", "已出具"] and cycles[1][-2:] == [None, "未出具"]
    for name in ("月度结算", "支付周期"):
        header_without, rows_without = _table(without[name])
        assert header_without == _table(with_register[name])[0]          # the same layout
        assert {row[-1] for row in rows_without[:-1]} == {"未出具"}


def test_tranches_carry_due_dates_days_late_and_the_register(wangjing):
    """望京 第二次付款: due 2026-07-16, unpaid as of 2026-11-22, 129 days late."""
    item, contract = wangjing
    book = _book(ledger_xlsx(item, contract, {"tranche-2": ("WJ-2026-T2", "已更正")}))
    header, rows = _table(book["各次付款"])
    second = dict(zip(header, rows[1]))
    assert second["款项"] == "第二次付款" and second["付款期限"] == datetime(2026, 7, 16)
    assert second["逾期天数"] == 129 and second["付款状态"] == "逾期未付"
    assert (second["结算单编号"], second["状态"]) == ("WJ-2026-T2", "已更正")
    assert _exact(second["应付"]) == Decimal("222580.00")
    assert dict(zip(header, rows[0]))["状态"] == "未出具"


def test_the_same_ledger_gives_the_same_bytes(gaomidian):
    first, second = ledger_xlsx(*gaomidian), ledger_xlsx(*gaomidian)
    assert first == second
    archive = zipfile.ZipFile(io.BytesIO(first))
    assert {info.date_time for info in archive.infolist()} == {(2020, 1, 1, 0, 0, 0)}
    core = archive.read("docProps/core.xml").decode()
    assert core.count("2020-01-01T00:00:00Z") == 2           # created and modified, not now
