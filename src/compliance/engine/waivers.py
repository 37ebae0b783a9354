"""A claim waived or withdrawn: the buyer gives up (放弃) or withdraws (撤回) what it charged
under a clause, in whole or for an amount, for a reason it records (``claim_waived``: clause,
optional ``amount`` and ``ref``, the reason in ``note``).

The waiver is a credit line under the same clause, in the month it is recorded, dated the
day it was made: statements as of an earlier day do not show it; later ones net it like any
other line. It gives back at most what is still charged under the clause (with the ``ref``,
if named) by that day: the vendor's lines of every earlier month and of this one up to the
waiver, less what earlier waivers gave back. Nothing is given back twice.

It answers deductions and penalties the buyer charged; late-payment interest the buyer owes
is not a claim the buyer can waive.
"""
from __future__ import annotations

from decimal import Decimal

from compliance.engine.kinds.base import event_trace
from compliance.engine.outcome import Line, Trace
from compliance.model import money
from compliance.model.arithmetic import Step
from compliance.model.facts import CLAIM_WAIVED, RecordedEvent

ZERO = Decimal("0")
KIND = CLAIM_WAIVED
TITLE = "甲方放弃或撤回主张"


def waivers_in(events: list[RecordedEvent], period: int) -> list[RecordedEvent]:
    """The waivers recorded in contract month ``period``, in the order they were made."""
    return sorted((e for e in events if e.event.type == CLAIM_WAIVED and e.period == period),
                  key=lambda e: (e.event.date, e.source))


def waiver_lines(waivers: list[RecordedEvent], earlier: list[Line], current: list[Line],
                 period: int) -> list[Line]:
    """One credit line per waiver, given the lines of earlier months and of this month. Each
    waiver reads only the lines of its clause (indexed once, in their order), so many waivers
    over many lines stay linear."""
    if not waivers:
        return []
    before, now = _by_clause(earlier), _by_clause(current)
    made: list[Line] = []
    for waiver in waivers:
        clause = waiver.event.clause
        charged = (_charged(waiver, before.get(clause, []))
                   + _charged(waiver, now.get(clause, []), waiver.event.date.isoformat()))
        line = _line(waiver, charged, period)
        made.append(line)
        before.setdefault(line.clause, []).append(line)
    return made


def _by_clause(lines: list[Line]) -> dict[str, list[Line]]:
    grouped: dict[str, list[Line]] = {}
    for line in lines:
        grouped.setdefault(line.clause, []).append(line)
    return grouped


def _charged(waiver: RecordedEvent, lines: list[Line], by: str | None = None) -> Decimal:
    """What the vendor's ``lines`` under the waiver's clause (and ref) still charge."""
    event = waiver.event
    return sum((_share(line, event.ref) for line in lines
                if line.owed_by == "vendor" and line.clause == event.clause
                and (event.ref is None or event.ref in line.refs)
                and (by is None or (line.trace.arose() or "") <= by)), ZERO)


def _share(line: Line, ref: str | None) -> Decimal:
    """What a line charges for ``ref``: one unit where the line counts one per ref (4.6.1: 2
    件 × 5,000.00 for two work orders), else the whole line."""
    if ref is None or line.type == KIND or len(line.refs) != line.quantity:
        return line.amount
    return line.unit_amount


def _line(waiver: RecordedEvent, charged: Decimal, period: int) -> Line:
    event = waiver.event
    asked = event.amount if event.amount is not None else charged
    given = max(min(asked, charged), ZERO)
    what = f"第 {event.clause} 条" + (f"（{event.ref}）" if event.ref else "")
    explanation = (f"甲方于 {event.date} 放弃或撤回{what}的主张 {money.grouped(given)} 元"
                   f"（理由：{event.note}）")
    if asked > given:
        explanation += f"；记录 {money.grouped(asked)} 元，超过尚在主张的 {money.grouped(charged)} 元，按后者计"
    step = Step("放弃或撤回", f"min(记录 {money.grouped(asked)}, 尚在主张 {money.grouped(charged)}) × −1",
                -given, -given)
    trace = Trace(event.clause or "", KIND, KIND, {"clause": event.clause, "ref": event.ref},
                  [{**event_trace(waiver.as_fact(period)), "note": event.note}], explanation, (step,))
    return Line(event.clause or "", KIND, 1, -given, -given, [event.ref] if event.ref else [],
                explanation, trace)
