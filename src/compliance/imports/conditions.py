"""A mapping's condition as SQL, where it is simple, so that DuckDB decides it for every row as
it reads the export (issue 17: a million rows in a time close to DuckDB's own).

A condition is simple when it compares columns with values of their type, joined by 且 或 非:
``考核得分 = 0``, ``派单时长 > 30``, ``响应情况 = "未响应" 或 非 回访情况 = "已回访"``.
A part without a column (``15 × 2``, ``95%``, ``-5``) is worked out first by the formula
evaluator itself; a text is compared only for (in)equality, a number with a number, a date or a
time with another column of its type. Anything else (arithmetic on a column, a function of columns, a
comparison the evaluator would refuse) is not compiled: ``sql_of`` gives None and the condition
is worked out by ``Formula.holds`` once per distinct combination of values (``events.judge``).

Either way a row decides a condition only when every column the condition reads holds a value of
its type; otherwise the condition does not hold for it (``events``).
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from compliance.imports.rows import literal
from compliance.model.formula import Constant, Formula, FormulaError, Name, Operation

COMPARISONS = {"=": "=", "≠": "<>", "<": "<", "≤": "<=", ">": ">", "≥": ">="}
"""The formula language's comparisons, as SQL writes them."""
SCALE = 10
"""Decimal places of a number column in SQL (``aggregate.TYPED``: DECIMAL(38, 10)); a constant
with more is not compiled."""


class _NotSimple(Exception):
    """A part of a condition that SQL does not decide here."""


def sql_of(formula: Formula, columns: dict[str, tuple[str, str]]) -> str | None:
    """SQL for whether ``formula`` holds for a row, or None when it is not simple. ``columns``
    gives each name its typed SQL and its type (``text``, ``number``, ``date``, ``time``)."""
    try:
        holds = _logic(formula.tree, columns)
    except _NotSimple:
        return None
    present = " and ".join(f"{columns[name][0]} is not null" for name in formula.names)
    return f"coalesce({present or 'true'} and {holds}, false)"


def _logic(node: Any, columns: dict[str, tuple[str, str]]) -> str:
    """SQL for a part that is a condition."""
    if isinstance(node, Operation) and node.op in ("and", "or"):
        return f"({_logic(node.operands[0], columns)} {node.op} {_logic(node.operands[1], columns)})"
    if isinstance(node, Operation) and node.op == "not":
        return f"(not {_logic(node.operands[0], columns)})"
    if isinstance(node, Operation) and node.op in COMPARISONS:
        return _comparison(node, columns)
    value, _ = _constant(node)
    if not isinstance(value, bool):
        raise _NotSimple
    return "true" if value else "false"


def _comparison(node: Operation, columns: dict[str, tuple[str, str]]) -> str:
    (left, left_type), (right, right_type) = (_operand(side, columns) for side in node.operands)
    if left_type != right_type or (left_type == "text" and node.op not in ("=", "≠")):
        raise _NotSimple
    return f"({left} {COMPARISONS[node.op]} {right})"


def _operand(node: Any, columns: dict[str, tuple[str, str]]) -> tuple[str, str]:
    """(SQL, type) of a column or of a part without a column."""
    if isinstance(node, Name):
        return columns[node.name]
    value, sql = _constant(node)
    if isinstance(value, str):
        return sql, "text"
    if isinstance(value, Decimal):
        return sql, "number"
    raise _NotSimple


def _constant(node: Any) -> tuple[Any, str]:
    """A part without a column, worked out by the formula evaluator, and as SQL."""
    if _has_name(node):
        raise _NotSimple
    try:
        value = Formula("", node).evaluate({})
    except FormulaError:
        raise _NotSimple from None
    if isinstance(value, bool):
        return value, str(value).lower()
    if isinstance(value, str):
        return value, literal(value)
    if isinstance(value, Decimal) and value.is_finite() and _fits(value):
        return value, f"({value:f})::decimal(38, {SCALE})"
    raise _NotSimple


def _fits(value: Decimal) -> bool:
    """Whether DECIMAL(38, 10) holds ``value`` exactly."""
    return value.is_zero() or (value.as_tuple().exponent >= -SCALE and value.adjusted() < 38 - SCALE)


def _has_name(node: Any) -> bool:
    if isinstance(node, Name):
        return True
    if isinstance(node, Constant):
        return False
    children = node.operands if isinstance(node, Operation) else node.args
    return any(map(_has_name, children))
