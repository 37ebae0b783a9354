"""``compliance register``: the statements a contract has, each with its number, span,
status, amount and signatures, as a clerk checks them before the month's filing."""
from __future__ import annotations

from typing import Any

from compliance.register import records
from compliance.register.database import exists, session, where
from compliance.register.lifecycle import LIVE, status_text
from compliance.render import textable


def listing(contract: str | None) -> list[dict[str, Any]]:
    """Every statement of ``contract`` (or of all), in number order."""
    with session() as opened:
        return [_row(row) for row in records.of_contract(opened, contract)]


def by_span(contract: str) -> dict[str, tuple[str, str]]:
    """For the ledger: each span's statement number and status (the live statement, else the
    last one issued); empty while no register has been made."""
    if not exists():
        return {}
    spans: dict[str, tuple[str, str]] = {}
    with session() as opened:
        for row in records.of_contract(opened, contract):
            if row.status in LIVE or row.span not in spans:
                spans[row.span] = (row.number, status_text(row))
    return spans


def _row(row) -> dict[str, Any]:
    return {"number": row.number, "contract": row.contract, "span": row.span,
            "span_label": row.span_label, "status": row.status, "status_label": status_text(row),
            "issued_on": row.issued_on, "issued_by": row.issued_by, "amount": row.payable,
            "summary": row.summary,
            "approvals": [{"role": a.role, "name": a.name, "on": a.signed_on} for a in row.approvals],
            "corrects": row.corrects, "superseded_by": row.superseded_by,
            "void_reason": row.void_reason}


def print_listing(rows: list[dict[str, Any]]) -> None:
    print(f"登记簿：{where()}")
    if not rows:
        print("尚无出具的结算单（compliance issue 出具）")
        return
    table = [[r["number"], r["span_label"], r["status_label"], r["issued_on"], r["summary"],
              "、".join(f"{a['role']}{a['name']}" for a in r["approvals"]), _note(r)] for r in rows]
    print(textable.render(["编号", "期间", "状态", "出具日期", "结算", "签署", "备注"], table))


def _note(row: dict[str, Any]) -> str:
    if row["superseded_by"]:
        return f"已由 {row['superseded_by']} 更正"
    if row["void_reason"]:
        return f"作废理由：{row['void_reason']}"
    return f"更正 {row['corrects']}" if row["corrects"] else ""
