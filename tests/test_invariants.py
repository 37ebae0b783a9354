"""Invariants over random fact histories of every bundled contract (hypothesis).

Each test draws a random but *valid* history for one contract — a facts file for most
contract months (a few months may have none yet), events of the contract's own event
types dated inside their month, payments that never exceed their tranche, penalty
claims only under clauses that grant a penalty — writes it to a temporary folder,
loads it the way the command line does, and checks a property a finance reviewer
relies on when signing a statement.

The event tables below say, per contract, which event types are drawn, with which
fields and in which ranges; ``test_event_tables_match_the_contracts`` keeps them in
step with the contracts' ``event_types``.

Every example is checked in a forked child process (``in_child``): durable-rules is a C
extension that can crash the process on a bad state, and a child that dies takes only its
own example with it, reported with its traceback, while the rulesets compiled once in the
parent are shared by every child.
"""
from __future__ import annotations

import os
import pickle
import re
import tempfile
import traceback
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Callable

import pytest
from conftest import CONTRACTS, dump_facts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compliance.engine.evaluation import evaluator_for
from compliance.engine.loading import LoadedContract, load_contract
from compliance.errors import UserError
from compliance.model.facts import PAYMENT, PENALTY_CLAIM, FactsBook, load_facts
from compliance.model.periods import all_periods, cycle_count
from compliance.model.periods import cycle as cycle_of
from compliance.model.periods import period as period_of
from compliance.model.workdays import calendar
from compliance.views.schedule_view import schedule_listing
from compliance.views.statement import cycle_statement, period_statement, tranche_statement
from compliance.views.termination import termination_statement

EXAMPLES_PER_CONTRACT = 200
"""Random histories per property and contract (each property on each of the five contracts)."""


def for_random_histories(prop: str, cid: str, body: Callable[[str, Any], None]) -> None:
    """Run ``body(cid, data)`` on random draws, as many as the budget above gives; no example
    database is written into the repository (``database=None``), so a run leaves no files."""
    @settings(max_examples=EXAMPLES_PER_CONTRACT, deadline=None,
              database=None, suppress_health_check=[
                  HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                  HealthCheck.data_too_large])
    @given(data=st.data())
    def example(data: st.DataObject) -> None:
        body(cid, data)

    example()


ALL = ["gaomidian-2025", "yangfangdian-2026", "chengbei-2025", "jiuxianqiao-2025",
       "ghzrzw-chaoyang-2023"]
WITH_CLAIMS = ["jiuxianqiao-2025", "ghzrzw-chaoyang-2023"]
AFTER_TERM_DAYS = 60
"""How far past the term an ``after`` facts file reaches (a final acceptance, a last payment)."""


@cache
def loaded_contract(cid: str) -> LoadedContract:
    """The contract, with its rules compiled here, in the pytest process, so the children
    forked for each example share the compiled rulesets instead of compiling them again."""
    loaded = load_contract(CONTRACTS / f"{cid}.yaml")
    evaluator_for(loaded)
    return loaded


def in_child(check: Callable[[str], None]) -> None:
    """Run ``check(tmp)`` in a forked child with a fresh temporary folder, and raise here
    whatever it raised (with the child's traceback as a note), so hypothesis sees the
    failure and shrinks it."""
    read, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        os.close(read)
        payload = b""
        try:
            with tempfile.TemporaryDirectory() as tmp:
                check(tmp)
        except BaseException as error:  # noqa: BLE001 - everything goes back to the parent
            error.add_note("in the child process:\n" + traceback.format_exc())
            try:
                payload = pickle.dumps(error)
                pickle.loads(payload)
            except Exception:  # an exception that does not pickle travels as its traceback
                payload = pickle.dumps(RuntimeError(traceback.format_exc()))
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(payload)
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read, "rb") as pipe:
        payload = pipe.read()
    _, status = os.waitpid(pid, 0)
    if payload:
        raise pickle.loads(payload)
    if status != 0:
        raise RuntimeError(f"the child process checking this example died (wait status {status})")


@cache
def cal():
    return calendar()


# --- the event tables -------------------------------------------------------------------------

