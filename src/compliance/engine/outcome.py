"""What a rule produces: statement lines and flags, each with its clause and trace."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from compliance.model import money
from compliance.model.arithmetic import Step
from compliance.model.fieldtypes import FlagKind

TRACE_KEY = "trace_v1"
"""Where a statement line, flag or check keeps its trace. The version is in the key, so a
reader written for this layout never misreads a later one; README "Reading a trace"."""


@dataclass(frozen=True)
class Trace:
    """Why a number or a flag exists: the clause, the rule kind, its parameters, the facts it
    matched (with their ``file:line``), and the arithmetic step by step with its rounding."""

    clause: str
    rule: str
    kind: str
    params: dict[str, Any]
    facts: list[dict[str, Any]] = field(default_factory=list)
    arithmetic: str = ""
    steps: tuple[Step, ...] = ()

    def arose(self) -> str | None:
        """The date (ISO) of the latest dated fact behind the number or flag."""
        return max((fact["date"] for fact in self.facts if "date" in fact), default=None)

    def to_json(self) -> dict[str, Any]:
        return {
            "clause": self.clause,
            "rule": self.rule,
            "kind": self.kind,
            "params": self.params,
            "facts": self.facts,
            "arithmetic": self.arithmetic,
            "steps": [step.to_json() for step in self.steps],
        }


@dataclass(frozen=True)
class Line:
    """One deduction on a statement: quantity × unit = amount, rounded half-up to the fen."""

    clause: str
    type: str
    quantity: Decimal | int
    unit_amount: Decimal
    amount: Decimal
    refs: list[str]
    explanation: str
    trace: Trace
    owed_by: str = "vendor"
    """Who pays the line: ``vendor`` (a deduction from what the buyer pays) or ``buyer``
    (e.g. 城北 五(二)1 late-payment interest, owed to the vendor)."""
    tranche: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "clause": self.clause,
            **({"tranche": self.tranche} if self.tranche is not None else {}),
            "type": self.type,
            "quantity": str(self.quantity),
            "unit_amount": money.as_json(self.unit_amount),
            "amount": money.as_json(self.amount),
            "refs": self.refs,
            "explanation": self.explanation,
            TRACE_KEY: self.trace.to_json(),
        }


@dataclass(frozen=True)
class Flag:
    """A consequence the contract attaches to the facts: a right, a suspension, an interview."""

    clause: str
    kind: FlagKind
    message: str
    trace: Trace
    tranche: int | None = None
    amount: Decimal | None = None
    """For a ``penalty_exposure``: what the buyer may claim (deducted only once claimed)."""
    condition: str | None = None
    """For a ``penalty_exposure``: what happened that gives the buyer the claim."""

    def to_json(self) -> dict[str, Any]:
        return {
            "clause": self.clause,
            **({"tranche": self.tranche} if self.tranche is not None else {}),
            "kind": self.kind,
            "message": self.message,
            **({"amount": money.as_json(self.amount), "condition": self.condition}
               if self.amount is not None else {}),
            TRACE_KEY: self.trace.to_json(),
        }


@dataclass(frozen=True)
class Check:
    """A condition on paying a tranche (羊坊店 3.4: invoice 10 days before payment), met or not."""

    clause: str
    tranche: int
    met: bool
    message: str
    trace: Trace
    status: str = ""
    """``met`` in time, ``met_late`` (fulfilled after its deadline: the hold is lifted from
    that day), ``pending`` (its deadline has not passed), ``missing`` (deadline passed) or
    ``postponed`` (a cause the contract names held the payment back until ``postpones_to``)."""
    postpones_to: date | None = None
    """For ``met_late`` and ``postponed``: the day the payment falls due instead (no interest
    before it)."""

    @property
    def state(self) -> str:
        return self.status or ("met" if self.met else "missing")

    def to_json(self) -> dict[str, Any]:
        return {"clause": self.clause, "tranche": self.tranche, "met": self.met,
                "status": self.state, "status_label": CHECK_LABELS[self.state],
                **({"postpones_to": self.postpones_to.isoformat()} if self.postpones_to else {}),
                "message": self.message, TRACE_KEY: self.trace.to_json()}


CHECK_LABELS = {"met": "已满足", "met_late": "逾期满足", "pending": "待满足", "missing": "未满足",
                "postponed": "期限顺延"}
CHECK_MARKS = {"met": "✓", "met_late": "✓", "pending": "…", "missing": "✗", "postponed": "→"}


@dataclass
class Outcome:
    """Lines, flags and payment conditions produced by one or more rule firings."""

    lines: list[Line] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)

    def deductions(self, clause_prefix: str | None = None) -> Decimal:
        """The sum of the vendor's lines, or of those under one clause group (``4.6`` holds
        4.6.1…)."""
        return sum((line.amount for line in self.lines if line.owed_by == "vendor" and (
                    clause_prefix is None or line.clause == clause_prefix
                    or line.clause.startswith(clause_prefix + "."))), Decimal("0"))

    def owed_by_buyer(self) -> Decimal:
        """The sum of the lines the buyer owes the vendor (late-payment interest)."""
        return sum((line.amount for line in self.lines if line.owed_by == "buyer"), Decimal("0"))

    def extend(self, other: "Outcome") -> None:
        self.lines.extend(other.lines)
        self.flags.extend(other.flags)
        self.checks.extend(other.checks)
