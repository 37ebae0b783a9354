"""The events recorded through one contract month, counted by scope (当月, 支付周期, 合同期).

Counters for durable-rules, the standing of each threshold on a statement ("整改要求 7/10")
and the deliverable quotas all count the same way, here.

The events are indexed by month and type once, on first use, and each scope asked for is
kept: a month of 10,000 events is walked once, not once per counter and scope; within a ledger
(``shared``) each month's index is made once, not again for every later month. A scope lists
its events in the order they were recorded (facts file, then line), whatever types it joins.
What is asked for each of 10,000 events (its ref, its trace) is read with ``map`` and
``operator`` over each month's lists, and a scope's traces are its months' lists of traces
joined, made once per month and type (``traces_in_scope``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from itertools import chain, compress
from operator import attrgetter, itemgetter, not_
from typing import Any, Callable, Iterable

from compliance.model import money
from compliance.model.contract import Contract
from compliance.model.facts import RecordedEvent
from compliance.model.periods import Period, months_in_scope
from compliance.engine.kinds.base import recorded_trace


@dataclass(frozen=True)
class Tally:
    contract: Contract
    events: list[RecordedEvent]
    """Every event recorded in contract months 1 … ``period``."""
    period: Period
    as_of: date
    """The end of the day the month is judged at: its last day once it is over."""
    shared: dict | None = field(default=None, repr=False, compare=False)
    """Where the months' indexes are kept across tallies (``evaluation.remembering``), if any."""
    recorded: dict[int, str | None] = field(default_factory=dict, repr=False, compare=False)
    """Each contract month 1 … ``period`` that has a facts file, with its rating (None if
    unrated): ``consecutive_periods`` judges a period once its last month has one."""
    _kept: dict[Any, Any] = field(default_factory=dict, init=False, repr=False, compare=False)
    """The index and the scopes worked out so far (the events never change once tallied)."""

    @property
    def month_over(self) -> bool:
        return self.as_of >= self.period.end

    def in_scope(self, event_types: tuple[str, ...] | list[str], scope: str) -> list[RecordedEvent]:
        """The events of ``event_types`` in the month, its quarter, its payment cycle, the term so
        far, or the last N months (``rolling-N``)."""
        key = ("scope", tuple(event_types), scope)
        found = self._kept.get(key)
        if found is None:
            found = self._kept[key] = self._select(key[1], self._chunks(scope))
        return found

    def in_months(self, event_types: tuple[str, ...] | list[str],
                  months: range) -> list[RecordedEvent]:
        """The events of ``event_types`` in the contract ``months`` given (an earlier quarter)."""
        return self._select(tuple(event_types),
                            [chunk for chunk in self._chunks("term") if chunk.month in months])

    def count(self, event_types: tuple[str, ...] | list[str], scope: str) -> int:
        return self.totals(event_types, scope)[0]

    def totals(self, event_types: tuple[str, ...] | list[str], scope: str) -> tuple[int, int]:
        """The occurrences (``count`` summed) and the amounts (in fen) of ``event_types`` in the
        scope: what ``in_scope`` lists, added up from each month's sums, made once."""
        key = ("totals", tuple(event_types), scope)
        found = self._kept.get(key)
        if found is None:
            count = amount = 0
            names = dict.fromkeys(event_types)
            for chunk in self._chunks(scope):
                for name in names:
                    n, fen = chunk.sums.get(name, (0, 0))
                    count += n
                    amount += fen
            found = self._kept[key] = (count, amount)
        return found

    def refs(self, event_types: tuple[str, ...] | list[str]) -> list[str]:
        """The refs of the month's events of ``event_types``, sorted: those of several types are
        each type's sorted refs, merged (4.6.4 joins the types 4.6.1 counts one by one)."""
        key = ("refs", tuple(event_types))
        found = self._kept.get(key)
        if found is None:
            names = list(dict.fromkeys(event_types))
            if len(names) > 1:  # sorted runs, merged
                found = sorted(chain.from_iterable(self.refs((name,)) for name in names))
            else:
                found = _in_text_order(filter(None, map(_REF, self.in_scope(names, "period"))))
            self._kept[key] = found
        return found

    def types(self) -> list[str]:
        """The event types recorded, in the order they first appear."""
        return list(dict.fromkeys(name for chunk in self._chunks("term") for name in chunk.by_type))

    def trace(self, recorded: RecordedEvent) -> dict[str, Any]:
        """The event as a trace keeps it (``kinds.base.event_trace``), made once per event."""
        return self.traces([recorded])[0]

    def traces_in_scope(self, event_types: tuple[str, ...] | list[str],
                        scope: str) -> list[dict[str, Any]]:
        """The traces of ``in_scope(event_types, scope)``, in its order: each month's traces of
        each type, made once for the month (within a ``remembering`` block, once for every
        tally: a term counter's trace lists every month's events again)."""
        key = ("traces", tuple(event_types), scope)
        found = self._kept.get(key)
        if found is None:
            found = self._kept[key] = self._select(key[1], self._chunks(scope), _Chunk.traces_of)
        return found

    def traces(self, events: list[RecordedEvent]) -> list[dict[str, Any]]:
        """The traces of any ``events`` (``trace``), in their order; each event's trace is made
        once for the tally, and within a ``remembering`` block once for every tally."""
        made = self._kept.get("traces")
        if made is None:
            made = self._kept["traces"] = ((({}, []) if self.shared is None
                                            else self.shared.setdefault(("tally-traces",), ({}, []))))
        by_id, pinned = made  # the events whose ids key ``by_id``, kept alive with it
        new = list(compress(events, map(not_, map(by_id.__contains__, map(id, events)))))
        by_id.update(zip(map(id, new), map(recorded_trace, new)))
        pinned += new
        return list(map(by_id.__getitem__, map(id, events)))

    def _chunks(self, scope: str) -> list["_Chunk"]:
        """The runs of events of one contract month each, in recorded order, that ``scope``
        takes in: the month, its payment cycle, or the term so far."""
        chunks = self._kept.get("chunks")
        if chunks is None:
            chunks = self._kept["chunks"] = [_chunk(run, self.shared) for run in _runs(self.events)]
        if scope == "term":
            return chunks
        name, _, window = scope.partition("-")
        months = months_in_scope(self.contract, self.period.index, name, int(window or 1))
        return [chunk for chunk in chunks if chunk.month in months]

    def _select(self, event_types: tuple[str, ...], chunks: list["_Chunk"],
                pick: Callable[["_Chunk", str], list] = lambda chunk, name: chunk.by_type[name]) -> list:
        """What ``pick`` gives for each month's events of each of ``event_types`` (the events
        themselves, or their traces), in recorded order: one type's list as it is, several
        types' lists merged by their places in the month."""
        names = list(dict.fromkeys(event_types))
        found: list = []
        for chunk in chunks:
            present = [name for name in names if name in chunk.by_type]
            if len(present) == 1:
                found += pick(chunk, present[0])
            elif present:
                placed = chain.from_iterable(zip(chunk.places[name], pick(chunk, name))
                                             for name in present)
                found += map(_SECOND, sorted(placed, key=_FIRST))
        return found