def money(low: str | int, high: str | int | Decimal) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=Decimal(low), max_value=Decimal(high), places=2,
                       allow_nan=False, allow_infinity=False)


def maybe(strategy: st.SearchStrategy) -> st.SearchStrategy:
    """An optional field: left out (None) or drawn."""
    return st.none() | strategy


COUNT = maybe(st.integers(2, 4))
"""``count`` of an event type without fields (left out means 1)."""
RECEIVED = maybe(st.integers(0, 4))
"""``received``: days after the date sent (the loader refuses a receipt before sending)."""
DAYS_AFTER = ("received", "ended")
"""Fields drawn as days after the event's date: a notice's receipt, the end of a cause."""
LOSS = money(100, 40000)
Fields = dict[str, "st.SearchStrategy | Callable[[dict], st.SearchStrategy]"]
"""Field → strategy, or a function of the fields drawn before it (a payment's amount depends
on its tranche)."""


def _common(loaded: LoadedContract) -> dict[str, Fields]:
    """Field tables shared by the contracts paid in tranches."""
    amounts = loaded.tranche_amounts
    tranche = st.sampled_from(sorted(amounts))
    return {
        "invoice": {"tranche": tranche, "amount": maybe(money(1, max(amounts.values()))),
                    "accepted": maybe(st.booleans())},
        "payment": {"tranche": tranche,
                    "amount": lambda e: st.sampled_from([amounts[e["tranche"]],
                                                         (amounts[e["tranche"]] / 2).quantize(Decimal("0.01"))])
                    | money("0.01", amounts[e["tranche"]])},
        "tranche": {"tranche": tranche},
    }


def _claim(loaded: LoadedContract) -> Fields:
    """A penalty claim names a clause that grants a penalty and claims at most that penalty;
    where the clause grants more than one amount the claim must say which."""
    exposures = loaded.contract.exposures()

    def amount(event: dict) -> st.SearchStrategy:
        granted = exposures[event["clause"]]
        drawn = st.sampled_from(granted) | money(1, max(granted))
        return drawn if len(granted) > 1 else maybe(drawn)

    return {"clause": st.sampled_from(sorted(exposures)), "amount": amount}


def _ground(loaded: LoadedContract, event_type: str) -> Fields:
    """A termination fact shared by several grounds must name its clause."""
    return {"clause": st.sampled_from(loaded.termination_grounds[event_type])}


def _account_events(loaded: LoadedContract) -> dict[str, tuple[int, Fields]]:
    """The facts every contract's account takes (model/contract.py ``ACCOUNT_EVENT_TYPES``):
    payments either way, and a claim waived under a clause that charges."""
    charging = [c.id for c in loaded.contract.clauses if c.effect == "money" and c.rules]
    return {"vendor_payment": (1, {"amount": LOSS}), "interest_paid": (1, {"amount": money(1, 20000)}),
            "claim_waived": (1, {"clause": st.sampled_from(charging), "amount": maybe(LOSS),
                                 "note": st.just("复核后放弃")})}


def event_table(cid: str) -> dict[str, tuple[int, Fields]]:
    """Per contract: event type → (weight, fields with their ranges)."""
    return {**_contract_events(cid), **_account_events(loaded_contract(cid))}


