"""Settlement statements: a contract month or a payment cycle, as the JSON finance staff sign.

Amounts are strings with two decimals. ``net`` = ``gross`` − ``deductions_total``
and may be negative; ``payable`` = max(net, 0), or 0 with the amount in
``withheld`` while a ``payment_suspension`` flag stands; ``owed_by_vendor`` =
max(−net, 0) (高米店 6.6).
"""
from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

from . import money
from .contract import LoadedContract
from .evaluation import settle_period_outcome
from .facts import FactsBook
from .outcome import Outcome
from .periods import Cycle, Period, cycle as cycle_of, period as period_of

SCHEMA = "compliance.statement/1"
ZERO = Decimal("0")


def _fees(loaded: LoadedContract) -> list[dict[str, Any]]:
    return [{"clause": fee.clause, "label": fee.label, "amount": money.as_json(fee.monthly)}
            for fee in loaded.contract.fees]


def _fingerprint(loaded: LoadedContract, book: FactsBook, last_period: int) -> dict[str, Any]:
    """sha256 of the contract and of every facts file the statement read."""
    files = {book.files[n].path.name: book.files[n].sha256 for n in sorted(book.files) if n <= last_period}
    digest = hashlib.sha256(loaded.digest.encode())
    for name, sha in files.items():
        digest.update(f"\n{name}:{sha}".encode())
    return {"sha256": digest.hexdigest(), "contract_sha256": loaded.digest, "facts_sha256": files}


def _totals(gross: Decimal, outcome: Outcome) -> dict[str, Any]:
    deductions = outcome.deductions()
    net = gross - deductions
    suspended = any(flag.kind == "payment_suspension" for flag in outcome.flags)
    positive = max(net, ZERO)
    payable = ZERO if suspended else positive
    return {
        "gross": money.as_json(gross),
        "deductions_total": money.as_json(deductions),
        "net": money.as_json(net),
        "payable": money.as_json(payable),
        "withheld": money.as_json(positive - payable),
        "owed_by_vendor": money.as_json(max(-net, ZERO)),
        "amount_in_words": money.in_words(payable),
    }


def _header(loaded: LoadedContract) -> dict[str, Any]:
    contract = loaded.contract
    return {
        "schema": SCHEMA,
        "contract": contract.id,
        "contract_title": contract.title,
        "parties": {"buyer": contract.parties.buyer, "vendor": contract.parties.vendor},
    }


def _interpretations(loaded: LoadedContract, outcome: Outcome) -> list[dict[str, str]]:
    """The recorded interpretation of every clause that produced a line or a flag."""
    cited = {item.clause for item in (*outcome.lines, *outcome.flags)}
    return [{"clause": clause.id, "interpretation": clause.interpretation}
            for clause in loaded.contract.clauses if clause.id in cited and clause.interpretation]


def period_statement(loaded: LoadedContract, book: FactsBook, index: int) -> dict[str, Any]:
    """The statement of one contract month."""
    period = period_of(loaded.contract, index)
    outcome = settle_period_outcome(loaded, book, period)
    gross = loaded.contract.monthly_fee
    return {
        **_header(loaded),
        "period": {**period.to_json(), "cycle": period.cycle},
        "rating": book.rating(index),
        "fees": _fees(loaded),
        "deductions": [line.to_json() for line in outcome.lines],
        **_totals(gross, outcome),
        "flags": [flag.to_json() for flag in outcome.flags],
        "interpretations": _interpretations(loaded, outcome),
        "fingerprint": _fingerprint(loaded, book, index),
    }


def cycle_statement(loaded: LoadedContract, book: FactsBook, index: int) -> dict[str, Any]:
    """The statement of one payment cycle: the sum of its months, carrying their flags."""
    cycle: Cycle = cycle_of(loaded.contract, index)
    combined = Outcome()
    deductions, flags, fees = [], [], []
    for period in cycle.periods:
        outcome = settle_period_outcome(loaded, book, period)
        combined.extend(outcome)
        deductions += [{"period": period.index, **line.to_json()} for line in outcome.lines]
        flags += [{"period": period.index, **flag.to_json()} for flag in outcome.flags]
        fees += [{"period": period.index, **fee} for fee in _fees(loaded)]
    gross = loaded.contract.monthly_fee * len(cycle.periods)
    return {
        **_header(loaded),
        "cycle": cycle.to_json(),
        "fees": fees,
        "deductions": deductions,
        **_totals(gross, combined),
        "flags": flags,
        "interpretations": _interpretations(loaded, combined),
        "fingerprint": _fingerprint(loaded, book, cycle.periods[-1].index),
    }
