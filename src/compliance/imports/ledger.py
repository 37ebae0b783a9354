"""What earlier imports of a month read: every imported row, kept beside the month's facts
file as ``<facts file>.imports.parquet`` (``period-04.imports.parquet``), written with it.

Each row is kept with its 工单编号, file, sheet, row and date, the value of each column the
mapping read (``value:考核得分``) and whether it is an event of each type
(``event:zero_point_order``). An import compares its rows with those by 工单编号:

* a row not imported before is **added**;
* a row imported before with the same date, values and events adds **nothing** (importing the
  same export twice writes the same bytes);
* a row whose date, values or events differ is a **correction to review**: listed with what
  changed, and applied only with ``--accept-changes`` (an accepted correction replaces the row;
  one not accepted leaves the month as it was, and is listed again on the next import);
* a row already imported into another month (its date has changed) is listed and not imported.

Rows of earlier imports that an export no longer holds are kept: an export of part of a month
does not remove the rest. The facts file's imported events are always rebuilt from this record.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from compliance.imports.aggregate import Table
from compliance.imports.rows import literal

SUFFIX = ".imports.parquet"


def ledger_path(facts_file: Path) -> Path:
    return facts_file.with_name(facts_file.stem + SUFFIX)


def value_column(name: str) -> str:
    """The record's column of the value a mapping's column ``name`` read."""
    return f'"value:{name}"'


def event_column(name: str) -> str:
    """The record's column of whether a row is an event of type ``name``."""
    return f'"event:{name}"'


@dataclass
class Correction:
    """A row whose content differs from what an earlier import read."""

    ref: str
    file: str
    row: int
    changes: list[str]


@dataclass
class Comparison:
    added: int = 0
    unchanged: int = 0
    corrections: list[Correction] = field(default_factory=list)
    elsewhere: list[tuple[str, int, str, int]] = field(default_factory=list)
    """(file, row, 工单编号, the month it was imported into)."""


def compare(table: Table, incoming: str, period: int, facts_file: Path, accept: bool,
            labels: dict[str, str]) -> Comparison:
    """Compare the rows of ``incoming`` (SQL: a query giving the record's columns) with the
    month's record; ``final`` is the record as it will be written (corrections in it only if
    ``accept``); ``labels`` names the event types in what a correction says changed."""
    table.db.execute(f"create or replace temp view incoming as select {int(period)}::integer as period,"
                     f" * from ({incoming})")
    shared = _previous(table, facts_file)
    if not table.sql("select exists (from previous) or exists (from others)")[0][0]:  # a first import
        table.db.execute("create or replace temp view compared as select ref, 'added' as status from incoming")
        table.db.execute("create or replace temp view final as from incoming")
    else:
        _compared(table, shared, accept)
    counts = dict(table.sql("select status, count(*) from compared group by status"))
    return Comparison(counts.get("added", 0), counts.get("unchanged", 0),
                      _corrections(table, shared, labels), _elsewhere(table))


def _compared(table: Table, shared: list[str], accept: bool) -> None:
    """``compared``: each incoming row's status; ``final``: the record to be written."""
    same = " and ".join(["p.day = i.day", *(f"p.{c} is not distinct from i.{c}" for c in shared)])
    table.db.execute(f"create or replace temp table compared as select i.ref, case when o.ref is not null"
                     f" then 'elsewhere' when p.ref is null then 'added' when {same} then 'unchanged'"
                     " else 'changed' end as status from incoming i left join previous p using (ref)"
                     " left join (select distinct ref from others) o using (ref)")
    table.db.execute("create or replace temp table final as select * from previous where not (? and ref in"
                     " (select ref from compared where status = 'changed')) union all by name select * from"
                     " incoming where ref in (select ref from compared where status = 'added' or (? and"
                     " status = 'changed')) order by file, sheet, row", [accept, accept])


def event_totals(table: Table, relation: str, names: list[str]) -> dict[str, int]:
    """How many rows of ``relation`` (``previous`` or ``final``) are events of each type."""
    counts = ", ".join(f"count(*) filter (where {event_column(name)})" for name in names)
    return dict(zip(names, table.sql(f"select {counts} from {relation}")[0]))


def _previous(table: Table, facts_file: Path) -> list[str]:
    """``previous``: the month's record (empty if none); ``others``: the other months' 工单编号;
    the value and event columns the record shares with this import."""
    path = ledger_path(facts_file)
    source = "read_parquet(?)" if path.is_file() else "incoming limit 0"
    table.db.execute(f"create or replace temp table previous as select * from {source}",
                     [str(path)] if path.is_file() else None)
    others = [str(other) for other in sorted(facts_file.parent.glob("*" + SUFFIX)) if other != path]
    source = "read_parquet(?, union_by_name = true)" if others else "incoming limit 0"
    table.db.execute(f"create or replace temp table others as select ref, period from {source}",
                     [others] if others else None)
    mine = {name for (name, *_) in table.sql("describe incoming")}
    return [f'"{name}"' for (name, *_) in table.sql("describe previous")
            if name in mine and name.startswith(("value:", "event:"))]


def _corrections(table: Table, shared: list[str], labels: dict[str, str]) -> list[Correction]:
    columns = "".join(f", p.{c}, i.{c}" for c in shared)
    rows = table.sql(f"select i.ref, i.file, i.row, p.day, i.day{columns} from incoming i join previous p"
                     " using (ref) where i.ref in (select ref from compared where status = 'changed')"
                     " order by i.file, i.row")
    names = [c.strip('"') for c in shared]
    return [Correction(ref, file, row, _changes(names, labels, before_day, after_day, rest))
            for ref, file, row, before_day, after_day, *rest in rows]


def _changes(names: list[str], labels: dict[str, str], day_before, day_after,
             pairs: list) -> list[str]:
    """What changed in a row, in the clerk's words: ``考核得分 60 → 0；事件 无 → 0分工单``."""
    changes = [f"日期 {day_before} → {day_after}"] if day_before != day_after else []
    events: tuple[list[str], list[str]] = ([], [])
    for name, before, after in zip(names, pairs[::2], pairs[1::2]):
        kind, _, what = name.partition(":")
        if kind == "event":
            for found, holds in zip(events, (before, after)):
                found.extend([labels[what]] if holds else [])
        elif before != after:
            changes.append(f"{what} {before or '（空）'} → {after or '（空）'}")
    if events[0] != events[1]:
        changes.append(f"事件 {'、'.join(events[0]) or '无'} → {'、'.join(events[1]) or '无'}")
    return changes


def _elsewhere(table: Table) -> list[tuple[str, int, str, int]]:
    return table.sql("select i.file, i.row, i.ref, min(o.period) from incoming i join others o using (ref)"
                     " group by i.file, i.row, i.ref order by i.file, i.row")


def record_bytes(table: Table, target: Path) -> bytes:
    """The month's record as it will be written: ``final`` as Parquet, in file, sheet and row
    order (``incoming`` is in that order as ``judged`` is, and a merge is sorted into it). One
    thread writes it: with two, DuckDB cuts the row groups where the threads happen to meet,
    and the same rows would not always give the same bytes."""
    table.db.execute("set threads = 1")
    table.db.execute(f"copy final to {literal(str(target))} (format parquet, compression zstd,"
                     " parquet_version v2)")
    table.db.execute("reset threads")
    return target.read_bytes()
