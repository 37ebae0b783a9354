"""Settling a contract month, and judging the term's tranches, through durable-rules.

The contract's rules are compiled once per process into one durable-rules
ruleset. Each settlement opens a fresh session and asserts facts in stages,
each stage seeing what the previous one produced.

A contract month (``settle``):

1. counters (occurrences per rule and scope), ratings, the month's events, and the
   deliverable slots that turn late or overdue this month: the occurrence rules fire
   and produce deduction lines and flags;
2. each cap in turn (``kinds/cap``: what its clauses charged over its span, this month's lines
   so far and the earlier months' lines); then the subtotals of the deductions per clause group
   over the month or a longer span, after the caps (for ratio thresholds); then the claims the
   buyer waived or withdrew this month (``waivers``) are credited;
3. the balance (gross, deductions, net), for the netting rule.

The term, for payment tranches (``judge_term``):

1. every event so far (none of them "current"), each deliverable quota (complete or
   not) and the date of judgement (``as_of``): notices left uncured fire;
2. each dated tranche: payment conditions fire, met or missing;
3. each missing condition, then each late tranche: late-payment interest fires
   unless excused.

This module only counts and sums; every decision is a rule's.

Only the facts some rule could match are built and asserted (``rete``): a month's events of
types no condition names (the counted 0-point orders of 高米店) reach the rules through their
counters alone, and the counters carry their events (the trace) and refs outside the engine.

Within :func:`remembering` (a ledger, a schedule, the waivers of one month), a month settled
again on the very same facts (the same event objects, ratings, files and day of judgement) is
not settled again: its outcome is reused.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from decimal import Decimal
from typing import Any, Callable, Iterator

from compliance.model import money
from compliance.engine import rete
from compliance.engine import waivers
from compliance.engine.loading import LoadedContract
from compliance.model.facts import FactsBook
from compliance.engine.kinds import cap as cap_kind
from compliance.engine.kinds import registry
from compliance.engine.kinds.base import Rule, scope_of
from compliance.model.numbering import clause_order
from compliance.engine.outcome import Outcome
from compliance.model.periods import Period, months_in_scope, span
from compliance.engine.tally import Tally


class Evaluator:
    """One contract's rules, compiled into durable-rules once per process."""

    def __init__(self, loaded: LoadedContract) -> None:
        self.loaded = loaded
        self._tally: Tally | None = None
        """The month being settled, while its session runs (a counter's trace reads it)."""
        self._last: tuple[FactsBook, Period, Tally] | None = None
        """The last month tallied, for its standings (same book, same month: same tally)."""
        kinds = registry()
        self._modules = {rule.id: kinds[rule.kind].module for rule in loaded.rules}
        engine_rules = [
            rete.EngineRule(f"{rule.id}/{index}", condition, self._action(rule))
            for rule in loaded.rules if hasattr(self._modules[rule.id], "when")
            for index, condition in enumerate(_conditions(self._modules[rule.id].when(rule)))
        ]
        name = f"{loaded.contract.id}-{loaded.digest[:16]}"
        self._ruleset = rete.compile_ruleset(name, engine_rules)
        self._counters = self._counters_of(loaded)
        self._specs: dict[tuple[str, str], tuple[Rule, Any]] = {}
        """Each counter by its rule and name."""
        for rule, spec in self._counters:
            self._specs.setdefault((rule.id, spec.name), (rule, spec))
        self._subtotals = sorted({
            group for rule in loaded.rules
            for group in getattr(self._modules[rule.id], "subtotals", lambda r: [])(rule)
        })
        self._caps = cap_kind.in_order(loaded.rules)
        self._reaches_back = (any(map(cap_kind.reaches_back, self._caps))
                              or any(scope != "period" for _, scope in self._subtotals))

    def _counters_of(self, loaded: LoadedContract) -> list[tuple[Rule, Any]]:
        """Every counter the rules ask for, with its rule."""
        return [(rule, spec) for rule in loaded.rules
                for spec in getattr(self._modules[rule.id], "counters", lambda r: [])(rule)]

    def _action(self, rule: Rule):
        module = self._modules[rule.id]
        return lambda matched: module.then(rule, self._with_items(matched))

    def _with_items(self, matched: dict[str, Any]) -> dict[str, Any]:
        """Matched counters with their refs and the events they counted (their trace), kept out
        of the facts asserted into durable-rules so the engine does not copy every event of
        the term."""
        return {alias: {**fact, **self._counted(fact["rule"], fact["name"])}
                if fact.get("t") == "counter" else fact for alias, fact in matched.items()}

    def settle(self, book: FactsBook, period: Period, gross: Decimal,
               paid_alone: bool = True) -> Outcome:
        """The lines and flags the contract's rules produce for ``period``. A month paid by
        itself is also netted (its balance judged, in the same session); a month paid with its
        cycle or against a tranche is netted there (``judge_balance``)."""
        tally = self._tally_of(book, period)
        known = _remembered.get()
        key = None
        if known is not None:
            key = (id(self), period, gross, paid_alone, tally.as_of,
                   tuple(index for index in sorted(book.files) if index < period.index),
                   tuple(book.rating(n) for n in range(1, period.index + 1)),
                   tuple(map(id, tally.events)))
            if key in known:
                return _copy(known[key][1])
        with remembering():
            outcome = self._settle(book, tally, gross, paid_alone)
        if known is not None:
            known[key] = (tally.events, outcome)  # the events pin the ids in the key
            return _copy(outcome)
        return outcome

    def _settle(self, book: FactsBook, tally: Tally, gross: Decimal, paid_alone: bool) -> Outcome:
        period = tally.period
        waived = waivers.waivers_in(tally.in_scope((waivers.KIND,), "period"), period.index)
        earlier = self._earlier_lines(book, period) if waived or self._reaches_back else {}
        self._tally = tally
        session = self._ruleset.session()
        try:
            outcome = _merge(session.assert_facts(self._occurrence_facts(book, tally)))
            for rule in self._caps:
                outcome.extend(_merge(session.assert_facts(
                    [cap_kind.fact(rule, self._caps, earlier, outcome.lines, period)])))
            outcome.extend(_merge(session.assert_facts(
                self._subtotal_facts(outcome, earlier, period))))
            outcome.lines += waivers.waiver_lines(
                waived, [line for lines in earlier.values() for line in lines], outcome.lines,
                period.index)
            if paid_alone:
                outcome.extend(_merge(session.assert_facts(
                    [_balance(gross, outcome.deductions())])))
        finally:
            session.close()
            self._tally = None
        return in_reading_order(outcome)

    def _tally_of(self, book: FactsBook, period: Period) -> Tally:
        """The month's tally; the one just made, if it was for this book and month (a statement
        settles the month, then reads its standings)."""
        last = self._last
        if last is not None and last[0] is book and last[1] == period:
            return last[2]
        tally = _tally(self.loaded, book, period)
        self._last = (book, period, tally)
        return tally

    def wants_event(self, event_type: str) -> bool:
        """Whether some rule could match an event of ``event_type`` as a fact (``rete``)."""
        return self._ruleset.wants({"t": "event", "type": event_type})

    def _earlier_lines(self, book: FactsBook, period: Period) -> dict[int, list]:
        """The lines of every earlier month with facts, by month, for the waivers and the caps
        of ``period``."""
        return {index: self.settle(book, span(self.loaded.contract, index),
                                   self.loaded.contract.monthly_fee,
                                   self.loaded.contract.pays_monthly).lines
                for index in sorted(book.files) if index < period.index}

    def judge_balance(self, gross: Decimal, deductions: Decimal) -> Outcome:
        """What the netting rules say of a payment of ``gross`` less ``deductions`` (高米店 6.6:
        不足抵扣的，乙方应于 3 日内补足), judged on the span that is paid."""
        session = self._ruleset.session()
        try:
            return _merge(session.assert_facts([_balance(gross, deductions)]))
        finally:
            session.close()

    def judge_term(self, events: list[dict[str, Any]], as_of: date,
                   tranches: list[dict[str, Any]], term_facts: list[dict[str, Any]],
                   late_facts: Callable[[Outcome], list[dict[str, Any]]]) -> Outcome:
        """The payment conditions, interest and term-wide rights for the dated ``tranches``;
        ``late_facts`` gives the late tranches once the conditions are known (a condition met
        late moves a due date)."""
        session = self._ruleset.session()
        try:
            as_of_fact = {"t": "as_of", "date": as_of.isoformat(), "ordinal": as_of.toordinal()}
            outcome = _merge(session.assert_facts([*events, *term_facts, as_of_fact]))
            outcome.extend(_merge(session.assert_facts([dict(t, t="tranche") for t in tranches])))
            missing = sorted({check.tranche for check in outcome.checks if check.state == "missing"})
            late = late_facts(outcome)
            outcome.extend(_merge(session.assert_facts(
                [{"t": "missing", "number": n} for n in missing] + late)))
        finally:
            session.close()
        return in_reading_order(outcome)

    def _occurrence_facts(self, book: FactsBook, tally: Tally) -> list[dict[str, Any]]:
        period = tally.period
        facts = [{"t": "month", "index": period.index, "over": int(tally.month_over)}]
        facts += [self._counter(rule, spec, tally) for rule, spec in self._counters]
        facts += [
            {"t": "rating", "period": n, "tier": book.rating(n), "current": int(n == period.index)}
            for n in range(1, period.index + 1) if book.rating(n) is not None
        ]
        wanted = tuple(name for name in tally.types() if self.wants_event(name))
        facts += [event.as_fact(period.index) for event in tally.in_scope(wanted, "period")]
        facts += [fact for rule in self.loaded.rules
                  for fact in self._hook(rule, "facts", lambda r, t: [])(rule, tally)]
        return facts

    def _counter(self, rule: Rule, spec, tally: Tally) -> dict[str, Any]:
        """Occurrences counted per scope for one rule. Its refs and trace are not asserted (no
        condition tests them, and they are as many as the events): ``_counted`` adds them to
        the counter a rule matched."""
        scopes = {"period": "period", "quarter": "quarter", "cycle": "cycle", "term": "term"}
        if getattr(rule.params, "scope", None) == "rolling":
            scopes["rolling"] = scope_of(rule.params)
        totals = {name: tally.totals(spec.event_types, scope) for name, scope in scopes.items()}
        counts = {scope: count for scope, (count, _) in totals.items()}
        return {
            "t": "counter", "rule": rule.id, "name": spec.name, **counts,
            "before": counts["term"] - counts["period"],
            **{f"amount_{scope}_fen": fen for scope, (_, fen) in totals.items()},
        }

    def _counted(self, rule_id: str, name: str) -> dict[str, list]:
        """What a matched counter of the month being settled carries besides its counts: the
        refs of the month's events (sorted), and its trace, the events of the scope the rule
        counts over (4.6.4: the payment cycle; 4.6.3: the term)."""
        rule, spec = self._specs[rule_id, name]
        tally = self._tally
        scope = scope_of(rule.params)
        return {"refs": tally.refs(spec.event_types),
                "items": tally.traces_in_scope(spec.event_types, scope)}

    def standings(self, book: FactsBook, period: Period, outcome: Outcome) -> list[dict[str, Any]]:
        """Where each threshold and the staffing stand at the end of ``period``, given the
        month's ``outcome`` ("整改要求 7/10", "本月第 4.6 条扣款 17,000.00 / 71,920.00"), in
        reading order: how much headroom is left before each consequence. A claim waived this
        month, or a cap's credit, does not count: the rules judged the month before either was
        credited."""
        tally = self._tally_of(book, period)
        charged = Outcome(lines=[line for line in outcome.lines
                                 if line.type != waivers.KIND and line.trace.kind != cap_kind.KIND])
        found = [found for rule in self.loaded.rules
                 if (standing := self._hook(rule, "standing", None)) is not None
                 and (found := standing(rule, tally, charged)) is not None]
        return sorted(found, key=lambda s: (clause_order(s["clause"]), s["rule"]))

    def term_facts(self, view) -> list[dict[str, Any]]:
        """What kinds contribute to the term's judgement (the deliverable quotas)."""
        return [fact for rule in self.loaded.rules
                for fact in self._hook(rule, "term_facts", lambda r, v: [])(rule, view)]

    def _hook(self, rule: Rule, name: str, default):
        return getattr(self._modules[rule.id], name, default)

    def _subtotal_facts(self, outcome: Outcome, earlier: dict[int, list],
                        period: Period) -> list[dict[str, Any]]:
        """What each clause group charged, after the caps: this month (``period``), or over a
        longer span (the quarter, the term …: the earlier months' lines as they were settled,
        and this month's), with what it stood at before this month."""
        facts = []
        for prefix, scope in self._subtotals:
            now = outcome.deductions(prefix)
            name, _, window = scope.partition("-")
            months = months_in_scope(self.loaded.contract, period.index, name, int(window or 1))
            before = sum((Outcome(lines=earlier.get(index, [])).deductions(prefix)
                          for index in months if index != period.index), Decimal("0"))
            facts.append({"t": "subtotal", "prefix": prefix, "scope": scope,
                          "amount_fen": money.to_fen_int(before + now),
                          "before_fen": money.to_fen_int(before)})
        return facts