def _contract_events(cid: str) -> dict[str, tuple[int, Fields]]:
    loaded = loaded_contract(cid)
    deliverable = st.sampled_from([d.id for d in loaded.contract.deliverables] or ["-"])
    if cid == "gaomidian-2025":
        return {
            "zero_point_order": (4, {"count": COUNT}), "complaint": (4, {"count": COUNT}),
            "response_missed": (3, {"count": COUNT}), "dispatch_timeout": (3, {"count": COUNT}),
            "callback_missed": (3, {"count": COUNT}), "false_record": (2, {"count": COUNT}),
            "advance_payment": (2, {"amount": money(100, 30000)}),
            "obligation_delay": (1, {"days": st.integers(1, 4)}),
            "uncured_breach": (1, {}), "invoice_invalid": (1, {}), "instruction_refused": (1, {}),
            "unauthorized_subcontract": (1, {}), "loss_compensation": (1, {"amount": LOSS}),
            "contract_terminated": (1, {}),
        }
    common = _common(loaded)
    if cid == "yangfangdian-2026":
        return {
            "invoice_received": (3, common["invoice"]), "payment_made": (3, common["payment"]),
            "acceptance": (1, {}), "illegal_service_loss": (1, {"amount": LOSS}),
            "breach_loss": (1, {"amount": LOSS}), "property_loss": (2, {"amount": LOSS}),
            "equipment_misuse": (1, {}), "injury_accident": (1, {}), "equipment_transfer": (1, {}),
            "breach_notice": (2, {"received": RECEIVED}), "breach_cured": (2, {}),
            "other_termination_ground": (1, {}),
            "buyer_termination_notice": (1, {"received": RECEIVED}),
            "contract_terminated": (1, _ground(loaded, "contract_terminated")),
        }
    if cid == "chengbei-2025":
        return {
            "funds_available": (2, common["tranche"]), "invoice_received": (2, common["invoice"]),
            "payment_made": (3, common["payment"]), "fiscal_delay": (1, {**common["tranche"], "ended": maybe(st.integers(0, 60))}),
            "deliverable_delivered": (3, {"deliverable": deliverable}),
            "revision_requested": (1, {"deliverable": deliverable}),
            "acceptance_reminder": (1, {"deliverable": deliverable}),
            "acceptance": (2, {"deliverable": deliverable}),
            "service_delay": (1, {"days": st.integers(1, 5)}), "delay_loss": (1, {"amount": LOSS}),
            "inaccurate_deliverable": (1, {"deliverable": deliverable,
                                           "amount": maybe(money(100, 98000))}),
            "confidentiality_loss": (1, {"amount": LOSS}),
            "cases_handled": (3, {"count": st.integers(1, 2000)}),
            "contract_terminated": (1, {}),
        }
    if cid == "jiuxianqiao-2025":
        return {
            "deliverable_delivered": (8, {"deliverable": deliverable, "accepted": maybe(st.booleans())}),
            "invoice_received": (2, common["invoice"]), "internal_approval": (1, common["tranche"]),
            "final_acceptance": (1, {}), "payment_made": (3, common["payment"]),
            "work_standard_unmet": (1, {}), "other_breach": (1, {}),
            "notice_uncured": (1, {"received": RECEIVED}), "work_requirement_ignored": (1, {}),
            "vendor_quit_without_cause": (1, {}), "buyer_quit_without_cause": (1, {}),
            "termination_notice": (1, {"received": RECEIVED}),
            "contract_terminated": (1, _ground(loaded, "contract_terminated")),
            "penalty_claimed": (3, _claim(loaded)), "loss_claimed": (1, {"amount": LOSS}),
            "cost_report": (1, {"amount": maybe(LOSS)}),
        }
    if cid == "ghzrzw-chaoyang-2023":
        return {
            "staff_shortfall": (2, {"staff": st.integers(1, 4), "days": maybe(st.integers(1, 5))}),
            "quality_nonconformity": (1, {}), "rectification_demanded": (2, {"count": COUNT}),
            "rectification_failed": (2, {"count": COUNT}),
            "replacement_overdue": (1, {"days": st.integers(1, 5), "staff": maybe(st.integers(1, 4))}),
            "labor_dispute_impact": (1, {}), "labor_dispute_stoppage": (1, {}),
            "capability_lost": (1, {}), "staff_error_loss": (1, {}),
            "unauthorized_subcontract": (1, {}), "confidentiality_breach": (1, {}),
            "other_breach": (2, {"count": COUNT}),
            "invoice_received": (2, common["invoice"]), "payment_made": (3, common["payment"]),
            "buyer_termination": (1, {}),
            "contract_terminated": (1, _ground(loaded, "contract_terminated")),
            "penalty_claimed": (3, _claim(loaded)), "loss_claimed": (1, {"amount": LOSS}),
        }
    raise KeyError(cid)


# --- drawing histories -------------------------------------------------------------------------

