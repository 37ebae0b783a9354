"""The account of a contract in a terminal: every entry by the day it arose, with the running
balance, then what each side owes (``compliance account``, and the foot of ``compliance ledger``)."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from compliance.model import money
from compliance.render import textable


def _yuan(amount: str) -> str:
    return money.grouped(Decimal(amount))


def print_account(account: dict[str, Any]) -> None:
    running = Decimal("0")
    rows = []
    for entry in account["entries"]:
        running += Decimal(entry["signed"])
        rows.append([entry["arose"], entry["kind_label"], entry["clause"] or "—", entry["label"][:40],
                     _yuan(entry["signed"]), money.grouped(running),
                     entry.get("note") or entry["source"][:30]])
    print(textable.render(["日期", "类别", "条款", "说明", "金额", "余额", "依据"], rows, right={4, 5}))
    print(account_sentence(account))


def account_sentence(account: dict[str, Any]) -> str:
    """Who owes whom as of the day, with the 大写."""
    words = account["balance_in_words"]
    if account["vendor_owes"] != "0.00":
        return f"截至 {account['as_of']}：乙方尚欠甲方 {_yuan(account['vendor_owes'])} 元（{words}）"
    return f"截至 {account['as_of']}：甲方尚欠乙方 {_yuan(account['buyer_owes'])} 元（{words}）"
