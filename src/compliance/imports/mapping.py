"""The mapping file (``imports/<contract>.yaml``): how one platform's export becomes facts.

It names the column that holds the 工单编号 and the column that dates each row (by their
Chinese headers), declares the other columns the conditions read with their type, and gives,
per event type of the contract, the condition that makes a row such an event, in the formula
language of contract rules (``考核得分 = 0``, ``派单时长 > 30``). ``this_contract`` says which
rows are this contract's in an export that holds several (``所属街道 = "高米店街道"``). An
event type counted by occurrences may be written one event per row (``aggregate: each``, the
default: the row's 工单编号 is the event's ref) or one event per day with its count and the
rows it counts (``aggregate: day``).
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import model_validator

from compliance.errors import UserError, all_of
from compliance.model import sourceyaml, validation
from compliance.model.fieldtypes import FormulaText, Strict, Trimmed
from compliance.model.formula import Formula, FormulaError, check_names
from compliance.model.sourceyaml import BEIJING
from compliance.model.suggest import did_you_mean
from compliance.paths import ROOT

MAPPINGS_DIR = ROOT / "imports"
"""Where the bundled mapping files are, one per contract (``imports/gaomidian-2025.yaml``)."""

TYPE_LABELS = {"text": "文字", "number": "数字", "date": "日期", "time": "时刻"}
"""The types a column's values are read as, in the words the errors use."""

SAMPLES: dict[str, Any] = {"text": "示例", "number": Decimal(1), "date": date(2025, 1, 1),
                           "time": datetime(2025, 1, 1, 9, 0, tzinfo=BEIJING)}
"""A value of each type, to try each condition on when the mapping is read: a condition that
compares a number with a text is refused there, not on row 40,000."""


class Column(Strict):
    """A column a condition reads: its header in the export (default: the name itself) and
    what its values are."""

    header: Trimmed | None = None
    type: Literal[tuple(TYPE_LABELS)] = "text"  # type: ignore[valid-type]


class EventRule(Strict):
    """The condition that makes a row an event of one type, and how such events are written."""

    when: FormulaText
    aggregate: Literal["each", "day"] = "each"


class Mapping(Strict):
    """One mapping file, as read."""

    contract: Trimmed
    sheet: Trimmed | None = None
    """The worksheet of an xlsx export to read (default: the first)."""
    ref: Trimmed
    """The header of the column holding the 工单编号."""
    date: Trimmed
    """The header of the column that dates each row (a date, or a date and time)."""
    columns: dict[str, Column] = {}
    this_contract: FormulaText | None = None
    events: dict[str, EventRule]

    @model_validator(mode="after")
    def _some_events(self) -> "Mapping":
        if not self.events:
            raise ValueError("events 须至少为一种事件类型写明条件 when")
        return self

    def header_of(self, name: str) -> str:
        return self.columns[name].header or name

    def conditions(self) -> dict[str, Formula]:
        """Every condition, by what it decides: ``this_contract`` and each event type."""
        found = {name: rule.when for name, rule in self.events.items()}
        return {"this_contract": self.this_contract, **found} if self.this_contract else found


def mapping_path(contract_id: str) -> Path:
    return MAPPINGS_DIR / f"{contract_id}.yaml"


def load_mapping(path: Path, contract) -> Mapping:
    """Read and check a mapping file against its contract; every problem is reported at once,
    naming the file, the line and the field."""
    if not path.is_file():
        raise UserError("找不到映射文件", file=path, field="--mapping",
                        valid=f"imports/{contract.id}.yaml，格式见 imports/gaomidian-2025.yaml")
    document = sourceyaml.load(path)
    if not isinstance(document, dict):
        raise UserError("映射文件须是含 contract、ref、date、events 的 YAML 映射", file=path, line=1)
    mapping = validation.validate(Mapping, document, path)
    problems = [UserError(message, file=path, line=sourceyaml.line_of(document, where),
                          field=".".join(map(str, where)), valid=valid)
                for where, message, valid in _problems(mapping, contract)]
    if problems:
        raise all_of(problems)
    return mapping


def _problems(mapping: Mapping, contract) -> list[tuple[tuple, str, str | None]]:
    """What is wrong with a well-formed mapping, given its contract: (where, message, valid)."""
    found: list[tuple[tuple, str, str | None]] = []
    if mapping.contract != contract.id:
        found.append((("contract",), f"这是合同 {mapping.contract!r} 的映射，不是 {contract.id!r} 的",
                      contract.id))
    declared = contract.event_types
    for name, rule in mapping.events.items():
        spec = declared.get(name)
        needs = [] if spec is None else [*spec.requires, *(field for field, measure
                                                           in spec.fields.items() if not measure.optional)]
        if spec is None:
            found.append((("events", name), f"合同没有这种事件类型：{name!r}；"
                          f"{did_you_mean(name, declared)}", "、".join(declared)))
        elif needs:
            found.append((("events", name), f"{name}（{spec.label}）须写明 {'、'.join(needs)}，"
                          "不能由导出的行得出；请在事实文件中手工记录", None))
        elif rule.aggregate == "day" and spec.optional:
            found.append((("events", name, "aggregate"), f"{name}（{spec.label}）每次单独记录一条"
                          "事件，不能按日合计", "each"))
    for what, formula in mapping.conditions().items():
        where = ("this_contract",) if what == "this_contract" else ("events", what, "when")
        problem = check_names(formula, list(mapping.columns), f"条件 {formula}")
        if problem is None:
            problem = _tried(formula, mapping)
        if problem is not None:
            found.append((where, problem, "columns 中声明的列名"))
    return found


def _tried(formula: Formula, mapping: Mapping) -> str | None:
    """A condition that cannot decide a row whatever its values (it compares a number with a
    text, or is not a comparison), tried on a sample value of each column's type."""
    values = {name: SAMPLES[column.type] for name, column in mapping.columns.items()}
    try:
        formula.holds(values)
    except FormulaError as problem:
        types = "，".join(f"{name} 为{TYPE_LABELS[mapping.columns[name].type]}"
                         for name in formula.names)
        return f"条件 {formula} 无法判断：{problem}（{types}）"
    return None
