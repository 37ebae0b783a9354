"""The whole-term view that payment tranches are judged in: every event recorded so far,
each deliverable's acceptance, the working-day calendar, and the date of judgement.

A period statement looks at one contract month; a tranche looks across the term
(羊坊店 3.2: 第二次付款 hangs on contract month 9; 城北 四(三): 尾款 on acceptance).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from compliance.model.contract import Contract
from compliance.model.facts import RecordedEvent
from compliance.model.workdays import Deadline, WorkCalendar


@dataclass(frozen=True)
class Milestone:
    """When a deliverable counts as accepted, and the clause and steps that say so."""

    deliverable: str
    accepted_on: Deadline | None
    how: str
    clause: str
    rule: str
    steps: tuple[str, ...]

    def to_json(self) -> dict:
        return {"deliverable": self.deliverable,
                "accepted_on": self.accepted_on.day.isoformat() if self.accepted_on else None,
                "provisional": bool(self.accepted_on and self.accepted_on.provisional),
                "how": self.how, "clause": self.clause, "rule": self.rule, "steps": list(self.steps)}


@dataclass
class TermView:
    """The term as of ``as_of``. Its ``calendar`` counts deadlines as the contract says
    (《民法典》第二百零三条 on or off, ``contract.deadlines``), whatever calendar it was given."""

    contract: Contract
    events: list[RecordedEvent]
    calendar: WorkCalendar
    as_of: date
    milestones: dict[str, Milestone] = field(default_factory=dict)
    payable: dict[int, Decimal] = field(default_factory=dict)
    """Each tranche's amount less the deductions netted against it (what an invoice must cover)."""

    def __post_init__(self) -> None:
        self.calendar = self.calendar.for_contract(self.contract)

    def of_type(self, event_type: str, tranche: int | None = None) -> list[RecordedEvent]:
        """Events of one type up to the date of judgement (for one tranche, when they name one)."""
        return [e for e in self.events if e.event.type == event_type and e.event.date <= self.as_of
                and (tranche is None or e.event.tranche in (None, tranche))]
