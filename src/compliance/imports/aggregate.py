"""The rows of an import in DuckDB (embedded): read, classified and grouped there, so a month of
a million rows is held in DuckDB's columns, never as a million Python objects.

Each export is read by one query: DuckDB's CSV reader parses the columns the mapping names (as
text, ``rows.cell`` applied), and the same pass dates each row, tells what kind of row it is and
decides every condition that is simple enough to be SQL (``conditions``), into a table of its
own (``part0`` …) whose rows keep the file's order. The row numbers the clerk sees are worked
out from that order and the file's empty lines (``reading.blank_records``); the view ``judged``
joins the exports in file order: per row its file, sheet, row, 工单编号, date, kind, each
declared column as text (``v0`` …) and per condition whether it holds (``is_…``). A condition
that is not simple is worked out by the formula evaluator once per distinct combination of the
values it reads (``events.judge``) and its verdicts written into the tables (``judge``).

Nothing here joins or sorts the rows on their way to ``judged``: a query that reads it without
ORDER BY gets them in file, sheet and row order (DuckDB keeps the insertion order), which is how
the record of imported rows is written (``ledger.record_bytes``).
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from compliance.errors import UserError
from compliance.imports import reading
from compliance.imports.conditions import sql_of
from compliance.imports.mapping import Mapping
from compliance.imports.rows import Layout, cell, literal, odd, totals_row

DATE_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y/%m/%d %H:%M:%S",
                "%Y/%m/%d %H:%M", "%Y/%m/%d", "%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日 %H:%M",
                "%Y年%m月%d日", "%Y.%m.%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S.%f"]
"""How the platforms write a date or a time (month and day with or without a leading zero)."""
MEMORY_LIMIT = "1GB"
"""DuckDB's memory for one import; beyond it DuckDB spills to the import's temporary folder."""
BLANKS_COUNTED = 16
"""Up to how many empty records of an export its row numbers are worked out by every query that
reads the rows (a tree of comparisons, which DuckDB binds anew each time); beyond, they are
written into the table once (``Table._numbering``)."""
SEPARATOR = "chr(31)"
"""SQL: what joins the values of a combination into its key (a character no cell holds)."""


def _moment(sql: str) -> str:
    """SQL: a text as a TIMESTAMP (ISO read directly, the other ways by ``DATE_FORMATS``)."""
    return (f"case when try_cast({sql} as timestamp) is not null then try_cast({sql} as timestamp)"
            f" else try_strptime({sql}, {DATE_FORMATS!r}) end")


TYPED = {"text": lambda v: v,
         "number": lambda v: f"try_cast(replace({v}, ',', '') as decimal(38, 10))",
         "date": lambda v: f"cast({_moment(v)} as date)", "time": _moment}
"""SQL: a column's text as its declared type, NULL where it is not one."""


def column_of(what: str) -> str:
    """The column of ``judged`` holding the verdict of the condition ``what``."""
    return f"is_{what}"


@dataclass(frozen=True)
class Part:
    """One export's rows: its table, and SQL for the row number of each of its records."""

    table: str
    source: reading.Source
    layout: Layout
    row: str


