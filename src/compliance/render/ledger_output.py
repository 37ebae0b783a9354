"""The ledger as a finance clerk takes it away: a terminal table, CSV, or an Excel workbook
(issue 15) with a sheet per concern — months, payment cycles or tranches, deductions, deductions
by clause, the account, payments due, thresholds — each under a title row naming the contract,
its parties and the as-of day. Dates are date cells (yyyy-mm-dd), counts whole numbers, amounts
numbers (#,##0.00) exact to the fen, so Excel/WPS sorts and sums them; every label is Chinese.

The workbook's bytes depend only on the ledger (and the register's numbers): openpyxl's
document dates are fixed and the zip entries are re-stamped, so the same facts give the same file.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from compliance.model import money
from compliance.model.fieldtypes import FLAG_LABELS
from compliance.render import textable
from compliance.render.account_text import account_sentence

if TYPE_CHECKING:
    from compliance.model.contract import Contract

PERIOD_COLUMNS = (("period", "期"), ("start", "开始"), ("end", "结束"), ("gross", "应结算"),
                  ("deductions_total", "扣款"), ("net", "净额"), ("payable", "本期应付"),
                  ("withheld", "暂停支付"), ("owed_by_vendor", "乙方应补足"), ("paid", "已付"))
RUNNING_COLUMNS = (("deductions_total", "累计扣款"), ("payable", "累计应付"), ("paid", "累计已付"))
FIXED_TIME = (2020, 1, 1, 0, 0, 0)
STAMP = b"2020-01-01T00:00:00Z"


def print_ledger(item: dict[str, Any]) -> None:
    print(f"{item['short_name']}（{item['contract']}）{item['contract_title']}  台账（截至 {item['as_of']}）")
    header = [label for _, label in PERIOD_COLUMNS[:1]] + ["起止"] + \
        [label for _, label in PERIOD_COLUMNS[3:]] + [label for _, label in RUNNING_COLUMNS]
    rows = [[str(row["period"]) + ("" if row["recorded"] else "*"),
             f"{row['start']}~{row['end']}"]
            + [_month_cell(row, key) for key, _ in PERIOD_COLUMNS[3:]]
            + [_yuan(row["running"][key]) for key, _ in RUNNING_COLUMNS] for row in item["periods"]]
    print(textable.render(header, rows, right=set(range(2, len(header)))))
    if any(not row["recorded"] for row in item["periods"]):
        print("* 无事实文件，按无扣款估算（不是可签署的结算单）")
    if any(row.get("settled_in") for row in item["periods"]):
        print("→ 本月不单独付款，净额计入所在支付周期（或下一次应付款）结算")
    _print_cycles(item["cycles"])
    totals = item["totals"]
    print(f"扣款合计 {_yuan(totals['deductions_total'])} 元，占合同总价款 "
          f"{_yuan(item['total_price'])} 元的 {totals['deductions_share']}")
    for clause, amount in item["deductions_by_clause"].items():
        print(f"  [{clause}] {_yuan(amount)}")
    if item["exposure_total"] != "0.00":
        print(f"甲方可主张而尚未主张的违约金 {_yuan(item['exposure_total'])} 元")
    for counter in item["counters"]:
        print(f"  # [{counter['clause']}] {counter['text']}")
    print(account_sentence(item["account"]) + "（明细见 compliance account）")
    if item["payments_due"]:
        print("待付款项：")
    for payment in item["payments_due"]:
        amount = _yuan(payment["amount"]) if payment["amount"] else "—"
        when = f"期限 {payment['due']}" if payment["due"] else (
            "待：" + "、".join(payment["awaiting"]) if payment["awaiting"] else "")
        print(f"  {payment['label']}  {amount}  {payment['status']}  {when}".rstrip())


SETTLED_ELSEWHERE = ("payable", "withheld", "owed_by_vendor")
"""The columns a month paid with its cycle leaves to the cycle."""


def _month_cell(row: dict[str, Any], key: str) -> str:
    return "→" if row.get("settled_in") and key in SETTLED_ELSEWHERE else _yuan(row[key])


def _print_cycles(cycles: list[dict[str, Any]]) -> None:
    """Each payment cycle: what it pays, withholds (高米店 4.6.4) or asks the vendor to make good."""
    settled = [c for c in cycles if c["payable"] is not None]
    if not settled:
        return
    header = ["支付周期", "起止", "净额", "本期应付", "暂停支付", "乙方应补足", "状态"]
    rows = [[f"第 {c['number']} 周期", f"{c['start']}~{c['end']}"]
            + [_yuan(c[key]) for key in ("net", "payable", "withheld", "owed_by_vendor")]
            + [c["status_label"]] for c in settled]
    print(textable.render(header, rows, right={2, 3, 4, 5}))


def ledger_csv(item: dict[str, Any]) -> str:
    """The months as CSV: one row per month, running totals, and a column per clause."""
    clauses = list(item["deductions_by_clause"])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([label for _, label in PERIOD_COLUMNS] + ["有事实记录"]
                    + [label for _, label in RUNNING_COLUMNS] + [f"扣款 {c}" for c in clauses])
    for row in item["periods"]:
        writer.writerow([row[key] for key, _ in PERIOD_COLUMNS] + ["是" if row["recorded"] else "否"]
                        + [row["running"][key] for key, _ in RUNNING_COLUMNS]
                        + [row["deductions"].get(c, "0.00") for c in clauses])
    return buffer.getvalue()


def ledger_xlsx(item: dict[str, Any], contract: Contract,
                register: dict[str, tuple[str, str]] | None = None) -> bytes:
    """The ledger workbook (issue 15): a sheet per concern (``_sheets``), each opening with the
    contract, its parties and the as-of day, then a header row kept in view, the rows, and a
    合计 row summing the amount columns. ``register`` maps a statement's stem (``period-02``,
    ``cycle-1``, ``tranche-3``) to its number and status (已出具, 已审批, 已更正, 已作废); the
    months, cycles and tranches show them, 未出具 where it has none (or no register is given)."""
    from openpyxl import Workbook  # only when a workbook is asked for: 0.12 s to import

    book = Workbook()
    book.remove(book.active)
    title = (f"合同名称：{item['contract_title']}　甲方：{contract.parties.buyer}　"
             f"乙方：{contract.parties.vendor}　截至日期：{item['as_of']}")
    for sheet in _sheets(item, contract, register or {}):
        _write(book.create_sheet(sheet.name), title, sheet)
    stamp = datetime(*FIXED_TIME)
    book.properties.created = book.properties.modified = stamp
    book.properties.creator = "compliance"
    raw = io.BytesIO()
    book.save(raw)
    return _restamped(raw.getvalue())


TEXT, DATE, COUNT, AMOUNT, MEASURE = "text", "date", "count", "amount", "measure"
"""What a column holds; a MEASURE is a count (an int in the JSON) or an amount (a string), as
a threshold counts events (3 次) or yuan (71,920.00 元)."""
FORMATS = ((date, "yyyy-mm-dd"), (int, "0"), (Decimal, "#,##0.00"))
NOT_ISSUED = ("", "未出具")
"""A statement the register has no entry for: no number, 未出具."""


@dataclass(frozen=True)
class Column:
    """A column of a sheet: its header, the JSON value a row gives it, the kind of cell (a date,
    a count, an amount, a measure or text) and whether the 合计 row sums it."""

    header: str
    value: Callable[[dict[str, Any]], Any]
    kind: str = TEXT
    summed: bool = False


@dataclass(frozen=True)
class Sheet:
    """A sheet: its name, columns and rows, and the sentences under its 合计 row."""

    name: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)


def _key(name: str) -> Callable[[dict[str, Any]], Any]:
    return lambda row: row.get(name)


def _amounts(*pairs: tuple[str, str]) -> list[Column]:
    return [Column(header, _key(name), AMOUNT, summed=True) for header, name in pairs]


def _joined(name: str) -> Callable[[dict[str, Any]], str]:
    return lambda row: "、".join(row.get(name) or [])


def _statement(stem: Callable[[dict[str, Any]], str],
               register: dict[str, tuple[str, str]]) -> list[Column]:
    """结算单编号 and 状态 of the row's statement, from the register."""
    return [Column("结算单编号", lambda row: register.get(stem(row), NOT_ISSUED)[0]),
            Column("状态", lambda row: register.get(stem(row), NOT_ISSUED)[1])]


