"""What every clause kind shares: the compiled rule, the counters it asks for, the durable-rules
conditions it matches, and helpers to build lines and flags with their traces."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from pydantic import BaseModel

from compliance.model import money
from compliance.model.arithmetic import Step, product, share
from compliance.model.contract import exposure_step
from compliance.model.fieldtypes import FlagSpec
from compliance.model.measures import as_text
from compliance.engine.outcome import Check, Flag, Line, Trace
from compliance.engine.kinds import registry

SCOPE_LABEL = {"period": "当月", "quarter": "本季度", "cycle": "本支付周期", "term": "合同期内",
               "rolling": "最近若干个月内"}


def scope_of(params: Any) -> str:
    """The span a rule counts over, as the tally names it: ``rolling-12`` for 最近 12 个月."""
    scope = getattr(params, "scope", "period")
    return f"rolling-{params.months}" if scope == "rolling" else scope


def scope_label(params: Any) -> str:
    """当月, 本季度, 本支付周期, 合同期内, 最近 12 个月内."""
    scope = getattr(params, "scope", "period")
    return f"最近 {params.months} 个月内" if scope == "rolling" else SCOPE_LABEL[scope]


def check_window(params: Any) -> str | None:
    """A rolling scope names its months; no other scope does."""
    if (getattr(params, "scope", None) == "rolling") != (getattr(params, "months", None) is not None):
        return "scope 为 rolling（最近 N 个月）时须写 months，其他计数范围不写 months"
    return None



class Terms(Protocol):
    """What a rule needs to know of its contract."""

    def base_amount(self, base: str) -> Decimal: ...
    def base_label(self, base: str) -> str: ...
    def formula_values(self) -> dict[str, Decimal]: ...
    def event_label(self, event_type: str) -> str: ...
    def event_unit(self, event_type: str) -> str: ...
    def exposures_of(self, clause: str) -> list[Decimal]: ...


@dataclass(frozen=True)
class CounterSpec:
    """Occurrences of some event types that the engine counts for one rule, per scope."""

    name: str
    event_types: tuple[str, ...]


@dataclass(frozen=True)
class Rule:
    """One clause kind instantiated on one clause: ``4.6.4#1`` is the first rule of 4.6.4."""

    id: str
    clause: str
    kind: str
    params: BaseModel
    terms: Terms

    @property
    def title(self) -> str:
        """The kind's Chinese title, from ``rules/<kind>.yaml``: 按次扣款."""
        return registry()[self.kind].spec.title

    def param_json(self) -> dict[str, Any]:
        return self.params.model_dump(mode="json")

    def trace(self, facts: list[dict[str, Any]], arithmetic: str,
              steps: tuple[Step, ...] = ()) -> Trace:
        return Trace(self.clause, self.id, self.kind, self.param_json(), facts, arithmetic, steps)

    def line(self, *, type: str, quantity, unit_amount: Decimal, amount: Decimal,
             refs: list[str], explanation: str, facts: list[dict[str, Any]],
             owed_by: str = "vendor", tranche: int | None = None,
             clause: str | None = None, steps: list[Step] | None = None) -> Line:
        """A statement line under this rule's clause, or under ``clause`` when the rule
        executes another clause's penalty (a claim under 6.7 deducted by 6.9).

        ``steps`` is the arithmetic that reached ``amount``; without it the line is
        quantity × unit. The last step must give the amount: a kind whose trace would
        not replay to its own line is a bug, refused here."""
        steps = steps or [product("金额", quantity, unit_amount)]
        if steps[-1].value != amount:
            raise ValueError(f"rule {self.id}: the trace's last step gives {steps[-1].value}, "
                             f"but the line says {amount}")
        return Line(clause or self.clause, type, quantity, unit_amount, amount, refs, explanation,
                    self.trace(facts, explanation, tuple(steps)), owed_by, tranche)

    def event_line(self, event: dict[str, Any], *, quantity, unit_amount: Decimal,
                   amount: Decimal, explanation: str, type: str | None = None,
                   steps: list[Step] | None = None, owed_by: str = "vendor") -> Line:
        """A line produced by one event: its ref and its trace come from the event."""
        return self.line(type=type or event["type"], quantity=quantity, unit_amount=unit_amount,
                         amount=amount, refs=[event["ref"]] if event.get("ref") else [],
                         explanation=explanation, facts=[event_trace(event)], steps=steps,
                         owed_by=owed_by)

    def share_of_base(self, what: str) -> tuple[Decimal, Step]:
        """For kinds with ``rate`` and ``base``: the base amount and the step fen(rate × base)."""
        base = self.terms.base_amount(self.params.base)
        return base, share(what, self.terms.base_label(self.params.base), base, self.params.rate)

    def flags(self, specs: list[FlagSpec], reason: str, facts: list[dict[str, Any]],
              tranche: int | None = None) -> list[Flag]:
        return [self._flag(spec, reason, facts, tranche) for spec in specs]

    def _flag(self, spec: FlagSpec, reason: str, facts: list[dict[str, Any]],
              tranche: int | None) -> Flag:
        """A flag in the words of the contract, under the clause that grants it (its own
        ``clause`` when another clause than the rule's does: 逾期超过 30 日的解除权 of 5.3, raised
        by the per-block rule of 5.1); an exposure says what the buyer may claim."""
        if spec.kind != "penalty_exposure":
            return Flag(spec.clause or self.clause, spec.kind, f"{reason}：{spec.consequence}",
                        self.trace(facts, reason), tranche)
        step = exposure_step(spec, self.terms)
        arithmetic = f"{step.how} = {money.grouped(step.value)} 元"
        message = f"{reason}：{spec.consequence}（{arithmetic}；甲方主张后方扣除）"
        return Flag(spec.clause or self.clause, spec.kind, message,
                    self.trace(facts, f"{reason}；{arithmetic}", (step,)), tranche, step.value,
                    reason)


