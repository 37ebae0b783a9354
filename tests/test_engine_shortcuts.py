"""The engine's shortcuts give the results the long way gives: facts no rule can match are left
out of durable-rules, events are counted from an index, traces are made once per event, the
contract's months are remembered, waivers read only their clause's lines, and a month settled
again on the same facts within a ledger is not settled again."""
from __future__ import annotations

import random
import shutil
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import CONTRACTS, EXAMPLES

from compliance.engine import evaluation, rete, waivers
from compliance.engine.evaluation import settle_period_outcome
from compliance.engine.kinds.base import event_trace, recorded_trace
from compliance.engine.loading import load_contract
from compliance.engine.outcome import Line, Trace
from compliance.engine.tally import Tally
from compliance.model import money
from compliance.model.facts import CLAIM_WAIVED, Event, RecordedEvent, load_facts
from compliance.model.periods import all_periods, cycle, cycle_count, month_boundary, period
from compliance.model.workdays import calendar
from compliance.render.output import statement_json
from compliance.views.ledger import ledger
from compliance.views.schedule_view import schedule_listing
from compliance.views.statement import cycle_statement, period_statement, tranche_statement

CONTRACT_IDS = sorted(path.name for path in EXAMPLES.iterdir() if path.is_dir())
AS_OF = date(2026, 12, 31)


def _loaded(cid: str):
    return load_contract(CONTRACTS / f"{cid}.yaml")


def _busy_gaomidian(folder: Path, events: int = 600) -> Path:
    """Two months of 高米店 with many counted events and a few of every other kind."""
    loaded = _loaded("gaomidian-2025")
    rng = random.Random(7)
    counted = ["zero_point_order", "complaint", "response_missed", "dispatch_timeout",
               "callback_missed", "false_record"]
    for index in (1, 2):
        span = period(loaded.contract, index)
        days = (span.end - span.start).days + 1
        lines = ["contract: gaomidian-2025", f"period: {index}", "rating: 良好", "events:"]
        for n in range(events):
            day = span.start + timedelta(days=rng.randrange(days))
            kind = rng.choice(counted)
            count = f", count: {rng.randint(2, 3)}" if rng.random() < 0.05 else ""
            lines.append(f"  - {{type: {kind}, date: {day}, ref: \"R-{index}-{n:04d}\"{count}}}")
        lines += [f"  - {{type: advance_payment, date: {span.start}, amount: 1234.56}}",
                  f"  - {{type: obligation_delay, date: {span.end}, days: 2}}",
                  f"  - {{type: loss_compensation, date: {span.end}, amount: 88.80}}"]
        (folder / f"period-{index:02d}.yaml").write_text("\n".join(lines) + "\n", "utf-8")
    return folder


def _every_statement(loaded, book) -> bytes:
    """Every month, cycle and tranche statement, the schedule and the ledger, as one document."""
    contract = loaded.contract
    found: dict = {"periods": [period_statement(loaded, book, n) for n in sorted(book.files)
                               if n <= loaded.period_count]}
    if contract.payment is not None and contract.fees:
        found["cycles"] = [cycle_statement(loaded, book, k) for k in range(1, cycle_count(contract) + 1)
                           if all(p.index in book.files for p in cycle(contract, k).periods)]
    found["tranches"] = [tranche_statement(loaded, book, rule.params.number, AS_OF, calendar())
                         for rule in loaded.tranches]
    found["schedule"] = schedule_listing(loaded, book, AS_OF, calendar())
    found["ledger"] = ledger(loaded, book, AS_OF, calendar())
    return statement_json(found)


# --- facts no rule can match ---------------------------------------------------------------------

def test_a_ruleset_wants_only_the_facts_some_condition_could_match():
    rules = [
        rete.EngineRule("ev", {"all": [{"m": {"$and": [{"t": "event"}, {"current": 1},
                                                        {"$or": [{"type": "a"}, {"type": "b"}]}]}}]},
                        lambda matched: "ev"),
        rete.EngineRule("cnt", {"all": [{"c": {"$and": [{"t": "counter"}, {"rule": "x"}]}},
                                        {"n$not": {"$and": [{"t": "event"}, {"type": "c"}]}}]},
                        lambda matched: "cnt"),
        rete.EngineRule("plain", {"all": [{"p": {"t": "plain"}}]}, lambda matched: "plain"),
    ]
    ruleset = rete.compile_ruleset("test-wants", rules)
    assert ruleset.wants({"t": "event", "type": "a"}) and ruleset.wants({"t": "event", "type": "b"})
    assert ruleset.wants({"t": "event", "type": "c"}), "a fact a $not tests blocks a match"
    assert not ruleset.wants({"t": "event", "type": "d"})
    assert ruleset.wants({"t": "counter", "rule": "y"}) and ruleset.wants({"t": "plain"})
    assert not ruleset.wants({"t": "month"})
    session = ruleset.session()
    try:
        assert session.assert_facts([{"t": "event", "type": "d", "current": 1}, {"t": "month"},
                                     {"t": "event", "type": "a", "current": 1}]) == ["ev"]
        assert len(session._asserted) == 1
        assert session.assert_facts([{"t": "counter", "rule": "x"}]) == ["cnt"]
    finally:
        session.close()