def _balance(gross: Decimal, deductions: Decimal) -> dict[str, Any]:
    """The fact the netting rules match: what is paid, what is deducted, what is left."""
    return {"t": "balance", "gross_fen": money.to_fen_int(gross),
            "deductions_fen": money.to_fen_int(deductions),
            "net_fen": money.to_fen_int(gross - deductions)}


def _tally(loaded: LoadedContract, book: FactsBook, period: Period) -> Tally:
    """The events through ``period``, judged at the end of the month or at the day the book
    is known to (``FactsBook.as_of``), whichever comes first."""
    as_of = min(book.known_on or period.end, period.end)
    return Tally(loaded.contract, book.events_through(period.index), period, as_of,
                 _remembered.get(), {n: book.rating(n) for n in book.files if n <= period.index})


def in_reading_order(outcome: Outcome) -> Outcome:
    """Lines, flags and checks in the contract's reading order, whatever order rules fired in."""
    outcome.lines.sort(key=lambda line: (clause_order(line.clause), line.tranche or 0,
                                         line.trace.rule, line.type, line.refs, line.explanation))
    outcome.flags.sort(key=lambda flag: (clause_order(flag.clause), flag.tranche or 0,
                                         flag.trace.rule, flag.kind, flag.message))
    outcome.checks.sort(key=lambda check: (check.tranche, clause_order(check.clause),
                                           check.trace.rule, check.message))
    return outcome


