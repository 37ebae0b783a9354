"""抵扣与补足: penalties are netted against what the buyer owes; when they exceed it, the buyer
pays nothing and the vendor makes up the difference within N days (高米店 6.6: 3 日内补足).
Matches the balance fact the engine asserts after all deductions of the period are known.
"""
from __future__ import annotations

from compliance.model import money
from compliance.engine.outcome import Outcome
from compliance.engine.kinds.base import Rule


def when(rule: Rule) -> dict:
    return {"all": [{"m": {"$and": [{"t": "balance"}, {"$lt": {"net_fen": 0}}]}}]}


def then(rule: Rule, matched: dict) -> Outcome:
    balance = matched["m"]
    owed = money.from_fen_int(-balance["net_fen"])
    reason = (f"扣款 {money.grouped(money.from_fen_int(balance['deductions_fen']))} 元超过应付"
              f" {money.grouped(money.from_fen_int(balance['gross_fen']))} 元，"
              f"不足抵扣 {money.grouped(owed)} 元")
    facts = [{"type": "balance", "net": money.as_json(money.from_fen_int(balance["net_fen"]))}]
    return Outcome(flags=rule.flags(rule.params.flags, reason, facts))
