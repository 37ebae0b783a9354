"""按段计: per N units (days late, hours of delay, occurrences) a stated amount, a part block
rounded as the contract says (知识库 5.1: 每逾期2日，按合同总价款的0.5%向甲方支付违约金，不足2日的按2日计,
with 5.3's 逾期超过 30 日的解除权 as its flag; 望京 5.1: 超过2小时到场的，每超过1小时扣除500元，不足1小时
的按1小时计; 高米店 6.1: 每逾期一日，应按合同总价款的5%……, a block of one day; 高米店 4.6.3: 如累计出现3次
对于甲方投诉的，甲方有权扣除乙方服务费5000元, a block of 3 complaints over the term).

Per event (``per: event``, the default): one line per event of the types in the month being
settled. The units are a formula over the event's values (``天数``, ``小时数(接报时间, 到场时间) -
2``); zero or fewer units give nothing. Units at or above ``flag_from`` raise the rule's
``flags``.

Per period (``per: period``): the units are a formula over the totals of the span the rule
counts over (``scope``: the month, its quarter, its payment cycle or the term so far; ``次数``),
and each block is charged in the month it is made: the blocks of the span to date less those of
its earlier months (4.6.3: a third complaint completes a block in the month it is made; the two
before it were carried). A month without events of the types makes no block. The ``flags`` are
raised in the month the units first reach ``flag_from``. A window of the last N months slides
and has no start to count blocks from: refused.

Blocks = units ÷ ``block``, rounded ``up`` (不足一段按一段计), ``down`` (不足一段不计) or kept
``pro_rata`` (按比例); the trace shows the count as a step of its own (段数：逾期 5 日 ÷ 每 2 日 =
2.5 → 3 段). The amount per block (a formula: ``合同总价款 × 0.5%``) is rounded half-up to the
fen first, then amount = fen(blocks × 每段金额).
"""
from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

from compliance.model import money
from compliance.model.arithmetic import Step, fen_step
from compliance.model.formula import Formula, FormulaError, Name
from compliance.model.measures import as_text
from compliance.model.periods import months_in_scope
from compliance.engine.formula_values import known, span_values
from compliance.engine.outcome import Outcome
from compliance.engine.kinds.base import Rule, scope_label
from compliance.engine.kinds.formula import (check_formulas, facts_of, figure_text, line_of,
                                            matching, span_counters, span_label, subject,
                                            values_of, worked_out)

ROUNDING_WORDS = {"up": "不足一段按一段计", "down": "不足一段不计", "pro_rata": "不足一段按比例计"}
ROUNDING_MODES = {"up": f"{ROUND_CEILING} 1", "down": f"{ROUND_FLOOR} 1", "pro_rata": "EXACT"}
"""How a count of blocks is rounded, as its step's ``rounding`` records it."""
BLOCKS = "段"


def validate_rule(rule: Rule) -> str | None:
    params = rule.params
    if params.block <= 0:
        return f"规则 {rule.id} 的 block（每段多少{params.unit_label}）须大于 0"
    if (params.flag_from is None) != (not params.flags):
        return (f"规则 {rule.id} 的 flag_from 与 flags 须同时写明："
                f"达到多少{params.unit_label}，产生哪些后果")
    if params.per == "event" and params.scope != "period":
        return (f"规则 {rule.id}：per 为 event（每件事实一行）时不写 scope；"
                "按期累计请写 per: period")
    if params.scope == "rolling":
        return (f"规则 {rule.id}：按段计按当月、季度（quarter）、支付周期（cycle）或合同期（term）"
                "累计，每满一段在满段的月份计；最近 N 个月的滚动范围没有起点，不能按段累计")
    return check_formulas(rule, units=params.units, per_block_amount=params.per_block_amount)


def counters(rule: Rule):
    return span_counters(rule)


