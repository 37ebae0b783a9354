"""The payment schedule: every tranche with its amount, due date, payments and status.

For each tranche (分期付款 clause) this works out, as of a date of judgement:

* its trigger and due date, on the working-day calendar (provisional where the
  State Council has not yet published the year's 调休);
* the payments recorded against it, and its status: 未到期 (not yet due), 应付 (due),
  已付 (paid), 逾期支付 (paid late), 逾期未付 (overdue);
* what the term-wide rules say of it (payment conditions, late-payment interest,
  rights), judged in durable-rules;
* the deductions it nets: each deduction or flag of the monthly settlements goes to
  the tranche that takes its clause (维修费用从质保金中扣除), else to the first tranche not
  yet paid when it arose (penalties are deducted from the next amount payable), the last
  tranche taking whatever is left; a tranche its deductions exceed is judged by the
  netting rules as any payment is (不足抵扣的乙方补足).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from compliance.model import money
from compliance.engine.loading import LoadedContract
from compliance.errors import UserError
from compliance.engine.evaluation import (evaluator_for, in_reading_order, remembering,
                                          settle_period_outcome)
from compliance.model.facts import PAYMENT, FactsBook, RecordedEvent
from compliance.engine.kinds import registry
from compliance.engine.kinds import termination_settlement as termination_kind
from compliance.engine.kinds import tranche as tranche_kind
from compliance.engine.kinds.base import Rule
from compliance.engine.outcome import Outcome
from compliance.model.periods import span
from compliance.engine.term import Milestone, TermView
from compliance.model.workdays import Deadline, WorkCalendar

STATUS_LABELS = {"not_yet_due": "未到期", "due": "应付", "paid": "已付", "paid_late": "逾期支付",
                 "overdue": "逾期未付", "suspended": "暂缓支付（付款条件未满足）",
                 "withheld": "暂停支付", "vendor_owes": "乙方应补足",
                 "deducted": "已由扣款抵足", "terminated": "合同已解除，按解除结算"}
PAID_IN_FULL = ("paid", "paid_late", "deducted")


@dataclass
class TrancheState:
    """One tranche as of the date of judgement."""

    rule: Rule
    amount: Decimal
    trigger: tranche_kind.Trigger
    due: Deadline | None
    due_how: str | None
    payments: list[RecordedEvent]
    outcome: Outcome = field(default_factory=Outcome)
    status: str = "not_yet_due"
    settled_on: date | None = None
    until: date | None = None
    days_late: int = 0
    working_days_late: int = 0

    @property
    def number(self) -> int:
        return self.rule.params.number

    @property
    def label(self) -> str:
        return self.rule.params.label

    @property
    def basis(self) -> str | None:
        """What the amount is (合同总价款 50%; an instalment's principal and interest), as the
        tranche's kind says."""
        return registry()[self.rule.kind].module.basis(self.rule)

    @property
    def paid(self) -> Decimal:
        return sum((p.event.amount for p in self.payments), Decimal("0"))

    @property
    def net(self) -> Decimal:
        return self.amount - self.outcome.deductions()

    def fact(self) -> dict:
        """The tranche as the durable-rules fact the term rules match."""
        assert self.due is not None and self.until is not None
        return {"number": self.number, "label": self.label, "clause": self.rule.clause,
                "due": self.due.day.isoformat(), "due_ordinal": self.due.day.toordinal(),
                "amount": money.as_json(self.amount), "paid": money.as_json(self.paid),
                "payable_fen": money.to_fen_int(max(self.net, Decimal("0"))),
                "until": self.until.isoformat(),
                "days_late": self.days_late, "working_days_late": self.working_days_late}


@dataclass
class Schedule:
    as_of: date
    tranches: list[TrancheState]
    milestones: dict[str, Milestone]
    terminations: list[termination_kind.Settlement] = field(default_factory=list)

    def tranche(self, number: int) -> TrancheState:
        for state in self.tranches:
            if state.number == number:
                return state
        numbers = ", ".join(str(s.number) for s in self.tranches) or "none: it is paid by cycle"
        raise UserError(f"合同没有第 {number} 次付款", field="--tranche", valid=numbers)


def payment_schedule(loaded: LoadedContract, book: FactsBook, as_of: date,
                     calendar: WorkCalendar) -> Schedule:
    """Every tranche of the contract as of ``as_of``: only what was recorded by the end of that
    (Beijing) day counts."""
    with remembering():
        return _payment_schedule(loaded, book, as_of, calendar)


def _payment_schedule(loaded: LoadedContract, book: FactsBook, as_of: date,
                      calendar: WorkCalendar) -> Schedule:
    contract = loaded.contract
    book = book.as_of(as_of, contract)
    events = book.events_through(max(book.files, default=0))
    view = TermView(contract, events, calendar, as_of)
    view.milestones = _milestones(loaded, view)
    states = [_dated(rule, view) for rule in loaded.tranches]
    _allocate(_monthly_outcomes(loaded, book, as_of), states)
    for state in states:
        _judge_status(state, as_of, calendar)
    view.payable = {state.number: max(state.net, Decimal("0")) for state in states}
    evaluator = evaluator_for(loaded)
    dated = [state for state in states if state.due is not None]

    def late_facts(conditions: Outcome) -> list[dict]:
        """Postpone the due dates that a late condition moved, then the late tranches."""
        _postpone(conditions, states, as_of, calendar)
        return [dict(state.fact(), t="late") for state in dated if state.days_late > 0]

    judged = [e.as_fact(0) for e in events if evaluator.wants_event(e.event.type)]
    term = evaluator.judge_term(judged, as_of, [state.fact() for state in dated],
                                evaluator.term_facts(view), late_facts)
    _allocate(term, states)
    for state in states:
        state.outcome.extend(evaluator.judge_balance(state.amount, state.outcome.deductions()))
    shared = loaded.termination_grounds
    lines = [line for state in states for line in state.outcome.lines]
    terminations = [termination_kind.settlement(
                        rule, view, lines=lines, shared=len(shared[rule.params.event_type]) > 1,
                        claimed_on=termination_kind.penalty_claimed_on(lines, rule.clause))
                    for rule in loaded.rules if rule.kind == "termination_settlement"]
    recorded = [t for t in terminations if t is not None]
    _superseded(states, recorded)
    return Schedule(as_of, states, view.milestones, recorded)


def _superseded(states: list[TrancheState], terminations: list) -> None:
    """Once the contract is terminated, a tranche not yet paid is no longer paid by itself:
    the termination's settlement (earned by days, less what was paid) takes its place."""
    if not terminations:
        return
    for state in states:
        if state.status not in PAID_IN_FULL:
            state.status = "terminated"


def _postpone(conditions: Outcome, states: list[TrancheState], as_of: date,
              calendar: WorkCalendar) -> None:
    """A payment condition met late moves its tranche's due date (羊坊店 3.4, 城北 四(六));
    one not met while the deadline has passed leaves the tranche suspended, not overdue."""
    by_number = {state.number: state for state in states}
    for check in conditions.checks:
        state = by_number[check.tranche]
        if check.postpones_to is not None and state.due is not None and check.postpones_to > state.due.day:
            state.due = Deadline(check.postpones_to, state.due.provisional)
            state.due_how = f"{state.due_how}；{check.message}"
            _judge_status(state, as_of, calendar)
        if check.state == "missing" and state.status in ("due", "overdue"):
            state.status = "suspended"


def _milestones(loaded: LoadedContract, view: TermView) -> dict[str, Milestone]:
    found: dict[str, Milestone] = {}
    for rule in loaded.rules:
        derive = getattr(registry()[rule.kind].module, "milestones", None)
        if derive is not None:
            found.update(derive(rule, view))
    return found


def _dated(rule: Rule, view: TermView) -> TrancheState:
    trigger = tranche_kind.trigger(rule, view)
    due, how = (tranche_kind.due(rule, trigger, view.calendar) if trigger.day
                else (None, None))
    payments = [e for e in view.of_type(PAYMENT) if e.event.tranche == rule.params.number]
    return TrancheState(rule, tranche_kind.amount(rule), trigger, due, how, payments)


def _monthly_outcomes(loaded: LoadedContract, book: FactsBook, as_of: date) -> Outcome:
    """The deductions and flags of every contract month begun by ``as_of``, each as far as it
    has run (``book`` holds only what was recorded by then)."""
    combined = Outcome()
    for index in sorted(book.files):
        period = span(loaded.contract, index)
        if period.start <= as_of:
            combined.extend(settle_period_outcome(loaded, book, period))
    return combined


def _allocate(outcome: Outcome, states: list[TrancheState]) -> None:
    """Give each line, flag and check to its tranche: the one it names, else the one that takes
    its clause (质保金), else the first tranche not yet paid when it arose, else the last."""
    if not states:
        return
    by_number = {state.number: state for state in states}

    def owner(item) -> TrancheState:
        if getattr(item, "tranche", None) is not None:
            return by_number[item.tranche]
        taker = next((s for s in states if tranche_kind.takes(s.rule, item.clause)), None)
        if taker is not None:
            return taker
        arose = item.trace.arose() or ""
        for state in states:
            first = min((p.event.date.isoformat() for p in state.payments), default=None)
            if first is None or first >= arose:
                return state
        return states[-1]

    for line in outcome.lines:
        owner(line).outcome.lines.append(line)
    for flag in outcome.flags:
        owner(flag).outcome.flags.append(flag)
    for check in outcome.checks:
        by_number[check.tranche].outcome.checks.append(check)
    for state in states:
        in_reading_order(state.outcome)


def _judge_status(state: TrancheState, as_of: date, calendar: WorkCalendar) -> None:
    """Paid in full (on time or late), overdue, due, or not yet due, and the days late. A
    tranche its deductions used up, unpaid, asks nothing of the buyer and is never late: the
    vendor owes what they exceed (质保金 less repair costs beyond it), or, to the fen, once it
    is triggered it is settled by them."""
    if state.net <= 0 and not state.payments:
        state.until, state.days_late, state.working_days_late = as_of, 0, 0
        triggered = state.trigger.day is not None and as_of >= state.trigger.day
        state.status = ("vendor_owes" if state.net < 0 else
                        "deducted" if triggered else "not_yet_due")
        return
    paid_in_full = state.payments and state.paid >= state.net
    if paid_in_full:
        state.settled_on = max(p.event.date for p in state.payments)
    if state.due is None:
        state.status = "paid" if paid_in_full else "not_yet_due"
        return
    state.until = until = state.settled_on or as_of
    state.days_late = state.working_days_late = 0
    if until > state.due.day:
        state.days_late = (until - state.due.day).days
        state.working_days_late = calendar.working_days_between(state.due.day, until)
    if paid_in_full:
        state.status = "paid_late" if state.days_late else "paid"
    elif state.days_late:
        state.status = "overdue"
    else:
        state.status = "due" if as_of >= state.trigger.day else "not_yet_due"