ALWAYS_SHOWN = ("月度结算", "扣款明细", "按条款汇总", "账户")
"""The sheets a workbook has even when empty; the others only where the contract has rows."""


def _sheets(item: dict[str, Any], contract: Contract,
            register: dict[str, tuple[str, str]]) -> list[Sheet]:
    """月度结算; 支付周期 (高米店 3.2) or 各次付款 (tranches), where the contract has them; 扣款明细;
    按条款汇总; 账户; 待付款项; 阈值, where a clause counts towards one."""
    sheets = [_months(item, register), _cycles(item, register), _tranches(item, register),
              _deductions(item, contract), _by_clause(item, contract), _account(item),
              _payments_due(item), _counters(item)]
    return [sheet for sheet in sheets if sheet.rows or sheet.name in ALWAYS_SHOWN]


def _months(item: dict[str, Any], register: dict[str, tuple[str, str]]) -> Sheet:
    columns = [Column("期", _key("period"), COUNT), Column("开始", _key("start"), DATE),
               Column("结束", _key("end"), DATE),
               *_amounts(*((label, key) for key, label in PERIOD_COLUMNS[3:])),
               *[Column(label, lambda row, key=key: row["running"][key], AMOUNT)
                 for key, label in (("gross", "累计应结算"), *RUNNING_COLUMNS)],
               Column("有事实记录", lambda row: "是" if row["recorded"] else "否（按无扣款估算）"),
               Column("结算方式",
                      lambda row: f"计入{row['settled_in']}" if row.get("settled_in") else "按月"),
               Column("提示", lambda row: "；".join(_flag_label(flag) for flag in row["flags"])),
               *_statement(lambda row: f"period-{row['period']:02d}", register)]
    return Sheet("月度结算", columns, item["periods"])