def facts(rule: Rule, tally) -> list[dict]:
    """Per period, in a month with events of the types: the span's totals to date, and before
    this month, that the formulas read, as one ``span`` fact."""
    params = rule.params
    if params.per == "event" or not tally.in_scope(params.event_types, "period"):
        return []
    months = months_in_scope(tally.contract, tally.period.index, params.scope)
    names = [*params.units.names, *params.per_block_amount.names]
    return [{"t": "span", "rule": rule.id, "label": span_label(params, tally.period),
             "values": _read(rule, tally, months, names),
             "before": _read(rule, tally, months[:-1], names)}]


def _read(rule: Rule, tally, months: range, names: list[str]) -> dict[str, str]:
    values = span_values(rule.terms, tally.in_months(rule.params.event_types, months))
    return {name: as_text(values[name]) for name in names if name in values}


def when(rule: Rule) -> dict:
    return matching(rule)


def then(rule: Rule, matched: dict) -> Outcome:
    params = rule.params
    values = values_of(rule, matched)
    if not (known(params.units, values) and known(params.per_block_amount, values)):
        return Outcome()
    units, before = worked_out(rule, "units", params.units, values), _before(rule, matched)
    if units <= before:
        return Outcome()
    said = _said(rule, matched, units, before, values)
    outcome = Outcome()
    if params.flag_from is not None and before < params.flag_from <= units:
        reason = f"{said}（达到 {figure_text(params.flag_from)} {params.unit_label}）"
        outcome.flags = rule.flags(params.flags, reason, facts_of(matched))
    each = fen_step("每段金额", params.per_block_amount.describe(values),
                    worked_out(rule, "per_block_amount", params.per_block_amount, values))
    counts = _counts(rule, units, before)
    blocks, total = _amount(params, counts, each.value)
    if total.value > 0:
        outcome.lines.append(line_of(rule, matched, [each, *counts, total],
                                     _explanation(rule, said, counts, blocks, each.value, total.value),
                                     quantity=blocks, unit=each.value))
    return outcome


def cumulative(params) -> bool:
    """Whether the rule counts over a span longer than the month (blocks carried over months)."""
    return params.per == "period" and params.scope != "period"


def _before(rule: Rule, matched: dict) -> Decimal:
    """The units the span had before this month (none per event, nor over the month itself;
    never fewer than none)."""
    if not cumulative(rule.params):
        return Decimal(0)
    earlier = {**rule.terms.formula_values(),
               **{name: Decimal(text) for name, text in matched["span"]["before"].items()}}
    if not known(rule.params.units, earlier):
        return Decimal(0)
    return max(worked_out(rule, "units", rule.params.units, earlier), Decimal(0))


def _said(rule: Rule, matched: dict, units: Decimal, before: Decimal, values: dict) -> str:
    """逾期交付（2025-03-04）5 日; 合同期内对乙方的投诉累计 3 次（本月前 1 次）."""
    params = rule.params
    shown = _units_text(params.units, units, values)
    if params.per == "event":
        return f"{subject(rule, matched)}{shown} {params.unit_label}"
    said = f"{subject(rule, matched)}累计 {shown} {params.unit_label}"
    return f"{said}（本月前 {figure_text(before)} {params.unit_label}）" if cumulative(params) else said


def _units_text(formula: Formula, units: Decimal, values: dict) -> str:
    """5 (units read as they are), or the formula with its values and its result."""
    if isinstance(formula.tree, Name):
        return figure_text(units)
    return f"{formula.describe(values)} = {figure_text(units)}"


def _counts(rule: Rule, units: Decimal, before: Decimal) -> list[Step]:
    """The blocks as steps: the units ÷ the block, rounded as the contract says; over a longer
    span, the blocks to date and those before this month."""
    params = rule.params
    unit = params.unit_label
    if not cumulative(params):
        return [_count(params, "段数", f"{figure_text(units)} {unit} ÷ 每 {figure_text(params.block)} {unit}", units)]
    span = scope_label(params)
    return [_count(params, "段数（累计）", f"{span}累计 {figure_text(units)} {unit} ÷ 每 "
                                          f"{figure_text(params.block)} {unit}", units),
            _count(params, "段数（本月前）", f"本月前 {figure_text(before)} {unit} ÷ 每 "
                                            f"{figure_text(params.block)} {unit}", before)]