class Table:
    """The rows of one import: one DuckDB database, spilling into a temporary folder. With
    ``compiled`` false every condition is worked out by the formula evaluator (a test compares
    the two)."""

    def __init__(self, workdir: Path, mapping: Mapping, compiled: bool = True) -> None:
        self.mapping = mapping
        self.names = list(mapping.columns)
        typed = {name: (self.typed(n), mapping.columns[name].type) for n, name in enumerate(self.names)}
        self.compiled = {what: sql_of(formula, typed) if compiled else None
                         for what, formula in mapping.conditions().items()}
        self.verdicts = [column_of(what) for what, sql in self.compiled.items() if sql is not None]
        self.parts: list[Part] = []
        self.db = duckdb.connect(config={"temp_directory": str(workdir), "memory_limit": MEMORY_LIMIT,
                                         "autoinstall_known_extensions": False,
                                         "autoload_known_extensions": False})

    def sql(self, query: str, parameters: Any = None) -> list[tuple]:
        return self.db.execute(query, parameters).fetchall()

    def typed(self, n: int) -> str:
        """SQL: the value of declared column ``n`` as its type (NULL where it is not one)."""
        return TYPED[self.mapping.columns[self.names[n]].type](f"v{n}")

    def unreadable(self, n: int) -> str:
        """SQL: whether a row of ``judged`` holds a value of declared column ``n`` that is not
        of its type (looked into only where the row holds some such value)."""
        return f"unreadable and v{n} is not null and {self.typed(n)} is null"

    def add(self, source: reading.Source, layout: Layout) -> None:
        """Read one export: every record classified, the simple conditions decided, the rows
        under the header row numbered. Its empty lines are looked for meanwhile (DuckDB works
        without holding Python's lock)."""
        table = f"part{len(self.parts)}"
        with ThreadPoolExecutor(1) as pool:
            lines = pool.submit(reading.scan_lines, source.csv)
            self._read(table, source, layout)
            records = self.sql(f"select count(*) from {table}")[0][0]
            blanks = lines.result().blank_records(source.csv, records)
        self.parts.append(Part(table, source, layout, self._numbering(table, blanks)))
        self._views()

    def _numbering(self, table: str, blanks: list[int]) -> str:
        """SQL for the row number of each record of ``table``: one more than its place, and one
        more for every empty record before it (DuckDB skipped those). A few empty records are
        counted by every query that reads the rows, by a tree of comparisons (a join would not
        keep the rows in order); more are written into the table once (``at_row``)."""
        thresholds = [blank - n for n, blank in enumerate(blanks)]
        if len(thresholds) <= BLANKS_COUNTED:
            return f"rowid + 1 + {_count_at_most('rowid', thresholds)}"
        self.db.execute(f"create temp table {table}_blanks as select t, count(*) over (order by t) as k"
                        " from (select unnest(?::bigint[]) as t)", [thresholds])
        self.db.execute(f"alter table {table} add column at_row bigint")
        self.db.execute(f"update {table} set at_row = {table}.rowid + 1 + coalesce(b.k, 0) from {table} p"
                        f" asof left join {table}_blanks b on p.rowid >= b.t where p.rowid = {table}.rowid")
        return "at_row"

    def _read(self, table: str, source: reading.Source, layout: Layout) -> None:
        """``table``: the records of ``source`` as DuckDB reads them, in the file's order (it
        skips empty lines), each with its 工单编号, date (its text kept only where the row lacks
        one of the two), kind, declared columns, whether one of those is not of its type, and
        the verdicts of the simple conditions."""
        headers = [self.mapping.ref, self.mapping.date,
                   *(self.mapping.header_of(name) for name in self.names)]
        read = [0, *(layout.columns[header] for header in headers)]
        names = ["first", "ref", "day_text", *(f"v{n}" for n in range(len(self.names)))]
        picked = ", ".join(f"{cell(column)} as {name}" for column, name in zip(read, names))
        values = "".join(f", v{n}" for n in range(len(self.names)))
        verdicts = "".join(f", {sql} as {column_of(what)}" for what, sql in self.compiled.items() if sql)
        unreadable = " or ".join(f"(v{n} is not null and {self.typed(n)} is null)"
                                 for n, name in enumerate(self.names)
                                 if self.mapping.columns[name].type != "text") or "false"
        select = (f"create table {table} as select ref, case when ref is null or day is null then"
                  f" day_text end as day_text, day, {_kind(len(self.names))} as kind{values},"
                  f" {unreadable} as unreadable{verdicts}"
                  f" from (select *, cast({_moment('day_text')} as date) as day from (select {picked}"
                  f" from (select *, {odd(sorted(set(read)))} as odd from ")
        columns = {f"c{n}": "VARCHAR" for n in range(layout.width)}
        try:
            self.db.execute(select + _reader(columns, parallel=True) + ")))", [str(source.csv)])
        except duckdb.Error:  # the parallel reader refuses a quoted line break beside short rows
            try:
                self.db.execute(select + _reader(columns, parallel=False) + ")))", [str(source.csv)])
            except duckdb.Error as error:
                raise UserError(f"无法读取：{str(error).splitlines()[0]}", file=source.name) from None

    def _views(self) -> None:
        """``cells``: every record's declared columns (title and header rows too); ``judged``:
        the rows under the header rows, numbered, the exports in file and sheet order."""
        values = ", ".join(f"v{n}" for n in range(len(self.names))) or "null as none"
        self.db.execute("create or replace temp view cells as "
                        + " union all ".join(f"select {values} from {part.table}" for part in self.parts))
        ordered = sorted(self.parts, key=lambda part: (part.source.name, part.source.sheet or ""))
        self.db.execute("create or replace temp view judged as "
                        + " union all ".join(map(self._numbered, ordered)))

    def _numbered(self, part: Part) -> str:
        source = part.source
        label = f"{literal(source.name)} as file, {literal(source.sheet) if source.sheet else 'null'} as sheet"
        values = "".join(f", v{n}" for n in range(len(self.names)))
        verdicts = "".join(f", {column}" for column in self.verdicts)
        return (f"select {label}, row, ref, day_text, day, kind{values}, unreadable{verdicts} from (select"
                f" {part.row} as row, * from {part.table}) where row > {part.layout.header_row + 1}")

    def combinations(self, names: list[str]) -> list[tuple]:
        """The distinct (texts…, values…) of the columns ``names``, each value of its type;
        rows with an empty or unreadable value left out. Read from the cells as DuckDB read
        them, unnumbered: a title or header cell adds a combination no row has, and nothing
        else."""
        index = [self.names.index(name) for name in names]
        typed = [self.typed(n) for n in index]
        present = " and ".join(f"{sql} is not null" for sql in typed) or "true"
        texts = ", ".join(f"v{n}" for n in index) or "''"
        return self.sql(f"select distinct {texts}, {', '.join(typed) or chr(39) * 2} from cells"
                        f" where {present}")

    def key(self, names: list[str]) -> str:
        """SQL: the key of a row's combination of the values of ``names``: their texts, joined.
        A row with an empty or unreadable value has a key no verdict has (the texts of a
        combination are never empty, and a key of fewer texts has fewer separators)."""
        texts = [f"v{self.names.index(name)}" for name in names]
        if len(texts) < 2:
            return texts[0] if texts else "''"
        return f"concat_ws({SEPARATOR}, {', '.join(texts)})"

    def judge(self, holding: dict[str, tuple[list[str], list[str]]]) -> None:
        """The verdicts of the conditions that are not simple, into every export's table: per
        condition (by its column name) whether a row's key is among the keys it holds for
        (``holding``: column → (names, keys)). Written in place, the rows keep their order."""
        for column, (names, keys) in holding.items():
            for part in self.parts:
                self.db.execute(f"alter table {part.table} add column {column} boolean default false")
                self.db.execute(f"update {part.table} set {column} = true where {self.key(names)}"
                                " in (select unnest(?::varchar[]))", [keys])
            self.verdicts.append(column)
        self._views()

    def rows_where(self, where: str, parameters: Any = None) -> list[tuple[str, int]]:
        """(file, row) of every row ``where`` holds, in file and row order."""
        return self.sql(f"select file, row from judged where {where} order by file, row", parameters)

    def close(self) -> None:
        self.db.close()


