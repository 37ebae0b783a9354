"""The contract schema: a signed contract encoded once, clause by clause.

Every article and sub-clause appears with its own number and its verbatim text,
and either the rules (clause kinds with parameters) that execute it, the part of
the contract's structure that executes it (term, fees, payment cycle), or a
reason it moves no money.
"""
from __future__ import annotations

import hashlib
import re
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator

from . import kinds, sourceyaml, validation
from .errors import UserError
from .fieldtypes import Effect, FlagSpec, Money, Strict
from .kinds import tranche as tranche_kind
from .kinds.base import Rule, exposure_step
from .numbering import CLAUSE_ID
from .paths import CONTRACTS_DIR
from .periods import month_boundary
from .quote import QuoteTable
from .renewal import Renewal, RenewalLimits, check_renewals


class Parties(Strict):
    buyer: str = Field(description="甲方")
    vendor: str = Field(description="乙方")


class Term(Strict):
    """服务期限: the first and last day of service, inclusive."""

    start: date
    end: date
    clause: str

    @model_validator(mode="after")
    def _ordered(self) -> "Term":
        if self.end <= self.start:
            raise ValueError(f"term end {self.end} must be after its start {self.start}")
        return self


class TotalPrice(Strict):
    amount: Money
    clause: str


class FeeLine(Strict):
    """A fixed monthly fee, e.g. 热线 222,000/月."""

    id: str
    label: str
    monthly: Money
    clause: str


class Payment(Strict):
    """The payment cycle: every ``cycle_months`` contract months are paid together."""

    cycle_months: int = Field(ge=1, le=12)
    clause: str


EventField = Literal["days", "amount", "tranche", "deliverable", "staff", "clause"]


class EventType(Strict):
    """A kind of fact the contract's rules consume, with its Chinese label and the fields
    an event of this type must (``requires``) or may (``optional``) carry."""

    label: str
    unit: str = "次"
    requires: list[EventField] = []
    optional: list[EventField] = []


class Deliverable(Strict):
    """A 服务成果 the vendor submits (a report, a training session), priced by lines of the
    quote table where the contract has one."""

    id: str
    label: str
    quote_lines: list[str] = []
    clause: str


class RuleSpec(Strict):
    kind: str
    params: dict[str, Any]


class Clause(Strict):
    """One article or sub-clause in the contract's own numbering, with its original text."""

    id: str = Field(pattern=CLAUSE_ID)
    title: str
    text: str
    effect: Effect
    rules: list[RuleSpec] = []
    executed_by: Literal["term", "fees", "total_price", "payment", "quote", "deliverables",
                         "renewal_limits"] | None = None
    reason: str | None = None
    interpretation: str | None = None

    @model_validator(mode="after")
    def _accounted_for(self) -> "Clause":
        moves = self.effect in ("money", "date", "right")
        if moves and not (self.rules or self.executed_by or self.reason):
            raise ValueError(
                f"clause {self.id} has effect {self.effect}: give its rules, executed_by, "
                "or a reason why the settlement does not execute it"
            )
        if not moves and self.rules:
            raise ValueError(f"clause {self.id} has effect {self.effect} but has rules")
        if not moves and not self.reason:
            raise ValueError(f"clause {self.id} ({self.effect}) needs a reason it moves no money")
        return self


