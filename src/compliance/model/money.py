"""Money arithmetic: Decimal only, half-up to the fen at each line.

Every amount on a statement goes through :func:`fen` exactly once, at the
line that produces it; sums of already-rounded lines stay exact.
"""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

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


_NUMERALS = "零壹贰叁肆伍陆柒捌玖"
_PLACES = ("", "拾", "佰", "仟", "万", "拾", "佰", "仟", "亿", "拾", "佰", "仟")


def _yuan_in_words(digits: str) -> str:
    """The whole yuan in 大写, read digit by digit as the 财会 convention writes them: a zero
    between non-zero digits is read once (壹仟零伍), the 万 and 亿 of an empty group are
    dropped, and no 零 is read between 万/亿 and a 仟 (壹佰万伍仟)."""
    words = ""
    for position, digit in enumerate(digits):
        place = len(digits) - position - 1
        if digit != "0":
            words += _NUMERALS[int(digit)] + _PLACES[place]
            continue
        if place % 4 == 0:
            words += "零" + _PLACES[place]
        if position > 0 and words[-1] != "零":
            words += "零"
    words = (words.replace("零零", "零").replace("零万", "万").replace("零亿", "亿")
             .replace("亿万", "亿").strip("零"))
    return re.sub(r"([万亿])零([壹贰叁肆伍陆柒捌玖]仟)", r"\1\2", words) or "零"


def in_words(amount: Decimal) -> str:
    """大写 of an amount, e.g. 人民币叁拾肆万贰仟陆佰元整, 人民币壹佰元零伍分, 人民币伍角.

    The amount is taken to the fen first. A negative amount is written with 负 after 人民币.
    (The same words as cn2an's ``rmb`` mode, which the tests check digit pattern by digit
    pattern; written here because importing cn2an costs a quarter of a second per command.)
    """
    value = fen(amount)
    if value == 0:
        return "人民币零元整"
    sign = "负" if value < 0 else ""
    yuan, _, cents = f"{abs(value):.2f}".partition(".")
    words = _yuan_in_words(yuan)
    jiao, fen_ = (_NUMERALS[int(digit)] for digit in cents)
    small = (f"{jiao}角" if jiao != "零" else "") + (f"{fen_}分" if fen_ != "零" else "")
    if not small:
        return f"人民币{sign}{words}元整"
    if words == "零":
        return f"人民币{sign}{small}"
    return f"人民币{sign}{words}元{'零' if jiao == '零' else ''}{small}"
