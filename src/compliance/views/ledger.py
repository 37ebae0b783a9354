"""The contract to date at a glance: every month settled from the facts, with running totals,
deductions by clause against the price, where each threshold stands, and the payments due next.
A month paid with its cycle (高米店 3.2) says so (``settled_in``); the cycles are listed with
what each pays, withholds (4.6.4) or asks the vendor to make good (6.6), and the running
payable takes each cycle's payable on its last month.

Months are settled one by one with the same engine as ``settle``, from month 1 through the
last month with a facts file; a month in between without one is settled as recorded empty
(and marked so). ``paid`` is what the facts record as paid (``payment_made``) in the month.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from compliance.model import money
from compliance.engine.evaluation import remembering
from compliance.engine.loading import LoadedContract
from compliance.model.facts import PAYMENT, FactsBook
from compliance.model.numbering import clause_order
from compliance.model.periods import all_periods
from compliance.render.progress import progress
from compliance.engine.schedule import PAID_IN_FULL
from compliance.views.schedule_view import schedule_listing
from compliance.views.whatif import month_statement
from compliance.model.workdays import WorkCalendar
from compliance.account.build import contract_account

SCHEMA = "compliance.ledger/1"
ZERO = Decimal("0")
RUNNING = ("gross", "deductions_total", "payable", "paid")
NOT_DUE_BY_ITSELF = (*PAID_IN_FULL, "terminated")
"""Tranche statuses that leave nothing to pay on the tranche itself."""


def ledger(loaded: LoadedContract, book: FactsBook, as_of: date,
           calendar: WorkCalendar) -> dict[str, Any]:
    """The ledger as of ``as_of``. Its rows, its cycles (or tranches) and its account settle
    the same months on the same facts: each is settled once (``remembering``)."""
    with remembering():
        return _ledger(loaded, book, as_of, calendar)


def _ledger(loaded: LoadedContract, book: FactsBook, as_of: date,
            calendar: WorkCalendar) -> dict[str, Any]:
    contract = loaded.contract
    last = max((n for n in book.files), default=0)
    periods = [p for p in all_periods(contract) if p.index <= last and p.start <= as_of]
    listing = schedule_listing(loaded, book, as_of, calendar)
    cycles_paid = _cycles_paid(loaded, listing)
    running = dict.fromkeys(RUNNING, ZERO)
    rows, deductions, statement = [], [], None
    for period in progress(periods, f"{contract.short_name} 逐月结算"):
        statement = month_statement(loaded, book, period.index, as_of=as_of)
        row = _row(statement, period.index in book.files, _paid(book, period.index))
        for key in RUNNING:
            running[key] += Decimal(row[key])
        running["payable"] += Decimal(cycles_paid.get(period.index, "0"))
        rows.append({**row, "running": {key: money.as_json(value) for key, value in running.items()}})
        deductions += [_deduction(period.index, line) for line in statement["deductions"]]
    total = contract.total_price.amount
    return {
        "schema": SCHEMA, "contract": contract.id, "contract_title": contract.title,
        "short_name": contract.short_name, "as_of": as_of.isoformat(),
        "total_price": money.as_json(total), "periods": rows, "deductions": deductions,
        "deductions_by_clause": _by_clause(deductions),
        "totals": {**{key: money.as_json(value) for key, value in running.items()},
                   "deductions_share": money.percent((running["deductions_total"] / total)
                                                     .quantize(Decimal("0.0001")))},
        "counters": statement["counters"] if statement else [],
        "exposure_total": statement["exposure_total"] if statement else "0.00",
        "cycles": listing.get("cycles", []), "tranches": listing.get("tranches", []),
        "payments_due": payments_due(listing),
        "account": contract_account(loaded, book, as_of, calendar).to_json(),
    }


def _cycles_paid(loaded: LoadedContract, listing: dict[str, Any]) -> dict[int, str]:
    """For a contract paid by cycle (高米店 3.2): each cycle's payable, on its last month's row
    (its other months pay nothing by themselves), so the running payable is what was payable."""
    months = loaded.contract.cycle_months
    return {min(row["number"] * months, loaded.period_count): row["payable"]
            for row in listing.get("cycles", []) if row["payable"] is not None}


def _row(statement: dict[str, Any], recorded: bool, paid: Decimal) -> dict[str, Any]:
    period = statement["period"]
    by_clause = _by_clause(statement["deductions"])
    return {"period": period["index"], "start": period["start"], "end": period["end"],
            "recorded": recorded, "gross": statement["gross"], "deductions": by_clause,
            "deductions_total": statement["deductions_total"], "net": statement["net"],
            "payable": statement["payable"], "withheld": statement["withheld"],
            "owed_by_vendor": statement["owed_by_vendor"], "paid": money.as_json(paid),
            **({"settled_in": statement["settled_in"]} if statement.get("settled_in") else {}),
            "flags": [f"[{flag['clause']}] {flag['kind']}" for flag in statement["flags"]]}


def _paid(book: FactsBook, index: int) -> Decimal:
    facts = book.files.get(index)
    return sum((e.event.amount for e in (facts.events if facts else ())
                if e.event.type == PAYMENT and e.event.amount is not None), ZERO)


def _deduction(index: int, line: dict[str, Any]) -> dict[str, Any]:
    return {"period": index, "clause": line["clause"], "type": line["type"],
            "quantity": line["quantity"], "amount": line["amount"], "refs": line["refs"],
            "explanation": line["explanation"]}


def _by_clause(lines: list[dict[str, Any]]) -> dict[str, str]:
    sums: dict[str, Decimal] = {}
    for line in lines:
        sums[line["clause"]] = sums.get(line["clause"], ZERO) + Decimal(line["amount"])
    return {clause: money.as_json(sums[clause]) for clause in sorted(sums, key=clause_order)}


def payments_due(listing: dict[str, Any]) -> list[dict[str, Any]]:
    """The tranches or cycles not yet paid: what, how much, by when, and their status."""
    if "tranches" in listing:
        return [{"label": t["label"], "clause": t["clause"], "amount": t["payable"],
                 "due": t["due"]["date"] if t["due"] else None,
                 "awaiting": t["trigger"]["awaiting"], "status": t["status_label"]}
                for t in listing["tranches"] if t["status"] not in NOT_DUE_BY_ITSELF] + [
                {"label": f"解除结算（依第 {t['ground']} 条）", "clause": t["settled_under"],
                 "amount": t["buyer_pays"] if t["buyer_pays"] != "0.00" else f"-{t['vendor_refunds']}",
                 "due": t["due"]["date"] if t["due"] else None, "awaiting": [],
                 "status": "乙方应退还" if t["vendor_refunds"] != "0.00" else "甲方应支付"}
                for t in listing["termination"]]
    return [{"label": f"第 {c['number']} 支付周期（{c['start']} 至 {c['end']}）", "clause": None,
             "amount": c["payable"], "due": None, "awaiting": c["awaiting"],
             "status": c["status_label"]} for c in listing["cycles"]]
