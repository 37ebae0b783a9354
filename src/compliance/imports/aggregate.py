"""The rows of an import in DuckDB (embedded): read, classified and grouped there, so a month of
a million rows is held in DuckDB's columns, never as a million Python objects.

Each export is parsed once by DuckDB's CSV reader into a table of its own (only the columns the
mapping names, as text, ``rows.cell`` applied) and given the row numbers the clerk sees
(``reading.blank_records``); the view ``rows`` joins the exports. The conditions are worked out
once per distinct combination of the values they read (``events.judge``), and one pass makes
``judged``: per row its file, sheet, row, 工单编号, date, kind, each declared column as text
(``v0`` …) and as its type (``t0`` …: DECIMAL, DATE or TIMESTAMP; NULL where the text is not
one), and per condition whether it holds.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from compliance.errors import UserError
from compliance.imports import reading
from compliance.imports.mapping import Mapping
from compliance.imports.rows import Layout, cell, literal, totals_row

DATE_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y/%m/%d %H:%M:%S",
                "%Y/%m/%d %H:%M", "%Y/%m/%d", "%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日 %H:%M",
                "%Y年%m月%d日", "%Y.%m.%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S.%f"]
"""How the platforms write a date or a time (month and day with or without a leading zero)."""
MEMORY_LIMIT = "1GB"
"""DuckDB's memory for one import; beyond it DuckDB spills to the import's temporary folder."""
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


class Table:
    """The rows of one import: one DuckDB database, spilling into a temporary folder."""

    def __init__(self, workdir: Path, mapping: Mapping) -> None:
        self.mapping = mapping
        self.names = list(mapping.columns)
        self.parts: list[str] = []
        self.raws: list[str] = []
        self.db = duckdb.connect(config={"temp_directory": str(workdir), "memory_limit": MEMORY_LIMIT,
                                         "autoinstall_known_extensions": False,
                                         "autoload_known_extensions": False})

    def sql(self, query: str, parameters: Any = None) -> list[tuple]:
        return self.db.execute(query, parameters).fetchall()

    def add(self, source: reading.Source, layout: Layout) -> None:
        """Read one export: the rows under its header row, numbered."""
        headers = [self.mapping.ref, self.mapping.date,
                   *(self.mapping.header_of(name) for name in self.names)]
        texts = [False, False, *(self.mapping.columns[name].type == "text" for name in self.names)]
        picked = [cell(layout.columns[header], text) for header, text in zip(headers, texts)]
        columns = {f"c{n}": "VARCHAR" for n in range(layout.width)}
        raw = f"raw{len(self.parts)}"
        names = ["ref", "day_text", *(f"v{n}" for n in range(len(self.names)))]
        select = (f"create or replace table {raw} as select nullif(trim(c0), '') as first, "
                  + ", ".join(f"{sql} as {name}" for sql, name in zip(picked, names)) + " from ")
        try:
            self.db.execute(select + _reader(columns, parallel=True), [str(source.csv)])
        except duckdb.Error:  # the parallel reader refuses a quoted line break beside short rows
            try:
                self.db.execute(select + _reader(columns, parallel=False), [str(source.csv)])
            except duckdb.Error as error:
                raise UserError(f"无法读取：{str(error).splitlines()[0]}", file=source.name) from None
        records = self.sql(f"select count(*) from {raw}")[0][0]
        self.parts.append(self._numbered(raw, source, layout, records))
        self.raws.append(raw)
        self.db.execute("create or replace temp view rows as " + " union all ".join(self.parts))
        self.db.execute("create or replace temp view cells as "
                        + " union all ".join(f"select * from {name}" for name in self.raws))

    def _numbered(self, raw: str, source: reading.Source, layout: Layout, records: int) -> str:
        """SQL: the records of ``raw`` under the header row, each with its file, sheet and row
        number (one more for every empty record before it: DuckDB skipped those)."""
        blanks = reading.blank_records(source.csv, records)
        label = f"{literal(source.name)} as file, {literal(source.sheet) if source.sheet else 'null'} as sheet"
        values = "".join(f", v{n}" for n in range(len(self.names)))
        if not blanks:
            numbered = f"(select rowid + 1 as row, * from {raw})"
        else:
            self.db.execute(f"create table {raw}_blanks (t bigint, k bigint)")
            self.db.executemany(f"insert into {raw}_blanks values (?, ?)",
                                [(blank - n, n + 1) for n, blank in enumerate(blanks)])
            numbered = (f"(select r.i + 1 + coalesce(b.k, 0) as row, r.* from (select rowid as i, *"
                        f" from {raw}) r asof left join {raw}_blanks b on r.i >= b.t)")
        return (f"select {label}, row, first, ref, day_text{values} from {numbered}"
                f" where row > {layout.header_row + 1}")

    def combinations(self, names: list[str]) -> list[tuple]:
        """The distinct (texts…, values…) of the columns ``names``, each value of its type;
        rows with an empty or unreadable value left out. Read from the cells as DuckDB read
        them, unnumbered: a title or header cell adds a combination no row has, and nothing
        else."""
        index = [self.names.index(name) for name in names]
        typed = [self._typed(n) for n in index]
        present = " and ".join(f"{sql} is not null" for sql in typed) or "true"
        texts = ", ".join(f"v{n}" for n in index) or "''"
        return self.sql(f"select distinct {texts}, {', '.join(typed) or chr(39) * 2} from cells"
                        f" where {present}")

    def _typed(self, n: int) -> str:
        return TYPED[self.mapping.columns[self.names[n]].type](f"v{n}")

    def key(self, names: list[str]) -> str:
        """SQL: the key of a row's combination of the values of ``names``: their texts, joined.
        A row with an empty or unreadable value has a key no verdict has (the texts of a
        combination are never empty, and a key of fewer texts has fewer separators)."""
        texts = [f"v{self.names.index(name)}" for name in names]
        if len(texts) < 2:
            return texts[0] if texts else "''"
        return f"concat_ws({SEPARATOR}, {', '.join(texts)})"

    def judge(self, holding: dict[str, tuple[list[str], list[str]]]) -> None:
        """``rows`` → ``judged`` in one pass: each row's kind, date and typed values, and per
        condition (by its column name) whether it holds: its key among the keys it holds for
        (``holding``: column → (names, keys))."""
        self.db.execute("create or replace temp table holds (cond varchar, key varchar)")
        for column, (_, keys) in holding.items():
            self.db.execute("insert into holds select ?, unnest(?::varchar[])", [column, keys])
        typed = "".join(f", {self._typed(n)} as t{n}" for n in range(len(self.names)))
        empty = " and ".join(["first is null", *(f"v{n} is null" for n in range(len(self.names)))])
        judged = "".join(f", coalesce({self.key(names)} in (select key from holds where cond = "
                         f"{literal(column)}), false) as {column}" for column, (names, _) in holding.items())
        self.db.execute(
            f"create or replace table judged as select *, cast({_moment('day_text')} as date) as day,"
            f" case when ref is null and day_text is null then (case when {empty} then 'blank'"
            f" when {totals_row('first', 'ref')} then 'totals' else 'other' end)"
            " when ref is null then 'no_ref' when day_text is null then 'no_date' else 'data' end"
            f" as kind{typed}{judged} from rows")

    def rows_where(self, where: str, parameters: Any = None) -> list[tuple[str, int]]:
        """(file, row) of every row ``where`` holds, in file and row order."""
        return self.sql(f"select file, row from judged where {where} order by file, row", parameters)

    def close(self) -> None:
        self.db.close()


def _reader(columns: dict[str, str], parallel: bool) -> str:
    """SQL: DuckDB's CSV reader over the file given as parameter, every column as text, a short
    row padded, a long one cut to the header's width."""
    return (f"read_csv(?, auto_detect=false, header=false, all_varchar=true, delim=',', quote='\"',"
            f" escape='\"', null_padding=true, strict_mode=false, parallel={str(parallel).lower()},"
            f" columns={columns!r})")