class Contract(Strict):
    """A whole contract: parties, term, price, fees, payment cycle, event types and clauses."""

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    title: str
    short_name: str = Field(description="how its users call the contract: 高米店, 规自委朝阳")
    seed: str
    parties: Parties
    signed: date
    term: Term
    total_price: TotalPrice
    fees: list[FeeLine] = []
    payment: Payment | None = None
    quote: QuoteTable | None = None
    deliverables: list[Deliverable] = []
    renewal_limits: RenewalLimits | None = None
    renewals: list[Renewal] = []
    ratings: list[str] = []
    event_types: dict[str, EventType]
    clauses: list[Clause]

    @model_validator(mode="after")
    def _references(self) -> "Contract":
        ids = [clause.id for clause in self.clauses]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"clause ids appear more than once: {', '.join(duplicates)}")
        for where, clause in (("term", self.term.clause), ("total_price", self.total_price.clause),
                              *self._structure_clauses()):
            if clause not in ids:
                raise ValueError(f"{where} cites clause {clause}, which is not among the clauses")
        if self.periods_in_term() is None:
            raise ValueError(
                f"term {self.term.start}..{self.term.end} is not a whole number of contract months"
            )
        if self.quote is not None and self.quote.total != self.total_price.amount:
            raise ValueError(f"quote total {self.quote.total} differs from total_price "
                             f"{self.total_price.amount}")
        self._check_deliverables()
        check_renewals(self.renewal_limits, self.renewals, self.term, self.total_price.amount)
        return self

    def _structure_clauses(self):
        """(where, clause) for every part of the structure that cites a clause."""
        yield from (("fees", fee.clause) for fee in self.fees)
        yield from (("deliverables", d.clause) for d in self.deliverables)
        for where, part in (("payment", self.payment), ("quote", self.quote),
                            ("renewal_limits", self.renewal_limits)):
            if part is not None:
                yield where, part.clause

    def _check_deliverables(self) -> None:
        known = self.quote.line_ids() if self.quote else []
        for deliverable in self.deliverables:
            unknown = [line for line in deliverable.quote_lines if line not in known]
            if unknown:
                raise ValueError(f"deliverable {deliverable.id} names quote lines {unknown} that "
                                 f"the quote table does not have (lines: {', '.join(known)})")

    # --- what rules and statements ask of the contract -------------------------------------

    @property
    def monthly_fee(self) -> Decimal:
        """当月服务费: the sum of the monthly fee lines."""
        return sum((fee.monthly for fee in self.fees), Decimal("0"))

    @property
    def cycle_months(self) -> int:
        """Months per payment cycle; a contract paid in tranches is one cycle for the term."""
        return self.payment.cycle_months if self.payment else self.periods_in_term()  # type: ignore[return-value]

    def deliverable(self, deliverable_id: str) -> Deliverable:
        return next(d for d in self.deliverables if d.id == deliverable_id)

    def deliverable_amount(self, deliverable_id: str) -> Decimal:
        """The price of a deliverable: the sum of its quote-table lines."""
        lines = self.quote.lines_by_id() if self.quote else {}
        return sum((lines[i].amount for i in self.deliverable(deliverable_id).quote_lines),
                   Decimal("0"))

    def exposures(self) -> dict[str, list[Decimal]]:
        """The penalties the buyer may claim, by the clause that grants them (酒仙桥 6.7: 30%),
        from every rule's ``penalty_exposure`` flags."""
        found: dict[str, list[Decimal]] = {}
        for clause in self.clauses:
            for spec in clause.rules:
                for raw in spec.params.get("flags") or []:
                    flag = FlagSpec.model_validate(raw)
                    if flag.kind == "penalty_exposure":
                        amounts = found.setdefault(flag.clause or clause.id, [])
                        amount = exposure_step(flag, self).value
                        amounts += [] if amount in amounts else [amount]
        return found

    def exposures_of(self, clause_id: str) -> list[Decimal]:
        return self.exposures().get(clause_id, [])

    def base_amount(self, base: str) -> Decimal:
        return {"total_price": self.total_price.amount, "monthly_fee": self.monthly_fee}[base]

    def event_label(self, event_type: str) -> str:
        return self.event_types[event_type].label

    def event_unit(self, event_type: str) -> str:
        return self.event_types[event_type].unit

    def clause(self, clause_id: str) -> Clause:
        return next(clause for clause in self.clauses if clause.id == clause_id)

    def periods_in_term(self) -> int | None:
        """How many contract months the term holds, or None if it does not end on a month's eve."""
        for months in range(1, 121):
            end = month_boundary(self.term.start, months) - timedelta(days=1)
            if end == self.term.end:
                return months
            if end > self.term.end:
                return None
        return None


