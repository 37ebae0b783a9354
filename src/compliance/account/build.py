"""The account of one contract as of a day: every amount that has arisen by the end of that
(Beijing) day, as an entry (``entry.py``).

durable-rules still decides which rules fire: the entries are what the settlements produced
(``engine.evaluation`` for months, ``engine.schedule`` for tranches) and what the facts record
as paid. Nothing dated after the day is in the account; an obligation whose deadline has not
passed is not a breach in it.

* A contract paid by fees (高米店 3.1) earns each month's fee on the month's last day; a month
  without a facts file is earned as recorded empty, and says so.
* A contract paid in tranches (羊坊店 3.2) earns each tranche on its trigger day, due on its
  due date. An instalment (知识库 4.3, ``kinds/instalments``) earns its principal part so, and
  its interest on the remaining principal on its due date: the interest of a month not yet
  come is not owed yet.
* Deductions arise on the day of the latest fact behind them; a claimed penalty is a
  ``penalty`` entry, once per claim; a claim waived or withdrawn (``engine.waivers``) gives
  back what it names, on its day, and so does a charge over a cap (``kinds/cap``), on the day of
  the latest charge it caps; late-payment interest owed by the buyer runs to the day.
* Payments: the buyer's (``payment_made``, ``interest_paid``) and the vendor's
  (``vendor_payment``).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from compliance.account.entry import KIND_LABELS, Entry
from compliance.engine.evaluation import remembering, settle_period_outcome
from compliance.engine.loading import LoadedContract
from compliance.engine.outcome import Line
from compliance.engine.kinds import cap as cap_kind
from compliance.engine.kinds import registry
from compliance.engine.kinds.termination_settlement import Settlement
from compliance.engine.schedule import payment_schedule
from compliance.model import money
from compliance.model.facts import (CLAIM_WAIVED, INTEREST_PAID, PAYMENT, PENALTY_CLAIM,
                                     VENDOR_PAYMENT, FactsBook)
from compliance.model.periods import all_periods
from compliance.model.workdays import WorkCalendar

ZERO = Decimal("0")
NO_FACTS = "无事实文件，按无扣款估算"
PAYMENT_KINDS = {PAYMENT: "paid_to_vendor", VENDOR_PAYMENT: "paid_by_vendor", INTEREST_PAID: "interest_paid"}


@dataclass(frozen=True)
class Account:
    contract: str
    as_of: date
    entries: tuple[Entry, ...]

    @property
    def balance(self) -> Decimal:
        """What the buyer owes the vendor (negative: what the vendor owes the buyer)."""
        return sum((entry.signed for entry in self.entries), ZERO)

    def total(self, kind: str) -> Decimal:
        return sum((entry.amount for entry in self.entries if entry.kind == kind), ZERO)

    def to_json(self) -> dict[str, Any]:
        balance = self.balance
        return {"schema": "compliance.account/1", "contract": self.contract,
                "as_of": self.as_of.isoformat(),
                "entries": [entry.to_json() for entry in self.entries],
                "totals": {kind: money.as_json(self.total(kind)) for kind in KIND_LABELS},
                "balance": money.as_json(balance),
                "buyer_owes": money.as_json(max(balance, ZERO)),
                "vendor_owes": money.as_json(max(-balance, ZERO)),
                "balance_in_words": money.in_words(abs(balance))}


def contract_account(loaded: LoadedContract, book: FactsBook, as_of: date,
                     calendar: WorkCalendar) -> Account:
    """The account of ``loaded`` as of the end of ``as_of``."""
    with remembering():
        return _account(loaded, book, as_of, calendar)


def _account(loaded: LoadedContract, book: FactsBook, as_of: date,
             calendar: WorkCalendar) -> Account:
    known = book.as_of(as_of, loaded.contract)
    entries = _tranche_entries(loaded, book, as_of, calendar) if loaded.tranches \
        else _monthly_entries(loaded, known, as_of)
    entries += _payments(known)
    ordered = sorted(entries, key=lambda e: (e.arose, list(KIND_LABELS).index(e.kind), e.id))
    return Account(loaded.contract.id, as_of, tuple(ordered))


def _monthly_entries(loaded: LoadedContract, book: FactsBook, as_of: date) -> list[Entry]:
    """Each month over by ``as_of`` earns its fee; each month begun has its deductions."""
    contract, entries = loaded.contract, []
    for period in all_periods(contract):
        if period.start > as_of:
            break
        recorded = period.index in book.files
        if period.end <= as_of:
            entries += [Entry(f"earned:{fee.id}:P{period.index:02d}", "earned", fee.clause, period.end,
                              None, fee.monthly, f"第 {period.index} 期 {fee.label}", "",
                              "" if recorded else NO_FACTS) for fee in contract.fees]
        if recorded:
            entries += [_line_entry(line, as_of) for line in
                        settle_period_outcome(loaded, book, period).lines]
    return entries


def _tranche_entries(loaded: LoadedContract, book: FactsBook, as_of: date,
                     calendar: WorkCalendar) -> list[Entry]:
    """Each tranche triggered by ``as_of`` (and before a termination) is earned; the lines
    netted against the tranches; and a termination's settlement."""
    schedule = payment_schedule(loaded, book, as_of, calendar)
    ended = min(schedule.terminations, key=lambda t: t.terminated_on, default=None)
    last = min(as_of, ended.terminated_on) if ended else as_of
    earned, entries = [], []
    for state in schedule.tranches:
        if state.trigger.day is not None and state.trigger.day <= last:
            due = state.due.day if state.due else None
            price = registry()[state.rule.kind].module.price_paid(state.rule)
            part = "本金" if state.amount > price else ""
            earned.append(Entry(f"earned:tranche-{state.number}", "earned", state.rule.clause,
                                state.trigger.day, due, price, state.label + part, state.rule.id))
            if part and due is not None and due <= last:
                entries.append(Entry(f"instalment_interest:tranche-{state.number}",
                                     "instalment_interest", state.rule.clause, due, due,
                                     state.amount - price, f"{state.label}利息", state.rule.id))
        entries += [_line_entry(line, as_of) for line in state.outcome.lines]
    return earned + entries + (_termination_entries(ended, earned) if ended else [])