def test_a_condition_the_guard_cannot_read_wants_every_fact():
    rules = [rete.EngineRule("any", {"all": [{"m": {"$or": [{"t": "a"}, {"t": "b"}]}}]},
                             lambda matched: matched["m"]["t"])]
    ruleset = rete.compile_ruleset("test-wants-all", rules)
    assert ruleset.wants({"t": "zzz", "type": "q"})
    session = ruleset.session()
    try:
        assert session.assert_facts([{"t": "b"}, {"t": "c"}]) == ["b"]
    finally:
        session.close()


@pytest.mark.parametrize("cid", CONTRACT_IDS)
def test_leaving_out_facts_no_rule_can_match_changes_no_statement(cid, monkeypatch):
    loaded = _loaded(cid)
    book = load_facts(EXAMPLES / cid, loaded)
    short = _every_statement(loaded, book)
    monkeypatch.setattr(rete.CompiledRuleset, "wants", lambda self, fact: True)
    assert _every_statement(loaded, book) == short


def test_a_busy_month_is_the_same_with_every_event_asserted(tmp_path, monkeypatch):
    loaded = _loaded("gaomidian-2025")
    book = load_facts(_busy_gaomidian(tmp_path), loaded)
    short = [statement_json(period_statement(loaded, book, n)) for n in (1, 2)]
    monkeypatch.setattr(rete.CompiledRuleset, "wants", lambda self, fact: True)
    assert [statement_json(period_statement(loaded, book, n)) for n in (1, 2)] == short


# --- the tally's index and traces ------------------------------------------------------------