class LoadedContract:
    """A validated contract with its compiled rules and the fingerprint of its source."""

    def __init__(self, contract: Contract, rules: list[Rule], path: Path, digest: str) -> None:
        self.contract = contract
        self.rules = rules
        self.path = path
        self.digest = digest

    @cached_property
    def period_count(self) -> int:
        return self.contract.periods_in_term()  # type: ignore[return-value]

    @cached_property
    def tranches(self) -> list[Rule]:
        """The payment tranches (第一次付款 …), by number."""
        return sorted((rule for rule in self.rules if rule.kind == "tranche"),
                      key=lambda rule: rule.params.number)

    @cached_property
    def termination_grounds(self) -> dict[str, list[str]]:
        """The clauses a termination fact may be made under, by its event type."""
        grounds: dict[str, list[str]] = {}
        for rule in self.rules:
            if rule.kind == "termination_settlement":
                grounds.setdefault(rule.params.event_type, []).append(rule.clause)
        return grounds

    @cached_property
    def tranche_amounts(self) -> dict[int, Decimal]:
        return {rule.params.number: tranche_kind.amount(rule) for rule in self.tranches}



def _compile_rules(contract: Contract, document: Any, path: Path) -> list[Rule]:
    registry = kinds.registry()
    context = {"event_types": list(contract.event_types), "ratings": contract.ratings,
               "deliverables": [d.id for d in contract.deliverables]}
    rules = []
    for c_index, clause in enumerate(contract.clauses):
        for r_index, spec in enumerate(clause.rules):
            at = ("clauses", c_index, "rules", r_index)
            kind = registry.get(spec.kind)
            if kind is None:
                raise UserError(f"unknown clause kind {spec.kind!r}", file=path,
                                line=sourceyaml.line_of(document, at + ("kind",)),
                                field=f"clauses[{c_index}].rules[{r_index}].kind",
                                valid=", ".join(sorted(registry)))
            params = validation.validate(kind.params_model, spec.params, path, context,
                                         at=at + ("params",), root=document)
            rule = Rule(f"{clause.id}#{r_index + 1}", clause.id, spec.kind, params, contract)
            problem = (getattr(kind.module, "validate_rule", lambda r: None)(rule)
                       or _unknown_flag_clause(rule, contract))
            if problem:
                raise UserError(problem, file=path, line=sourceyaml.line_of(document, at),
                                field=f"clauses[{c_index}].rules[{r_index}].params")
            rules.append(rule)
    return rules


def _unknown_flag_clause(rule: Rule, contract: Contract) -> str | None:
    ids = {clause.id for clause in contract.clauses}
    for spec in getattr(rule.params, "flags", None) or []:
        if spec.clause is not None and spec.clause not in ids:
            return f"a flag of rule {rule.id} cites clause {spec.clause}, which is not among the clauses"
    return None


def _check_event_requirements(contract: Contract, rules: list[Rule], path: Path) -> None:
    """Rule kinds that read days, amounts or clauses need event types that require them."""
    needs = {"per_day_rate": "days", "advance_surcharge": "amount", "claimed_amount": "amount",
             "amount_threshold": "amount", "absence_deduction": "days", "penalty_claim": "clause"}
    for rule in rules:
        field = needs.get(rule.kind)
        if field is None:
            continue
        names = getattr(rule.params, "event_types", None) or [rule.params.event_type]
        for name in names:
            if field not in contract.event_types[name].requires:
                raise UserError(f"rule {rule.id} ({rule.kind}) reads {field!r} from {name}; "
                                f"declare requires: [{field}] on that event type", file=path)


def load_contract(path: Path) -> LoadedContract:
    """Load, validate and compile one contract YAML file."""
    document = sourceyaml.load(path)
    if not isinstance(document, dict):
        raise UserError("a contract file must be a YAML mapping", file=path, line=1)
    contract = validation.validate(Contract, document, path)
    rules = _compile_rules(contract, document, path)
    _check_event_requirements(contract, rules, path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return LoadedContract(contract, rules, path, digest)




def resolve_contract_path(argument: str, contracts_dir: Path = CONTRACTS_DIR) -> Path:
    """A contract named by path, or by id (``gaomidian-2025``) under the repository's ``contracts/``."""
    candidate = Path(argument)
    if candidate.is_file():
        return candidate
    by_id = contracts_dir / f"{argument}.yaml"
    if re.fullmatch(r"[a-z0-9-]+", argument) and by_id.is_file():
        return by_id
    known = sorted(p.stem for p in contracts_dir.glob("*.yaml")) if contracts_dir.is_dir() else []
    raise UserError(f"no contract file {argument!r}", field="CONTRACT",
                    valid="a contract YAML path" + (f" or one of: {', '.join(known)}" if known else ""))
