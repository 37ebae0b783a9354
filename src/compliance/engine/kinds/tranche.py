"""分期付款: a share of the price (or of an amount the contract names, or a fixed sum), due a
number of working or calendar days after its trigger (羊坊店 3.2: 合同签订后 15 个工作日内支付
50%；城北 四(二): 资金到位 30 日内支付 60%), a number of months after it (质保金在终验合格之日起
满 12 个月后 15 日内无息退还；验收合格后 3 个月内支付 30%), or by a date the contract writes
(规自委 3.2: 2023 年 6 月底前支付首付款 800000 元).

The trigger is the latest of everything the clause waits for: an anchor date of the
contract (signing, the start of contract month k, the day after the term ends), facts
recorded (funds available, acceptance), and deliverables accepted under the
acceptance clause. Until all have happened the tranche has no due date and the
statement says what is awaited. "N 个工作日内" counts from the day after the trigger;
"满 N 个月" ends on the same day of the N-th month after it, or that month's last day when
it has none (《民法典》第二百零一条、第二百零二条: 31 Jan + 1 month = 28/29 Feb).

A tranche may bear the deductions of some clauses (``takes``: 维修费用从质保金中扣除): their
lines go to it rather than to the next tranche unpaid (``schedule``), and what they exceed
of it the vendor makes good (乙方补足, as any payment netted below zero).

This kind only dates and prices a tranche; the conditions on paying it (invoice,
late payment) are their own clause kinds, judged in durable-rules against the
tranche facts built from it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from compliance.model import money
from compliance.model.numbering import clause_order
from compliance.model.periods import month_boundary, period
from compliance.model.workdays import Deadline
from compliance.engine.kinds.base import Rule

UNIT_LABEL = {"working": "个工作日", "calendar": "日"}


def validate_rule(rule: Rule) -> str | None:
    """A tranche states its amount once, what triggers it, one way to count its deadline, only
    clauses the contract has for ``takes``, and its computed amount matches the amount the
    contract writes beside it."""
    params = rule.params
    problem = (amount_problem(params) or trigger_problem(params) or _deadline_problem(params)
               or _unknown_clauses(rule))
    if problem:
        return problem
    if params.stated_amount is not None and amount(rule) != params.stated_amount:
        return (f"第 {params.number} 次付款：{basis(rule) or '固定金额'} 为 {money.grouped(amount(rule))} 元，"
                f"合同写明 {money.grouped(params.stated_amount)} 元")
    return None


def amount_problem(params) -> str | None:
    """Exactly one of share (of ``base``) and a fixed amount."""
    if (params.share is None) == (params.amount is None):
        return "须写 share（占基数的比例）或 amount（固定金额）之一，不能都写或都不写"
    if params.amount is not None and params.base is not None:
        return "base 是 share 的基数；写固定金额 amount 时不写 base"
    return None


def trigger_problem(params) -> str | None:
    """Something to wait for; month_start with its month."""
    if ("month_start" in params.anchors) != (params.month is not None):
        return "anchors 含 month_start 时须写 month，反之亦然"
    if not (params.anchors or params.events or params.accepted):
        return "须有触发条件：anchors、events 或 accepted"
    return None


def _deadline_problem(params) -> str | None:
    if params.due_by is not None and params.offset_months is not None:
        return "offset_months（触发后满若干个月）与 due_by（合同写明的付款日）不能同时写"
    if (params.due_by is None) == (params.offset == 0 and params.offset_months is None):
        return ("一次付款的期限须写 offset / offset_months（触发后若干日、满若干个月）或 due_by"
                "（固定日期）之一，不能都写或都不写")
    return None


def _unknown_clauses(rule: Rule) -> str | None:
    known = {clause.id for clause in rule.terms.clauses}  # type: ignore[attr-defined]
    unknown = [clause for clause in rule.params.takes if clause not in known]
    if unknown:
        return f"takes 中的第 {'、'.join(unknown)} 条不在合同的 clauses 中"
    return None


def amount(rule: Rule) -> Decimal:
    """The tranche's amount: fen(share × its base, 合同总价款 unless it names another), or its
    fixed amount."""
    params = rule.params
    if params.amount is not None:
        return params.amount
    return money.fen(params.share * rule.terms.base_amount(base(params)))


def base(params) -> str:
    """What ``share`` is a share of: the ``base`` named, else 合同总价款."""
    return params.base or "total_price"


def basis(rule: Rule) -> str | None:
    """What the amount is, for the statement: 合同总价款 50% (None for a fixed sum)."""
    params = rule.params
    if params.share is None:
        return None
    return f"{rule.terms.base_label(base(params))} {money.percent(params.share)}"


def price_paid(rule: Rule) -> Decimal:
    """What the tranche pays of the contract price: all of its amount."""
    return amount(rule)


def tranches(rule: Rule) -> list[Rule]:
    """The tranches this clause pays in: itself (``LoadedContract.tranches``)."""
    return [rule]


def takes(rule: Rule, clause: str) -> bool:
    """Whether the tranche bears the lines of ``clause``: one it ``takes``, or under one of
    them (9.3 takes 9.3(2); 五(二) takes 五(二)1)."""
    order = clause_order(clause)
    return any(order[:len(group)] == group for group in map(clause_order, rule.params.takes))


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


def due(rule: Rule, start: Trigger, calendar) -> tuple[Deadline, str]:
    """The due date after the trigger, and how it was counted. A date the contract writes
    (``due_by``) is not a period and is never moved; a period ending on a day off ("N 日内",
    "N 个月内") is, under 《民法典》第二百零三条 when the contract keeps that rule on
    (``calendar`` says). "满 N 个月后 M 日内" counts the M days from the end of the months."""
    params = rule.params
    if params.due_by is not None:
        return Deadline(params.due_by, False), f"合同约定于 {params.due_by} 前支付"
    if params.offset_months is None:
        return _days_after(start.day, params, calendar, f"{start.day} 后")
    months = month_boundary(start.day, params.offset_months)
    counted = f"{start.basis[-1]} 起满 {params.offset_months} 个月：{months}"
    if params.offset == 0:
        # the months are the whole period: its last day moves past a day off like any other's
        deadline = calendar.add_calendar_days(months - timedelta(days=1), 1)
        return deadline, _noted(counted, deadline)
    deadline, how = _days_after(months, params, calendar, "其后")
    return deadline, f"{counted}，{how}"


def _days_after(start: date, params, calendar, after: str) -> tuple[Deadline, str]:
    deadline = calendar.add(start, params.offset, params.offset_unit)
    return deadline, _noted(f"{after} {params.offset} {UNIT_LABEL[params.offset_unit]}内："
                            f"{deadline.day}", deadline)


def _noted(how: str, deadline: Deadline) -> str:
    """The count, with the deadline's notes (provisional calendar, moved past a day off)."""
    return f"{how}（{deadline.note}）" if deadline.note else how
