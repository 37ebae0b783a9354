"""Field types shared by the contract schema, the clause-kind parameters and the facts."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    PlainSerializer,
    PlainValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)

from compliance.model.formula import Formula, FormulaError, parse
from compliance.model.suggest import did_you_mean

FLAG_LABELS = {
    "interview": "专项约谈",
    "rectification": "要求整改",
    "payment_suspension": "暂停支付",
    "termination_right": "甲方解除权",
    "make_good": "乙方补足",
    "refund_due": "乙方退款",
    "shortfall": "未达承诺量",
    "vendor_suspension_right": "乙方中止履行权",
    "vendor_termination_right": "乙方解除权",
    "penalty_exposure": "甲方可主张违约金",
    "deliverable_overdue": "成果逾期",
    "no_buyer_liability": "甲方不承担逾期责任",
}
"""What a flag on a statement tells the reader, with the Chinese label every output uses."""

FlagKind = Literal[tuple(FLAG_LABELS)]  # type: ignore[valid-type]

EFFECT_LABELS = {"money": "金钱", "date": "期限", "right": "权利", "obligation": "义务",
                 "informational": "说明"}
"""What a clause does: moves money, sets a date, gives a right, or none of these."""

Effect = Literal[tuple(EFFECT_LABELS)]  # type: ignore[valid-type]


BASE_LABEL = {"total_price": "合同总价款", "monthly_fee": "当月服务费", "quarter_fee": "季度服务费",
              "cycle_fee": "支付周期服务费"}
"""The amounts every contract has that a rate may be a share of, as the contract names them;
a contract names others in its ``amounts`` (质保金 = 合同总价款 × 5%)."""

Base = Literal[tuple(BASE_LABEL)]  # type: ignore[valid-type]
"""What a percentage is taken of: 合同总价款, 当月服务费, 季度服务费 or 支付周期服务费."""

Scope = Literal["period", "quarter", "cycle", "term", "rolling"]
"""Over which span occurrences are counted: the month, its contract quarter, the payment cycle,
the whole term, or the last N months (``rolling``, with the rule's ``months``)."""


class Strict(BaseModel):
    """Every schema model: unknown keys are errors, types are not coerced."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def as_decimal(value: Any) -> Any:
    """A number as written (a whole number or a decimal), never text or true/false."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise ValueError("须是数字（如 5000 或 0.05），不是文字")
    return Decimal(value)


MAX_AMOUNT = Decimal("9999999999.99")
"""The largest amount read (just under 一百亿元): a contract of these services is priced in
hundreds of thousands; a bigger figure is a typing slip, not a price."""

MAX_COUNT = 100_000
"""The most occurrences one fact may count, and the largest whole number a parameter takes."""

MAX_DAYS = 3_660
"""The most days a fact or parameter may give: ten years."""


def _two_places(value: Decimal) -> Decimal:
    if value < 0:
        raise ValueError("不得为负数")
    if value > MAX_AMOUNT:
        raise ValueError(f"金额过大（至多 {MAX_AMOUNT:,} 元）")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError("小数超过两位（最小单位为分）")
    return value


def _ratio(value: Decimal) -> Decimal:
    if not Decimal(0) < value <= Decimal(1):
        raise ValueError("须是大于 0、不超过 1 的小数，如 5% 写作 0.05")
    return value


def _day(value: Any) -> Any:
    """A date written plainly (2025-12-03) or quoted ("2025-12-03"); either must be real. A
    time of day is refused where a date is due: it would be silently dropped."""
    if isinstance(value, datetime):
        raise ValueError(f"须是日期，不带时刻：{value:%Y-%m-%d %H:%M}（请写作 YYYY-MM-DD）")
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"不是有效日期：{value!r}（请写作 YYYY-MM-DD）") from None
    return value


def _trim(value: Any) -> Any:
    """Text without the spaces around it: ASCII, tabs and the full-width space (U+3000) an
    input method types."""
    return value.strip() if isinstance(value, str) else value


Trimmed = Annotated[str, BeforeValidator(_trim)]
"""A name or reference typed by hand (an event type, a ref, a clause, a rating): the spaces
around it are not part of it."""
Money = Annotated[Decimal, BeforeValidator(as_decimal), AfterValidator(_two_places),
                  WithJsonSchema({"type": "number", "minimum": 0, "maximum": float(MAX_AMOUNT),
                                  "description": "金额（元），最多两位小数"})]
