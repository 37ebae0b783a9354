"""按公式计算: an amount worked out by the contract's own formula where no other kind fits
(知识库 6.3: 每发生一次，扣除月度运维费用的(2 + 中断小时数 × 0.5)%; 6.2: 抽检差错率超过1%的，每超过
0.1个百分点扣除1000元，不足0.1个百分点的按0.1个百分点计 — ``condition: 差错率 > 1``,
``amount: 向上取整((差错率 - 1) ÷ 0.1) × 1000``).

Per event (``per: event``): one line for each event of the types in the month being settled;
the formulas read that event's values (its declared fields, 天数, 金额, 次数, 日期) and the
contract's amounts (``formula_values.event_values``).

Per period (``per: period``): one line for the span the rule counts over (``scope``), from the
span's totals (次数, 金额合计, 合计_x, 平均_x, 最小_x, 最大_x: ``formula_values.span_values``).
The month and the last N months are judged every month; a quarter, a payment cycle and the
term once, in the month that closes them (the quarter's third month, the cycle's last, the
term's last), so that no span is charged twice. Without ``condition`` a span with no events
gives no line; with one, the line exists exactly when the condition holds.

A formula reading a value that is not known (an optional field left out, the average of a
score no event of the span records) is not judged: no line. The amount is rounded half-up to
the fen once; a result of zero or less gives no line (below its threshold a formula such as
(差错率 − 1) × 1000 is no credit to the vendor). The vendor owes the line (a deduction) or, with
``owed_by: buyer``, the buyer (like late-payment interest).

An amount that is one value as recorded (``amount: 金额``: a loss claimed, 损失按实扣除) reads
as it is: 按公式 金额 = 20,000.00 元.

The other generic kinds (``tiered``, ``per_block``) bind values and build lines the same way,
through the helpers here; ``tiered`` judges spans as this kind does (``per_block`` charges a
span's blocks as they are made, in every month).
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from compliance.errors import UserError
from compliance.model import money
from compliance.model.arithmetic import Step, fen_step
from compliance.model.formula import Formula, FormulaError, Name, check_names
from compliance.model.measures import as_text
from compliance.model.periods import QUARTER_MONTHS, Period, months_in_scope
from compliance.engine.formula_values import (EVENT_VALUES, event_names, event_values, known,
                                              span_names, span_values)
from compliance.engine.outcome import Line, Outcome
from compliance.engine.kinds.base import (CounterSpec, Rule, check_window, counter_fact,
                                         current_event, event_trace, scope_label, scope_of)


def validate_rule(rule: Rule) -> str | None:
    params = rule.params
    return check_per(rule) or check_formulas(rule, amount=params.amount, condition=params.condition)


def counters(rule: Rule) -> list[CounterSpec]:
    return span_counters(rule)


def facts(rule: Rule, tally) -> list[dict]:
    params = rule.params
    return span_facts(rule, tally, [params.amount, params.condition],
                      judge_empty=params.condition is not None)


def when(rule: Rule) -> dict:
    return matching(rule)


def then(rule: Rule, matched: dict) -> Outcome:
    params = rule.params
    values = values_of(rule, matched)
    if not all(known(f, values) for f in (params.amount, params.condition) if f is not None):
        return Outcome()
    held = ""
    if params.condition is not None:
        if not worked_out(rule, "condition", params.condition, values, condition=True):
            return Outcome()
        held = f"{params.condition.describe(values)}成立，"
    how = params.amount.text if isinstance(params.amount.tree, Name) else params.amount.describe(values)
    step = fen_step("金额", how, worked_out(rule, "amount", params.amount, values))
    if step.value <= 0:
        return Outcome()
    payer = "（甲方应付乙方）" if params.owed_by == "buyer" else ""
    explanation = (f"{subject(rule, matched)}：{held}按公式 {step.how} = "
                   f"{money.grouped(step.value)} 元{payer}")
    return Outcome(lines=[line_of(rule, matched, [step], explanation, owed_by=params.owed_by)])


# --- what the generic kinds share ------------------------------------------------------------

def check_per(rule: Rule) -> str | None:
    """A rule per event reads one event; only a rule per period counts over a scope."""
    params = rule.params
    if params.per == "event" and (params.scope != "period" or params.months is not None):
        return (f"规则 {rule.id}：per 为 event（每件事实一行）时不写 scope 和 months；"
                "按期合计请写 per: period")
    return check_window(params)


def per_event(rule: Rule) -> bool:
    """Whether the rule reads one event at a time (``per: event``, and every rule without
    ``per``), rather than a span's totals."""
    return getattr(rule.params, "per", "event") == "event"


def check_formulas(rule: Rule, **formulas: Formula | None) -> str | None:
    """Each formula reads only what its rule binds: one event's values (per event) or the span's
    totals (per period), and the contract's amounts; an event's 天数 or 金额 only when every
    event type of the rule requires it (``requires: [days]``), so it is never missing."""
    types = rule.params.event_types
    names = (event_names if per_event(rule) else span_names)(rule.terms, types)
    for param, formula in formulas.items():
        if formula is None:
            continue
        problem = check_names(formula, names, f"规则 {rule.id} 的 {param}")
        if problem is None and per_event(rule):
            problem = _unrequired(rule, param, formula)
        if problem:
            return problem
    return None


