"""Monthly facts: one YAML file per contract period, in one folder per contract.

Every file in the folder is validated, not only the one being settled, because
cumulative clauses (高米店 4.6.3, 4.6.4, 4.6.5) read every earlier period.
"""
from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

from pydantic import Field, ValidationInfo, field_validator, model_validator

from compliance.model import money
from compliance.model import periods
from compliance.model import sourceyaml
from compliance.model import validation
from compliance.errors import UserError
from compliance.model.contract import EventField
from compliance.model.fieldtypes import MAX_COUNT, MAX_DAYS, Day, Money, Strict

if TYPE_CHECKING:
    from compliance.engine.loading import LoadedContract

PAYMENT = "payment_made"
"""The event type of a payment the buyer made (date, amount, tranche)."""
PENALTY_CLAIM = "penalty_claimed"
"""The event type of the buyer's decision to claim a penalty (clause, optional amount)."""
VENDOR_PAYMENT = "vendor_payment"
"""The event type of a payment the vendor made to the buyer (补足, a refund)."""
INTEREST_PAID = "interest_paid"
"""The event type of the buyer's payment of late-payment interest."""
CLAIM_WAIVED = "claim_waived"
"""The event type of the buyer giving up or withdrawing what it charged under a clause
(clause, optional amount and ref, the reason in note)."""


EVENT_FIELDS = frozenset(get_args(EventField))
"""The event fields an event type requires or allows (days, amount, tranche …)."""


class Event(Strict):
    """One recorded occurrence: a 0-point order, a timeout, a delay of N days, an advance."""

    type: str
    date: Day
    count: int = Field(default=1, ge=1, le=MAX_COUNT)
    days: int | None = Field(default=None, ge=1, le=MAX_DAYS)
    amount: Money | None = None
    tranche: int | None = Field(default=None, ge=1, le=MAX_COUNT)
    deliverable: str | None = None
    staff: int | None = Field(default=None, ge=1, le=MAX_COUNT)
    """How many staff a staffing fact concerns (规自委 2.1: 缺员人数)."""
    clause: str | None = None
    """The clause a penalty claim or a termination is made under (规自委 6.1, 酒仙桥 6.7)."""
    accepted: bool | None = None
    """Whether a document was accepted (an invoice rejected as 不合格 is ``false``: it meets
    no payment condition)."""
    received: Day | None = None
    """The day a notice reached the other party, where it differs from the day it was sent
    (羊坊店 第十一条: by courier, the earlier of signature and the third day after sending)."""
    ended: Day | None = None
    """The day a cause that held a payment back ended (城北 四(六): 资金到位之日); left out while
    it lasts."""
    ref: str | None = None
    note: str | None = None

    @field_validator("type")
    @classmethod
    def _declared_type(cls, value: str, info: ValidationInfo) -> str:
        declared = info.context["contract"].event_types
        if value not in declared:
            raise ValueError(f"unknown event type {value!r}; valid types: "
                             + ", ".join(f"{name} ({spec.label})" for name, spec in declared.items()))
        return value

    @model_validator(mode="after")
    def _fields_of_type(self, info: ValidationInfo) -> "Event":
        contract = info.context["contract"]
        spec = contract.event_types[self.type]
        given = {field for field in self.model_fields_set & EVENT_FIELDS
                 if getattr(self, field) is not None}
        missing, extra = sorted(set(spec.requires) - given), sorted(given - set(spec.requires + spec.optional))
        if missing:
            raise ValueError(f"{self.type} ({spec.label}) needs {missing[0]}")
        if extra:
            raise ValueError(f"{self.type} ({spec.label}) does not take {extra[0]}")
        if self.amount is not None and self.amount <= 0:
            raise ValueError("amount must be more than 0")
        if self.received is not None and self.received < self.date:
            raise ValueError(f"received {self.received} is before the date sent {self.date}")
        if self.ended is not None and self.ended < self.date:
            raise ValueError(f"ended {self.ended} is before the date the cause began {self.date}")
        known = [d.id for d in contract.deliverables]
        if self.deliverable is not None and self.deliverable not in known:
            raise ValueError(f"unknown deliverable {self.deliverable!r}; valid: {', '.join(known)}")
        tranches = info.context["tranches"]
        if self.tranche is not None and self.tranche not in tranches:
            raise ValueError(f"the contract has no tranche {self.tranche}; valid: "
                             + (", ".join(str(n) for n in sorted(tranches)) or "none"))
        if self.type == PENALTY_CLAIM:
            _check_claim(self, info.context["exposures"])
        if self.type == CLAIM_WAIVED:
            _check_waiver(self, contract)
        grounds = info.context["grounds"].get(self.type, [])
        if grounds and self.clause not in grounds and (len(grounds) > 1 or self.clause is not None):
            raise ValueError(f"{self.type} ({spec.label}) must name the clause it is made under; "
                             f"valid clause: {', '.join(grounds)}")
        if (spec.requires or spec.optional) and self.count != 1:
            raise ValueError(f"{self.type} ({spec.label}) is recorded one event per occurrence; "
                             "leave count out")
        return self


