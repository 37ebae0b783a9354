"""Settlement statements: a contract month or a payment cycle, as the JSON finance staff sign.

Amounts are strings with two decimals. ``net`` = ``gross`` − ``deductions_total``
and may be negative; ``payable`` = max(net, 0), or 0 with the amount in
``withheld`` while a ``payment_suspension`` flag stands; ``owed_by_vendor`` =
max(−net, 0) (高米店 6.6).
"""
from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from typing import Any

from compliance.model import money
from compliance.engine.loading import LoadedContract
from compliance.engine.evaluation import evaluator_for, settle_period_outcome
from compliance.model.facts import PENALTY_CLAIM, FactsBook
from compliance.engine.kinds import deliverable_quota as quota_kind
from compliance.engine.outcome import Outcome
from compliance.model.periods import Cycle, Period
from compliance.model.periods import cycle as cycle_of
from compliance.model.periods import period as period_of
from compliance.engine.schedule import STATUS_LABELS, TrancheState, payment_schedule
from compliance.model.workdays import WorkCalendar

SCHEMA = "compliance.statement/2"
"""/2: each line, flag and check keeps its trace under ``trace_v1``, with its arithmetic steps."""
ZERO = Decimal("0")


def _fees(loaded: LoadedContract) -> list[dict[str, Any]]:
    return [{"clause": fee.clause, "label": fee.label, "amount": money.as_json(fee.monthly)}
            for fee in loaded.contract.fees]


def fingerprint(loaded: LoadedContract, book: FactsBook, last_period: int,
                 extra: dict[str, str] | None = None) -> dict[str, Any]:
    """sha256 of the contract and of every facts file the statement read."""
    files = {book.files[n].path.name: book.files[n].sha256 for n in sorted(book.files) if n <= last_period}
    digest = hashlib.sha256(loaded.digest.encode())
    for name, sha in {**files, **(extra or {})}.items():
        digest.update(f"\n{name}:{sha}".encode())
    return {"sha256": digest.hexdigest(), "contract_sha256": loaded.digest, "facts_sha256": files,
            **(extra or {})}


def totals(gross: Decimal, outcome: Outcome, paid: Decimal | None = None,
           netted_later: bool = False) -> dict[str, Any]:
    """The statement's sums. For a tranche (``paid`` given) what was already paid is taken off
    and what the buyer owes the vendor (late-payment interest) is shown beside it. A month of a
    contract paid in tranches (``netted_later``) owes nothing by itself: its deductions are
    netted against the next tranche (see the tranche statement)."""
    deductions = outcome.deductions()
    net = gross - deductions
    remaining = net - (paid or ZERO)
    suspended = any(flag.kind == "payment_suspension" for flag in outcome.flags)
    positive = max(remaining, ZERO)
    payable = ZERO if suspended else positive
    return {
        "gross": money.as_json(gross),
        "deductions_total": money.as_json(deductions),
        "net": money.as_json(net),
        **({"already_paid": money.as_json(paid)} if paid is not None else {}),
        "payable": money.as_json(payable),
        "withheld": money.as_json(positive - payable),
        "owed_by_vendor": money.as_json(ZERO if netted_later else max(-remaining, ZERO)),
        **({"netted_at_next_tranche": True} if netted_later else {}),
        **({"owed_by_buyer": money.as_json(outcome.owed_by_buyer())} if paid is not None else {}),
        "amount_in_words": money.in_words(payable),
    }


def header(loaded: LoadedContract) -> dict[str, Any]:
    contract = loaded.contract
    return {
        "schema": SCHEMA,
        "contract": contract.id,
        "contract_title": contract.title,
        "parties": {"buyer": contract.parties.buyer, "vendor": contract.parties.vendor},
    }


def _interpretations(loaded: LoadedContract, outcome: Outcome,
                     also: list[str] = ()) -> list[dict[str, str]]:
    """The recorded interpretation of every clause that produced a line, flag or condition."""
    cited = {item.clause for item in (*outcome.lines, *outcome.flags, *outcome.checks)} | set(also)
    return [{"clause": clause.id, "interpretation": clause.interpretation}
            for clause in loaded.contract.clauses if clause.id in cited and clause.interpretation]


def deliverable_progress(loaded: LoadedContract, book: FactsBook, period: Period) -> list[dict]:
    """Each deliverable quota at the end of ``period``: due so far, delivered, late, overdue
    (酒仙桥 2.2.1–2.2.11)."""
    events = book.events_through(period.index)
    return [quota_kind.progress(rule, events, period.end) for rule in loaded.rules
            if rule.kind == "deliverable_quota"]


