"""分档: the bands a measure falls into (a quarterly score 60 ≤ 得分 < 70 deducts 月服务费 × 5%),
each with its bounds stated explicitly.

A band's ``from`` is included and its ``to`` excluded unless it says otherwise
(``from_included: false``, ``to_included: true``); a bound left out is open (``to: 60`` alone is
every value below 60). Bands may leave gaps (a value in no band produces nothing) but must not
overlap: :func:`overlap` names the first two that do, as intervals a lawyer reads
(「60 ≤ 值 < 70」与「65 ≤ 值 < 80」).

This module adds the parameter type ``bands`` to ``fieldtypes.PARAM_TYPES`` (``fieldtypes``
imports it once its own types, which a band is made of, are defined).
"""
from __future__ import annotations

from decimal import Decimal
from itertools import combinations

from pydantic import ConfigDict, Field, model_serializer, model_validator

from compliance.model.fieldtypes import PARAM_TYPES, FlagSpec, FormulaText, Number, Strict
from compliance.model.measures import as_text


class Band(Strict):
    """One band: its bounds, the amount a value in it comes to (a formula: ``月服务费 × 5%``,
    ``3000``, ``0``) and the consequences it raises."""

    model_config = ConfigDict(serialize_by_alias=True)

    lower: Number | None = Field(default=None, alias="from")
    upper: Number | None = Field(default=None, alias="to")
    from_included: bool = True
    to_included: bool = False
    amount: FormulaText
    flags: list[FlagSpec] = []

    @model_serializer(mode="wrap")
    def _as_written(self, handler) -> dict:
        """The band as the contract writes it (in a trace, in ``show``): the keys it gives."""
        written = {Band.model_fields[name].alias or name for name in self.model_fields_set}
        return {key: value for key, value in handler(self).items() if key in written}

    @model_validator(mode="after")
    def _not_empty(self) -> "Band":
        if self.lower is not None and self.upper is not None and not _meets(self, self):
            raise ValueError(f"分档「{self.describe()}」不含任何值：from 须小于 to"
                             "（from 等于 to 时两端都须包含本数）")
        return self

    def contains(self, value: Decimal) -> bool:
        lower, upper = self.lower, self.upper
        above = lower is None or value > lower or (value == lower and self.from_included)
        below = upper is None or value < upper or (value == upper and self.to_included)
        return above and below

    def describe(self, name: str = "值") -> str:
        """``60 ≤ 值 < 70``, ``值 ≥ 90``, ``值 < 60``; with no bound, ``任意值``."""
        if self.lower is None and self.upper is None:
            return f"任意{name}"
        if self.upper is None:
            return f"{name} {'≥' if self.from_included else '>'} {as_text(self.lower)}"
        upper = f"{name} {'≤' if self.to_included else '<'} {as_text(self.upper)}"
        if self.lower is None:
            return upper
        return f"{as_text(self.lower)} {'≤' if self.from_included else '<'} {upper}"


def _meets(low: Band, high: Band) -> bool:
    """Whether ``low``'s lower bound is at or below ``high``'s upper bound, each as inclusive as
    it says: two bands overlap when each meets the other (and a band holds a value when it
    meets itself)."""
    if low.lower is None or high.upper is None:
        return True
    return low.lower < high.upper or (low.lower == high.upper and low.from_included
                                      and high.to_included)


def overlap(bands: list[Band]) -> str | None:
    """The first two bands that share a value, in Chinese; ``None`` when none do."""
    for first, second in combinations(bands, 2):
        if _meets(first, second) and _meets(second, first):
            return f"分档「{first.describe()}」与「{second.describe()}」重叠：同一个值只能落在一档"
    return None


PARAM_TYPES["bands"] = list[Band]