@st.composite
def events(draw, cid: str, first: date, last: date, max_size: int) -> list[dict]:
    """Up to ``max_size`` events of ``cid`` dated ``first``..``last``."""
    if first > last:
        return []
    table = event_table(cid)
    types = [name for name, (weight, _) in table.items() for _ in range(weight)]
    drawn = []
    for _ in range(draw(st.integers(0, max_size))):
        name = draw(st.sampled_from(types))
        day = draw(st.dates(first, last))
        event: dict[str, Any] = {"type": name, "date": day}
        for field, strategy in table[name][1].items():
            value = draw(strategy(event) if callable(strategy) else strategy)
            if value is None:
                continue
            event[field] = day + timedelta(days=value) if field in DAYS_AFTER else value
        drawn.append(event)
    return drawn


def last_day(loaded: LoadedContract) -> date:
    """The last day an event may be dated: the term's end, or a while after it for a contract
    paid in tranches (its ``after`` file)."""
    end = loaded.contract.term.end
    return end + timedelta(days=AFTER_TERM_DAYS) if loaded.tranches else end


@st.composite
def histories(draw, cid: str, max_events: int = 30) -> dict:
    """A random history: which months have a facts file (all but at most two), each month's
    rating where the contract rates months, and the events, dated anywhere in the term (or
    after it, when an ``after`` file is kept)."""
    loaded = loaded_contract(cid)
    months = [p.index for p in all_periods(loaded.contract)]
    missing = draw(st.sets(st.sampled_from(months), max_size=2))
    files: dict[int | str, dict] = {n: {"events": []} for n in months if n not in missing}
    if loaded.tranches and draw(st.booleans()):
        files["after"] = {"events": []}
    for facts in files.values():
        if loaded.contract.ratings:
            facts["rating"] = draw(st.none() | st.sampled_from(loaded.contract.ratings))
    term = loaded.contract.term
    history = {"files": files}
    place(loaded, history, draw(events(cid, term.start, last_day(loaded), max_events)))
    return history


def file_of(loaded: LoadedContract, day: date) -> int | str:
    for period in all_periods(loaded.contract):
        if period.contains(day):
            return period.index
    return "after"


def place(loaded: LoadedContract, history: dict, new: list[dict]) -> None:
    """File each event in its month's facts file, if that month has one; a payment that would
    repeat another or take its tranche past its amount is left out (the loader refuses both)."""
    paid: dict[int, Decimal] = {}
    seen: set[tuple] = set()
    for facts in history["files"].values():
        for event in facts["events"]:
            if event["type"] == PAYMENT:
                paid[event["tranche"]] = paid.get(event["tranche"], Decimal(0)) + event["amount"]
                seen.add((event["tranche"], event["date"], event["amount"]))
    for event in new:
        target = history["files"].get(file_of(loaded, event["date"]))
        if target is None:
            continue
        if event["type"] == PAYMENT:
            key = (event["tranche"], event["date"], event["amount"])
            total = paid.get(event["tranche"], Decimal(0)) + event["amount"]
            if key in seen or total > loaded.tranche_amounts[event["tranche"]]:
                continue
            paid[event["tranche"]] = total
            seen.add(key)
        target["events"].append(event)


def with_future(loaded: LoadedContract, history: dict, day: date, future: list[dict]) -> dict:
    """A copy of ``history`` with the ``future`` events (dated after ``day``) added to their
    months' files; a month not yet over on ``day`` that has no file gets one, as the clerk
    would create it. (A month already over on ``day`` does not: recording a past month, even
    with nothing in it, is recording the past — without its file the month is unknown.)"""
    copy = {"files": {n: {**facts, "events": list(facts["events"])}
                      for n, facts in history["files"].items()}}
    for event in future:
        label = file_of(loaded, event["date"])
        if label not in copy["files"] and (label != "after" or loaded.tranches):
            if label == "after" or period_of(loaded.contract, label).end > day:
                copy["files"][label] = {"events": []}
    place(loaded, copy, future)
    return copy