def period_statement(loaded: LoadedContract, book: FactsBook, index: int) -> dict[str, Any]:
    """The statement of one contract month."""
    period = period_of(loaded.contract, index)
    outcome = settle_period_outcome(loaded, book, period)
    gross = loaded.contract.monthly_fee
    return {
        **header(loaded),
        "period": {**period.to_json(), "cycle": period.cycle},
        "rating": book.rating(index),
        "fees": _fees(loaded),
        "deductions": [line.to_json() for line in outcome.lines],
        **totals(gross, outcome, netted_later=not loaded.contract.fees),
        "flags": [flag.to_json() for flag in outcome.flags],
        "exposure_total": money.as_json(_exposure_total(outcome)),
        "deliverables": deliverable_progress(loaded, book, period),
        "counters": evaluator_for(loaded).standings(book, period, outcome),
        "interpretations": _interpretations(loaded, outcome),
        "fingerprint": fingerprint(loaded, book, index),
    }


def _exposure_total(outcome: Outcome) -> Decimal:
    """What the buyer may claim for the flags raised and has not claimed on this statement:
    each clause's penalty once, at the largest amount it grants for these facts."""
    claimed = {line.clause for line in outcome.lines if line.type == PENALTY_CLAIM}
    by_clause: dict[str, Decimal] = {}
    for flag in outcome.flags:
        if flag.amount is not None and flag.clause not in claimed:
            by_clause[flag.clause] = max(flag.amount, by_clause.get(flag.clause, ZERO))
    return sum(by_clause.values(), ZERO)


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
        **header(loaded),
        "cycle": cycle.to_json(),
        "fees": fees,
        "deductions": deductions,
        **totals(gross, combined),
        "flags": flags,
        "interpretations": _interpretations(loaded, combined),
        "fingerprint": fingerprint(loaded, book, cycle.periods[-1].index),
    }


def tranche_json(state: TrancheState) -> dict[str, Any]:
    """A tranche's amount, trigger, due date and status, as statements and schedules show it."""
    params = state.rule.params
    due = state.due
    return {
        "number": state.number, "label": state.label, "clause": state.rule.clause,
        "share": None if params.share is None else str(params.share),
        "amount": money.as_json(state.amount),
        "trigger": {"date": state.trigger.day.isoformat() if state.trigger.day else None,
                    "basis": list(state.trigger.basis), "awaiting": list(state.trigger.awaiting)},
        "due": None if due is None else {"date": due.day.isoformat(), "provisional": due.provisional,
                                         "note": due.note, "how": state.due_how},
        "status": state.status, "status_label": STATUS_LABELS[state.status],
        "payments": [{"date": p.event.date.isoformat(), "amount": money.as_json(p.event.amount),
                      "source": p.source} for p in state.payments],
        "paid": money.as_json(state.paid),
        "days_late": state.days_late, "working_days_late": state.working_days_late,
    }


def tranche_statement(loaded: LoadedContract, book: FactsBook, number: int, as_of: date,
                      calendar: WorkCalendar, calendar_digest: str | None = None) -> dict[str, Any]:
    """The statement of one payment tranche as of ``as_of``: its amount and due date, the
    conditions on paying it, the deductions it nets, and what each side owes."""
    schedule = payment_schedule(loaded, book, as_of, calendar)
    state = schedule.tranche(number)
    outcome = state.outcome
    vendor_lines = [line for line in outcome.lines if line.owed_by == "vendor"]
    buyer_lines = [line for line in outcome.lines if line.owed_by == "buyer"]
    extra = {"as_of": as_of.isoformat(), **({"calendar_sha256": calendar_digest}
                                             if calendar_digest else {})}
    return {
        **header(loaded),
        "as_of": as_of.isoformat(),
        "tranche": tranche_json(state),
        "fees": [{"clause": state.rule.clause, "label": _tranche_label(state),
                  "amount": money.as_json(state.amount)}],
        "acceptance": [m.to_json() for m in schedule.milestones.values()],
        "termination": [t.to_json() for t in schedule.terminations],
        "checks": [check.to_json() for check in outcome.checks],
        "deductions": [{"arose": line.trace.arose(), **line.to_json()} for line in vendor_lines],
        "owed_by_buyer_lines": [line.to_json() for line in buyer_lines],
        **totals(state.amount, outcome, state.paid),
        "flags": [{"arose": flag.trace.arose(), **flag.to_json()} for flag in outcome.flags],
        "interpretations": _interpretations(loaded, outcome, [
            state.rule.clause, *(m.clause for m in schedule.milestones.values()),
            *(t.rule.clause for t in schedule.terminations)]),
        "fingerprint": fingerprint(loaded, book, max(book.files, default=0), extra),
    }


def _tranche_label(state: TrancheState) -> str:
    share = state.rule.params.share
    return f"{state.label}" + (f"：合同总价款 {money.percent(share)}" if share is not None else "")