def _flag_label(flag: str) -> str:
    """``[4.6.4] payment_suspension`` as the reader sees it: ``[4.6.4] 暂停支付``."""
    clause, _, kind = flag.rpartition(" ")
    return f"{clause} {FLAG_LABELS.get(kind, kind)}"


def _cycles(item: dict[str, Any], register: dict[str, tuple[str, str]]) -> Sheet:
    columns = [Column("支付周期", _key("number"), COUNT), Column("开始", _key("start"), DATE),
               Column("结束", _key("end"), DATE),
               *_amounts(("净额", "net"), ("本期应付", "payable"), ("暂停支付", "withheld"),
                         ("乙方应补足", "owed_by_vendor")),
               Column("付款状态", _key("status_label")), Column("尚待", _joined("awaiting")),
               *_statement(lambda row: f"cycle-{row['number']}", register)]
    return Sheet("支付周期", columns, item["cycles"])


def _tranches(item: dict[str, Any], register: dict[str, tuple[str, str]]) -> Sheet:
    columns = [Column("次序", _key("number"), COUNT), Column("款项", _key("label")),
               Column("条款", _key("clause")),
               *_amounts(("金额", "amount"), ("扣款", "deductions_total"), ("净额", "net"),
                         ("已付", "paid"), ("应付", "payable"), ("暂停支付", "withheld"),
                         ("乙方应补足", "owed_by_vendor"), ("甲方迟延付款违约金", "owed_by_buyer")),
               Column("触发日", lambda row: row["trigger"]["date"], DATE),
               Column("付款期限", lambda row: row["due"]["date"] if row["due"] else None, DATE),
               Column("逾期天数", _key("days_late"), COUNT), Column("付款状态", _key("status_label")),
               Column("尚待", lambda row: "、".join(row["trigger"]["awaiting"])),
               *_statement(lambda row: f"tranche-{row['number']}", register)]
    return Sheet("各次付款", columns, item.get("tranches", []))


def _deductions(item: dict[str, Any], contract: Contract) -> Sheet:
    columns = [Column("期", _key("period"), COUNT), Column("条款", _key("clause")),
               Column("情形", lambda row: _situation(contract, row)),
               Column("数量", _key("quantity"), COUNT), *_amounts(("金额", "amount")),
               Column("单号", _joined("refs")), Column("计算", _key("explanation"))]
    return Sheet("扣款明细", columns, item["deductions"])


def _situation(contract: Contract, line: dict[str, Any]) -> str:
    """What a deduction line is for: its event type's label (0分工单), or, for a line a clause
    makes itself (5.7 的 30% 违约金, 5.3 的扣款上限), the clause's title."""
    if line["type"] in contract.event_types:
        return contract.event_label(line["type"])
    return contract.clause(line["clause"]).title


def _by_clause(item: dict[str, Any], contract: Contract) -> Sheet:
    rows = [{"clause": clause, "amount": amount}
            for clause, amount in item["deductions_by_clause"].items()]
    columns = [Column("条款", _key("clause")),
               Column("条款名称", lambda row: contract.clause(row["clause"]).title),
               *_amounts(("扣款", "amount"))]
    totals = item["totals"]
    return Sheet("按条款汇总", columns, rows, [
        f"扣款合计 {_yuan(totals['deductions_total'])} 元，占合同总价款 "
        f"{_yuan(item['total_price'])} 元的 {totals['deductions_share']}"])