def _termination_entries(settled: Settlement, earned: list[Entry]) -> list[Entry]:
    """On termination the price is earned by days served (羊坊店 3.7, 酒仙桥 6.3, 规自委 6.8):
    the difference from the tranches earned so far (more earned, or 解除后不再应得 to give
    back), and the penalty the ground charges unless already claimed."""
    clause, day = settled.rule.clause, settled.terminated_on
    due = settled.due.day if settled.due else None
    difference = settled.earned - sum((entry.amount for entry in earned), ZERO)
    entries = []
    if difference:
        entries.append(Entry(f"earned:termination-{clause}", "earned" if difference > 0 else "unearned",
                             clause, day, due, abs(difference),
                             f"解除结算：{settled.earned_how}，已计分期 "
                             f"{money.grouped(settled.earned - difference)} 元", settled.rule.id))
    if settled.penalty:
        kind = "penalty" if settled.rule.params.penalty_payer == "vendor" else "buyer_penalty"
        entries.append(Entry(f"{kind}:termination-{clause}", kind, clause, day, due, settled.penalty,
                             f"依第 {settled.ground} 条解除的违约金", settled.rule.id))
    return entries


def _line_entry(line: Line, as_of: date) -> Entry:
    """A statement line as an entry: a deduction, a claimed penalty, a claim waived, a charge
    over a cap, or interest the buyer owes."""
    kind = ("interest" if line.owed_by == "buyer" else "penalty" if line.type == PENALTY_CLAIM
            else "waived" if line.type == CLAIM_WAIVED
            else "capped" if line.trace.kind == cap_kind.KIND else "deduction")
    arose = date.fromisoformat(line.trace.arose()) if line.trace.arose() else as_of
    if kind == "interest":
        key = f"tranche-{line.tranche}"
        arose = as_of
    else:
        facts = "|".join(f"{f.get('source', '')}@{f.get('date', '')}" for f in line.trace.facts)
        key = hashlib.sha256(f"{line.type}|{facts}".encode()).hexdigest()[:12]
        if kind == "capped":  # two caps under one clause may credit the same month
            key = f"{line.trace.rule}:{key}"
    sources = "、".join(f["source"] for f in line.trace.facts if f.get("source"))
    return Entry(f"{kind}:{line.clause}:{key}", kind, line.clause, arose, None, abs(line.amount),
                 line.explanation, sources or line.trace.rule)


def _payments(book: FactsBook) -> list[Entry]:
    """Every payment recorded: the buyer's, the vendor's, and interest paid."""
    return [Entry(f"{PAYMENT_KINDS[e.event.type]}:{e.source}", PAYMENT_KINDS[e.event.type],
                  None, e.event.date, None, e.event.amount,
                  KIND_LABELS[PAYMENT_KINDS[e.event.type]] + (f"（第 {e.event.tranche} 次付款）"
                                                              if e.event.tranche else ""),
                  e.source, e.event.ref or "")
            for e in book.events_through(max(book.files, default=0))
            if e.event.type in PAYMENT_KINDS and e.event.amount is not None]
