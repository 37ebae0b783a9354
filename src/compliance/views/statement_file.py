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
from compliance.render.seal import seal_holds
from compliance.views.statement import SCHEMA, span_label

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


_JSON_PROBLEMS = {
    "Expecting value": "此处缺少值",
    "Expecting property name enclosed in double quotes": "键须用英文双引号括起",
    "Expecting ',' delimiter": "缺少逗号 ,",
    "Expecting ':' delimiter": "缺少冒号 :",
    "Unterminated string starting at": "字符串没有结束的引号",
    "Invalid control character at": "字符串中有控制字符",
    "Invalid \\escape": "无效的转义 \\",
    "Invalid \\uXXXX escape": "无效的转义 \\uXXXX",
    "Extra data": "JSON 结束后还有多余的内容",
}
"""What Python's JSON reader reports, in the words of the other errors here."""

STATEMENT_FILE = "compliance settle 写出的 .json 结算单"


def read_statement(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise UserError("找不到结算单文件", file=path, valid=STATEMENT_FILE)
    try:
        document = json.loads(path.read_text("utf-8"))
    except json.JSONDecodeError as error:
        problem = _JSON_PROBLEMS.get(error.msg, error.msg)
        raise UserError(f"不是有效的 JSON（第 {error.colno} 列）：{problem}", file=path,
                        line=error.lineno, valid=STATEMENT_FILE) from None
    except UnicodeDecodeError:
        raise UserError("不是 UTF-8 文本文件", file=path, valid=STATEMENT_FILE) from None
    except RecursionError:
        raise UserError("嵌套过深，不是结算单", file=path, valid=STATEMENT_FILE) from None
    schema = document.get("schema") if isinstance(document, dict) else None
    if schema not in STATEMENT_SCHEMAS:
        raise UserError(f"不是本版本能读取的结算单（schema {schema!r}）：请用 compliance settle "
                        "重新生成后再比较", file=path, field="schema",
                        valid=", ".join(STATEMENT_SCHEMAS))
    validation.validate(_Statement, document, path)
    if not seal_holds(document):
        raise UserError("结算单写出后被改动过（内容与其 seal_sha256 不符），不能作为比较的依据",
                        file=path, field="seal_sha256",
                        valid="compliance settle 写出、未经改动的结算单，或 compliance print 从登记簿取出的结算单")
    return document


def same_span(before: dict[str, Any], after: dict[str, Any], after_path: Path) -> None:
    """Both statements settle the same contract and span; otherwise a diff means nothing."""
    one, other = (before["contract"], span_label(before)), (after["contract"], span_label(after))
    if one != other:
        raise UserError(f"这张结算单结算的是 {other[0]} {other[1]}，第一张结算的是 "
                        f"{one[0]} {one[1]}", file=after_path,
                        valid="同一合同、同一期间的两张结算单")
