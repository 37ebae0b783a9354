"""What a formula in a clause may read: the contract's amounts (合同总价款, 月服务费, 质保金 …),
and either one event's values (its declared fields, 天数, 金额, 次数) or a span's totals over the
events of some types (次数, 金额合计, and per declared number ``合计_x``, ``平均_x``, ``最小_x``,
``最大_x``).

Kinds bind these names; ``validate_rule`` checks a formula against :func:`event_names` or
:func:`span_names` when the contract is loaded, so a misspelt name is refused there, naming the
clause, and never met while settling.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from compliance.model.contract import CONTRACT_VALUES, Contract
from compliance.model.facts import RecordedEvent

EVENT_VALUES = {"次数": "count", "天数": "days", "金额": "amount"}
"""The values every event may carry, by the name a formula reads them: 次数, 天数, 金额."""

SPAN_TOTALS = ("合计", "平均", "最小", "最大")
"""The totals of a declared number over a span: 合计_x, 平均_x, 最小_x, 最大_x."""


def contract_names(contract: Contract) -> list[str]:
    """The contract-wide names: 合同总价款, 月服务费 … and each named amount by id and label."""
    return [*CONTRACT_VALUES, *(name for key, named in contract.amounts.items()
                                for name in (key, named.label))]


def event_names(contract: Contract, event_types: list[str]) -> list[str]:
    """What a formula about one event of ``event_types`` may read."""
    fields = [name for t in event_types for name in contract.event_types[t].fields]
    return [*contract_names(contract), *EVENT_VALUES, "日期", *dict.fromkeys(fields)]


def event_values(contract: Contract, fact: dict[str, Any]) -> dict[str, Any]:
    """One event's values (from its durable-rules fact), with the contract's."""
    values: dict[str, Any] = contract.formula_values()
    values["次数"] = Decimal(fact["count"])
    values["日期"] = date.fromisoformat(fact["date"])
    if fact.get("days") is not None:
        values["天数"] = Decimal(fact["days"])
    if fact.get("amount") is not None:
        values["金额"] = Decimal(fact["amount"])
    declared = contract.event_types[fact["type"]].fields
    for name, text in (fact.get("measures") or {}).items():
        values[name] = (datetime.fromisoformat(text) if declared[name].type == "time"
                        else Decimal(text))
    return values


def span_names(contract: Contract, event_types: list[str]) -> list[str]:
    """What a formula about a span's events of ``event_types`` may read."""
    numbers = dict.fromkeys(name for t in event_types
                            for name, field in contract.event_types[t].fields.items()
                            if field.type == "number")
    return [*contract_names(contract), "次数", "金额合计",
            *(f"{total}_{name}" for name in numbers for total in SPAN_TOTALS)]


def span_values(contract: Contract, events: list[RecordedEvent]) -> dict[str, Any]:
    """The totals over ``events`` (a month's, a quarter's …), with the contract's values. A
    declared number no event of the span carries has no total: a formula reading it is not
    judged (a quarter whose score is not yet recorded)."""
    values: dict[str, Any] = contract.formula_values()
    values["次数"] = Decimal(sum(recorded.event.count for recorded in events))
    values["金额合计"] = sum((recorded.event.amount or Decimal(0) for recorded in events), Decimal(0))
    readings: dict[str, list[Decimal]] = {}
    for recorded in events:
        for name, value in recorded.event.measures.items():
            if isinstance(value, Decimal):
                readings.setdefault(name, []).append(value)
    for name, found in readings.items():
        values[f"合计_{name}"] = sum(found, Decimal(0))
        values[f"平均_{name}"] = sum(found, Decimal(0)) / len(found)
        values[f"最小_{name}"] = min(found)
        values[f"最大_{name}"] = max(found)
    return values


def known(formula, values: dict[str, Any]) -> bool:
    """Whether every name ``formula`` reads has a value (else it is not judged yet)."""
    return all(name in values for name in formula.names)


TOTAL_WORDS = {"合计": "合计", "平均": "平均值", "最小": "最低值", "最大": "最高值"}
"""How a span's total of a declared number reads in a reason: 考核得分最低值."""


def readable(contract: Contract, event_types: list[str], text: str) -> str:
    """``text`` (a condition, a list of values) with each declared field and span total called
    by its label, as a statement's reader knows it: ``最小_score < 70`` → ``考核得分最低值 < 70``,
    ``评价`` → ``市级评价``."""
    labels = {"评价": "市级评价"}
    for name, field in ((n, f) for t in event_types for n, f in contract.event_types[t].fields.items()):
        labels[name] = field.label
        labels.update({f"{total}_{name}": field.label + word for total, word in TOTAL_WORDS.items()})
    if not labels:
        return text
    pattern = re.compile("|".join(re.escape(name) for name in sorted(labels, key=len, reverse=True)))
    return pattern.sub(lambda match: _whole(match, text, labels), text)


def _whole(match: re.Match, text: str, labels: dict[str, str]) -> str:
    """The label of a name found whole (not inside a longer name: ``score`` in ``scores``)."""
    before = text[match.start() - 1] if match.start() else " "
    after = text[match.end()] if match.end() < len(text) else " "
    inside = (before.isalnum() or before == "_") or (after.isalnum() or after == "_")
    return match.group() if inside else labels[match.group()]
