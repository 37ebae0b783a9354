"""The arithmetic behind a number, step by step, with the rounding made visible.

Every amount on a statement is rounded half-up to the fen once, where it is produced
(see :mod:`compliance.money`). A trace keeps each step: what was computed (日额, 扣款),
from what (``合同总价款 1,079,000.00 × 5%``), the exact result and the amount after
rounding, so that an auditor can redo the sum and see where a fen was gained or lost.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from compliance.model import money

ROUNDING = "ROUND_HALF_UP 0.01"
"""How every step that produces money is rounded."""
MONEY = "元"
"""The unit of a step that produces money (every step but a count of blocks)."""


@dataclass(frozen=True)
class Step:
    """One step: ``what`` = ``how`` = ``exact``, rounded to ``value``. A step is money (元,
    rounded half-up to the fen) unless it says what else it counts: the blocks of 按段计
    (``unit`` 段, rounded as the clause says: ``ROUND_CEILING 1`` 不足一段按一段计)."""

    what: str
    how: str
    exact: Decimal
    value: Decimal
    unit: str = MONEY
    rounding: str = ROUNDING

    @property
    def rounded(self) -> bool:
        """Whether rounding changed the exact result."""
        return self.exact != self.value

    def to_json(self) -> dict[str, Any]:
        if self.unit == MONEY:
            return {"what": self.what, "how": self.how, "exact": format(self.exact, "f"),
                    "value": money.as_json(self.value), "rounding": ROUNDING}
        return {"what": self.what, "how": self.how, "exact": format(self.exact, "f"),
                "value": format(self.value, "f"), "rounding": self.rounding, "unit": self.unit}

    def text(self) -> str:
        """The step as the explain tree and the PDF appendix print it."""
        if self.unit != MONEY:
            result = f"{self.what}：{self.how} = {_figure(self.exact)}"
            return f"{result} → {_figure(self.value)} {self.unit}" if self.rounded else \
                f"{result} {self.unit}"
        result = f"{self.what}：{self.how} = {exact_text(self.exact)}"
        if self.rounded:
            return f"{result}，四舍五入至分 → {money.grouped(self.value)} 元"
        return f"{result} 元"

    @classmethod
    def from_json(cls, step: dict[str, Any]) -> "Step":
        """A step as ``to_json`` wrote it (a statement's trace, read back by explain)."""
        return cls(step["what"], step["how"], Decimal(step["exact"]), Decimal(step["value"]),
                   step.get("unit", MONEY), step["rounding"])


def fen_step(what: str, how: str, exact: Decimal) -> Step:
    """A step whose result is money, rounded half-up to the fen."""
    return Step(what, how, exact, money.fen(exact))


def product(what: str, quantity: Decimal | int, unit: Decimal) -> Step:
    """quantity × unit, rounded to the fen."""
    return fen_step(what, f"{quantity} × {money.grouped(unit)}", unit * quantity)


def share(what: str, base_label: str, base: Decimal, rate: Decimal) -> Step:
    """A ratio of a base (5% of 合同总价款), rounded to the fen."""
    return fen_step(what, f"{base_label} {money.grouped(base)} × {money.percent(rate)}", base * rate)


def exact_text(value: Decimal) -> str:
    """An exact result grouped like money, without trailing zeros beyond the fen:
    53,950.00, 677.617021…, 0.50."""
    text = format(value.normalize(), "f")
    whole, _, decimals = text.partition(".")
    sign, digits = ("-", whole[1:]) if whole.startswith("-") else ("", whole)
    return f"{sign}{int(digits):,}.{decimals.ljust(2, '0')}"


def _figure(value: Decimal) -> str:
    """A count as written (3, 2.5), or to four decimals when longer (约 0.3333)."""
    shorter = value.quantize(Decimal("0.0001"))
    text = format(shorter.normalize(), "f")
    return text if value == shorter else f"约 {text}"
