"""连续 N 期触发: a measure of each contract month or quarter meeting the clause's condition N
periods running raises its consequences, and may deduct (「季度考核得分连续两个季度低于 70 分的，
甲方有权解除合同」; 「连续三个月 0 分工单超过 5 件的，约谈」; 「月度满意率连续两个月低于 90% 的，扣当月
服务费 2%」; 「市级评价连续两个月为“待提升”」: ``condition: 评价 = "待提升"``, 高米店 4.6.2 and 4.6.5).

A period is judged on its span values (``formula_values.span_values``: 次数, 平均_x …; a month
also on its rating, read as 评价). A quarter (contract months 1–3, 4–6 …, as
``periods.months_in_scope`` counts it) is judged in its third month, never before. A period is
judged once its last month has a facts file (an earlier month without one has no events, as
every counter counts it); a period whose last month has none, or whose condition reads a value
the period does not have (no score recorded, no rating), does not hold: it breaks the run. The periods are judged here (``facts``) and
the run ending with the settled month goes to durable-rules as one fact, which decides: the
rule fires in every month (every quarter's third month) where the last N periods all hold, so a
third bad quarter in a row fires again.
"""
from __future__ import annotations

import re

from decimal import Decimal
from typing import Any

from compliance.engine.formula_values import known, readable, span_names, span_values
from compliance.engine.kinds.base import Rule
from compliance.engine.kinds.formula import worked_out
from compliance.engine.outcome import Line, Outcome
from compliance.errors import UserError
from compliance.model import money
from compliance.model.arithmetic import fen_step
from compliance.model.formula import check_names, show
from compliance.model.periods import QUARTER_MONTHS, months_in_scope
from compliance.model.suggest import did_you_mean

RATING = "评价"
"""The name a monthly condition reads the month's city rating by: 评价 = "待提升"."""

SCOPE = {"month": "period", "quarter": "quarter"}
"""The span a period takes in, as ``months_in_scope`` names it, counted at its last month."""

UNIT = {"month": "个月", "quarter": "个季度"}


def validate_rule(rule: Rule) -> str | None:
    """A consequence or an amount, and formulas reading only what a period gives."""
    params = rule.params
    if not params.flags and params.amount is None:
        return f"规则 {rule.id} 须写 flags（后果）或 amount（扣款公式），至少其一"
    names = span_names(rule.terms, params.event_types)
    with_rating = [*names, RATING] if params.per == "month" else names
    problem = (check_names(params.condition, with_rating, f"规则 {rule.id} 的 condition")
               or _unknown_rating(rule))
    if problem is None and params.amount is not None:
        problem = check_names(params.amount, names, f"规则 {rule.id} 的 amount")
    return problem


def _unknown_rating(rule: Rule) -> str | None:
    """A quoted text in the condition is a rating the contract lists (``ratings``): 评价 =
    "待提生" would never hold, and is refused with the rating meant."""
    ratings = rule.terms.ratings
    for text in rule.params.condition.texts:
        if text not in ratings:
            listed = f"可用：{'、'.join(ratings)}" if ratings else "合同没有列出评价档次（ratings）"
            return (f"规则 {rule.id} 的 condition 中的“{text}”不是合同 ratings 中的评价档次；"
                    f"{did_you_mean(text, ratings)}{listed}")
    return None


def facts(rule: Rule, tally) -> list[dict[str, Any]]:
    """The run of periods meeting the condition that ends with the period the settled month
    ends, as one fact: the last ``times`` of them at most, which the reason cites (a longer run
    fires again each period, naming its last N); nothing in a month that ends no period (the
    first two of a quarter)."""
    step = QUARTER_MONTHS if rule.params.per == "quarter" else 1
    last = tally.period.index
    if last % step or last > (tally.contract.periods_in_term() or last):
        return []
    run = []
    for end in range(last, 0, -step):  # back over the last ``times`` periods, no further
        judged = _judged(rule, tally, end)
        if judged is None:
            break
        run.append((end, *judged))
        if len(run) == rule.params.times:
            break
    run.reverse()
    fact = {"t": "run", "rule": rule.id, "length": len(run),
            "periods": [_period(rule, tally, *period) for period in run]}
    if run and rule.params.amount is not None:
        fact.update(_amount(rule, run[-1][1]))
    return [fact]


def when(rule: Rule) -> dict:
    run = {"$and": [{"t": "run"}, {"rule": rule.id}, {"$gte": {"length": rule.params.times}}]}
    return {"all": [{"run": run}]}


def then(rule: Rule, matched: dict) -> Outcome:
    run = matched["run"]
    periods = run["periods"]
    reason = _reason(rule, periods)
    facts = [fact for period in periods for fact in period["facts"]]
    outcome = Outcome(flags=rule.flags(rule.params.flags, reason, facts))
    if "amount_exact" in run:
        outcome.lines += _line(rule, run, reason, facts)
    return outcome