def _check_claim(event: Event, exposures: dict[str, list[Decimal]]) -> None:
    """A claim names a clause that grants a penalty, and claims at most that penalty."""
    amounts = exposures.get(event.clause or "")
    if not amounts:
        raise ValueError(f"clause {event.clause} grants no penalty the buyer may claim; valid: "
                         + (", ".join(exposures) or "none in this contract"))
    if event.amount is None and len(amounts) > 1:
        raise ValueError(f"clause {event.clause} grants penalties of "
                         + " or ".join(money.grouped(a) for a in amounts) + "; give the amount claimed")
    if event.amount is not None and event.amount > max(amounts):
        raise ValueError(f"the claim of {money.grouped(event.amount)} is more than clause "
                         f"{event.clause} grants ({money.grouped(max(amounts))})")


def _check_waiver(event: Event, contract) -> None:
    """A waiver names a clause that moves money and gives its reason."""
    money_clauses = [clause.id for clause in contract.clauses if clause.effect == "money" and clause.rules]
    if event.clause not in money_clauses:
        raise ValueError(f"clause {event.clause} charges nothing that could be waived; valid: "
                         + ", ".join(money_clauses))
    if not (event.note or "").strip():
        raise ValueError("claim_waived needs note: the reason the claim is waived or withdrawn")


class PeriodFacts(Strict):
    """The facts of one contract month."""

    contract: str
    period: int | Literal["after"]
    """The contract month, or ``after`` for what happens once the term is over
    (a final payment, a late acceptance)."""
    rating: str | None = None
    events: list[Event] = []

    @field_validator("contract")
    @classmethod
    def _same_contract(cls, value: str, info: ValidationInfo) -> str:
        expected = info.context["contract"].id
        if value != expected:
            raise ValueError(f"facts are for contract {value!r}, not {expected!r}")
        return value

    @field_validator("rating")
    @classmethod
    def _known_rating(cls, value: str | None, info: ValidationInfo) -> str | None:
        ratings = info.context["contract"].ratings
        if value is not None and value not in ratings:
            raise ValueError(f"unknown rating {value!r}; valid: {' | '.join(ratings)}")
        return value


@dataclass(frozen=True)
class RecordedEvent:
    """An event with the period it belongs to and where it is written."""

    event: Event
    period: int
    source: str

    def as_fact(self, current: int) -> dict[str, Any]:
        """The event as the durable-rules fact the clause kinds match."""
        e = self.event
        return {
            "t": "event", "type": e.type, "date": e.date.isoformat(), "count": e.count,
            "days": e.days, "amount_fen": None if e.amount is None else int(e.amount * 100),
            "amount": None if e.amount is None else f"{e.amount:.2f}", "ref": e.ref,
            "tranche": e.tranche, "deliverable": e.deliverable, "ordinal": e.date.toordinal(),
            "staff": e.staff, "clause": e.clause, "accepted": e.accepted,
            "received": None if e.received is None else e.received.isoformat(),
            "received_ordinal": (e.received or e.date).toordinal(),
            "ended": None if e.ended is None else e.ended.isoformat(),
            "ended_ordinal": (e.ended or e.date).toordinal(), "open": int(e.ended is None),
            "period": self.period, "current": int(self.period == current), "source": self.source,
        }


@dataclass(frozen=True)
class FactsFile:
    """One facts file as loaded: its month, its events with their lines, its digest."""

    path: Path
    facts: PeriodFacts
    index: int
    events: tuple[RecordedEvent, ...]
    sha256: str


def _known(recorded: RecordedEvent, day: date) -> RecordedEvent:
    """The event as known at the end of ``day``: a cause ending later had not yet ended."""
    if recorded.event.ended is None or recorded.event.ended <= day:
        return recorded
    return dataclasses.replace(recorded, event=recorded.event.model_copy(update={"ended": None}))


class FactsBook:
    """All the facts files of one contract, by period; as recorded, or as known at the end of
    one day (``known_on``)."""

    def __init__(self, folder: Path, files: dict[int, FactsFile],
                 known_on: date | None = None) -> None:
        self.folder = folder
        self.files = files
        self.known_on = known_on

    def as_of(self, day: date, contract) -> "FactsBook":
        """What was known at the end of ``day`` (a Beijing date): every event dated after it is
        left out, a cause that ends after it is still lasting, and a month's rating counts only
        once the month is over. The files stay, so a
        statement's fingerprint still names every file read."""
        if self.known_on is not None and self.known_on <= day:
            return self
        files = {}
        for index, facts_file in self.files.items():
            over = periods.facts_period(contract, facts_file.facts.period).end <= day
            facts = facts_file.facts if over else facts_file.facts.model_copy(update={"rating": None})
            events = tuple(_known(e, day) for e in facts_file.events if e.event.date <= day)
            files[index] = dataclasses.replace(facts_file, facts=facts, events=events)
        return FactsBook(self.folder, files, day)

    def for_period(self, index: int) -> FactsFile:
        if index not in self.files:
            have = ", ".join(str(n) for n in sorted(self.files)) or "none"
            raise UserError(f"no facts file for period {index}", file=self.folder,
                            valid=f"a .yaml file with 'period: {index}' (periods with facts: {have})")
        return self.files[index]

    def events_through(self, index: int) -> list[RecordedEvent]:
        return [event for n in sorted(self.files) if n <= index for event in self.files[n].events]

    def rating(self, index: int) -> str | None:
        return self.files[index].facts.rating if index in self.files else None