def _account(item: dict[str, Any]) -> Sheet:
    columns = [Column("日期", _key("arose"), DATE), Column("类别", _key("kind_label")),
               Column("条款", _key("clause")), Column("说明", _key("label")),
               *_amounts(("金额（正数为甲方应付）", "signed")), Column("付款期限", _key("due"), DATE),
               Column("备注", _key("note")), Column("依据", _key("source"))]
    return Sheet("账户", columns, item["account"]["entries"], [account_sentence(item["account"])])


def _payments_due(item: dict[str, Any]) -> Sheet:
    columns = [Column("款项", _key("label")), Column("条款", _key("clause")),
               *_amounts(("金额", "amount")), Column("付款期限", _key("due"), DATE),
               Column("付款状态", _key("status")), Column("尚待", _joined("awaiting"))]
    return Sheet("待付款项", columns, item["payments_due"])


def _counters(item: dict[str, Any]) -> Sheet:
    columns = [Column("条款", _key("clause")), Column("计数事项", _key("label")),
               Column("累计", _key("count"), MEASURE), Column("本期", _key("period_count"), MEASURE),
               Column("阈值", _key("threshold"), MEASURE),
               Column("已达到", lambda row: "是" if row["reached"] else "否"),
               Column("说明", _key("text"))]
    return Sheet("阈值", columns, item["counters"])


def _write(sheet, title: str, table: Sheet) -> None:
    """Title row, header row (frozen), the rows, the 合计 row, then any notes."""
    from openpyxl.styles import Font

    sheet.append([title])
    sheet["A1"].font = Font(bold=True)
    sheet.append([column.header for column in table.columns])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in table.rows:
        _append(sheet, [_cell(column.kind, column.value(row)) for column in table.columns])
    if any(column.summed for column in table.columns):
        _append(sheet, _totals(table))
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    _widths(sheet, len(table.columns), sheet.max_row)
    for note in table.notes:
        sheet.append([note])
    sheet.freeze_panes = "A3"


def _append(sheet, values: list[Any]) -> None:
    """A row, each date, count and amount with its number format."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        cell.number_format = next((shown for kind, shown in FORMATS if isinstance(cell.value, kind)),
                                  "General")


def _totals(table: Sheet) -> list[Any]:
    """合计 in the first column; each summed column's sum of the JSON amounts, exact."""
    row: list[Any] = ["合计"] + [None] * (len(table.columns) - 1)
    for index, column in enumerate(table.columns):
        if column.summed:
            row[index] = _amount(money.as_json(sum(
                (Decimal(value) for value in map(column.value, table.rows) if value is not None),
                Decimal("0"))))
    return row


def _cell(kind: str, value: Any) -> Any:
    """A JSON value as its cell: a date, a whole count (a fractional one as a number), an amount,
    or text; an empty value stays an empty cell."""
    if value is None or value == "":
        return None
    if kind == DATE:
        return date.fromisoformat(value)
    if kind == COUNT or (kind == MEASURE and isinstance(value, int)):
        count = Decimal(str(value))
        return int(count) if count == count.to_integral_value() else count
    if kind in (AMOUNT, MEASURE):
        return _amount(value)
    return str(value)


def _amount(text: str) -> Decimal:
    """An amount for its cell, from the JSON's two-decimal string. openpyxl writes a number as
    ``"%.16g"`` of its float (``safe_string``: 760318.68 as 760318.6800000001), which Excel reads
    as a double; checked here to be the double nearest the amount, the one that reads back as
    the same fen (true up to 15 significant digits; every amount is at most 9,999,999,999.99)."""
    from openpyxl.compat import safe_string

    value = Decimal(text)
    if Decimal(repr(float(safe_string(value)))) != value:
        raise ValueError(f"金额 {text} 无法在工作簿中精确保存")
    return value


def _widths(sheet, columns: int, last_row: int) -> None:
    """Each column as wide as its header and cells as shown (amounts grouped), 8 to 60; the
    title row and the notes run on across the empty cells beside them."""
    for column in sheet.iter_cols(min_row=2, max_row=last_row, max_col=columns):
        width = max(textable.width(_shown(cell.value)) for cell in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)


def _shown(value: Any) -> str:
    if isinstance(value, Decimal):
        return money.grouped(value)
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def _restamped(data: bytes) -> bytes:
    """The same zip with every entry dated FIXED_TIME, in the same order, and the document's
    "modified" date (which openpyxl sets to now while saving) equal to its "created" date."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + STAMP, content)
            entry = zipfile.ZipInfo(info.filename, FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, content)
    return out.getvalue()


def _yuan(amount: str) -> str:
    return money.grouped(Decimal(amount))
