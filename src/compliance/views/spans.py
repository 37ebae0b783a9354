"""What one statement settles — a contract month, a payment cycle, a tranche or a
termination — and the statement for it, as ``settle`` writes it and the register issues it."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from compliance.engine.loading import LoadedContract
from compliance.errors import UserError
from compliance.model.facts import FactsBook
from compliance.model.workdays import WorkCalendar


@dataclass(frozen=True)
class Span:
    """One of ``period`` (a contract month), ``cycle``, ``tranche`` (the N-th payment) or
    ``termination`` (on ``on`` under ``reason``, invoked ``by`` one side)."""

    kind: str
    number: int = 0
    on: date | None = None
    reason: str | None = None
    by: str | None = None

    @property
    def stem(self) -> str:
        """How its files are named: period-02, cycle-1, tranche-3, termination-6.3-2026-05-31."""
        if self.kind == "period":
            return f"period-{self.number:02d}"
        if self.kind == "termination":
            clause = re.sub(r"[^0-9A-Za-z.]+", "_", self.reason or "").strip("_") or "clause"
            return f"termination-{clause}-{self.on}"
        return f"{self.kind}-{self.number}"

    @classmethod
    def of(cls, statement: dict[str, Any]) -> "Span":
        """The span a statement settles, read back from the statement itself."""
        if "ground" in statement:
            return cls("termination", on=date.fromisoformat(statement["terminated_on"]),
                       reason=statement["ground"]["clause"],
                       by=statement["termination"].get("party"))
        if "tranche" in statement:
            return cls("tranche", statement["tranche"]["number"])
        if "period" in statement:
            return cls("period", statement["period"]["index"])
        return cls("cycle", statement["cycle"]["index"])


def span_statement(loaded: LoadedContract, book: FactsBook, span: Span, as_of: date,
                   calendar: WorkCalendar, calendar_digest: str | None) -> dict[str, Any]:
    """The statement of ``span``; a span the contract does not settle by is refused, saying
    which it does."""
    from compliance.views.statement import cycle_statement, period_statement, tranche_statement

    if span.kind == "period":
        return period_statement(loaded, book, span.number)
    if span.kind == "cycle":
        _require(loaded.contract.payment is not None, "--cycle", "本合同分次付款，不按支付周期结算",
                 "--tranche N 或 --period N")
        return cycle_statement(loaded, book, span.number)
    if span.kind == "tranche":
        _require(bool(loaded.tranches), "--tranche", "本合同不分次付款", "--period N 或 --cycle N")
        return tranche_statement(loaded, book, span.number, as_of, calendar, calendar_digest)
    from compliance.views.termination import termination_statement

    return termination_statement(loaded, book, span.reason, span.on, span.by, calendar,
                                 calendar_digest)


def _require(condition: bool, field: str, message: str, valid: str) -> None:
    if not condition:
        raise UserError(message, field=field, valid=valid)
