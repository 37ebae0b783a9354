"""Settlement statements: a contract month or a payment cycle, as the JSON finance staff sign.

Amounts are strings with two decimals. ``net`` = ``gross`` − ``deductions_total``
and may be negative; ``payable`` = max(net, 0), or 0 with the amount in
``withheld`` while a ``payment_suspension`` flag stands; ``owed_by_vendor`` =
max(−net, 0) (高米店 6.6).
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import date
from decimal import Decimal
from typing import Any

from compliance import __version__
from compliance.model import collector
from compliance.model import money
from compliance.engine.loading import LoadedContract
from compliance.engine.evaluation import evaluator_for, settle_period_outcome
from compliance.model.facts import PENALTY_CLAIM, FactsBook
from compliance.engine.kinds import deliverable_quota as quota_kind
from compliance.engine.outcome import TRACE_KEY, Outcome
from compliance.model.periods import Cycle, Period
from compliance.model.periods import cycle as cycle_of
from compliance.model.periods import period as period_of
from compliance.engine.schedule import STATUS_LABELS, TrancheState, payment_schedule
from compliance.model.workdays import WorkCalendar, bundled_digest

SCHEMA = "compliance.statement/3"
"""/2: each line, flag and check keeps its trace under ``trace_v1``, with its arithmetic steps.
/3: every fact behind a trace is listed once, under ``events`` with an id (``E1``, ``E2`` … in
source order), and ``trace_v1.facts`` holds those ids instead of the facts themselves."""
EVENT_ID = "E{}"
ZERO = Decimal("0")


def _fees(loaded: LoadedContract) -> list[dict[str, Any]]:
    return [{"clause": fee.clause, "label": fee.label, "amount": money.as_json(fee.monthly)}
            for fee in loaded.contract.fees]


def fingerprint(loaded: LoadedContract, book: FactsBook, last_period: int,
                 extra: dict[str, str] | None = None) -> dict[str, Any]:
    """sha256 of everything the statement rests on: the contract, every facts file it read,
    the software's version and the bundled working-day calendar (and ``extra``: the as-of
    date, a user's calendar file)."""
    files = {book.files[n].path.name: book.files[n].sha256 for n in sorted(book.files) if n <= last_period}
    inputs = {"software_version": __version__, "bundled_calendar_sha256": bundled_digest(),
              **(extra or {})}
    digest = hashlib.sha256(loaded.digest.encode())
    for name, sha in {**files, **inputs}.items():
        digest.update(f"\n{name}:{sha}".encode())
    return {"sha256": digest.hexdigest(), "contract_sha256": loaded.digest, "facts_sha256": files,
            **inputs}


def totals(gross: Decimal, outcome: Outcome, paid: Decimal | None = None,
           settled_in: str | None = None) -> dict[str, Any]:
    """The statement's sums. For a tranche (``paid`` given) what was already paid is taken off
    and what the buyer owes the vendor (late-payment interest) is shown beside it. A month that
    is not paid by itself (``settled_in``: its payment cycle, or the next tranche) owes nothing
    on its own: its net is settled there, and only that statement says who pays what (高米店
    6.6: 不足抵扣的乙方补足 is judged on the cycle's payment, not on one month)."""
    deductions = outcome.deductions()
    net = gross - deductions
    remaining = net - (paid or ZERO)
    suspended = any(flag.kind == "payment_suspension" for flag in outcome.flags)
    positive = ZERO if settled_in else max(remaining, ZERO)
    payable = ZERO if suspended else positive
    return {
        "gross": money.as_json(gross),
        "deductions_total": money.as_json(deductions),
        "net": money.as_json(net),
        **({"already_paid": money.as_json(paid)} if paid is not None else {}),
        "payable": money.as_json(payable),
        "withheld": money.as_json(positive - payable),
        "owed_by_vendor": money.as_json(ZERO if settled_in else max(-remaining, ZERO)),
        **({"settled_in": settled_in} if settled_in else {}),
        **({"owed_by_buyer": money.as_json(outcome.owed_by_buyer())} if paid is not None else {}),
        "amount_in_words": money.in_words(net if settled_in else payable),
    }


