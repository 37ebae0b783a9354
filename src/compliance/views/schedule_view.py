"""``compliance schedule``: every tranche (or payment cycle) with its due date and status,
as a terminal table for the finance clerk and as JSON.

For a contract paid in tranches each row is a tranche as the tranche statement
shows it (amount, due date, status, paid, deductions netted, still payable,
late-payment interest). For a contract paid by cycles (高米店) each row is a cycle:
not yet due while it runs, then due with its settled amount, or waiting for the
facts of its months.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from compliance.model import money
from compliance.engine.evaluation import remembering
from compliance.engine.loading import LoadedContract
from compliance.model.facts import FactsBook
from compliance.model.periods import cycle, cycle_count
from compliance.engine.schedule import STATUS_LABELS, payment_schedule
from compliance.views.statement import cycle_statement, totals, tranche_json, tranche_settled_in
from compliance.views.termination import notice_verdict
from compliance.model.workdays import WorkCalendar

SCHEMA = "compliance.schedule/1"


def schedule_listing(loaded: LoadedContract, book: FactsBook, as_of: date,
                     calendar: WorkCalendar) -> dict[str, Any]:
    """The schedule of ``loaded`` as of ``as_of``."""
    with remembering():
        return _listing(loaded, book, as_of, calendar)


def _listing(loaded: LoadedContract, book: FactsBook, as_of: date,
             calendar: WorkCalendar) -> dict[str, Any]:
    contract = loaded.contract
    head = {"schema": SCHEMA, "contract": contract.id, "contract_title": contract.title,
            "as_of": as_of.isoformat()}
    if loaded.tranches:
        schedule = payment_schedule(loaded, book, as_of, calendar)
        rows = [{**tranche_json(state), **totals(state.amount, state.outcome, state.paid,
                                                 tranche_settled_in(state))}
                for state in schedule.tranches]
        return {**head, "tranches": rows,
                "acceptance": [m.to_json() for m in schedule.milestones.values()],
                "termination": [t.to_json() for t in schedule.terminations]}
    return {**head, "cycles": [_cycle_row(loaded, book, index, as_of)
                               for index in range(1, cycle_count(contract) + 1)]}


def _cycle_row(loaded: LoadedContract, book: FactsBook, index: int, as_of: date) -> dict[str, Any]:
    span = cycle(loaded.contract, index)
    row: dict[str, Any] = {"number": index, "start": span.start.isoformat(),
                           "end": span.end.isoformat(), "payable": None, "awaiting": []}
    if as_of <= span.end:
        return {**row, "status": "not_yet_due", "status_label": STATUS_LABELS["not_yet_due"]}
    missing = [p.index for p in span.periods if p.index not in book.files]
    if missing:
        row["awaiting"] = [f"第 {n} 期事实" for n in missing]
        return {**row, "status": "due", "status_label": STATUS_LABELS["due"]}
    statement = cycle_statement(loaded, book, index)
    row.update({key: statement[key] for key in ("net", "payable", "withheld", "owed_by_vendor")})
    status = ("withheld" if statement["withheld"] != "0.00" else
              "vendor_owes" if statement["owed_by_vendor"] != "0.00" else "due")
    return {**row, "status": status, "status_label": STATUS_LABELS[status]}


def print_schedule(listing: dict[str, Any]) -> None:
    print(f"{listing['contract_title']}  付款计划（截至 {listing['as_of']}）")
    if "tranches" in listing:
        for row in listing["tranches"]:
            print(_tranche_line(row))
        for milestone in listing["acceptance"]:
            print(f"  验收 {milestone['deliverable']}: {milestone['accepted_on'] or '未通过'}"
                  f"（{milestone['how']}）")
        for item in listing["termination"]:
            due = f"，应于 {item['due']['date']} 前结算" if item["due"] else ""
            under = f"（按第 {item['settled_under']} 条结算）" if item["settled_under"] != item["ground"] else ""
            notice = f"；{notice_verdict(item['notice'])}" if item["notice"] else ""
            print(f"  [{item['ground']}] 合同于 {item['terminated_on']} 依第 {item['ground']} 条解除{under}："
                  f"{item['explanation']}；甲方应付 {item['buyer_pays']}，乙方应退 {item['vendor_refunds']}"
                  f"{due}{notice}")
        return
    for row in listing["cycles"]:
        payable = money.grouped(Decimal(row["payable"])) if row["payable"] else "—"
        waiting = f"  待：{'、'.join(row['awaiting'])}" if row["awaiting"] else ""
        held = "".join(f"  {label} {money.grouped(Decimal(row[key]))}"
                       for key, label in (("withheld", "暂停支付"), ("owed_by_vendor", "乙方应补足"))
                       if row.get(key, "0.00") != "0.00")
        print(f"  第 {row['number']} 支付周期  {row['start']} 至 {row['end']}  "
              f"{row['status_label']:<4}  应付 {payable}{held}{waiting}")


def _tranche_line(row: dict[str, Any]) -> str:
    due = row["due"]
    if due is None:
        when = f"待：{'、'.join(row['trigger']['awaiting'])}"
    else:
        when = f"{due['date']}{'（暂定）' if due['provisional'] else ''}"
    owed = f"  甲方应付违约金 {row['owed_by_buyer']}" if row["owed_by_buyer"] != "0.00" else ""
    return (f"  {row['number']}. [{row['clause']}] {row['label']}  {money.grouped(Decimal(row['amount']))}"
            f"  付款期限 {when}  {row['status_label']}  已付 {row['paid']}  扣款 {row['deductions_total']}"
            f"  尚应付 {row['payable']}{owed}")
