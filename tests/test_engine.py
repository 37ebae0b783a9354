"""The rule engine: durable-rules behind its adapter, checked against an independent oracle."""
from __future__ import annotations

import random
from decimal import Decimal

import pytest
from conftest import CONTRACTS, EXAMPLES
from contract_builder import write_contract

from compliance.engine import rete
from compliance.engine.loading import load_contract
from compliance.errors import RuleActionError
from compliance.engine.evaluation import evaluator_for
from compliance.model.facts import load_facts
from compliance.views.statement import cycle_statement, period_statement


def test_an_error_inside_an_action_reaches_the_caller():
    rules = [rete.EngineRule("boom", {"all": [{"m": {"t": "boom"}}]}, lambda matched: 1 / 0)]
    session = rete.compile_ruleset("test-boom", rules).session()
    with pytest.raises(RuleActionError, match="ZeroDivisionError"):
        session.assert_facts([{"t": "boom"}])


def test_rule_definitions_are_not_mutated_and_names_compile_once():
    when = {"all": [{"m": {"t": "x"}}]}
    rules = [rete.EngineRule("x", when, lambda matched: matched["m"]["v"])]
    first = rete.compile_ruleset("test-once", rules)
    assert when == {"all": [{"m": {"t": "x"}}]}
    assert rete.compile_ruleset("test-once", rules) is first


def test_sessions_do_not_see_each_others_facts():
    rules = [rete.EngineRule("pair", {"all": [{"a": {"t": "a"}}, {"b": {"t": "b"}}]},
                             lambda matched: "paired")]
    ruleset = rete.compile_ruleset("test-isolation", rules)
    first, second = ruleset.session(), ruleset.session()
    assert first.assert_facts([{"t": "a"}]) == []
    assert second.assert_facts([{"t": "b"}]) == []
    assert first.assert_facts([{"t": "b"}]) == ["paired"]


def test_every_fact_is_seen_by_every_matching_rule():
    rules = [rete.EngineRule(name, {"all": [{"m": {"t": "e"}}]}, lambda matched, n=name: n)
             for name in ("one", "two")]
    session = rete.compile_ruleset("test-facts", rules).session()
    assert sorted(session.assert_facts([{"t": "e"}])) == ["one", "two"]


def test_a_closed_session_leaves_nothing_behind_for_the_next():
    """A session's state is reused once it is closed (durable-rules holds at most 1,024 per
    ruleset): the next session gets it empty — no fact, no pending ``$not``, no old match."""
    rules = [rete.EngineRule("pair", {"all": [{"a": {"t": "a"}}, {"b": {"t": "b"}}]},
                             lambda matched: "paired"),
             rete.EngineRule("lonely", {"all": [{"a": {"t": "a"}}, {"b$not": {"t": "b"}}]},
                             lambda matched: "lonely")]
    ruleset = rete.compile_ruleset("test-reuse", rules)
    first = ruleset.session()
    assert first.assert_facts([{"t": "b"}, {"t": "a"}]) == ["paired"]
    first.close()
    second = ruleset.session()
    assert second.sid == first.sid
    assert second.assert_facts([{"t": "a"}]) == ["lonely"]
    second.close()


def test_one_process_settles_without_limit_and_every_statement_stays_the_same():
    """``compliance serve`` settles every request in one long-lived process. durable-rules
    holds at most 1,024 session states per ruleset (the 1,025th raised ``MemoryError``); with
    each state released for reuse, 1,500 statements of 城北 — three sessions each, with
    ``$not`` rules and joins — are settled and the last equals the first."""
    loaded = load_contract(CONTRACTS / "chengbei-2025.yaml")
    book = load_facts(EXAMPLES / "chengbei-2025", loaded)
    first = period_statement(loaded, book, 12)
    for _ in range(1500):
        last = period_statement(loaded, book, 12)
    assert last == first


def test_a_contract_compiles_once_per_process():
    loaded = load_contract(CONTRACTS / "gaomidian-2025.yaml")
    assert evaluator_for(loaded) is evaluator_for(load_contract(CONTRACTS / "gaomidian-2025.yaml"))