def write(cid: str, history: dict, folder: Path) -> Path:
    folder.mkdir()
    for label, facts in history["files"].items():
        document: dict[str, Any] = {"contract": cid, "period": label}
        if facts.get("rating"):
            document["rating"] = facts["rating"]
        document["events"] = sorted(facts["events"], key=lambda e: e["date"])
        name = "after-term.yaml" if label == "after" else f"period-{label:02d}.yaml"
        (folder / name).write_text(dump_facts(document), "utf-8")
    return folder


def book_of(cid: str, history: dict, tmp: str, name: str = "facts") -> FactsBook:
    return load_facts(write(cid, history, Path(tmp) / name), loaded_contract(cid))


def begun_months(loaded: LoadedContract, book: FactsBook, day: date) -> list[int]:
    """The months with a facts file that have begun by ``day``."""
    return [p.index for p in all_periods(loaded.contract) if p.index in book.files and p.start <= day]


# --- what every statement must satisfy ----------------------------------------------------------

AMOUNT_KEYS = {"gross", "deductions_total", "net", "payable", "withheld", "owed_by_vendor",
               "amount", "owed_by_buyer", "already_paid"}
TWO_DECIMALS = re.compile(r"^-?\d+\.\d{2}$")


def badly_written_amounts(document: Any, path: str = "$") -> list[str]:
    """Every amount in ``document`` that is not a string with exactly two decimals. ``None``
    stands for "no amount (yet)" (a cycle not yet due has no payable) and is allowed. The
    ``params`` of a trace echo the contract's own rule parameters as written (高米店 4.6.3
    ``amount: 5000``) and are not statement amounts, so they are not walked."""
    found = []
    if isinstance(document, dict):
        for key, value in document.items():
            here = f"{path}.{key}"
            if key in AMOUNT_KEYS and value is not None and not (
                    isinstance(value, str) and TWO_DECIMALS.match(value)):
                found.append(f"{here} = {value!r}")
            if key == "params" and path.endswith("trace_v1"):
                continue
            found += badly_written_amounts(value, here)
    elif isinstance(document, list):
        for index, value in enumerate(document):
            found += badly_written_amounts(value, f"{path}[{index}]")
    return found


def claim_lines(statement: dict) -> list[tuple[str, str, str]]:
    """The penalty claims a statement deducts: (clause, date, file:line of the claim fact)."""
    found = []
    events = {event["id"]: event for event in statement.get("events", [])}
    for line in statement.get("deductions", []):
        if line["type"] == PENALTY_CLAIM:
            fact = line["trace_v1"]["facts"][0]
            fact = fact if isinstance(fact, dict) else events[fact]
            found.append((line["clause"], fact.get("date", ""), fact.get("source", "")))
    return found


def check_statement(statement: dict, what: str) -> None:
    """(f) and the second half of (c), for any statement produced in any property."""
    bad = badly_written_amounts(statement)
    assert not bad, f"{what}: amounts not written as strings with two decimals: {bad[:5]}"
    claims = claim_lines(statement)
    assert len(claims) == len(set(claims)), f"{what}: one claim deducted twice: {claims}"