def _unrequired(rule: Rule, param: str, formula: Formula) -> str | None:
    for name, field in EVENT_VALUES.items():
        if field == "count" or name not in formula.names:
            continue
        lacking = [t for t in rule.params.event_types
                   if field not in rule.terms.event_types[t].requires]
        if lacking:
            return (f"规则 {rule.id} 的 {param} 读取 {name}；请在事实类型 {lacking[0]} 上声明 "
                    f"requires: [{field}]，使每件事实都写明{name}")
    return None


def span_counters(rule: Rule) -> list[CounterSpec]:
    """Per period, the events of the span: the line's trace and refs (kept out of the engine)."""
    if rule.params.per == "event":
        return []
    return [CounterSpec("all", tuple(rule.params.event_types))]


def span_facts(rule: Rule, tally, formulas: list[Formula | None],
               judge_empty: bool = False) -> list[dict]:
    """Per period, in a month that closes the span: the span's totals that ``formulas`` read,
    as a ``span`` fact; none for a span without events unless ``judge_empty``."""
    params = rule.params
    if params.per == "event" or not closes(params, tally):
        return []
    events = tally.in_scope(params.event_types, scope_of(params))
    if not events and not judge_empty:
        return []
    values = span_values(rule.terms, events)
    names = dict.fromkeys(name for f in formulas if f is not None for name in f.names)
    return [{"t": "span", "rule": rule.id, "label": span_label(params, tally.period),
             "values": {name: as_text(values[name]) for name in names if name in values}}]


def closes(params: Any, tally) -> bool:
    """Whether the month being settled ends the span: every month ends itself and its last N
    months; a quarter ends in its third month, a payment cycle in its last, the term in its
    last, and every span at the end of the term."""
    index, contract = tally.period.index, tally.contract
    return (params.scope in ("period", "rolling") or index == contract.periods_in_term()
            or months_in_scope(contract, index + 1, params.scope)[0] == index + 1)


def span_label(params: Any, period: Period) -> str:
    """第2季度, 第1个支付周期; 当月, 合同期内, 最近 3 个月内."""
    if params.scope == "quarter":
        return f"第{(period.index - 1) // QUARTER_MONTHS + 1}季度"
    if params.scope == "cycle":
        return f"第{period.cycle}个支付周期"
    return scope_label(params)


def matching(rule: Rule) -> dict:
    """Per event, each event of the month (``event``); per period, the span's fact (``span``)
    with its counter (``counted``). (``s`` and ``m`` would be durable-rules' own names.)"""
    if per_event(rule):
        return {"all": [{"event": current_event(rule.params.event_types)}]}
    return {"all": [{"counted": counter_fact(rule, "all")},
                    {"span": {"$and": [{"t": "span"}, {"rule": rule.id}]}}]}


def values_of(rule: Rule, matched: dict) -> dict[str, Any]:
    """What the rule's formulas read: the event's values, or the span's totals."""
    if "event" in matched:
        return event_values(rule.terms, matched["event"])
    return {**rule.terms.formula_values(),
            **{name: Decimal(text) for name, text in matched["span"]["values"].items()}}


def subject(rule: Rule, matched: dict) -> str:
    """What a line is about: 平台中断（2025-03-04）, or 第1季度季度考核得分."""
    if "event" in matched:
        event = matched["event"]
        return f"{rule.terms.event_label(event['type'])}（{event['date']}）"
    labels = "、".join(rule.terms.event_label(name) for name in rule.params.event_types)
    return f"{matched['span']['label']}{labels}"


def facts_of(matched: dict) -> list[dict[str, Any]]:
    """The facts behind a line or a flag: the event, or the events of the span."""
    return [event_trace(matched["event"])] if "event" in matched else matched["counted"]["items"]


def line_of(rule: Rule, matched: dict, steps: list[Step], explanation: str, *,
            quantity=1, unit: Decimal | None = None, owed_by: str = "vendor") -> Line:
    """The line of an event or of a span: its amount is the last step's, its summary
    ``quantity`` × ``unit`` (by default 1 × the amount)."""
    amount = steps[-1].value
    unit = amount if unit is None else unit
    if "event" in matched:
        return rule.event_line(matched["event"], quantity=quantity, unit_amount=unit, amount=amount,
                               explanation=explanation, steps=steps, owed_by=owed_by)
    counter = matched["counted"]
    return rule.line(type=rule.params.event_types[0], quantity=quantity, unit_amount=unit,
                     amount=amount, refs=counter["refs"], explanation=explanation,
                     facts=counter["items"], owed_by=owed_by, steps=steps)


def figure_text(value: Decimal) -> str:
    """A number worked out (a measure, units, blocks) as written, or to four decimals when
    longer (an average, a share of a block: 约 68.3333)."""
    shorter = value.quantize(Decimal("0.0001"))
    text = as_text(shorter.normalize())
    return text if value == shorter else f"约 {text}"


def worked_out(rule: Rule, param: str, formula: Formula, values: dict[str, Any], *,
               condition: bool = False):
    """The formula's number (or, with ``condition``, whether it holds); a formula that cannot be
    worked out on these values (a division by zero) is refused naming the rule."""
    try:
        return formula.holds(values) if condition else formula.number(values)
    except FormulaError as problem:
        raise UserError(f"规则 {rule.id} 的 {param}（{formula}）算不出：{problem}") from None
