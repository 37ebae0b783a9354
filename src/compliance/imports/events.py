"""Rows to events, through the mapping's conditions in the formula language.

A simple condition (``考核得分 = 0``) is decided by DuckDB as it reads the rows, compiled to SQL
(``conditions``). Any other is worked out by ``Formula.holds`` itself, the evaluator contract
rules use, once per distinct combination of the values it reads (a month of a million rows has
a few hundred scores and durations), never once per row; DuckDB marks the rows by key. An empty
or unreadable value decides nothing: a row whose 考核得分 is empty is not a 0-point order (an
unreadable one is reported as malformed before anything is written).

The events written are read back from the record of imported rows (``ledger``): one event per row for
``aggregate: each`` (ref = the row's 工单编号, origin = its file, sheet and row), one per day and
file for ``aggregate: day`` (``count`` = its rows; origin = those rows and their 工单编号).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from compliance.imports.aggregate import Table, column_of
from compliance.imports.ledger import event_column
from compliance.imports.mapping import Mapping
from compliance.imports.rows import ranges
from compliance.model.formula import Formula, FormulaError
from compliance.model.sourceyaml import BEIJING

KEY_SEPARATOR = "\x1f"
"""What joins a combination's texts into its key (``aggregate.SEPARATOR``, chr(31))."""


def judge(table: Table, mapping: Mapping) -> dict[tuple[str, str], str]:
    """Work out every condition of ``mapping`` that DuckDB did not decide as it read the rows
    (``judged`` then has a column per condition); the combinations a condition cannot decide,
    by (condition, key), with why."""
    holding: dict[str, tuple[list[str], list[str]]] = {}
    problems: dict[tuple[str, str], str] = {}
    for what, formula in mapping.conditions().items():
        if table.compiled[what] is not None:
            continue
        names = formula.names
        keys, failed = verdicts(formula, names, table.combinations(names))
        holding[column_of(what)] = (names, keys)
        problems.update({(what, key): message for key, message in failed.items()})
    table.judge(holding)
    return problems


def verdicts(formula: Formula, names: list[str], combinations: list[tuple]) -> tuple[list[str], dict[str, str]]:
    """The keys of the combinations ``formula`` holds for, and those it cannot decide (a
    division by zero) with why. A combination is (texts…, values…) of ``names``."""
    holding, failed = [], {}
    width = len(names)
    for combination in combinations:
        key = KEY_SEPARATOR.join(combination[:width])
        values = {name: _value(value) for name, value in zip(names, combination[width:])}
        try:
            if formula.holds(values):
                holding.append(key)
        except FormulaError as problem:
            failed[key] = str(problem)
    return holding, failed


def _value(value: Any) -> Any:
    """A value as the formula language reads it: a time is a Beijing time."""
    return value.replace(tzinfo=BEIJING) if isinstance(value, datetime) else value


def facts_events(table: Table, mapping: Mapping, rows: str) -> list[dict[str, Any]]:
    """The events the imported rows (the table ``rows``, the import's record) are, as the facts
    file writes them, by date, then type (in the mapping's order), file and row."""
    found: list[tuple[tuple, dict[str, Any]]] = []
    for order, (name, rule) in enumerate(mapping.events.items()):
        holds = event_column(name)
        if rule.aggregate == "each":
            for day, ref, file, sheet, row in table.sql(
                    f"select day, ref, file, sheet, row from {rows} where {holds}"):
                event = {"type": name, "date": day, "ref": ref, "origin": _origin(file, sheet, row=row)}
                found.append(((day, order, file, row), event))
            continue
        for day, file, sheet, numbers, refs in table.sql(
                f"select day, file, sheet, list(row order by row), list(ref order by row) from {rows}"
                f" where {holds} group by day, file, sheet"):
            event = {"type": name, "date": day, "count": len(numbers),
                     "origin": _origin(file, sheet, rows=ranges(numbers), refs=refs)}
            found.append(((day, order, file, numbers[0]), event))
    return [event for _, event in sorted(found, key=lambda item: item[0])]


def _origin(file: str, sheet: str | None, **where: Any) -> dict[str, Any]:
    return {"file": file, **({"sheet": sheet} if sheet else {}), **where}
