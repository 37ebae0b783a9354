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

from compliance.model import collector
from compliance.model import money
from compliance.model import periods
from compliance.model import sourceyaml
from compliance.model import validation
from compliance.errors import UserError, all_of
from compliance.model.contract import EventField
from compliance.model.measures import as_text
from compliance.model.fieldtypes import MAX_COUNT, MAX_DAYS, Day, Money, Strict, Trimmed
from compliance.model.numbering import normalise_clause_id
from compliance.model.suggest import did_you_mean

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


REFS_SHOWN = 5
"""How many 工单编号 of an imported event counting several rows its source line names."""


def origin_text(origin: dict[str, Any]) -> str:
    """Where an imported event was read, in the clerk's words: ``来源：导出文件 X 第 17 行``, or
    for an event counting several rows, those rows and the first of their 工单编号."""
    sheet = f" 工作表 {origin['sheet']}" if origin.get("sheet") else ""
    rows = origin.get("rows") or origin.get("row")
    refs = origin.get("refs") or []
    named = ("（工单 " + "、".join(refs[:REFS_SHOWN]) + (f" 等 {len(refs)} 件" if len(refs) > REFS_SHOWN
                                                        else "") + "）") if refs else ""
    return f"来源：导出文件 {origin['file']}{sheet} 第 {rows} 行{named}"


class Origin(Strict):
    """Where an imported event was read (``compliance import``, issue 17): the export file, its
    sheet, and its row (the event's ref is the row's 工单编号), or, for an event counting
    several rows (``count``), those rows (``12–14、20``) and their 工单编号 (``refs``)."""

    file: Trimmed
    sheet: Trimmed | None = None
    row: int | None = Field(default=None, ge=1)
    rows: Trimmed | None = None
    refs: list[Trimmed] = []

    @model_validator(mode="after")
    def _one_place(self) -> "Origin":
        if (self.row is None) == (self.rows is None):
            raise ValueError("origin 须写明 row（一行）或 rows（多行），二者择一")
        return self

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(exclude_defaults=True)