def span_label(statement: dict[str, Any]) -> str:
    """What the statement covers, as its header and every listing name it: the month (with its
    payment cycle), the cycle (with its months), the tranche or the termination."""
    if "ground" in statement:
        return f"于 {statement['terminated_on']} 依第 {statement['ground']['clause']} 条解除"
    if "tranche" in statement:
        t = statement["tranche"]
        return f"{t['label']}（第 {t['number']} 次付款，截至 {statement['as_of']}）"
    if "period" in statement:
        p = statement["period"]
        cycle = f"，第 {p['cycle']} 支付周期" if statement["fees"] else ""
        return f"第 {p['index']} 期（{p['start']} 至 {p['end']}{cycle}）"
    c = statement["cycle"]
    months = "、".join(str(n) for n in c["periods"])
    return f"第 {c['index']} 支付周期（{c['start']} 至 {c['end']}，含第 {months} 期）"


def payable_sentence(statement: dict[str, Any]) -> str:
    """What the statement says is to be paid, in one Chinese sentence: the payable with its 大写,
    or, for a month settled with its cycle or tranche, where its net goes."""
    words = statement["amount_in_words"]
    if statement.get("settled_in"):
        alone = "本次款项不单独支付" if "tranche" in statement else "本月不单独付款"
        return (f"{alone}：净额 {money.grouped(Decimal(statement['net']))} 元（{words}）"
                f"计入{statement['settled_in']}结算")
    held = (f"，暂停支付 {money.grouped(Decimal(statement['withheld']))} 元"
            if statement.get("withheld", "0.00") != "0.00" else "")
    return f"本期应付 {money.grouped(Decimal(statement['payable']))} 元（{words}）{held}"


def settled_in(loaded: LoadedContract, period: Period) -> str | None:
    """Where a month's net is paid, when not by itself: with its payment cycle (高米店 3.2: 每
    3 个月为一个支付周期), or, for a contract paid in tranches, against the next payment."""
    contract = loaded.contract
    if not contract.fees:
        return "下一次应付款（分期付款）"
    if not contract.pays_monthly and period.index <= loaded.period_count:
        return f"第 {period.cycle} 支付周期"
    return None


def tranche_settled_in(state: TrancheState) -> str | None:
    """A tranche left unpaid when the contract was terminated is paid in the termination's
    settlement, not by itself."""
    return "合同解除时的" if state.status == "terminated" else None


def statement_day(span_end: date, as_of: date | None) -> date:
    """The day a month or cycle statement is judged at: its last day once it is over, else the
    day asked for (an interim statement of a month still running)."""
    return span_end if as_of is None else min(as_of, span_end)


def header(loaded: LoadedContract) -> dict[str, Any]:
    contract = loaded.contract
    return {
        "schema": SCHEMA,
        "contract": contract.id,
        "contract_title": contract.title,
        "parties": {"buyer": contract.parties.buyer, "vendor": contract.parties.vendor},
    }


def with_events(statement: dict[str, Any], book: FactsBook | None = None) -> dict[str, Any]:
    """The statement with every fact its traces rest on listed once, under ``events``, and
    each trace naming its facts by id: a month of 10,000 events has 10,000 events, not one
    copy per line and flag that counted them. Ids are ``E1``, ``E2`` … in source order
    (facts file, then line); facts not read from a facts file (a what-if addition, the
    month's rating, a tranche, the balance) follow in the order the statement first cites
    them. Same statement, same ids. The traces of ``statement`` (fresh dicts from
    ``to_json``) are rewritten in place; the engine's own lists are not touched. An event
    imported from an export (``book`` given) keeps its ``origin``: file, sheet, row(s)."""
    citing = [trace for trace in traces(statement)
              if any(isinstance(fact, dict) for fact in trace["facts"])]
    lists = {id(trace["facts"]): trace["facts"] for trace in citing}  # some traces share one
    cited: dict[int, Any] = {}  # by object, first cited first: the engine shares one fact dict
    for cited_list in lists.values():  # among its traces (a counter's 10,000 events, in several)
        cited.update(zip(map(id, cited_list), cited_list))
    facts = [fact for fact in cited.values() if isinstance(fact, dict)]
    copies = _copies(facts)
    listed = [fact for fact in facts if id(fact) not in copies]
    keys = [_source_order(fact.get("source")) for fact in listed]
    ordered = list(map(listed.__getitem__, sorted(range(len(listed)), key=keys.__getitem__)))
    first = len(statement.get("events", [])) + 1
    numbers = list(map(EVENT_ID.format, range(first, first + len(ordered))))
    named = dict(zip(map(id, ordered), numbers))
    named.update({copy: named[id(fact)] for copy, fact in copies.items()})
    renamed = {key: list(map(named.get, map(id, cited_list), cited_list))  # what is not a dict
               for key, cited_list in lists.items()}                   # stays as it is
    for trace in citing:
        trace["facts"] = renamed[id(trace["facts"])]
    origins = book.origins() if book is not None else {}
    events = [*statement.get("events", []),
              *({"id": number, **fact, **_origin(fact, origins)} if origins else {"id": number, **fact}
                for number, fact in zip(numbers, ordered))]
    return {**statement, "events": events}