def first_difference(a: Any, b: Any, path: str = "$") -> str | None:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b), key=str):
            if key not in a or key not in b:
                return f"{path}.{key}: only in {'before' if key in a else 'after'}"
            found = first_difference(a[key], b[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list):
        for index, (x, y) in enumerate(zip(a, b)):
            found = first_difference(x, y, f"{path}[{index}]")
            if found:
                return found
        return None if len(a) == len(b) else f"{path}: {len(a)} items before, {len(b)} after"
    return None if a == b else f"{path}: {a!r} before, {b!r} after"


def without_fingerprint(statement: dict) -> dict:
    return {key: value for key, value in statement.items() if key != "fingerprint"}


def grounds(loaded: LoadedContract) -> list[tuple[str, str | None]]:
    """Each termination ground of the contract with the party who invokes it (None when the
    clause does not say)."""
    return [(rule.clause, rule.params.party) for rule in loaded.rules
            if rule.kind == "termination_settlement"]


# --- the guard on the tables ---------------------------------------------------------------------

@pytest.mark.parametrize("cid", ALL)
def test_event_tables_match_the_contracts(cid):
    """The random histories draw every event type the contract declares, each with all the
    fields it requires and only fields it takes, so a history is never refused and no type is
    silently left out when a contract changes."""
    declared = loaded_contract(cid).contract.event_types
    table = event_table(cid)
    assert sorted(table) == sorted(declared)
    for name, (_, fields) in table.items():
        spec = declared[name]
        assert set(spec.requires) <= set(fields), name
        allowed = set(spec.requires) | set(spec.optional) | {"note"}
        assert set(fields) <= allowed | ({"count"} if allowed == {"note"} else set()), name


# --- (b) the future does not change the past -----------------------------------------------------

@st.composite
def futures(draw, cid: str) -> tuple[dict, date, list[dict]]:
    """A history, a day D inside the term, and events dated after D."""
    loaded = loaded_contract(cid)
    history = draw(histories(cid))
    term = loaded.contract.term
    day = draw(st.dates(term.start, term.end))
    later = draw(events(cid, day + timedelta(days=1), last_day(loaded), 12))
    return history, day, later


@pytest.mark.parametrize("cid", ALL)
def test_the_future_does_not_change_the_past(cid):
    """A statement drawn up as of a day D says the same whatever is recorded afterwards: the
    schedule as of D, every tranche statement as of D and every month statement as of D (for
    the months begun by D) are identical, but for the fingerprint naming the files read, when
    events dated after D are added to the facts — to the files already there, to later
    months' files, and to new files of months not yet over on D. A reviewer can re-issue an
    old statement months later and get the figures that were signed."""
    for_random_histories("future", cid, _future_does_not_change_the_past)


def _future_does_not_change_the_past(cid: str, data: Any) -> None:
    cid_loaded = loaded_contract(cid)
    history, day, later = data.draw(futures(cid), label="history, D, events after D")
    extended = with_future(cid_loaded, history, day, later)

    def check(tmp: str) -> None:
        before, after = book_of(cid, history, tmp, "before"), book_of(cid, extended, tmp, "after")
        views: list[tuple[str, Callable[[FactsBook], dict]]] = [
            ("schedule", lambda book: schedule_listing(cid_loaded, book, day, cal()))]
        views += [(f"tranche {rule.params.number}",
                   lambda book, n=rule.params.number: without_fingerprint(
                       tranche_statement(cid_loaded, book, n, day, cal())))
                  for rule in cid_loaded.tranches]
        views += [(f"month {k}", lambda book, k=k: without_fingerprint(
                       period_statement(cid_loaded, book, k, as_of=day)))
                  for k in begun_months(cid_loaded, before, day)]
        for what, view in views:
            old, new = view(before), view(after)
            check_statement(old, what)
            difference = first_difference(old, new)
            assert difference is None, f"{what} as of {day} changed: {difference}"

    in_child(check)


# --- (c) one breach, at most one penalty ---------------------------------------------------------

@pytest.mark.parametrize("cid", WITH_CLAIMS)
def test_one_breach_at_most_one_penalty(cid):
    """A penalty is charged once. When the buyer has claimed a clause's penalty (a
    ``penalty_claimed`` deduction under clause C on a tranche statement), terminating under C
    does not charge it again: the termination statement, and every termination recorded in
    the schedule or a tranche statement, shows no penalty for C. And no claim fact is deducted
    twice — not within one statement, not across the tranches of one schedule. Conversely a
    ground whose penalty was not claimed does charge it, once."""
    for_random_histories("penalty", cid, _one_breach_at_most_one_penalty)


def _one_breach_at_most_one_penalty(cid: str, data: Any) -> None:
    loaded = loaded_contract(cid)
    history = data.draw(histories(cid), label="history")
    term = loaded.contract.term
    on = data.draw(st.dates(term.start, term.end), label="terminated on")
    claimed_in_history = {event["clause"] for facts in history["files"].values()
                          for event in facts["events"] if event["type"] == PENALTY_CLAIM}
    choices = grounds(loaded)
    under_a_claim = [ground for ground in choices if ground[0] in claimed_in_history]
    if under_a_claim and data.draw(st.booleans(), label="terminate under a claimed clause"):
        choices = under_a_claim  # half the time, the case the property is about
    clause, party = data.draw(st.sampled_from(choices), label="ground")
    by = data.draw(st.sampled_from([party, None, "vendor", "buyer"]), label="by")

    def check(tmp: str) -> None:
        book = book_of(cid, history, tmp)
        tranches = [tranche_statement(loaded, book, rule.params.number, on, cal())
                    for rule in loaded.tranches]
        schedule = schedule_listing(loaded, book, on, cal())
        claims = []
        for statement in tranches:
            check_statement(statement, f"tranche {statement['tranche']['number']}")
            claims += claim_lines(statement)
        assert len(claims) == len(set(claims)), f"a claim is deducted on two tranches: {claims}"
        claimed = {claim[0] for claim in claims}
        recorded = [*schedule["termination"], *(t for s in tranches for t in s["termination"])]
        for item in recorded:
            if item["clause"] in claimed:
                assert item["penalty"] is None, (
                    f"termination recorded under {item['clause']} charges the penalty already "
                    f"claimed: {item['penalty']}")
        try:
            ended = termination_statement(loaded, book, clause, on, by, cal())
        except UserError:
            return  # the clause may not be invoked by that party: refused, nothing to check
        check_statement(ended, f"termination under {clause}")
        own = {claim[0] for claim in claim_lines(ended)}
        rule = next(r for r in loaded.rules if r.kind == "termination_settlement"
                    and r.clause == clause and (by is None or r.params.party in (by, None)))
        if clause in own or clause in claimed:
            assert ended["termination"]["penalty"] is None, (
                f"terminating under {clause} charges its penalty again after the claim "
                f"{[c for c in claims if c[0] == clause]}: {ended['termination']['penalty']}")
            assert ended["termination"]["penalty_claimed_on"]
        elif rule.params.penalty_rate:
            assert ended["termination"]["penalty"] is not None, (
                f"terminating under {clause} charges no penalty, and none was claimed")

    in_child(check)


# --- (e) a cycle and its months agree (高米店) ---------------------------------------------------

MONTHLY_FEE = Decimal("359600.00")


def cycle_totals_hold(cycle: dict, months: list[dict], what: str) -> None:
    """The arithmetic of ``totals`` in views/statement.py, for a cycle paid by itself."""
    deductions = Decimal(cycle["deductions_total"])
    net = Decimal(cycle["net"])
    assert sum((Decimal(m["deductions_total"]) for m in months), Decimal(0)) == deductions, what
    assert Decimal(cycle["gross"]) == MONTHLY_FEE * len(months), what
    assert net == Decimal(cycle["gross"]) - deductions, what
    suspended = any(flag["kind"] == "payment_suspension" for flag in cycle["flags"])
    positive = max(net, Decimal(0))
    assert Decimal(cycle["payable"]) == (Decimal(0) if suspended else positive), what
    assert Decimal(cycle["withheld"]) == positive - Decimal(cycle["payable"]), what
    assert Decimal(cycle["owed_by_vendor"]) == max(-net, Decimal(0)), what
    assert (Decimal(cycle["payable"]) + Decimal(cycle["withheld"])
            - Decimal(cycle["owed_by_vendor"])) == net, what
    make_good = any(flag["clause"] == "6.6" and flag["kind"] == "make_good" for flag in cycle["flags"])
    assert make_good == (net < 0), f"{what}: 6.6 make-good flag {make_good} with net {net}"
    month_flags = sorted((m["period"]["index"], f["clause"], f["kind"]) for m in months for f in m["flags"])
    carried = sorted((f["period"], f["clause"], f["kind"]) for f in cycle["flags"] if "period" in f)
    assert carried == month_flags, f"{what}: the cycle does not carry its months' flags"


@pytest.mark.parametrize("cid", ["gaomidian-2025"])
def test_a_cycle_and_its_months_agree(cid):
    """高米店 is paid by 3-month cycles (3.2) and judges make-good on the cycle (6.6): each
    month's statement only shows its net, "settled in" its cycle, and owes nothing by itself;
    the cycle's deductions are exactly the sum of its months'; its net is 3 × 359,600.00 less
    those deductions; and payable + withheld − owed_by_vendor = net, payable being 0 while a
    payment_suspension stands, owed_by_vendor (with the 6.6 make-good flag) only when the
    deductions exceed the fees. Also checked as of a random day inside a cycle, for the months
    begun by then."""
    for_random_histories("cycle", cid, _a_cycle_and_its_months_agree)


def _a_cycle_and_its_months_agree(cid: str, data: Any) -> None:
    loaded = loaded_contract(cid)
    history = data.draw(histories(cid, max_events=40), label="history")
    term = loaded.contract.term
    day = data.draw(st.dates(term.start, term.end), label="interim as of")

    def check(tmp: str) -> None:
        book = book_of(cid, history, tmp)
        for index in range(1, cycle_count(loaded.contract) + 1):
            span = cycle_of(loaded.contract, index)
            if any(p.index not in book.files for p in span.periods):
                continue  # a cycle with a month not yet recorded cannot be settled
            for as_of in (None, day if span.start <= day < span.end else None):
                cycle = cycle_statement(loaded, book, index, as_of=as_of)
                begun = [p.index for p in span.periods if as_of is None or p.start <= as_of]
                months = [period_statement(loaded, book, k, as_of=as_of) for k in begun]
                what = f"cycle {index}" + (f" as of {as_of}" if as_of else "")
                check_statement(cycle, what)
                for month in months:
                    check_statement(month, f"month {month['period']['index']}")
                    assert month["owed_by_vendor"] == "0.00", what
                    assert month["payable"] == month["withheld"] == "0.00", what
                    assert month["settled_in"] == f"第 {index} 支付周期", what
                    assert Decimal(month["net"]) == MONTHLY_FEE - Decimal(month["deductions_total"]), what
                cycle_totals_hold(cycle, months, what)
                if as_of is None:
                    assert len(months) == 3 and cycle["gross"] == "1078800.00", what

    in_child(check)


# --- (f) amounts are strings with two decimals ---------------------------------------------------

@pytest.mark.parametrize("cid", ALL)
def test_amounts_are_strings_with_two_decimals(cid):
    """Every amount a statement shows — gross, deductions_total, net, payable, withheld,
    owed_by_vendor, owed_by_buyer, already_paid and each line's, fee's, payment's and
    penalty's amount — is a string with exactly two decimals (a negative net with its minus
    sign), in the schedule, every tranche statement, every month and cycle statement, and a
    termination statement, as of a random day: what the reviewer reads is what is paid, with
    no float rounding and no missing fen."""
    for_random_histories("amounts", cid, _amounts_are_strings_with_two_decimals)


def _amounts_are_strings_with_two_decimals(cid: str, data: Any) -> None:
    loaded = loaded_contract(cid)
    history = data.draw(histories(cid), label="history")
    term = loaded.contract.term
    day = data.draw(st.dates(term.start, last_day(loaded)), label="as of")
    ground = data.draw(st.sampled_from(grounds(loaded)), label="ground") if grounds(loaded) else None

    def check(tmp: str) -> None:
        book = book_of(cid, history, tmp)
        check_statement(schedule_listing(loaded, book, day, cal()), "schedule")
        for rule in loaded.tranches:
            check_statement(tranche_statement(loaded, book, rule.params.number, day, cal()),
                            f"tranche {rule.params.number}")
        for k in begun_months(loaded, book, day):
            check_statement(period_statement(loaded, book, k, as_of=day), f"month {k}")
        if not loaded.tranches:
            for index in range(1, cycle_count(loaded.contract) + 1):
                span = cycle_of(loaded.contract, index)
                if span.start <= day and all(p.index in book.files for p in span.periods):
                    check_statement(cycle_statement(loaded, book, index, as_of=day), f"cycle {index}")
        if ground:
            clause, party = ground
            on = min(day, term.end)
            check_statement(termination_statement(loaded, book, clause, on, party, cal()),
                            f"termination under {clause} on {on}")

    in_child(check)
