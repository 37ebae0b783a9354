"""分期付款: a share of the price (or a fixed sum), due a number of working or calendar days
after its trigger (羊坊店 3.2: 合同签订后 15 个工作日内支付 50%；城北 四(二): 资金到位 30 日内支付 60%),
or by a date the contract writes (规自委 3.2: 2023 年 6 月底前支付首付款 800000 元).

The trigger is the latest of everything the clause waits for: an anchor date of the
contract (signing, the start of contract month k, the day after the term ends), facts
recorded (funds available, acceptance), and deliverables accepted under the
acceptance clause. Until all have happened the tranche has no due date and the
statement says what is awaited. "N 个工作日内" counts from the day after the trigger.

This kind only dates and prices a tranche; the conditions on paying it (invoice,
late payment) are their own clause kinds, judged in durable-rules against the
tranche facts built from it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from compliance.model import money
from compliance.model.periods import period
from compliance.model.workdays import Deadline
from compliance.engine.kinds.base import Rule

UNIT_LABEL = {"working": "个工作日", "calendar": "日"}


def validate_rule(rule: Rule) -> str | None:
    """A tranche states exactly one of share and amount, and its computed amount matches the
    amount the contract writes beside it; month_start needs its month."""
    params = rule.params
    if (params.share is None) == (params.amount is None):
        return "一次付款须写 share（占合同总价款的比例）或 amount 之一，不能都写或都不写"
    if ("month_start" in params.anchors) != (params.month is not None):
        return "anchors 含 month_start 时须写 month，反之亦然"
    if not (params.anchors or params.events or params.accepted):
        return "一次付款须有触发条件：anchors、events 或 accepted"
    if (params.due_by is None) == (params.offset == 0):
        return "一次付款的期限须写 offset（触发后若干日）或 due_by（固定日期）之一，不能都写或都不写"
    if params.stated_amount is not None and amount(rule) != params.stated_amount:
        return (f"tranche {params.number}: {money.percent(params.share)} of the total price is "
                f"{money.grouped(amount(rule))}, but the contract states {money.grouped(params.stated_amount)}")
    return None


def amount(rule: Rule) -> Decimal:
    """The tranche's amount: fen(share × 合同总价款), or its fixed amount."""
    params = rule.params
    if params.amount is not None:
        return params.amount
    return money.fen(params.share * rule.terms.base_amount("total_price"))


@dataclass(frozen=True)
class Trigger:
    """The day a tranche's clock starts, or what it still waits for."""

    day: date | None
    basis: tuple[str, ...]
    awaiting: tuple[str, ...]


def trigger(rule: Rule, view) -> Trigger:
    """The latest of the anchors, the first of each awaited fact, and the acceptances."""
    params, contract = rule.params, view.contract
    found: list[tuple[date, str]] = []
    awaiting: list[str] = []
    anchors = {"signed": lambda: (contract.signed, "合同签订"),
               "term_end": lambda: (contract.term.end + timedelta(days=1), "合同期满次日"),
               "month_start": lambda: (period(contract, params.month).start,
                                       f"合同执行第{params.month}个月开始")}
    for anchor in params.anchors:
        found.append(anchors[anchor]())
    for event_type in params.events:
        label = contract.event_label(event_type)
        recorded = view.of_type(event_type, params.number)
        if recorded:
            found.append((min(e.event.date for e in recorded), label))
        else:
            awaiting.append(label)
    for deliverable in params.accepted:
        milestone = view.milestones.get(deliverable)
        label = f"{contract.deliverable(deliverable).label}验收通过"
        if milestone is not None and milestone.accepted_on is not None:
            found.append((milestone.accepted_on.day, label))
        else:
            awaiting.append(label)
    basis = tuple(f"{label} {day}" for day, label in sorted(found))
    if awaiting or not found:
        return Trigger(None, basis, tuple(awaiting))
    return Trigger(max(day for day, _ in found), basis, ())


def due(rule: Rule, start: date, calendar) -> tuple[Deadline, str]:
    """The due date after the trigger, and how it was counted. A date the contract writes
    (``due_by``) is not a period and is never moved; "N 日内" ending on a day off is, under
    《民法典》第二百零三条 when the contract keeps that rule on (``calendar`` says)."""
    params = rule.params
    if params.due_by is not None:
        return Deadline(params.due_by, False), f"合同约定于 {params.due_by} 前支付"
    deadline = calendar.add(start, params.offset, params.offset_unit)
    how = f"{start} 后 {params.offset} {UNIT_LABEL[params.offset_unit]}内：{deadline.day}"
    if deadline.note:
        how += f"（{deadline.note}）"
    return deadline, how
