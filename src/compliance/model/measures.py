"""The values a contract declares on an event type besides its date and count (``fields``):
a quarterly score 0–100, a service level in %, a meter reading, the hours a repair took, the
time of day a call was answered.

A facts file writes them beside the event's other keys (``- {type: quarterly_score, date:
2025-03-31, score: 68}``); each is read against its declaration (a number within its range
and with at most its decimals, or a Beijing time) and kept on the event, where formulas and
the clause kinds read it by name and every trace shows it.
"""
from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import Field, model_validator

from compliance.model.fieldtypes import Number, Strict, as_decimal
from compliance.model.sourceyaml import BEIJING

RESERVED = frozenset({"type", "date", "count", "days", "amount", "tranche", "deliverable", "staff",
                      "clause", "accepted", "received", "ended", "ref", "note", "measures"})
"""Keys an event already has: a declared field may not take one of their names."""

NAME = re.compile(r"[^\W\d]\w*")
"""A field's name: a letter or Chinese character, then letters, digits, _ (a formula reads it)."""


class Measure(Strict):
    """One declared value: its label, its kind (``number`` or ``time``), and for a number its
    range, its decimals and its unit."""

    label: str
    type: Literal["number", "time"] = "number"
    min: Number | None = None
    max: Number | None = None
    decimals: int = Field(default=2, ge=0, le=6)
    unit: str = ""
    optional: bool = False

    @model_validator(mode="after")
    def _range(self) -> "Measure":
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"{self.label}：min {self.min} 大于 max {self.max}")
        if self.type == "time" and (self.min is not None or self.max is not None):
            raise ValueError(f"{self.label}：时刻（type: time）不带 min、max")
        return self

    def bounds(self) -> str:
        """The range in words: ``0 至 100``, ``不小于 0``."""
        if self.min is not None and self.max is not None:
            return f"{self.min} 至 {self.max}"
        if self.min is not None:
            return f"不小于 {self.min}"
        return f"不大于 {self.max}" if self.max is not None else "任意数"

    def read(self, name: str, value: Any) -> Decimal | datetime:
        """The value as declared, or a ValueError saying what would be valid."""
        if self.type == "time":
            return _moment(name, self.label, value)
        try:
            number = as_decimal(value)
        except ValueError:
            raise ValueError(f"{name}（{self.label}）须是数字，此处为 {value!r}") from None
        outside = ((self.min is not None and number < self.min)
                   or (self.max is not None and number > self.max))
        if outside:
            raise ValueError(f"{name}（{self.label}）为 {number}，须在 {self.bounds()} 之间")
        if number != number.quantize(Decimal(1).scaleb(-self.decimals)):
            raise ValueError(f"{name}（{self.label}）为 {number}，至多 {self.decimals} 位小数")
        return number


def _moment(name: str, label: str, value: Any) -> datetime:
    """A time of day: from YAML (already a Beijing time) or from text (a form, an export);
    without a zone it is a Beijing time."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"{name}（{label}）不是有效时刻：{value!r}"
                             "（请写作 YYYY-MM-DD HH:MM，北京时间）") from None
    if not isinstance(value, datetime):
        raise ValueError(f"{name}（{label}）须是带时刻的日期，如 2025-03-04 09:30（北京时间）")
    return value.replace(tzinfo=BEIJING) if value.tzinfo is None else value.astimezone(BEIJING)


def check_measure_names(fields: dict[str, Measure]) -> None:
    """Declared names can be written in a facts file and read by a formula."""
    for name in fields:
        if name in RESERVED or not NAME.fullmatch(name):
            raise ValueError(f"字段名 {name!r} 不可用：须以字母或汉字开头，只含字母、汉字、数字和 _，"
                             f"且不是事件已有的键（{'、'.join(sorted(RESERVED))}）")


def as_text(value: Decimal | datetime) -> str:
    """A value as a trace and a statement keep it: a number as written, a time in ISO form
    with its +08:00."""
    return value.isoformat() if isinstance(value, datetime) else format(value, "f")
