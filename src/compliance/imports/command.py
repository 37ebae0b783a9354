"""``compliance import CONTRACT FILE … --period N``: the month's events from the platform's
exports, into the month's facts file (issue 17).

The steps, each shown on a progress bar on a terminal: read every export into DuckDB; work out
the mapping's conditions and classify every row; report every malformed row at once (nothing is
written then); say which rows are left out; compare with what earlier imports of the month
read; write the facts file and the record of imported rows together, after loading them as
``settle`` would.

Exit status 0 when the month is up to date with the exports; 1 when rows changed since an
earlier import await review (they are listed, and applied with ``--accept-changes``); 2 for
bad input (a malformed row, an unknown header, a mapping that does not fit its contract).
"""
from __future__ import annotations

import argparse
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compliance.engine.loading import load_contract
from compliance.errors import UserError, all_of
from compliance.imports import events, ledger, reading, report, writing
from compliance.imports.aggregate import Table, column_of
from compliance.imports.mapping import TYPE_LABELS, Mapping, load_mapping, mapping_path
from compliance.imports.rows import find_header, ranges
from compliance.model import periods, sourceyaml
from compliance.model.contract import resolve_contract_path
from compliance.model.facts import FactsBook, load_facts
from compliance.render.progress import progress

EXAMPLES = Path("examples")
"""Where the facts folders are by default (``examples/<contract id>``)."""


@dataclass
class Result:
    """What one import found and did, for the report."""

    contract: Any
    period: periods.Period
    sources: list[tuple[reading.Source, int]] = field(default_factory=list)
    """(export, its header row)."""
    in_scope: int = 0
    skipped: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    other_contract: list[tuple[str, int]] = field(default_factory=list)
    other_periods: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    comparison: ledger.Comparison = field(default_factory=ledger.Comparison)
    before: dict[str, int] = field(default_factory=dict)
    after: dict[str, int] = field(default_factory=dict)
    """The rows found to be events of each type, as imported before and after this import."""
    written: list[dict[str, Any]] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    """The imported events' occurrences by type, in the mapping's order."""
    by_hand: list[dict[str, Any]] = field(default_factory=list)
    uncounted: list[str] = field(default_factory=list)
    target: Path | None = None
    record: Path | None = None
    changed: bool = False
    dry_run: bool = False
    accepted: bool = False


def run(args: argparse.Namespace) -> int:
    """The command: import ``args.files`` into month ``args.period``; print what was done."""
    from compliance.legal.lint import refuse_if_unsound

    loaded = refuse_if_unsound(load_contract(resolve_contract_path(args.contract)))
    contract = loaded.contract
    mapping = load_mapping(args.mapping or mapping_path(contract.id), contract)
    try:
        period = periods.period(contract, args.period)
    except UserError as outside:
        outside.field = "--period"
        raise
    folder = args.facts or EXAMPLES / contract.id
    book = load_facts(folder, loaded) if folder.is_dir() else None
    result = Result(contract, period, dry_run=args.dry_run, accepted=args.accept_changes)
    result.target = writing.facts_file_for(folder, period.index, book)
    result.record = ledger.ledger_path(result.target)
    with tempfile.TemporaryDirectory(prefix="compliance-import-") as work:
        table = Table(Path(work), mapping)
        try:
            steps = Import(table, mapping, result, Path(work), args.files, loaded, book, folder)
            for step in progress(steps.steps(), f"{contract.short_name} 导入第 {period.index} 期", "步"):
                step()
        finally:
            table.close()
    report.print_result(result)
    return 1 if result.comparison.corrections and not args.accept_changes else 0


