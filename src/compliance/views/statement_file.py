"""Reading a statement JSON written earlier (``compliance diff``), with the same care as facts:
a missing file, broken JSON or a file that is not a statement is named, with its line."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from compliance.errors import UserError
from compliance.render.pdf import span_label
from compliance.views.statement import SCHEMA

STATEMENT_SCHEMAS = (SCHEMA, "compliance.statement/2")
"""The statement layouts this version reads. ``compliance diff`` compares lines (amount,
quantity, refs), totals, flags and counters, which /2 and /3 write alike: /3 only lists the
facts behind the traces once, under ``events``, where /2 repeated them in every trace. So a
statement issued under /2 and kept by hand can still be compared with one settled today."""


def read_statement(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise UserError("statement file not found", file=path,
                        valid="a .json statement written by compliance settle")
    try:
        document = json.loads(path.read_text("utf-8"))
    except json.JSONDecodeError as error:
        raise UserError(f"not JSON: {error.msg}", file=path, line=error.lineno) from None
    except UnicodeDecodeError:
        raise UserError("not a UTF-8 text file", file=path, valid="a .json statement") from None
    schema = document.get("schema") if isinstance(document, dict) else None
    if schema not in STATEMENT_SCHEMAS:
        raise UserError(f"不是本版本能读取的结算单（schema {schema!r}）：请用 compliance settle "
                        "重新生成后再比较", file=path, field="schema",
                        valid=", ".join(STATEMENT_SCHEMAS))
    return document


def same_span(before: dict[str, Any], after: dict[str, Any], after_path: Path) -> None:
    """Both statements settle the same contract and span; otherwise a diff means nothing."""
    one, other = (before["contract"], span_label(before)), (after["contract"], span_label(after))
    if one != other:
        raise UserError(f"settles {other[0]} {other[1]}, but the first statement settles "
                        f"{one[0]} {one[1]}", file=after_path,
                        valid="two statements of the same contract and span")
