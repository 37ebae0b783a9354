"""Reading a statement JSON written earlier (``compliance diff``), with the same care as facts:
a missing file, broken JSON or a file that is not a statement is named, with its line."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from compliance.errors import UserError
from compliance.model import validation
from compliance.model.fieldtypes import FlagKind
from compliance.render.pdf import span_label
from compliance.views.statement import SCHEMA

STATEMENT_SCHEMAS = (SCHEMA, "compliance.statement/2")
"""The statement layouts this version reads. ``compliance diff`` compares lines (amount,
quantity, refs), totals, flags and counters, which /2 and /3 write alike: /3 only lists the
facts behind the traces once, under ``events``, where /2 repeated them in every trace. So a
statement issued under /2 and kept by hand can still be compared with one settled today."""


AMOUNT = Annotated[str, Field(pattern=r"^-?[0-9]{1,12}\.[0-9]{2}$")]
"""An amount as a statement writes it: a string with two decimals."""


class _Read(BaseModel):
    """What ``compliance diff`` reads of a statement; anything else may be there."""

    model_config = ConfigDict(extra="allow", strict=True)


class _Line(_Read):
    clause: str
    type: str
    quantity: Annotated[str, Field(pattern=r"^[0-9]{1,12}(\.[0-9]{1,2})?$")]
    amount: AMOUNT
    refs: list[str]
    explanation: str
    period: int | None = None
    tranche: int | None = None


class _Flag(_Read):
    clause: str
    kind: FlagKind
    message: str
    period: int | None = None
    tranche: int | None = None


class _Counter(_Read):
    clause: str
    rule: str
    count: int | str
    threshold: int | str
    text: str
    reached: bool


class _Statement(_Read):
    contract: str
    contract_title: str
    deductions: list[_Line]
    flags: list[_Flag]
    counters: list[_Counter] = []
    gross: AMOUNT | None = None
    deductions_total: AMOUNT | None = None
    net: AMOUNT | None = None
    payable: AMOUNT | None = None
    withheld: AMOUNT | None = None
    owed_by_vendor: AMOUNT | None = None
    exposure_total: AMOUNT | None = None
    owed_by_buyer: AMOUNT | None = None


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
    except RecursionError:
        raise UserError("嵌套过深，不是结算单", file=path, valid="a .json statement") from None
    schema = document.get("schema") if isinstance(document, dict) else None
    if schema not in STATEMENT_SCHEMAS:
        raise UserError(f"不是本版本能读取的结算单（schema {schema!r}）：请用 compliance settle "
                        "重新生成后再比较", file=path, field="schema",
                        valid=", ".join(STATEMENT_SCHEMAS))
    validation.validate(_Statement, document, path)
    return document


def same_span(before: dict[str, Any], after: dict[str, Any], after_path: Path) -> None:
    """Both statements settle the same contract and span; otherwise a diff means nothing."""
    one, other = (before["contract"], span_label(before)), (after["contract"], span_label(after))
    if one != other:
        raise UserError(f"settles {other[0]} {other[1]}, but the first statement settles "
                        f"{one[0]} {one[1]}", file=after_path,
                        valid="two statements of the same contract and span")
