"""Money: Decimal half-up to the fen, two-decimal strings, 大写 on every statement."""
from decimal import Decimal

import pytest

from compliance.model import money


@pytest.mark.parametrize("raw, rounded", [
    ("2.345", "2.35"), ("2.344", "2.34"), ("-2.345", "-2.35"), ("19840.656", "19840.66"),
    ("0.005", "0.01"), ("4315200", "4315200.00"),
])
def test_fen_rounds_half_up(raw, rounded):
    assert money.as_json(Decimal(raw)) == rounded


def test_two_percent_of_ghzrzw_total_rounds_to_the_fen():
    # 001 6.1: 2% of 992,032.80 = 19,840.656 -> 19,840.66
    assert money.fen(Decimal("0.02") * Decimal("992032.80")) == Decimal("19840.66")


@pytest.mark.parametrize("amount, words", [
    ("342600", "人民币叁拾肆万贰仟陆佰元整"),
    ("4315200", "人民币肆佰叁拾壹万伍仟贰佰元整"),
    ("351099.50", "人民币叁拾伍万壹仟零玖拾玖元伍角"),
    ("1001.01", "人民币壹仟零壹元零壹分"),
    ("0", "人民币零元整"),
    ("0.05", "人民币伍分"),
    ("19840.656", "人民币壹万玖仟捌佰肆拾元陆角陆分"),
])
def test_amount_in_words(amount, words):
    assert money.in_words(Decimal(amount)) == words


@pytest.mark.parametrize("amount, words", [
    ("10005000", "人民币壹仟万伍仟元整"),            # no 零 between 万 and a 仟
    ("10000500", "人民币壹仟万零伍佰元整"),
    ("100000000", "人民币壹亿元整"),
    ("1000000010.10", "人民币壹拾亿零壹拾元壹角"),
    ("-1500.05", "人民币负壹仟伍佰元零伍分"),
    ("9999999999.99", "人民币玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
])
def test_zeros_in_words_follow_the_finance_convention(amount, words):
    assert money.in_words(Decimal(amount)) == words


def test_words_agree_with_cn2an_for_every_digit_pattern():
    """Every pattern of zero and non-zero digits up to ten digits of yuan, with each kind of
    jiao/fen, written as cn2an's rmb mode writes it."""
    cn2an = pytest.importorskip("cn2an")
    for length in range(1, 11):
        for mask in range(2 ** length):
            if not mask >> (length - 1):
                continue                              # the leading digit is never zero
            yuan = "".join("7" if mask >> (length - 1 - i) & 1 else "0" for i in range(length))
            for cents in ("00", "05", "30", "47"):
                amount = Decimal(f"{yuan}.{cents}")
                assert money.in_words(amount) == "人民币" + cn2an.an2cn(f"{amount}", "rmb"), amount


def test_grouping_and_percent_are_written_as_a_finance_office_reads_them():
    assert money.grouped(Decimal("1294560")) == "1,294,560.00"
    assert money.percent(Decimal("0.05")) == "5%"
    assert money.percent(Decimal("0.002")) == "0.2%"


def test_fen_integers_round_trip():
    assert money.to_fen_int(Decimal("71920.00")) == 7192000
    assert money.from_fen_int(-8592000) == Decimal("-85920.00")