def _conditions(when: dict | list[dict]) -> list[dict]:
    """A kind's ``when`` gives one durable-rules condition, or several that fire separately
    (their actions tell them apart by the aliases they bind)."""
    return when if isinstance(when, list) else [when]


_remembered: ContextVar[dict | None] = ContextVar("remembered_settlements", default=None)
"""The months settled within the current :func:`remembering` block, by what they were settled on."""


@contextmanager
def remembering() -> Iterator[None]:
    """Within the block, a month settled again on the very same facts reuses its outcome (a
    ledger settles each month for its row, its cycle and the account; a month's waivers read
    the lines of every earlier month). Blocks nest; the outermost one forgets on leaving."""
    if _remembered.get() is not None:
        yield
        return
    token = _remembered.set({})
    try:
        yield
    finally:
        _remembered.reset(token)


def _copy(outcome: Outcome) -> Outcome:
    """An outcome of its own (its lists), of the same lines, flags and checks (immutable)."""
    return Outcome(list(outcome.lines), list(outcome.flags), list(outcome.checks))


def _merge(results: list[Outcome]) -> Outcome:
    merged = Outcome()
    for result in results:
        merged.extend(result)
    return merged


_evaluators: dict[str, Evaluator] = {}


def evaluator_for(loaded: LoadedContract) -> Evaluator:
    """The evaluator of a contract, compiled on first use and reused for the process."""
    if loaded.digest not in _evaluators:
        _evaluators[loaded.digest] = Evaluator(loaded)
    return _evaluators[loaded.digest]


def settle_period_outcome(loaded: LoadedContract, book: FactsBook, period: Period) -> Outcome:
    """The lines and flags of one contract month that has a facts file."""
    book.for_period(period.index)
    return evaluator_for(loaded).settle(book, period, loaded.contract.monthly_fee,
                                        loaded.contract.pays_monthly)