def _judged(rule: Rule, tally, end: int) -> tuple[dict[str, Any], list] | None:
    """The values and events of the period ``end`` ends, if it meets the condition."""
    params = rule.params
    if end not in tally.recorded:
        return None
    months = months_in_scope(tally.contract, end, SCOPE[params.per])
    events = tally.in_months(params.event_types, months)
    values = span_values(tally.contract, events)
    if params.per == "month" and tally.recorded[end] is not None:
        values[RATING] = tally.recorded[end]
    holds = (known(params.condition, values)
             and worked_out(rule, "condition", params.condition, values, condition=True))
    return (values, events) if holds else None


def _period(rule: Rule, tally, end: int, values: dict[str, Any], events: list) -> dict[str, Any]:
    """What the fact keeps of one period: where it ends, the values its condition read (for
    the reason), the events and rating they came from (for the trace) and their refs."""
    fixed = rule.terms.formula_values()
    read = [name for name in rule.params.condition.names if name not in fixed]
    facts = tally.traces(events)
    if RATING in read:
        facts.append({"type": "rating", "period": end, "tier": values[RATING]})
    return {"end": end, "values": "，".join(f"{name} = {_shown(values[name])}" for name in read),
            "facts": facts, "refs": sorted(e.event.ref for e in events if e.event.ref)}


def _shown(value: Any) -> str:
    """A value as the reason prints it: an average that does not end at the fen, to the fen
    (约 66.67); the condition was judged on the exact value."""
    if isinstance(value, Decimal) and value != value.quantize(Decimal("0.01")):
        return f"约 {show(value.quantize(Decimal('0.01')))}"
    return show(value)


def _amount(rule: Rule, values: dict[str, Any]) -> dict[str, str]:
    """The amount formula worked out on the last period's values, exact (the line rounds it)."""
    amount = rule.params.amount
    if not known(amount, values):
        missing = "、".join(name for name in amount.names if name not in values)
        raise UserError(f"规则 {rule.id} 的 amount 读取的 {missing} 在最后一期没有记录，无法计算扣款")
    exact = worked_out(rule, "amount", amount, values)
    if exact < 0:
        raise UserError(f"规则 {rule.id} 的 amount 算得负数 {exact}，扣款不能为负")
    return {"amount_exact": format(exact, "f"), "amount_how": amount.describe(values)}


def _line(rule: Rule, run: dict[str, Any], reason: str, facts: list[dict]) -> list[Line]:
    step = fen_step("扣款", run["amount_how"], Decimal(run["amount_exact"]))
    if step.value == 0:
        return []
    refs = sorted({ref for period in run["periods"] for ref in period["refs"]})
    explanation = f"{reason}：扣款 {run['amount_how']} = {money.grouped(step.value)} 元"
    return [rule.line(type=rule.kind, quantity=1, unit_amount=step.value, amount=step.value,
                      refs=refs, explanation=explanation, facts=facts, steps=[step])]


def _reason(rule: Rule, periods: list[dict[str, Any]]) -> str:
    """「第 1–2 季度（第 1–6 期）季度考核得分连续 2 个季度满足“平均_score < 70”（第 1 季度
    平均_score = 68；第 2 季度 平均_score = 65）」."""
    per = rule.params.per
    what = "、".join(rule.terms.event_label(name) for name in rule.params.event_types)
    running = f"连续 {len(periods)} {UNIT[per]}" if len(periods) > 1 else ""
    shown = "；".join(f"{_name(per, p['end'])} {p['values']}" for p in periods if p["values"])
    reason = (f"{_span(per, periods[0]['end'], periods[-1]['end'])}{what}{running}"
              f"满足“{_nested(str(rule.params.condition))}”" + (f"（{shown}）" if shown else ""))
    return readable(rule.terms, rule.params.event_types, reason)


def _nested(condition: str) -> str:
    """The condition as quoted inside “…”: its texts in single quotes, as Chinese nests
    quotation marks (满足“市级评价 = ‘待提升’”, not 满足“市级评价 = "待提升"”)."""
    return re.sub(r'"([^"]*)"', r"‘\1’", condition)


def _name(per: str, end: int) -> str:
    """第 3 期, 第 2 季度."""
    return f"第 {end} 期" if per == "month" else f"第 {end // QUARTER_MONTHS} 季度"


def _span(per: str, first_end: int, last_end: int) -> str:
    """第 2–3 期; 第 1–2 季度（第 1–6 期）; 第 2 季度（第 4–6 期）."""
    if per == "month":
        return f"第 {first_end} 期" if first_end == last_end else f"第 {first_end}–{last_end} 期"
    first, last = first_end // QUARTER_MONTHS, last_end // QUARTER_MONTHS
    quarters = f"{first}" if first == last else f"{first}–{last}"
    return f"第 {quarters} 季度（第 {first_end - QUARTER_MONTHS + 1}–{last_end} 期）"