class Event(Strict):
    """One recorded occurrence: a 0-point order, a timeout, a delay of N days, an advance."""

    # The names typed by hand (type, ref, clause, deliverable) are read without the spaces
    # around them, full-width ones included; a clause is read as the contract numbers it
    # (``第6.7条``, ``五（二）1`` → ``6.7``, ``五(二)1``).
    type: Trimmed
    date: Day
    count: int = Field(default=1, ge=1, le=MAX_COUNT)
    days: int | None = Field(default=None, ge=1, le=MAX_DAYS)
    amount: Money | None = None
    tranche: int | None = Field(default=None, ge=1, le=MAX_COUNT)
    deliverable: Trimmed | None = None
    staff: int | None = Field(default=None, ge=1, le=MAX_COUNT)
    """How many staff a staffing fact concerns (规自委 2.1: 缺员人数)."""
    clause: Trimmed | None = None
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
    ref: Trimmed | None = None
    note: str | None = None
    origin: Origin | None = None
    """Where an imported event was read: the export's file, sheet and row(s)."""
    measures: dict[str, Any] = Field(default_factory=dict)
    """The values the contract declares on the event's type (``EventType.fields``), by name,
    as read (``model/measures.py``): written beside the event's other keys. (A factory, not
    ``{}``: pydantic deep-copies a mutable default for every event, a twentieth of loading a
    busy month.)"""

    @model_validator(mode="before")
    @classmethod
    def _declared_fields(cls, data: Any, info: ValidationInfo) -> Any:
        """Take the keys the contract declares for the event's type out of the event and read
        each against its declaration; a declared value that is not optional must be given."""
        if not isinstance(data, dict):
            return data
        if "measures" in data:
            raise ValueError("measures 不是事件的键：请把合同为该类型声明的字段直接写在事件中")
        name = data.get("type")
        spec = info.context["contract"].event_types.get(name.strip() if isinstance(name, str) else name)
        if spec is None or not spec.fields:
            return data
        data, measures = dict(data), {}
        for field_name, measure in spec.fields.items():
            if field_name in data:
                measures[field_name] = measure.read(field_name, data.pop(field_name))
            elif not measure.optional:
                raise ValueError(f"{name}（{spec.label}）须写明 {field_name}（{measure.label}"
                                 f"{'，' + measure.bounds() if measure.type == 'number' else '，时刻'}）")
        data["measures"] = measures
        return data

    @field_validator("type")
    @classmethod
    def _declared_type(cls, value: str, info: ValidationInfo) -> str:
        declared = info.context["contract"].event_types
        if value not in declared:
            raise ValueError(f"没有这种事件类型：{value!r}；{did_you_mean(value, declared)}可用的类型："
                             + ", ".join(f"{name} ({spec.label})" for name, spec in declared.items()))
        return value

    @field_validator("clause")
    @classmethod
    def _contract_numbering(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        return normalise_clause_id(value, _clause_ids(info.context["contract"]))

    @model_validator(mode="after")
    def _fields_of_type(self, info: ValidationInfo) -> "Event":
        contract = info.context["contract"]
        spec = contract.event_types[self.type]
        required, allowed = info.context["fields"][self.type]
        given = {field for field in self.model_fields_set & EVENT_FIELDS
                 if getattr(self, field) is not None}
        missing, extra = sorted(required - given), sorted(given - allowed)
        if missing:
            raise ValueError(f"{self.type}（{spec.label}）须写明 {missing[0]}")
        if extra:
            raise ValueError(f"{self.type}（{spec.label}）不带 {extra[0]}")
        if self.amount is not None and self.amount <= 0:
            raise ValueError("amount 须大于 0")
        if self.received is not None and self.received < self.date:
            raise ValueError(f"送达日 received {self.received} 早于发出日 {self.date}")
        if self.ended is not None and self.ended < self.date:
            raise ValueError(f"结束日 ended {self.ended} 早于原因发生日 {self.date}")
        known = [d.id for d in contract.deliverables] if self.deliverable is not None else []
        if self.deliverable is not None and self.deliverable not in known:
            raise ValueError(f"没有这项服务成果：{self.deliverable!r}；"
                             f"{did_you_mean(self.deliverable, known)}可用：{'、'.join(known)}")
        tranches = info.context["tranches"]
        if self.tranche is not None and self.tranche not in tranches:
            raise ValueError(f"合同没有第 {self.tranche} 次付款；可用："
                             + (", ".join(str(n) for n in sorted(tranches)) or "无"))
        if self.type == PENALTY_CLAIM:
            _check_claim(self, info.context["exposures"])
        if self.type == CLAIM_WAIVED:
            _check_waiver(self, contract)
        grounds = info.context["grounds"].get(self.type, [])
        if grounds and self.clause not in grounds and (len(grounds) > 1 or self.clause is not None):
            raise ValueError(f"{self.type}（{spec.label}）须写明所依据的条款 clause；"
                             f"{did_you_mean(self.clause or '', grounds)}可用条款：{'、'.join(grounds)}")
        clauses = _clause_ids(contract) if self.clause is not None else []
        if self.clause is not None and self.clause not in clauses:
            raise ValueError(f"合同没有第 {self.clause} 条；{did_you_mean(self.clause, clauses)}"
                             "请按合同的编号书写，如 6.7 或 五(二)1")
        if (spec.requires or spec.optional) and self.count != 1:
            raise ValueError(f"{self.type}（{spec.label}）每次单独记录一条事件，"
                             "不写 count")
        return self


def validation_context(loaded: LoadedContract) -> dict[str, Any]:
    """What validating an event needs from its contract, worked out once per file: the
    contract, its tranches, the penalties a claim may name, the termination grounds, and per
    event type the fields it requires and the fields it allows."""
    contract = loaded.contract
    fields = {name: (frozenset(spec.requires), frozenset(spec.requires + spec.optional))
              for name, spec in contract.event_types.items()}
    return {"contract": contract, "tranches": loaded.tranche_amounts,
            "exposures": contract.exposures(), "grounds": loaded.termination_grounds,
            "fields": fields}


def _clause_ids(contract) -> list[str]:
    return [clause.id for clause in contract.clauses]


def _check_claim(event: Event, exposures: dict[str, list[Decimal]]) -> None:
    """A claim names a clause that grants a penalty, and claims at most that penalty."""
    amounts = exposures.get(event.clause or "")
    if not amounts:
        raise ValueError(f"第 {event.clause} 条没有甲方可主张的违约金；"
                         f"{did_you_mean(event.clause or '', exposures)}可用："
                         + ("、".join(exposures) or "本合同没有"))
    if event.amount is None and len(amounts) > 1:
        raise ValueError(f"第 {event.clause} 条的违约金为 "
                         + " 或 ".join(money.grouped(a) for a in amounts) + "；请写明主张的金额 amount")
    if event.amount is not None and event.amount > max(amounts):
        raise ValueError(f"主张 {money.grouped(event.amount)} 元，超过第 "
                         f"{event.clause} 条规定的 {money.grouped(max(amounts))} 元")


def _check_waiver(event: Event, contract) -> None:
    """A waiver names a clause that moves money and gives its reason."""
    money_clauses = [clause.id for clause in contract.clauses if clause.effect == "money" and clause.rules]
    if event.clause not in money_clauses:
        raise ValueError(f"第 {event.clause} 条不产生可放弃的扣款；"
                         f"{did_you_mean(event.clause or '', money_clauses)}可用："
                         + "、".join(money_clauses))
    if not (event.note or "").strip():
        raise ValueError("claim_waived 须在 note 中写明放弃或撤回的理由")


class PeriodFacts(Strict):
    """The facts of one contract month."""

    contract: Trimmed
    period: int | Literal["after"]
    """The contract month, or ``after`` for what happens once the term is over
    (a final payment, a late acceptance)."""
    rating: Trimmed | None = None
    events: list[Event] = []

    @field_validator("contract")
    @classmethod
    def _same_contract(cls, value: str, info: ValidationInfo) -> str:
        expected = info.context["contract"].id
        if value != expected:
            raise ValueError(f"这是合同 {value!r} 的事实，不是 {expected!r} 的")
        return value

    @field_validator("rating")
    @classmethod
    def _known_rating(cls, value: str | None, info: ValidationInfo) -> str | None:
        ratings = info.context["contract"].ratings
        if value is not None and value not in ratings:
            raise ValueError(f"没有这个评价等级：{value!r}；{did_you_mean(value, ratings)}"
                             f"可用：{' | '.join(ratings)}")
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
            **({"measures": {name: as_text(value) for name, value in e.measures.items()}}
               if e.measures else {}),
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
            unchanged = over and len(events) == len(facts_file.events) and all(
                known is recorded for known, recorded in zip(events, facts_file.events))
            files[index] = facts_file if unchanged else dataclasses.replace(
                facts_file, facts=facts, events=events)
        return FactsBook(self.folder, files, day)

    def for_period(self, index: int) -> FactsFile:
        if index not in self.files:
            have = ", ".join(str(n) for n in sorted(self.files)) or "无"
            raise UserError(f"没有第 {index} 期的事实文件", file=self.folder,
                            valid=f"写有 'period: {index}' 的 .yaml 文件（已有事实的期次：{have}）")
        return self.files[index]

    def events_through(self, index: int) -> list[RecordedEvent]:
        return [event for n in sorted(self.files) if n <= index for event in self.files[n].events]

    def rating(self, index: int) -> str | None:
        return self.files[index].facts.rating if index in self.files else None

    def origins(self) -> dict[str, dict[str, Any]]:
        """The origin of every imported event, by where it is written (``period-04.yaml:12``)."""
        return {recorded.source: recorded.event.origin.to_json()
                for facts_file in self.files.values() for recorded in facts_file.events
                if recorded.event.origin is not None}


def _load_file(path: Path, loaded: LoadedContract) -> FactsFile:
    contract = loaded.contract
    document = sourceyaml.load(path)
    if not isinstance(document, dict):
        raise UserError("事实文件须是含 contract、period、events 的 YAML 映射",
                        file=path, line=1)
    facts = validation.validate(PeriodFacts, document, path, validation_context(loaded))
    try:
        period = periods.facts_period(contract, facts.period)
    except UserError as outside:
        outside.file, outside.line = path, sourceyaml.line_of(document, ("period",))
        outside.valid = f"1..{contract.periods_in_term()}，或 after（合同期满之后）"
        raise
    recorded = []
    lines = getattr(document.get("events"), "lines", None) or []
    for index, event in enumerate(facts.events):
        line = lines[index]
        if not (period.contains(event.date) or _before_term(contract, period, event.date)):
            raise UserError(f"事件日期 {event.date} 不在第 {period.index} 期内"
                            f"（{period.start}..{period.end}）", file=path, line=line,
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
        raise UserError("找不到事实目录", file=folder, field="FACTS_DIR",
                        valid="每期一个 .yaml 文件的目录")
    files: dict[int, FactsFile] = {}
    problems: list[UserError] = []
    for path in sourceyaml.yaml_files(folder):
        try:
            with collector.paused():  # a busy month is a million acyclic objects
                facts_file = _load_file(path, loaded)
        except UserError as problem:  # every bad file is reported, not the first only
            problems.append(problem)
            continue
        index = facts_file.index
        if index in files:
            problems.append(UserError(f"第 {index} 期已由 {files[index].path.name} 给出",
                                      file=path, field="period", valid="每期一个事实文件"))
        files[index] = facts_file
    if problems:
        raise all_of(problems)
    book = FactsBook(folder, files)
    _check_repeats(book)
    _check_payments(book, loaded.tranche_amounts)
    return book


def _at(book: FactsBook, recorded: RecordedEvent, message: str, **hints: str) -> UserError:
    """An error at the file and line an event is written on."""
    file, _, line = recorded.source.rpartition(":")
    return UserError(message, file=book.folder / file, line=int(line), **hints)


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
            raise _at(book, recorded, f"同一事件记录了两次：{event.type} {event.ref} {event.date} "
                      f"已记录于 {seen[key]}，此处又记录一次", field="events",
                      valid="每个事件只记录一次（同类型、同编号、同日期）")
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
        if key in seen:
            raise _at(book, recorded, f"{event.date} 第 {event.tranche} 次付款 "
                      f"{money.grouped(event.amount)} 元已记录于 {seen[key]}", field="events",
                      valid="每笔付款只记录一次")
        seen[key] = recorded.source
        paid[event.tranche] = paid.get(event.tranche, Decimal("0")) + event.amount
        if paid[event.tranche] > tranches[event.tranche]:
            raise _at(book, recorded, f"第 {event.tranche} 次付款累计 "
                      f"{money.grouped(paid[event.tranche])} 元，超过该次应付的 "
                      f"{money.grouped(tranches[event.tranche])} 元", field="events.amount",
                      valid=f"第 {event.tranche} 次付款合计至多 {tranches[event.tranche]} 元")