def _load_file(path: Path, loaded: LoadedContract) -> FactsFile:
    contract = loaded.contract
    document = sourceyaml.load(path)
    if not isinstance(document, dict):
        raise UserError("a facts file must be a YAML mapping with contract, period and events",
                        file=path, line=1)
    context = {"contract": contract, "tranches": loaded.tranche_amounts,
               "exposures": contract.exposures(), "grounds": loaded.termination_grounds}
    facts = validation.validate(PeriodFacts, document, path, context)
    try:
        period = periods.facts_period(contract, facts.period)
    except UserError as outside:
        outside.file, outside.line = path, sourceyaml.line_of(document, ("period",))
        outside.valid = f"1..{contract.periods_in_term()}, or after (once the term is over)"
        raise
    recorded = []
    lines = getattr(document.get("events"), "lines", None) or []
    for index, event in enumerate(facts.events):
        line = lines[index]
        if not (period.contains(event.date) or _before_term(contract, period, event.date)):
            raise UserError(f"event dated {event.date} is outside period {period.index} "
                            f"({period.start}..{period.end})", file=path, line=line,
                            field=f"events[{index}].date", valid=f"{period.start}..{period.end}")
        recorded.append(RecordedEvent(event, period.index, f"{path.name}:{line}"))
    return FactsFile(path, facts, period.index, tuple(recorded),
                     hashlib.sha256(path.read_bytes()).hexdigest())


def _before_term(contract, period: periods.Period, day: date) -> bool:
    """Month 1's file also holds what happened between signing and the start of service
    (an invoice sent early, the signing itself)."""
    return period.index == 1 and min(contract.signed, contract.term.start) <= day < period.start


def load_facts(folder: Path, loaded: LoadedContract) -> FactsBook:
    """Load every ``.yaml``/``.yml`` file in ``folder`` (hidden files left out); two files for
    one period is an error, and so are an event recorded twice and payments that repeat one
    another or add up to more than their tranche."""
    if not folder.is_dir():
        raise UserError("facts folder not found", file=folder, field="FACTS_DIR",
                        valid="a folder of .yaml files, one per contract period")
    files: dict[int, FactsFile] = {}
    for path in sourceyaml.yaml_files(folder):
        facts_file = _load_file(path, loaded)
        index = facts_file.index
        if index in files:
            raise UserError(f"period {index} is already given by {files[index].path.name}",
                            file=path, field="period", valid="one facts file per period")
        files[index] = facts_file
    book = FactsBook(folder, files)
    _check_repeats(book)
    _check_payments(book, loaded.tranche_amounts)
    return book


def _check_repeats(book: FactsBook) -> None:
    """A work order recorded twice (same type, ref and date, and the same deliverable where
    one is named) would be charged twice: refused, naming both lines."""
    seen: dict[tuple, str] = {}
    for recorded in book.events_through(max(book.files, default=0)):
        event = recorded.event
        if event.ref is None:
            continue
        key = (event.type, event.ref, event.date, event.deliverable)
        if key in seen:
            file, _, line = recorded.source.rpartition(":")
            raise UserError(f"同一事件记录了两次：{event.type} {event.ref} {event.date} 已记录于 "
                            f"{seen[key]}，此处又记录一次", file=book.folder / file, line=int(line),
                            field="events", valid="每个事件只记录一次（同类型、同编号、同日期）")
        seen[key] = recorded.source


def _check_payments(book: FactsBook, tranches: dict[int, Decimal]) -> None:
    """A payment recorded twice, or payments adding up to more than their tranche, are refused."""
    seen: dict[tuple, str] = {}
    paid: dict[int, Decimal] = {}
    for recorded in book.events_through(max(book.files, default=0)):
        event = recorded.event
        if event.type != PAYMENT or event.tranche is None:
            continue
        key = (event.tranche, event.date, event.amount)
        file, _, line = recorded.source.rpartition(":")
        if key in seen:
            raise UserError(f"payment of {money.grouped(event.amount)} on {event.date} for tranche "
                            f"{event.tranche} "
                            f"is already recorded at {seen[key]}", file=book.folder / file,
                            line=int(line), field="events", valid="each payment recorded once")
        seen[key] = recorded.source
        paid[event.tranche] = paid.get(event.tranche, Decimal("0")) + event.amount
        if paid[event.tranche] > tranches[event.tranche]:
            raise UserError(f"payments for tranche {event.tranche} add up to "
                            f"{money.grouped(paid[event.tranche])}, more than the tranche's "
                            f"{money.grouped(tranches[event.tranche])}",
                            file=book.folder / file, line=int(line), field="events.amount",
                            valid=f"at most {tranches[event.tranche]} in all for tranche {event.tranche}")