def _count(params, what: str, how: str, units: Decimal) -> Step:
    ratio = units / params.block
    blocks = ratio if params.rounding == "pro_rata" else ratio.to_integral_value(
        ROUND_CEILING if params.rounding == "up" else ROUND_FLOOR)
    return Step(what, f"{how}（{ROUNDING_WORDS[params.rounding]}）", ratio, blocks, BLOCKS,
                ROUNDING_MODES[params.rounding])


def _amount(params, counts: list[Step], each: Decimal) -> tuple[Decimal, Step]:
    """The blocks charged this month, and the step fen(blocks × 每段金额): the blocks to date
    less those before this month over a longer span."""
    blocks = counts[0].value - (counts[1].value if len(counts) > 1 else 0)
    shown = (f"({figure_text(counts[0].value)} − {figure_text(counts[1].value)})" if len(counts) > 1
             else figure_text(blocks))
    return blocks, fen_step("金额", f"{shown} × {money.grouped(each)}", blocks * each)


def _explanation(rule: Rule, said: str, counts: list[Step], blocks: Decimal, each: Decimal,
                 total: Decimal) -> str:
    """逾期交付（…）5 日，每 2 日为一段，不足一段按一段计：3 段 × 21,000.00 元 = 63,000.00 元;
    a block of one unit read as a rate: 逾期履行（…）3 日 × 每日 215,760.00 元 = 647,280.00 元."""
    params = rule.params
    unit = params.unit_label
    if params.block == 1 and not cumulative(params) and counts[0].exact == blocks:
        return f"{said} × 每{unit} {money.grouped(each)} 元 = {money.grouped(total)} 元"
    per = f"每 {figure_text(params.block)} {unit}为一段，{ROUNDING_WORDS[params.rounding]}"
    made = f"本月新满 {figure_text(blocks)} 段" if cumulative(params) else f"{figure_text(blocks)} 段"
    return f"{said}，{per}：{made} × {money.grouped(each)} 元 = {money.grouped(total)} 元"


def standing(rule: Rule, tally, outcome) -> dict[str, Any] | None:
    """Over a span (per period): where the units stand towards the next block, 合同期内对乙方的投诉
    累计 1/3（共 1 次，每 3 次为一段，不足一段不计）."""
    params = rule.params
    if params.per == "event":
        return None
    months = months_in_scope(tally.contract, tally.period.index, params.scope)
    now = span_values(rule.terms, tally.in_months(params.event_types, months))
    earlier = span_values(rule.terms, tally.in_months(params.event_types, months[:-1]))
    try:
        units = max(params.units.number(now), Decimal(0))
        month = units - max(params.units.number(earlier), Decimal(0))
        each = f"，每段 {money.grouped(money.fen(params.per_block_amount.number(now)))} 元"
    except FormulaError:  # a value not known yet (no score recorded), or a division by zero
        return None
    labels = "、".join(rule.terms.event_label(name) for name in params.event_types)
    unit, block = params.unit_label, figure_text(params.block)
    return {"clause": rule.clause, "rule": rule.id, "label": labels, "count": _plain(units),
            "period_count": _plain(month), "threshold": _plain(params.block), "reached": False,
            "text": f"{scope_label(params)}{labels}累计 {figure_text(units % params.block)}/{block}"
                    f"（共 {figure_text(units)} {unit}，每 {block} {unit}为一段{each}，"
                    f"{ROUNDING_WORDS[params.rounding]}）"}


def _plain(value: Decimal) -> int | str:
    """A whole number as an integer (3 complaints), any other as written (2.5 hours)."""
    return int(value) if value == value.to_integral_value() else as_text(value.normalize())
