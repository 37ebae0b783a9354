"""The ledger as a finance clerk takes it away: a terminal table, CSV, or an Excel workbook with
one sheet of months and one of deductions (clause, refs), amounts as numbers Excel can add up.

The workbook's bytes depend only on the ledger: openpyxl's document dates are fixed and the
zip entries are re-stamped, so the same facts give the same file.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import datetime
from decimal import Decimal
from typing import Any


from compliance.model import money
from compliance.render import textable
from compliance.render.account_text import account_sentence

PERIOD_COLUMNS = (("period", "期"), ("start", "开始"), ("end", "结束"), ("gross", "应结算"),
                  ("deductions_total", "扣款"), ("net", "净额"), ("payable", "本期应付"),
                  ("withheld", "暂停支付"), ("owed_by_vendor", "乙方应补足"), ("paid", "已付"))
RUNNING_COLUMNS = (("deductions_total", "累计扣款"), ("payable", "累计应付"), ("paid", "累计已付"))
DEDUCTION_COLUMNS = (("period", "期"), ("clause", "条款"), ("type", "情形"), ("quantity", "数量"),
                     ("amount", "金额"), ("refs", "单号"), ("explanation", "计算"))
AMOUNTS = {"gross", "deductions_total", "net", "payable", "withheld", "owed_by_vendor", "paid",
           "amount"}
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


def ledger_xlsx(item: dict[str, Any]) -> bytes:
    """Sheet 期间: the months; sheet 扣款明细: every deduction with clause and refs."""
    from openpyxl import Workbook  # only when a workbook is asked for: 0.12 s to import

    book = Workbook()
    months = book.active
    months.title = "期间"
    _sheet(months, [label for _, label in PERIOD_COLUMNS] + [label for _, label in RUNNING_COLUMNS],
           [[_cell(key, row[key]) for key, _ in PERIOD_COLUMNS]
            + [_cell("amount", row["running"][key]) for key, _ in RUNNING_COLUMNS]
            for row in item["periods"]])
    lines = book.create_sheet("扣款明细")
    _sheet(lines, [label for _, label in DEDUCTION_COLUMNS],
           [[_cell(key, "、".join(d[key]) if key == "refs" else d[key])
             for key, _ in DEDUCTION_COLUMNS] for d in item["deductions"]])
    stamp = datetime(*FIXED_TIME)
    book.properties.created = book.properties.modified = stamp
    book.properties.creator = "compliance"
    raw = io.BytesIO()
    book.save(raw)
    return _restamped(raw.getvalue())


def _sheet(sheet, header: list[str], rows: list[list[Any]]) -> None:
    from openpyxl.styles import Font

    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for column in sheet.columns:
        for cell in column[1:]:
            if isinstance(cell.value, Decimal):
                cell.number_format = "#,##0.00"
        width = max(textable.width(str(cell.value or "")) for cell in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)
    sheet.freeze_panes = "A2"


def _cell(key: str, value: Any) -> Any:
    """Amounts as numbers (Decimal, two places) so that Excel sums them; the rest as text."""
    return Decimal(value) if key in AMOUNTS else value


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
