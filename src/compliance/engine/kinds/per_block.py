"""按段计: per N units (days late, hours of delay) a stated amount, a part block rounded as the
contract says (知识库 5.1: 每逾期2日，按合同总价款的0.5%向甲方支付违约金，不足2日的按2日计, with
5.3's 逾期超过 30 日的解除权 as its flag; 望京 5.1: 超过2小时到场的，每超过1小时扣除500元，不足1小时的
按1小时计).

One line per event of the types in the month being settled. The units are a formula over the
event's values (``天数``, ``小时数(接报时间, 到场时间) - 2``); zero or fewer units give
nothing. Blocks = units ÷ ``block``, rounded ``up`` (不足一段按一段计), ``down`` (不足一段不计)
or kept ``pro_rata`` (按比例). The amount per block (a formula: ``合同总价款 × 0.5%``) is
rounded half-up to the fen first, then amount = fen(blocks × 每段金额): the trace shows both
steps. Units at or above ``flag_from`` raise the rule's ``flags``.
"""
from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from compliance.model import money
from compliance.model.arithmetic import Step, fen_step, product
from compliance.model.formula import Formula, Name
from compliance.model.measures import as_text
from compliance.engine.formula_values import known
from compliance.engine.outcome import Outcome
from compliance.engine.kinds.base import Rule
from compliance.engine.kinds.formula import (check_formulas, facts_of, figure_text, line_of,
                                            matching, subject, values_of, worked_out)

ROUNDING_WORDS = {"up": "不足一段按一段计", "down": "不足一段不计", "pro_rata": "不足一段按比例计"}


def validate_rule(rule: Rule) -> str | None:
    params = rule.params
    if params.block <= 0:
        return f"规则 {rule.id} 的 block（每段多少{params.unit_label}）须大于 0"
    if (params.flag_from is None) != (not params.flags):
        return (f"规则 {rule.id} 的 flag_from 与 flags 须同时写明："
                f"达到多少{params.unit_label}，产生哪些后果")
    return check_formulas(rule, units=params.units, per_block_amount=params.per_block_amount)


def when(rule: Rule) -> dict:
    return matching(rule)


def then(rule: Rule, matched: dict) -> Outcome:
    params = rule.params
    values = values_of(rule, matched)
    if not (known(params.units, values) and known(params.per_block_amount, values)):
        return Outcome()
    units = worked_out(rule, "units", params.units, values)
    if units <= 0:
        return Outcome()
    said = f"{subject(rule, matched)}{_units_text(params.units, units, values)} {params.unit_label}"
    outcome = Outcome()
    if params.flag_from is not None and units >= params.flag_from:
        reason = f"{said}（达到 {figure_text(params.flag_from)} {params.unit_label}）"
        outcome.flags = rule.flags(params.flags, reason, facts_of(matched))
    each = fen_step("每段金额", params.per_block_amount.describe(values),
                    worked_out(rule, "per_block_amount", params.per_block_amount, values))
    blocks, total = _blocks(params, units, each.value)
    if total.value > 0:
        explanation = (f"{said}，每 {figure_text(params.block)} {params.unit_label}为一段，"
                       f"{ROUNDING_WORDS[params.rounding]}：{figure_text(blocks)} 段 × "
                       f"{money.grouped(each.value)} 元 = {money.grouped(total.value)} 元")
        outcome.lines.append(line_of(rule, matched, [each, total], explanation, quantity=blocks,
                                     unit=each.value))
    return outcome


def _units_text(formula: Formula, units: Decimal, values: dict) -> str:
    """5 (units read as they are), or the formula with its values and its result."""
    if isinstance(formula.tree, Name):
        return figure_text(units)
    return f"{formula.describe(values)} = {figure_text(units)}"


def _blocks(params, units: Decimal, each: Decimal) -> tuple[Decimal, Step]:
    """The blocks, and the step fen(blocks × 每段金额); pro rata, fen(units ÷ block × 每段金额)
    worked out exactly before the one rounding."""
    ratio = units / params.block
    if params.rounding == "pro_rata":
        how = f"{as_text(units.normalize())} ÷ {as_text(params.block)} × {money.grouped(each)}"
        return ratio, fen_step("金额", how, units * each / params.block)
    blocks = ratio.to_integral_value(ROUND_CEILING if params.rounding == "up" else ROUND_FLOOR)
    return blocks, product("金额", blocks, each)