def counter_fact(rule: Rule, name: str, *tests: dict[str, Any]) -> dict[str, Any]:
    """A durable-rules condition on the counter the engine asserted for ``rule``."""
    return {"$and": [{"t": "counter"}, {"rule": rule.id}, {"name": name}, *tests]}


def current_event(event_types: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """A durable-rules condition on one event of the period being settled."""
    return {"$and": [{"t": "event"}, {"current": 1}, of_types(event_types)]}


TRACE_KEYS = ("type", "date", "count", "days", "amount", "staff", "deliverable", "clause", "ref",
              "measures", "source")


def event_trace(event: dict[str, Any]) -> dict[str, Any]:
    """The part of an event fact that a trace keeps: what, when, how many, where written."""
    return {key: event[key] for key in TRACE_KEYS if event.get(key) is not None}


def recorded_trace(recorded) -> dict[str, Any]:
    """``event_trace(recorded.as_fact(n))`` for a ``RecordedEvent``, read straight from the event
    without building its whole fact (a counter's trace lists every event it counted: 10,000 in
    a busy month). The same keys, values and order (a test holds the two together)."""
    fields = recorded.event.__dict__  # a pydantic model's field values
    trace: dict[str, Any] = {"type": fields["type"], "date": fields["date"].isoformat(),
                             "count": fields["count"]}
    if fields["days"] is not None:
        trace["days"] = fields["days"]
    if fields["amount"] is not None:
        trace["amount"] = f"{fields['amount']:.2f}"
    for key in _PLAIN_KEYS:
        if fields[key] is not None:
            trace[key] = fields[key]
    if fields["measures"]:
        trace["measures"] = {name: as_text(value) for name, value in fields["measures"].items()}
    if recorded.source is not None:
        trace["source"] = recorded.source
    return trace


_PLAIN_KEYS = ("staff", "deliverable", "clause", "ref")


def amount_of(event: dict[str, Any]) -> Decimal:
    return money.from_fen_int(event["amount_fen"])


def of_types(event_types: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """A durable-rules test that a fact's type is one of ``event_types``."""
    if len(event_types) == 1:
        return {"type": event_types[0]}
    return {"$or": [{"type": name} for name in event_types]}


def tranche_fact(fact: str, *tests: dict[str, Any]) -> dict[str, Any]:
    """A durable-rules condition on a tranche fact (``tranche``, ``late`` …) of the term."""
    return {"$and": [{"t": fact}, *tests]}


def event_of_tranche(event_types: list[str] | tuple[str, ...], alias: str,
                     *tests: dict[str, Any]) -> dict[str, Any]:
    """An event of the given types that names the tranche bound to ``alias``."""
    return {"$and": [{"t": "event"}, of_types(event_types), {"tranche": {alias: "number"}}, *tests]}


def check(rule: Rule, tranche: dict[str, Any], met: bool, message: str,
          facts: list[dict[str, Any]], status: str = "", postpones_to=None) -> Check:
    return Check(rule.clause, tranche["number"], met, message, rule.trace(facts, message),
                 status, postpones_to)


def tranche_trace(tranche: dict[str, Any]) -> dict[str, Any]:
    keys = ("number", "label", "due", "amount", "paid", "until", "days_late", "working_days_late")
    return {"tranche": {key: tranche[key] for key in keys if tranche.get(key) is not None}}