class Import:
    """The steps of one import, in order; each fills ``result``."""

    def __init__(self, table: Table, mapping: Mapping, result: Result, work: Path,
                 files: list[Path], loaded, book: FactsBook | None, folder: Path) -> None:
        self.table, self.mapping, self.result, self.work = table, mapping, result, work
        self.files, self.loaded, self.book, self.folder = files, loaded, book, folder
        period = result.period
        self.dated = "kind = 'data' and day is not null"
        mine = column_of("this_contract") if mapping.this_contract else "true"
        self.ours = f"{self.dated} and {mine}"
        self.scope = f"{self.ours} and day between '{period.start}' and '{period.end}'"

    def steps(self) -> list:
        return [self.read, self.judge, self.sort_out, self.compare, self.compose]

    def read(self) -> None:
        headers = [self.mapping.ref, self.mapping.date,
                   *(self.mapping.header_of(name) for name in self.mapping.columns)]
        for number, path in enumerate(self.files):
            source = reading.open_export(path, self.mapping.sheet, self.work / f"{number}.csv")
            layout = find_header(source.name, source.head, list(dict.fromkeys(headers)))
            self.table.add(source, layout)
            self.result.sources.append((source, layout.header_row + 1))

    def judge(self) -> None:
        """Every condition worked out; every malformed row reported at once."""
        undecided = events.judge(self.table, self.mapping)
        problems = self._unreadable() + self._undecided(undecided) + self._repeated()
        if problems:
            raise all_of(problems)

    def _unreadable(self) -> list[UserError]:
        """Rows lacking a 工单编号 or a date, or with a value that is not of its column's type:
        the columns that decide the contract for every dated row, the others for this month's."""
        mapping, names = self.mapping, list(self.mapping.columns)
        deciding = set(mapping.this_contract.names) if mapping.this_contract else set()
        checks = [("kind = 'no_ref'", "缺少工单编号", "day_text", mapping.ref),
                  ("kind = 'no_date'", "缺少日期", "ref", mapping.date),
                  ("kind = 'data' and day is null", "日期无法识别", "day_text", mapping.date)]
        for n, name in enumerate(names):
            where = self.dated if name in deciding else self.scope
            type_label = TYPE_LABELS[mapping.columns[name].type]
            checks.append((f"{where} and {self.table.unreadable(n)}",
                           f"{name} 不是{type_label}", f"v{n}", mapping.header_of(name)))
        return [problem for where, label, value, column in checks
                for problem in self._rows_wrong(where, label, value, column)]

    def _rows_wrong(self, where: str, label: str, value: str, column: str,
                    parameters: Any = None) -> list[UserError]:
        found = self.table.sql(f"select file, row, {value} from judged where {where} order by file, row",
                               parameters)
        by_file: dict[str, list[tuple[int, Any]]] = {}
        for file, row, shown in found:
            by_file.setdefault(file, []).append((row, shown))
        return [UserError(f"第 {ranges([row for row, _ in rows])} 行：{label}（如 {rows[0][1]!r}）",
                          file=file, line=rows[0][0], field=column)
                for file, rows in by_file.items()]

    def _undecided(self, undecided: dict[tuple[str, str], str]) -> list[UserError]:
        problems = []
        for (what, key), message in sorted(undecided.items()):
            formula = self.mapping.conditions()[what]
            where = self.dated if what == "this_contract" else self.scope
            problems += self._rows_wrong(f"{where} and {self.table.key(formula.names)} = ?",
                                         f"条件 {formula} 无法判断：{message}", "ref",
                                         "、".join(formula.names), [key])
        return problems

    def _repeated(self) -> list[UserError]:
        """A 工单编号 on two rows of the month: which of them is the order is not for the
        import to guess."""
        repeated = self.table.sql(f"select ref from judged where {self.scope} group by ref"
                                  " having count(*) > 1 order by ref")
        return [problem for (ref,) in repeated
                for problem in self._rows_wrong(f"{self.scope} and ref = ?", f"工单编号 {ref} 重复",
                                                "ref", self.mapping.ref, [ref])]

    def sort_out(self) -> None:
        """The rows this import leaves out, each said: skipped, another contract's, another
        month's."""
        result, table = self.result, self.table
        for kind in ("blank", "totals", "other"):
            result.skipped[kind] = table.rows_where("kind = ?", [kind])
        if self.mapping.this_contract:
            result.other_contract = table.rows_where(
                f"{self.dated} and not {column_of('this_contract')}")
        for day_rows in table.sql(f"select day, list(file), list(row) from judged where {self.ours}"
                                  f" and not (day between '{result.period.start}' and "
                                  f"'{result.period.end}') group by day order by day"):
            day, files, rows = day_rows
            label = self._period_label(day)
            result.other_periods.setdefault(label, []).extend(zip(files, rows))
        result.in_scope = table.sql(f"select count(*) from judged where {self.scope}")[0][0]

    def _period_label(self, day) -> str:
        try:
            return f"第 {periods.period_holding(self.result.contract, day).index} 期"
        except UserError:
            return "合同期外"

    def compare(self) -> None:
        result, table, mapping = self.result, self.table, self.mapping
        values = "".join(f", v{n} as {ledger.value_column(name)}" for n, name in enumerate(mapping.columns))
        kinds = "".join(f", {column_of(name)} as {ledger.event_column(name)}"
                        for name in mapping.events)
        incoming = f"select ref, file, sheet, row, day{values}{kinds} from judged where {self.scope}"
        labels = {name: spec.label for name, spec in result.contract.event_types.items()}
        result.comparison = ledger.compare(table, incoming, result.period.index, result.target,
                                           result.accepted, labels)
        result.before = ledger.event_totals(table, "previous", list(mapping.events))
        result.after = ledger.event_totals(table, "final", list(mapping.events))

    def compose(self) -> None:
        """The facts file rebuilt and checked; written with the record when there is something
        new, unless ``--dry-run``. DuckDB writes the record while Python builds and checks the
        facts file (DuckDB works without holding Python's lock), from the start when new or
        accepted rows make it certain to be written."""
        result = self.result
        comparison = result.comparison
        self._sort_events()
        with ThreadPoolExecutor(1) as pool:
            new_rows = comparison.added > 0 or bool(result.accepted and comparison.corrections)
            record = self._record(pool) if new_rows else None
            text = writing.facts_text(result.target, result.contract, result.period, result.written)
            old = sourceyaml.read_text(result.target) if result.target.is_file() else None
            result.changed = new_rows or text != old
            record = record or (self._record(pool) if result.changed else None)
            writing.check(self.folder, result.target, text, self.loaded)
        if record is not None:
            writing.write(result.target, text, result.record, record.result())

    def _record(self, pool: ThreadPoolExecutor) -> Future[bytes] | None:
        """The record of imported rows, being written by DuckDB (none on a dry run)."""
        if self.result.dry_run:
            return None
        return pool.submit(ledger.record_bytes, self.table, self.work / "record.parquet")

    def _sort_events(self) -> None:
        """The events of the imported rows: those to write, and those already typed by hand."""
        result = self.result
        found = events.facts_events(self.table, self.mapping, "final")
        by_hand = writing.typed_by_hand(self.book, result.target)
        typed = {(r.event.type, r.event.ref, r.event.date) for r in by_hand if r.event.ref}
        result.written = [e for e in found if (e["type"], e.get("ref"), e["date"]) not in typed]
        result.by_hand = [e for e in found if (e["type"], e.get("ref"), e["date"]) in typed]
        result.totals = {name: sum(e.get("count", 1) for e in result.written if e["type"] == name)
                         for name in self.mapping.events}
        result.uncounted = [r.source for r in by_hand
                            if r.event.ref is None and r.event.type in self.mapping.events]
