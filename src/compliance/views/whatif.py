"""What if: the recorded facts of a month with hypothetical events added, never written to the
facts folder, so a vendor sees what one more 0-point order or timeout would cost.

``--add TYPE=N`` adds N occurrences of an event type on the month's last day; for a type
recorded with days (逾期 N 日) it adds one event of N days, for a type recorded with an
amount (垫付 N 元) one event of N yuan. Types that need more (a tranche, a deliverable, a
clause) are refused: record them in the facts file. ``--rating`` replaces the month's rating.
Each addition is checked as strictly as a facts file would check it.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from compliance.views.compare import compare
from compliance.engine.loading import LoadedContract
from compliance.errors import UserError
from compliance.model.facts import (Event, FactsBook, FactsFile, PeriodFacts, RecordedEvent,
                                     validation_context)
from compliance.model.fieldtypes import MAX_AMOUNT, MAX_COUNT, MAX_DAYS
from compliance.model.periods import cycle as cycle_of
from compliance.model.periods import period as period_of
from compliance.model.suggest import did_you_mean
from compliance.views.statement import cycle_statement, period_statement
from compliance.account.build import NO_FACTS

ADD = re.compile(r"^(?P<type>[a-z_]{1,64})=(?P<number>[0-9]{1,12}(\.[0-9]{1,2})?)$")
"""``TYPE=N``: ASCII digits only, at most twelve before the point and two after it."""
SOURCE = "假设"
"""Where a hypothetical event says it was written (its trace's ``source``)."""


@dataclass(frozen=True)
class Addition:
    """One ``--add TYPE=N``."""

    type: str
    number: Decimal

    @property
    def text(self) -> str:
        return f"{self.type}={self.number}"


def parse_addition(text: str) -> Addition:
    """``zero_point_order=2`` → Addition; anything else is refused with the form expected."""
    match = ADD.match(text.strip())
    if not match:
        raise UserError(f"{text!r} 不是“类型=数量”", field="--add",
                        valid="事件类型和不小于 0 的数，如 zero_point_order=2（金额最多两位小数）")
    return Addition(match["type"], Decimal(match["number"]))


def hypothetical_book(loaded: LoadedContract, book: FactsBook, index: int,
                      additions: list[Addition], rating: str | None) -> FactsBook:
    """The book with month ``index`` as recorded plus the additions and the rating supposed.
    A month without a facts file stands as an empty one, named so in the fingerprint
    (``第05期（无事实文件）``); a supposed month is named ``period-02.yaml（含假设）`` and its
    digest covers the recorded file and what was supposed."""
    contract = loaded.contract
    recorded = book.files.get(index)
    supposed = bool(additions) or rating is not None
    if recorded is not None and not supposed:
        return book
    if rating is not None and rating not in contract.ratings:
        raise UserError(f"没有这个评价等级：{rating!r}{did_you_mean(rating, contract.ratings, '；')}",
                        field="--rating",
                        valid=" | ".join(contract.ratings) or "本合同不设评价等级")
    last_day = period_of(contract, index).end
    extra = tuple(RecordedEvent(check_addition(loaded, addition, last_day), index,
                                f"{SOURCE} --add {addition.text}") for addition in additions)
    base = recorded.facts if recorded else PeriodFacts.model_construct(
        contract=contract.id, period=index, rating=None, events=[])
    facts = base.model_copy(update={"rating": rating if rating is not None else base.rating})
    name = recorded.path.name if recorded else f"第{index:02d}期（无事实文件）"
    text = " ".join([recorded.sha256 if recorded else ""] + [a.text for a in additions] + [str(rating)])
    path = book.folder / (f"{name}（含{SOURCE}）" if supposed else name)
    events = (recorded.events if recorded else ()) + extra
    files = {**book.files, index: FactsFile(path, facts, index, events,
                                            hashlib.sha256(text.encode("utf-8")).hexdigest())}
    return FactsBook(book.folder, files)


def month_statement(loaded: LoadedContract, book: FactsBook, index: int,
                    additions: list[Addition] = (), rating: str | None = None,
                    as_of=None) -> dict[str, Any]:
    """The statement of month ``index`` as recorded, or with the additions and the rating
    supposed. A month without a facts file is settled as empty and says so: it is an
    estimate, never a statement to sign."""
    statement = period_statement(loaded, hypothetical_book(loaded, book, index, list(additions),
                                                           rating), index, as_of)
    if index not in book.files:
        statement["estimated"] = NO_FACTS
    return statement


def preview(loaded: LoadedContract, book: FactsBook, index: int, additions: list[Addition],
            rating: str | None) -> dict[str, Any]:
    """The recorded month beside the what-if, and what differs (``compliance preview``, the
    web page's preview form)."""
    recorded = month_statement(loaded, book, index)
    supposed = month_statement(loaded, book, index, additions, rating)
    return {"additions": [a.text for a in additions], "rating": rating, "recorded": recorded,
            "preview": supposed, "changes": compare(recorded, supposed),
            **_cycle_preview(loaded, book, index, additions, rating)}


def _cycle_preview(loaded: LoadedContract, book: FactsBook, index: int,
                   additions: list[Addition], rating: str | None) -> dict[str, Any]:
    """For a month paid with its cycle (高米店 3.2), the cycle as recorded and as supposed: only
    the cycle says what is paid, withheld (4.6.4) or made good (6.6). A cycle with another
    month not yet recorded cannot be settled: it says which months it awaits."""
    contract = loaded.contract
    if contract.pays_monthly or not contract.fees or index > loaded.period_count:
        return {}
    number = period_of(contract, index).cycle
    missing = [p.index for p in cycle_of(contract, number).periods
               if p.index != index and p.index not in book.files]
    if missing:
        return {"cycle": {"number": number, "awaiting": [f"第 {n} 期事实" for n in missing]}}
    recorded = cycle_statement(loaded, book, number)
    supposed = cycle_statement(loaded, hypothetical_book(loaded, book, index, additions, rating), number)
    return {"cycle": {"number": number, "recorded": recorded, "preview": supposed,
                      "changes": compare(recorded, supposed)}}


def _recorded_by(spec) -> str:
    return "days" if "days" in spec.requires else "amount" if "amount" in spec.requires else "count"


def addition_bounds(spec) -> str:
    """What an addition of an event type may be: a count, a number of days or an amount."""
    return {"count": f"1 至 {MAX_COUNT:,} 的整数", "days": f"1 至 {MAX_DAYS:,} 的整数（天）",
            "amount": f"0.01 至 {MAX_AMOUNT:,} 的金额（元，最多两位小数）"}[_recorded_by(spec)]


def check_addition(loaded: LoadedContract, addition: Addition, day) -> Event:
    """The hypothetical event an addition makes, dated ``day``, checked as strictly as a facts
    file would be: a whole number of occurrences or days, an amount to the fen, each within its
    bounds."""
    contract = loaded.contract
    spec = contract.event_types.get(addition.type)
    if spec is None:
        raise UserError(f"没有这种事件类型：{addition.type!r}"
                        f"{did_you_mean(addition.type, contract.event_types, '；')}", field="--add",
                        valid=", ".join(f"{name} ({s.label})" for name, s in
                                        contract.event_types.items()))
    document: dict = {"type": addition.type, "date": day}
    needs = set(spec.requires) - {"days", "amount"}
    if needs:
        raise UserError(f"{addition.type}（{spec.label}）还须写明 {', '.join(sorted(needs))}，"
                        "请记入事实文件", field="--add", valid="按件数、天数或金额记录的事件类型")
    number = addition.number
    key = _recorded_by(spec)
    bounds = addition_bounds(spec)
    if key != "amount" and number != int(number):
        raise UserError(f"{addition.text}：{spec.label}应为整数", field="--add", valid=bounds)
    document[key] = number if key == "amount" else int(number)
    try:
        return Event.model_validate(document, context=validation_context(loaded))
    except ValidationError as error:
        problem = error.errors()[0]
        out_of_bounds = problem["type"] in ("less_than_equal", "greater_than_equal")
        message = "超出范围" if out_of_bounds else problem["msg"].removeprefix("Value error, ")
        raise UserError(f"{addition.text}：{message}", field="--add", valid=bounds) from None
