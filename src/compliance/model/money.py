"""Money arithmetic: Decimal only, half-up to the fen at each line.

Every amount on a statement goes through :func:`fen` exactly once, at the
line that produces it; sums of already-rounded lines stay exact.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import cn2an

FEN = Decimal("0.01")


def fen(amount: Decimal | int) -> Decimal:
    """Round half-up to the fen (0.01 yuan)."""
    return Decimal(amount).quantize(FEN, rounding=ROUND_HALF_UP)


def to_fen_int(amount: Decimal) -> int:
    """An amount as a whole number of fen, for exact comparisons inside the rule engine."""
    return int(fen(amount) * 100)


def from_fen_int(fen_count: int) -> Decimal:
    """The inverse of :func:`to_fen_int`."""
    return fen(Decimal(fen_count) / 100)


def as_json(amount: Decimal) -> str:
    """An amount as the statement JSON writes it: a string with exactly two decimals."""
    return f"{fen(amount):.2f}"


def grouped(amount: Decimal) -> str:
    """An amount as a Chinese finance office writes it: 1,234,567.80."""
    return f"{fen(amount):,.2f}"


def percent(ratio: Decimal) -> str:
    """A ratio as a percentage without trailing zeros: 0.05 -> '5%', 0.002 -> '0.2%'."""
    text = format((ratio * 100).normalize(), "f")
    return f"{text}%"


def in_words(amount: Decimal) -> str:
    """大写 of an amount, e.g. 人民币叁拾肆万贰仟陆佰元整.

    cn2an truncates decimals beyond the fen, so the amount is quantized first.
    A negative amount is written with 负 after 人民币.
    """
    value = fen(amount)
    if value == 0:
        return "人民币零元整"
    sign = "负" if value < 0 else ""
    words = cn2an.an2cn(f"{abs(value):.2f}", "rmb")
    if words.startswith("零元"):  # cn2an writes 零元伍角 for 0.50; statements write 伍角
        words = words[2:]
    return f"人民币{sign}{words}"