Day = Annotated[date, BeforeValidator(_day)]
Number = Annotated[Decimal, BeforeValidator(as_decimal)]
"""A plain number (a score, a bound of a band): whole or decimal, written as a number."""
Ratio = Annotated[Decimal, BeforeValidator(as_decimal), AfterValidator(_ratio),
                  WithJsonSchema({"type": "number", "exclusiveMinimum": 0, "maximum": 1,
                                  "description": "比例，如 5% 写作 0.05"})]


def _declared(kind: str):
    """A validator that the value is declared in the contract (event types or rating tiers)."""

    def check(value: Any, info: ValidationInfo) -> Any:
        declared = (info.context or {}).get(kind)
        names = value if isinstance(value, list) else [value]
        if declared is not None:
            unknown = [name for name in names if name not in declared]
            if unknown:
                raise ValueError(
                    f"{'、'.join(unknown)} 未在合同的 {kind} 中声明"
                    f"{did_you_mean(unknown[0], declared)}（已声明：{'、'.join(declared)}）"
                )
        return value

    return AfterValidator(check)


def _formula(value: Any) -> Formula:
    try:
        return parse(value)
    except FormulaError as problem:
        raise ValueError(f"公式有误：{problem}") from None


FormulaText = Annotated[Formula, PlainValidator(_formula), PlainSerializer(str, return_type=str),
                        WithJsonSchema({"type": ["string", "number"],
                                        "description": "公式，如 \"月服务费 × 10%\"（见 docs/新合同接入.md）"})]
"""A formula (``model/formula.py``), read when the contract is loaded; its names are checked by
the clause kind that binds them."""

BaseName = Annotated[str, _declared("bases")]
"""A base of a rate: one of ``BASE_LABEL`` or an amount the contract names in ``amounts``."""
EventTypeName = Annotated[str, _declared("event_types")]
DeliverableIds = Annotated[list[str], _declared("deliverables")]
DeliverableId = Annotated[str, _declared("deliverables")]
EventTypeNames = Annotated[list[str], _declared("event_types")]
Tier = Annotated[str, _declared("ratings")]


class FlagSpec(Strict):
    """A flag a rule raises, and the consequence the contract attaches to it, in its words.

    A ``penalty_exposure`` flag says what the buyer *may* claim (酒仙桥 6.7: 可要求乙方支付
    本合同总金额的 30%): it gives ``rate`` and ``base``, and ``clause`` when the penalty is
    granted by another clause than the rule's (a late deliverable under 2.2.2 exposes the
    vendor to the 6.7 penalty). Nothing is deducted until the facts record the buyer's claim.
    Any flag may name the ``clause`` that grants its consequence, when it is not the rule's.
    """

    kind: FlagKind
    consequence: str
    clause: str | None = None
    rate: Ratio | None = None
    base: Base | None = None

    @model_validator(mode="after")
    def _exposure_has_amount(self) -> "FlagSpec":
        exposure = self.kind == "penalty_exposure"
        if exposure and (self.rate is None or self.base is None):
            raise ValueError("penalty_exposure（甲方可主张违约金）标记须写明 rate 和 base"
                             "（甲方可主张的违约金）")
        if not exposure and (self.rate is not None or self.base is not None):
            raise ValueError(f"只有 penalty_exposure 标记带 rate 和 base，{self.kind}"
                             f"（{FLAG_LABELS[self.kind]}）不带")
        return self


PARAM_TYPES: dict[str, Any] = {
    "money": Money,
    "ratio": Ratio,
    "count": Annotated[int, Field(ge=1, le=MAX_COUNT)],
    "event_type": EventTypeName,
    "event_types": EventTypeNames,
    "tier": Tier,
    "flags": list[FlagSpec],
    "base": BaseName,
    "formula": FormulaText,
    "scope": Scope,
    "clause_prefix": str,
    "clauses": list[str],
    "text": str,
    "days": Annotated[int, Field(ge=0, le=MAX_DAYS)],
    "day_unit": Literal["working", "calendar"],
    "anchors": list[Literal["signed", "term_end", "month_start"]],
    "deliverables": DeliverableIds,
    "date": Day,
    "deliverable": DeliverableId,
    "cadence": Literal["monthly", "quarterly", "half_yearly", "yearly", "term"],
    "per": Literal["month", "quarter"],
    "party": Literal["vendor", "buyer"],
    "basis": Literal["days", "staff_days"],
    "number": Number,
    "event_or_period": Literal["event", "period"],
    "rounding": Literal["up", "down", "pro_rata"],
}
"""The parameter types a clause kind in ``rules/`` may declare; ``bands`` (``list[Band]``) is
added by ``model/bands.py``, imported below: a band holds a formula and flags, defined here."""

import compliance.model.bands  # noqa: E402,F401  (adds "bands" to PARAM_TYPES)