def _origin(fact: dict[str, Any], origins: dict[str, dict[str, Any]]) -> dict[str, Any]:
    source = fact.get("source")
    return {"origin": origins[source]} if isinstance(source, str) and source in origins else {}


def _copies(facts: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """Each of ``facts`` (by object) that has the same content (``_fact_key``) as one before
    it, with that one: the fact a rule matched and the same event in a counter's trace are two
    dicts, listed once. Only facts with the same source can have the same content, so only
    those are compared in full; a month of 10,000 events has few."""
    sources = list(map(_source_text, facts))
    shared = {source for source, count in Counter(sources).items() if count > 1}
    first: dict[str, dict[str, Any]] = {}
    copies: dict[int, dict[str, Any]] = {}
    for source, fact in zip(sources, facts):
        if source in shared:
            earlier = first.setdefault(_fact_key(fact), fact)
            if earlier is not fact:
                copies[id(fact)] = earlier
    return copies


def _source_text(fact: dict[str, Any]) -> Any:
    """What two facts with the same ``_fact_key`` always share: their ``source`` as the JSON
    writes it (a text, or any object JSON does not know as its ``str``). None for a fact
    without one, or with a number, list or mapping: those are all compared in full."""
    source = fact.get("source")
    if isinstance(source, str):
        return source
    if source is None or isinstance(source, (int, float, list, tuple, dict)):
        return None
    return str(source)


def traces(node: Any):
    """Every trace in a statement (on lines, flags, checks, wherever it sits), in reading
    order; their facts are not walked."""
    if isinstance(node, dict):
        if isinstance(node.get(TRACE_KEY), dict):
            yield node[TRACE_KEY]
        for key, value in node.items():
            if key not in (TRACE_KEY, "events"):
                yield from traces(value)
    elif isinstance(node, list):
        if not any(issubclass(kind, (dict, list)) for kind in set(map(type, node))):
            return  # texts or numbers (a line's 10,000 refs): no trace in them
        for item in node:
            yield from traces(item)


def _fact_key(fact: dict[str, Any]) -> str:
    return json.dumps(fact, sort_keys=True, ensure_ascii=False, default=str)


def _source_order(source: Any) -> tuple:
    """A fact read from a facts file by its ``source``, file and line; any other fact after
    them (the sort is stable, so those keep the order the statement cites them in)."""
    if isinstance(source, str):
        name, _, line = source.rpartition(":")
        if name and line.isdigit():
            return (0, name, int(line))
    return (1, "", 0)


def events_by_id(statement: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The statement's ``events`` by id, to resolve what traces cite."""
    return {event["id"]: event for event in statement.get("events", ())}


def trace_facts(trace: dict[str, Any], events: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The facts a trace rests on: each id looked up in ``events`` (see :func:`events_by_id`);
    a fact written out in full (a statement of layout /2, or one built without
    :func:`with_events`) is taken as it is. An id the statement does not list stands as
    ``{"id": …}`` alone, for the reader to name as missing."""
    return [fact if isinstance(fact, dict) else events.get(fact, {"id": fact})
            for fact in trace["facts"]]


def _interpretations(loaded: LoadedContract, outcome: Outcome,
                     also: list[str] = ()) -> list[dict[str, str]]:
    """The recorded interpretation of every clause that produced a line, flag or condition."""
    cited = {item.clause for item in (*outcome.lines, *outcome.flags, *outcome.checks)} | set(also)
    return [{"clause": clause.id, "interpretation": clause.interpretation}
            for clause in loaded.contract.clauses if clause.id in cited and clause.interpretation]


def deliverable_progress(loaded: LoadedContract, book: FactsBook, period: Period,
                         day: date) -> list[dict]:
    """Each deliverable quota at ``day`` (the end of ``period`` or earlier): due so far,
    delivered, late, overdue (酒仙桥 2.2.1–2.2.11)."""
    events = book.events_through(period.index)
    return [quota_kind.progress(rule, events, day) for rule in loaded.rules
            if rule.kind == "deliverable_quota"]


def span_state(start: date, end: date, day: date) -> dict[str, Any]:
    """Whether the month or cycle is over on ``day``; an interim statement says so."""
    over = day >= end
    return {"as_of": day.isoformat(), "over": over,
            **({} if over else {"interim": f"截至 {day}，本期尚未结束（{start} 至 {end}），"
                                           "以下为截至该日已记录事实的中期结算，不作为付款依据"})}


@collector.paused()  # a busy month's statement is tens of thousands of acyclic dicts
def period_statement(loaded: LoadedContract, book: FactsBook, index: int,
                     as_of: date | None = None) -> dict[str, Any]:
    """The statement of one contract month, as of its last day (or ``as_of``, if earlier):
    events dated later are not in it."""
    period = period_of(loaded.contract, index)
    day = statement_day(period.end, as_of)
    book = book.as_of(day, loaded.contract)
    outcome = settle_period_outcome(loaded, book, period)
    gross = loaded.contract.monthly_fee
    return with_events({
        **header(loaded),
        "period": {**period.to_json(), "cycle": period.cycle},
        **span_state(period.start, period.end, day),
        "rating": book.rating(index),
        "fees": _fees(loaded),
        "deductions": [line.to_json() for line in outcome.lines],
        **totals(gross, outcome, settled_in=settled_in(loaded, period)),
        "flags": [flag.to_json() for flag in outcome.flags],
        "exposure_total": money.as_json(_exposure_total(outcome)),
        "deliverables": deliverable_progress(loaded, book, period, day),
        "counters": evaluator_for(loaded).standings(book, period, outcome),
        "interpretations": _interpretations(loaded, outcome),
        "fingerprint": fingerprint(loaded, book, index),
    }, book)


def _exposure_total(outcome: Outcome) -> Decimal:
    """What the buyer may claim for the flags raised and has not claimed on this statement:
    each clause's penalty once, at the largest amount it grants for these facts."""
    claimed = {line.clause for line in outcome.lines if line.type == PENALTY_CLAIM}
    by_clause: dict[str, Decimal] = {}
    for flag in outcome.flags:
        if flag.amount is not None and flag.clause not in claimed:
            by_clause[flag.clause] = max(flag.amount, by_clause.get(flag.clause, ZERO))
    return sum(by_clause.values(), ZERO)


@collector.paused()
def cycle_statement(loaded: LoadedContract, book: FactsBook, index: int,
                    as_of: date | None = None) -> dict[str, Any]:
    """The statement of one payment cycle: the sum of its months, carrying their flags, as of
    the cycle's last day (or ``as_of``, if earlier)."""
    cycle: Cycle = cycle_of(loaded.contract, index)
    day = statement_day(cycle.end, as_of)
    book = book.as_of(day, loaded.contract)
    combined = Outcome()
    deductions, flags, fees = [], [], []
    begun = [period for period in cycle.periods if period.start <= day]
    for period in begun:
        outcome = settle_period_outcome(loaded, book, period)
        combined.extend(outcome)
        deductions += [{"period": period.index, **line.to_json()} for line in outcome.lines]
        flags += [{"period": period.index, **flag.to_json()} for flag in outcome.flags]
        fees += [{"period": period.index, **fee} for fee in _fees(loaded)]
    gross = loaded.contract.monthly_fee * len(begun)
    netted = evaluator_for(loaded).judge_balance(gross, combined.deductions())
    combined.extend(netted)
    flags += [flag.to_json() for flag in netted.flags]
    return with_events({
        **header(loaded),
        "cycle": cycle.to_json(),
        **span_state(cycle.start, cycle.end, day),
        "fees": fees,
        "deductions": deductions,
        **totals(gross, combined),
        "flags": flags,
        "interpretations": _interpretations(loaded, combined),
        "fingerprint": fingerprint(loaded, book, cycle.periods[-1].index),
    }, book)


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
    return with_events({
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
        **totals(state.amount, outcome, state.paid, tranche_settled_in(state)),
        "flags": [{"arose": flag.trace.arose(), **flag.to_json()} for flag in outcome.flags],
        "interpretations": _interpretations(loaded, outcome, [
            state.rule.clause, *(m.clause for m in schedule.milestones.values()),
            *(t.rule.clause for t in schedule.terminations)]),
        "fingerprint": fingerprint(loaded, book, max(book.files, default=0), extra),
    }, book)


def _tranche_label(state: TrancheState) -> str:
    basis = state.basis
    return state.label + (f"：{basis}" if basis else "")
