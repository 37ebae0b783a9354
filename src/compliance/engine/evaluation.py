"""Settling a contract month, and judging the term's tranches, through durable-rules.

The contract's rules are compiled once per process into one durable-rules
ruleset. Each settlement opens a fresh session and asserts facts in stages,
each stage seeing what the previous one produced.

A contract month (``settle``):

1. counters (occurrences per rule and scope), ratings, the month's events, and the
   deliverable slots that turn late or overdue this month: the occurrence rules fire
   and produce deduction lines and flags;
2. subtotals of the month's deductions per clause group (for ratio thresholds); then the
   claims the buyer waived or withdrew this month (``waivers``) are credited;
3. the balance (gross, deductions, net), for the netting rule.

The term, for payment tranches (``judge_term``):

1. every event so far (none of them "current"), each deliverable quota (complete or
   not) and the date of judgement (``as_of``): notices left uncured fire;
2. each dated tranche: payment conditions fire, met or missing;
3. each missing condition, then each late tranche: late-payment interest fires
   unless excused.

This module only counts and sums; every decision is a rule's.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Callable

from compliance.model import money
from compliance.engine import rete
from compliance.engine import waivers
from compliance.engine.loading import LoadedContract
from compliance.model.facts import FactsBook
from compliance.engine.kinds import registry
from compliance.engine.kinds.base import Rule, event_trace
from compliance.model.numbering import clause_order
from compliance.engine.outcome import Outcome
from compliance.model.periods import Period, span
from compliance.engine.tally import Tally


class Evaluator:
    """One contract's rules, compiled into durable-rules once per process."""

    def __init__(self, loaded: LoadedContract) -> None:
        self.loaded = loaded
        self._tally: Tally | None = None
        """The month being settled, while its session runs (a counter's trace reads it)."""
        kinds = registry()
        self._modules = {rule.id: kinds[rule.kind].module for rule in loaded.rules}
        engine_rules = [
            rete.EngineRule(f"{rule.id}/{index}", condition, self._action(rule))
            for rule in loaded.rules if hasattr(self._modules[rule.id], "when")
            for index, condition in enumerate(_conditions(self._modules[rule.id].when(rule)))
        ]
        name = f"{loaded.contract.id}-{loaded.digest[:16]}"
        self._ruleset = rete.compile_ruleset(name, engine_rules)
        self._counters = [
            (rule, spec) for rule in loaded.rules
            for spec in getattr(self._modules[rule.id], "counters", lambda r: [])(rule)
        ]
        self._subtotals = sorted({
            prefix for rule in loaded.rules
            for prefix in getattr(self._modules[rule.id], "subtotals", lambda r: [])(rule)
        })

    def _action(self, rule: Rule):
        module = self._modules[rule.id]
        return lambda matched: module.then(rule, self._with_items(matched))

    def _with_items(self, matched: dict[str, Any]) -> dict[str, Any]:
        """Matched counters with the events they counted (their trace), kept out of the facts
        asserted into durable-rules so the engine does not copy every event of the term."""
        return {alias: {**fact, "items": self._counted(fact["rule"], fact["name"])}
                if fact.get("t") == "counter" else fact for alias, fact in matched.items()}

    def settle(self, book: FactsBook, period: Period, gross: Decimal,
               paid_alone: bool = True) -> Outcome:
        """The lines and flags the contract's rules produce for ``period``. A month paid by
        itself is also netted (its balance judged, in the same session); a month paid with its
        cycle or against a tranche is netted there (``judge_balance``)."""
        tally = _tally(self.loaded, book, period)
        waived = waivers.waivers_in(tally.events, period.index)
        earlier = self._earlier_lines(book, period) if waived else []
        self._tally = tally
        session = self._ruleset.session()
        try:
            outcome = _merge(session.assert_facts(self._occurrence_facts(book, tally)))
            outcome.extend(_merge(session.assert_facts(self._subtotal_facts(outcome))))
            outcome.lines += waivers.waiver_lines(waived, earlier, outcome.lines, period.index)
            if paid_alone:
                outcome.extend(_merge(session.assert_facts(
                    [_balance(gross, outcome.deductions())])))
        finally:
            session.close()
        return in_reading_order(outcome)

    def _earlier_lines(self, book: FactsBook, period: Period) -> list:
        """The lines of every earlier month with facts, for the waivers of ``period``."""
        return [line for index in sorted(book.files) if index < period.index
                for line in self.settle(book, span(self.loaded.contract, index),
                                        self.loaded.contract.monthly_fee,
                                        self.loaded.contract.pays_monthly).lines]

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
        facts += [event.as_fact(period.index) for event in tally.events
                  if event.period == period.index]
        facts += [fact for rule in self.loaded.rules
                  for fact in self._hook(rule, "facts", lambda r, t: [])(rule, tally)]
        return facts

    def _counter(self, rule: Rule, spec, tally: Tally) -> dict[str, Any]:
        """Occurrences counted per scope for one rule."""
        scopes = {scope: tally.in_scope(spec.event_types, scope) for scope in ("period", "cycle", "term")}
        now = scopes["period"]
        counts = {scope: sum(e.event.count for e in group) for scope, group in scopes.items()}
        return {
            "t": "counter", "rule": rule.id, "name": spec.name, **counts,
            "before": counts["term"] - counts["period"],
            **{f"amount_{scope}_fen": sum(money.to_fen_int(e.event.amount) for e in group
                                          if e.event.amount is not None)
               for scope, group in scopes.items()},
            "refs": sorted(e.event.ref for e in now if e.event.ref),
        }

    def _counted(self, rule_id: str, name: str) -> list[dict[str, Any]]:
        """The trace of a counter of the month being settled: the events of the scope the
        rule counts over (4.6.4: the payment cycle; 4.6.3: the term)."""
        rule, spec = next((r, c) for r, c in self._counters if r.id == rule_id and c.name == name)
        tally = self._tally
        return [event_trace(e.as_fact(tally.period.index))
                for e in tally.in_scope(spec.event_types, getattr(rule.params, "scope", "period"))]

    def standings(self, book: FactsBook, period: Period, outcome: Outcome) -> list[dict[str, Any]]:
        """Where each threshold and the staffing stand at the end of ``period``, given the
        month's ``outcome`` ("整改要求 7/10", "本月第 4.6 条扣款 17,000.00 / 71,920.00"), in
        reading order: how much headroom is left before each consequence. A claim waived this
        month does not count: the rules judged the month before it was credited."""
        tally = _tally(self.loaded, book, period)
        charged = Outcome(lines=[line for line in outcome.lines if line.type != waivers.KIND])
        found = [standing(rule, tally, charged) for rule in self.loaded.rules
                 if (standing := self._hook(rule, "standing", None)) is not None]
        return sorted(found, key=lambda s: (clause_order(s["clause"]), s["rule"]))

    def term_facts(self, view) -> list[dict[str, Any]]:
        """What kinds contribute to the term's judgement (the deliverable quotas)."""
        return [fact for rule in self.loaded.rules
                for fact in self._hook(rule, "term_facts", lambda r, v: [])(rule, view)]

    def _hook(self, rule: Rule, name: str, default):
        return getattr(self._modules[rule.id], name, default)

    def _subtotal_facts(self, outcome: Outcome) -> list[dict[str, Any]]:
        return [{"t": "subtotal", "prefix": prefix,
                 "amount_fen": money.to_fen_int(outcome.deductions(prefix))}
                for prefix in self._subtotals]


def _balance(gross: Decimal, deductions: Decimal) -> dict[str, Any]:
    """The fact the netting rules match: what is paid, what is deducted, what is left."""
    return {"t": "balance", "gross_fen": money.to_fen_int(gross),
            "deductions_fen": money.to_fen_int(deductions),
            "net_fen": money.to_fen_int(gross - deductions)}


def _tally(loaded: LoadedContract, book: FactsBook, period: Period) -> Tally:
    """The events through ``period``, judged at the end of the month or at the day the book
    is known to (``FactsBook.as_of``), whichever comes first."""
    as_of = min(book.known_on or period.end, period.end)
    return Tally(loaded.contract, book.events_through(period.index), period, as_of)


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
