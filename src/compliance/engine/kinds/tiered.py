"""分档: a measure falls into bands, each band giving an amount and its consequences (望京 5.4:
季度考核得分 90 分以上不扣款，80–90 分扣季度服务费的 2%，70–80 分扣 5%，不足 70 分扣 10%).

The measure is a formula: per event, over the event's values (``score``); per period, over the
span's totals (``平均_score`` over the quarter), the span judged as by ``formula`` (once, in the
month that closes a quarter, cycle or term). Bounds are explicit (``model/bands.py``: ``from``
included, ``to`` excluded unless a band says otherwise); the bands never overlap (refused when
the contract is loaded), and a measure in a gap between them, or one not known (a quarter
without a score), produces nothing.

The band's flags are raised; its amount, a formula over the same values (``月服务费 × 5%``,
``3000``, ``0``), rounded half-up to the fen, is deducted when above zero.
"""
from __future__ import annotations

from compliance.model import money
from compliance.model.arithmetic import fen_step
from compliance.model.bands import overlap
from compliance.model.formula import Formula, Name
from compliance.engine.formula_values import SPAN_TOTALS, known
from compliance.engine.outcome import Outcome
from compliance.engine.kinds.base import CounterSpec, Rule
from compliance.engine.kinds.formula import (check_formulas, check_per, facts_of, figure_text,
                                            line_of, matching, span_counters, span_facts,
                                            subject, values_of, worked_out)


def validate_rule(rule: Rule) -> str | None:
    bands = rule.params.bands
    if not bands:
        return f"规则 {rule.id} 须至少写一档（bands）"
    amounts = {f"bands[{index}].amount": band.amount for index, band in enumerate(bands)}
    clash = overlap(bands)
    return (check_per(rule) or check_formulas(rule, measure=rule.params.measure, **amounts)
            or (clash and f"规则 {rule.id}：{clash}") or _band_flags(rule))


def _band_flags(rule: Rule) -> str | None:
    """A band's consequence granted by another clause names one the contract has; a penalty
    the buyer may claim is not raised by a band (a claim could not name it: ``Contract.exposures``
    reads a rule's own ``flags``)."""
    ids = {clause.id for clause in rule.terms.clauses}
    flags = [flag for band in rule.params.bands for flag in band.flags]
    if any(flag.kind == "penalty_exposure" for flag in flags):
        return (f"规则 {rule.id} 的分档后果不能是 penalty_exposure（甲方可主张违约金）；"
                "请用 per_block、one_off_penalty 等带 flags 的条款类型")
    cited = [flag.clause for flag in flags if flag.clause is not None and flag.clause not in ids]
    return f"规则 {rule.id} 的分档后果引用的第 {cited[0]} 条不在 clauses 中" if cited else None


def counters(rule: Rule) -> list[CounterSpec]:
    return span_counters(rule)


def facts(rule: Rule, tally) -> list[dict]:
    return span_facts(rule, tally, [rule.params.measure, *(b.amount for b in rule.params.bands)])


def when(rule: Rule) -> dict:
    return matching(rule)


def then(rule: Rule, matched: dict) -> Outcome:
    params = rule.params
    values = values_of(rule, matched)
    if not known(params.measure, values):
        return Outcome()
    measure = worked_out(rule, "measure", params.measure, values)
    band = next((band for band in params.bands if band.contains(measure)), None)
    if band is None:
        return Outcome()
    name = label_of(rule, params.measure)
    reason = f"{subject(rule, matched)}：{name} {figure_text(measure)}（{band.describe(name)}）"
    outcome = Outcome(flags=rule.flags(band.flags, reason, facts_of(matched)))
    if not known(band.amount, values):
        return outcome
    step = fen_step("金额", band.amount.describe(values),
                    worked_out(rule, "bands 的 amount", band.amount, values))
    if step.value > 0:
        explanation = f"{reason}，扣 {step.how} = {money.grouped(step.value)} 元"
        outcome.lines.append(line_of(rule, matched, [step], explanation))
    return outcome


def label_of(rule: Rule, formula: Formula) -> str:
    """A measure that is one declared value, by its label (score → 得分, 平均_score → 平均得分);
    any other measure as its formula is written."""
    if not isinstance(formula.tree, Name):
        return formula.text
    labels = {name: field.label for t in rule.params.event_types
              for name, field in rule.terms.event_types[t].fields.items()}
    total, _, field = formula.text.partition("_")
    if formula.text in labels:
        return labels[formula.text]
    if total in SPAN_TOTALS and field in labels:
        return f"{total}{labels[field]}"
    return formula.text