def _scope_the_long_way(tally: Tally, types, scope: str) -> list:
    mine = [e for e in tally.events if e.event.type in types]
    if scope == "period":
        return [e for e in mine if e.period == tally.period.index]
    if scope == "cycle":
        months = tally.contract.cycle_months
        return [e for e in mine if (e.period - 1) // months + 1 == tally.period.cycle]
    return mine


@pytest.mark.parametrize("cid", CONTRACT_IDS)
def test_the_tally_counts_as_a_walk_over_every_event_would(cid, tmp_path):
    loaded = _loaded(cid)
    folder = EXAMPLES / cid
    if cid == "gaomidian-2025":
        folder = _busy_gaomidian(tmp_path, 200)
    book = load_facts(folder, loaded)
    types = list(loaded.contract.event_types)
    groups = [tuple(types[i:i + 3]) for i in range(0, len(types), 3)] + [tuple(types), ("nothing",)]
    shared: dict = {}
    for span, kept in ((span, kept) for span in all_periods(loaded.contract) for kept in (None, shared)):
        if span.index not in book.files:
            continue
        tally = Tally(loaded.contract, book.events_through(span.index), span, span.end, kept)
        for group in groups + [tuple(reversed(group)) for group in groups]:
            for scope in ("period", "cycle", "term"):
                expected = _scope_the_long_way(tally, group, scope)
                assert tally.in_scope(group, scope) == expected
                assert tally.totals(group, scope) == (
                    sum(e.event.count for e in expected),
                    sum(money.to_fen_int(e.event.amount) for e in expected
                        if e.event.amount is not None))
            assert tally.refs(group) == sorted(e.event.ref for e in _scope_the_long_way(
                tally, group, "period") if e.event.ref)
        for recorded in tally.events:
            made = recorded_trace(recorded)
            long_way = event_trace(recorded.as_fact(span.index))
            assert list(made.items()) == list(long_way.items())
            assert tally.trace(recorded) is tally.trace(recorded)


def test_a_trace_made_straight_from_the_event_keeps_every_field_in_order():
    event = Event.model_construct(type="staff_shortfall", date=date(2025, 1, 2), count=1, days=3,
                                  amount=Decimal("12.50"), tranche=2, deliverable="d", staff=2,
                                  clause="6.1", accepted=None, received=None, ended=None,
                                  ref="R-1", note="n")
    recorded = RecordedEvent(event, 1, "period-01.yaml:7")
    assert list(recorded_trace(recorded).items()) == list(event_trace(recorded.as_fact(1)).items())


# --- the contract's months ---------------------------------------------------------------------

def test_months_are_remembered_by_the_term_they_come_from():
    contract = _loaded("jiuxianqiao-2025").contract
    assert contract.periods_in_term() == 12
    longer = contract.model_copy(update={"term": contract.term.model_copy(
        update={"end": month_boundary(contract.term.start, 24) - timedelta(days=1)})})
    assert longer.periods_in_term() == 24 and contract.periods_in_term() == 12
    odd = contract.model_copy(update={"term": contract.term.model_copy(
        update={"end": contract.term.end - timedelta(days=1)})})
    assert odd.periods_in_term() is None
    for span in all_periods(longer):
        start = month_boundary.__wrapped__(longer.term.start, span.index - 1)
        end = month_boundary.__wrapped__(longer.term.start, span.index) - timedelta(days=1)
        assert (span.start, span.end) == (start, end)


# --- waivers -----------------------------------------------------------------------------------

def _line(clause: str, amount: str, refs: list[str], day: str) -> Line:
    value = Decimal(amount)
    trace = Trace(clause, "r", "per_occurrence", {}, [{"date": day, "ref": r} for r in refs])
    return Line(clause, "x", len(refs) or 1, value / (len(refs) or 1), value, refs, "", trace)


def _waivers_the_long_way(made_waivers, earlier, current, index):
    made = []
    for waiver in made_waivers:
        charged = (waivers._charged(waiver, [*earlier, *made])
                   + waivers._charged(waiver, current, waiver.event.date.isoformat()))
        made.append(waivers._line(waiver, charged, index))
    return made


def test_waivers_give_back_what_the_long_way_gives_back():
    rng = random.Random(3)
    clauses = ["4.6.1", "4.6.3", "5.7", "6.1"]
    earlier = [_line(rng.choice(clauses), f"{rng.randint(1, 900)}.00", [f"R{n}"],
                     f"2025-11-0{rng.randint(1, 9)}") for n in range(200)]
    current = [_line(rng.choice(clauses), f"{rng.randint(1, 900)}.00", [f"C{n}", f"C{n}b"],
                     f"2025-12-{rng.randint(1, 28):02d}") for n in range(200)]
    made = []
    for n in range(60):
        amount = Decimal(rng.randint(1, 3000)) if rng.random() < 0.6 else None
        ref = rng.choice([None, f"R{rng.randrange(200)}", f"C{rng.randrange(200)}"])
        event = Event.model_construct(type=CLAIM_WAIVED, date=date(2025, 12, rng.randint(1, 28)),
                                      count=1, days=None, amount=amount, tranche=None,
                                      deliverable=None, staff=None, clause=rng.choice(clauses),
                                      accepted=None, received=None, ended=None, ref=ref,
                                      note="复核后放弃")
        made.append(RecordedEvent(event, 2, f"period-02.yaml:{n + 5}"))
    made.sort(key=lambda e: (e.event.date, e.source))
    assert waivers.waiver_lines(made, earlier, current, 2) == \
        _waivers_the_long_way(made, earlier, current, 2)


# --- a month settled once per ledger ---------------------------------------------------------

def _count_sessions(monkeypatch) -> list[int]:
    opened = [0]
    session = rete.CompiledRuleset.session

    def counting(self):
        opened[0] += 1
        return session(self)

    monkeypatch.setattr(rete.CompiledRuleset, "session", counting)
    return opened


def test_a_ledger_settles_each_month_once(tmp_path, monkeypatch):
    """高米店, paid by cycle: a month is settled for its row and again for the account, on the
    same facts: once. Its rows are the months' own statements."""
    loaded = _loaded("gaomidian-2025")
    book = load_facts(_busy_gaomidian(tmp_path, 50), loaded)
    rows = [period_statement(loaded, book, n) for n in (1, 2)]
    opened = _count_sessions(monkeypatch)
    item = ledger(loaded, book, AS_OF, calendar())
    assert opened[0] == 2
    assert [(row["deductions_total"], row["flags"]) for row in item["periods"]] == \
        [(row["deductions_total"], [f"[{f['clause']}] {f['kind']}" for f in row["flags"]])
         for row in rows]


def test_a_month_settled_again_on_other_facts_is_settled_anew(tmp_path):
    loaded = _loaded("gaomidian-2025")
    (tmp_path / "a").mkdir()
    first = load_facts(_busy_gaomidian(tmp_path / "a", 50), loaded)
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    text = (tmp_path / "b" / "period-02.yaml").read_text("utf-8")
    (tmp_path / "b" / "period-02.yaml").write_text(text.replace("days: 2", "days: 3"), "utf-8")
    second = load_facts(tmp_path / "b", loaded)
    span = period(loaded.contract, 2)
    alone = settle_period_outcome(loaded, first, span)
    with evaluation.remembering():
        one = settle_period_outcome(loaded, first, span)
        other = settle_period_outcome(loaded, second, span)
        again = settle_period_outcome(loaded, first, span)
    assert one.deductions() != other.deductions()
    assert again.lines == one.lines == alone.lines and again.lines is not one.lines
    assert again.flags == one.flags == alone.flags