_REF = attrgetter("event.ref")
_FIRST, _SECOND = itemgetter(0), itemgetter(1)


def _in_text_order(texts: Iterable[str]) -> list[str]:
    """``sorted(texts)``, compared as UTF-8 bytes: the same order (UTF-8 keeps the order of
    code points), each comparison a byte compare (10,000 refs of 45–56 characters, most ending
    in Chinese, sort about a fifth faster). A lone surrogate has no UTF-8: compared as text."""
    texts = list(texts)
    try:
        return sorted(texts, key=str.encode)
    except UnicodeEncodeError:
        return sorted(texts)


@dataclass(frozen=True)
class _Chunk:
    """The events of one contract month (a run of them in ``Tally.events``) by type, in
    recorded order with their places in the run; their occurrences and amount in fen by type;
    and, once asked for, their traces by type."""

    month: int
    by_type: dict[str, list[RecordedEvent]]
    places: dict[str, list[int]]
    sums: dict[str, tuple[int, int]]
    traces: dict[str, list[dict[str, Any]]] = field(default_factory=dict, compare=False)

    def traces_of(self, name: str) -> list[dict[str, Any]]:
        """The traces of the month's events of type ``name`` (``kinds.base.recorded_trace``)."""
        found = self.traces.get(name)
        if found is None:
            found = self.traces[name] = list(map(recorded_trace, self.by_type[name]))
        return found


def _runs(events: list[RecordedEvent]) -> list[list[RecordedEvent]]:
    """``events`` cut where the contract month changes (a facts file holds one month)."""
    runs: list[list[RecordedEvent]] = []
    month = None
    for recorded in events:
        if recorded.period != month or not runs:
            month = recorded.period
            runs.append([])
        runs[-1].append(recorded)
    return runs


def _chunk(run: list[RecordedEvent], shared: dict | None) -> _Chunk:
    """The chunk of ``run``; within a ``remembering`` block (``shared``), made once for the very
    same events (a ledger tallies month 1's events again for every later month)."""
    key = ("tally-chunk", tuple(map(id, run))) if shared is not None else None
    if key is not None and key in shared:
        return shared[key][1]
    by_type: dict[str, list[RecordedEvent]] = {}
    places: dict[str, list[int]] = {}
    sums: dict[str, list[int]] = {}
    for position, recorded in enumerate(run):
        event = recorded.event
        events = by_type.get(event.type)
        if events is None:
            events = by_type[event.type] = []
            places[event.type], sums[event.type] = [], [0, 0]
        events.append(recorded)
        places[event.type].append(position)
        total = sums[event.type]
        total[0] += event.count
        if event.amount is not None:
            total[1] += money.to_fen_int(event.amount)
    chunk = _Chunk(run[0].period, by_type, places, {name: (n, fen) for name, (n, fen) in sums.items()})
    if key is not None:
        shared[key] = (run, chunk)  # the run pins the ids in the key
    return chunk