@pytest.mark.parametrize("orders, flagged", [(14, False), (15, True)])
def test_exactly_twenty_percent_does_not_trigger(tmp_path, write_facts, orders, flagged):
    # monthly fee 350,000: 20% is exactly 70,000 = 14 orders × 5,000
    loaded = load_contract(write_contract(tmp_path))
    folder = write_facts("test-contract", 1, [{"type": "zero_point_order", "date": "2025-02-03",
                                               "count": orders}])
    statement = period_statement(loaded, load_facts(folder, loaded), 1)
    assert statement["deductions_total"] == f"{orders * 5000}.00"
    assert any(flag["kind"] == "termination_right" for flag in statement["flags"]) is flagged


# --- an independent oracle for 高米店, written from the contract text --------------------------

SLA = ("response_missed", "dispatch_timeout", "callback_missed")


def oracle(history: dict[int, dict], period: int) -> tuple[Decimal, set[tuple[str, str]]]:
    """Deductions and (clause, flag) pairs of 高米店 for ``period``, computed by hand."""
    now = history[period]
    total = Decimal(0)
    total += 5000 * now["zero_point_order"]
    before = sum(history[p]["complaint"] for p in history if p < period)
    total += 5000 * ((before + now["complaint"]) // 3 - before // 3)
    total += 1000 * sum(now[t] for t in SLA)
    total += 3000 * now["false_record"]
    flags = set()
    cycle_start = (period - 1) // 3 * 3 + 1
    if sum(history[p][t] for p in range(cycle_start, period + 1) if p in history for t in SLA) >= 5:
        flags |= {("4.6.4", "payment_suspension"), ("4.6.4", "rectification")}
    if total > Decimal("71920"):
        flags.add(("4.6.5", "termination_right"))
    if now["rating"] == "待提升":
        flags.add(("4.6.2", "interview"))
        if history.get(period - 1, {}).get("rating") == "待提升":
            flags.add(("4.6.5", "termination_right"))
    for days in now["delays"]:
        total += Decimal("215760") * days
        if days >= 3:
            flags.add(("6.1", "termination_right"))
    return total, flags


def cycle_oracle(history: dict[int, dict], cycle: int) -> tuple[Decimal, bool]:
    """高米店 3.2 and 6.6 by hand: a cycle pays three months' fees less their deductions; what
    they cannot absorb the vendor makes good (judged on the cycle, never on one month)."""
    months = range((cycle - 1) * 3 + 1, cycle * 3 + 1)
    deductions = sum((oracle(history, p)[0] for p in months), Decimal("0"))
    short = max(deductions - 3 * Decimal("359600"), Decimal("0"))
    return short, short > 0


def _random_history(rng: random.Random) -> dict[int, dict]:
    history = {}
    for period in range(1, 13):
        month = {t: rng.choice([0, 0, 0, 1, 2, 3]) for t in
                 ("zero_point_order", "complaint", "false_record", *SLA)}
        month["rating"] = rng.choice(["优秀", "良好", "待提升"])
        month["delays"] = [rng.randint(1, 4) for _ in range(rng.choice([0, 0, 0, 1]))]
        history[period] = month
    return history


@pytest.mark.parametrize("seed", range(8))
def test_engine_agrees_with_the_oracle_over_a_random_year(write_facts, seed):
    rng = random.Random(seed)
    history = _random_history(rng)
    loaded = load_contract(CONTRACTS / "gaomidian-2025.yaml")
    from compliance.model.periods import period as period_of
    for index, month in history.items():
        day = period_of(loaded.contract, index).start.isoformat()
        events = [{"type": t, "date": day, "count": month[t]} for t in month
                  if t not in ("rating", "delays") and month[t]]
        events += [{"type": "obligation_delay", "date": day, "days": d} for d in month["delays"]]
        folder = write_facts("gaomidian-2025", index, events, rating=month["rating"])
    book = load_facts(folder, loaded)
    for index in history:
        statement = period_statement(loaded, book, index)
        expected_total, expected_flags = oracle(history, index)
        assert Decimal(statement["deductions_total"]) == expected_total, index
        assert {(f["clause"], f["kind"]) for f in statement["flags"]} == expected_flags, index
        assert statement["owed_by_vendor"] == "0.00", index
    for cycle in range(1, 5):
        statement = cycle_statement(loaded, book, cycle)
        short, make_good = cycle_oracle(history, cycle)
        assert Decimal(statement["owed_by_vendor"]) == short, cycle
        assert (("6.6", "make_good") in {(f["clause"], f["kind"]) for f in statement["flags"]}) == make_good