def _kind(width: int) -> str:
    """SQL: what a record is: ``data`` (工单编号 and date), ``no_ref``, ``no_date``, or, with
    neither, ``blank``, ``totals`` or ``other`` (a note under the table)."""
    empty = " and ".join(["first is null", *(f"v{n} is null" for n in range(width))])
    return (f"case when ref is null and day_text is null then (case when {empty} then 'blank'"
            f" when {totals_row('first', 'ref')} then 'totals' else 'other' end)"
            " when ref is null then 'no_ref' when day_text is null then 'no_date' else 'data' end")


def _count_at_most(sql: str, thresholds: list[int], base: int = 0) -> str:
    """SQL: how many of the sorted ``thresholds`` are at most ``sql``, plus ``base``: a tree of
    comparisons as deep as the logarithm of their number, which keeps the rows in their order
    (a join would not)."""
    if not thresholds:
        return str(base)
    middle = len(thresholds) // 2
    below = _count_at_most(sql, thresholds[:middle], base)
    above = _count_at_most(sql, thresholds[middle + 1:], base + middle + 1)
    return f"(case when {sql} < {thresholds[middle]} then {below} else {above} end)"


def _reader(columns: dict[str, str], parallel: bool) -> str:
    """SQL: DuckDB's CSV reader over the file given as parameter, every column as text, a short
    row padded, a long one cut to the header's width."""
    return (f"read_csv(?, auto_detect=false, header=false, all_varchar=true, delim=',', quote='\"',"
            f" escape='\"', null_padding=true, strict_mode=false, parallel={str(parallel).lower()},"
            f" columns={columns!r})")
