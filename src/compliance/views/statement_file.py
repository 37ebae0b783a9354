"""Reading a statement JSON written earlier (``compliance diff``), with the same care as facts:
a missing file, broken JSON or a file that is not a statement is named, with its line."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from compliance.errors import UserError
from compliance.render.pdf import span_label
from compliance.views.statement import SCHEMA

STATEMENT_SCHEMAS = (SCHEMA,)
"""The statement layouts this version reads (``trace_v1`` traces)."""


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
        raise UserError(f"not a statement this version reads (schema {schema!r})", file=path,
                        field="schema", valid=", ".join(STATEMENT_SCHEMAS))
    return document


def same_span(before: dict[str, Any], after: dict[str, Any], after_path: Path) -> None:
    """Both statements settle the same contract and span; otherwise a diff means nothing."""
    one, other = (before["contract"], span_label(before)), (after["contract"], span_label(after))
    if one != other:
        raise UserError(f"settles {other[0]} {other[1]}, but the first statement settles "
                        f"{one[0]} {one[1]}", file=after_path,
                        valid="two statements of the same contract and span")
