"""扣款上限: what some clauses charge within a span may not exceed a limit. 「每月按本条扣除的
金额合计不超过当月服务费的 10%」 is ``scope: period, limit: 月服务费 × 10%``; 「逾期违约金累计不超过
合同总价款的 5%」 (over 6.1's charge per day of delay) is ``scope: term, limit: 合同总价款 × 5%``;
「服务抵扣每季度不超过季度服务费的 20%，连续 12 个月内累计不超过合同总价款的 8%」 is two caps,
``scope: quarter`` and ``scope: rolling, months: 12``.

In each month settled, once its other lines and the subtotals are in and before its waivers are
credited, ``evaluation`` asserts one ``capped`` fact per cap (:func:`fact`), and the cap fires
when the total it counts exceeds its limit. What a cap counts, in the months of its span (the
earlier ones as they were settled on the same facts, and this one so far):

* the vendor's lines under its ``clauses``, each a clause or a prefix (``4.6`` holds 4.6.1 …, as
  ``Outcome.deductions``); a waiver credited in an earlier month under them lowers the charge;
  lines the buyer owes (late-payment interest) are never capped;
* the credit lines of the caps it holds, itself and every cap whose clauses all lie within its
  own: those of the earlier months, and those made this month by the caps applied before it.

Over the limit, the cap credits one line under its own clause: minus the smaller of the excess
and what it counts this month, so no month is given back more than it charged (the excess of a
rolling window may come from a month since gone out of it). The capped lines stay as they are:
the statement shows the full charge and the credit beside it.

Caps apply one after another: a cap within another (all its clauses under the other's) first,
else in the contract's reading order. A later cap thus counts what the earlier ones credited on
its clauses as no longer charged: of a cap of 10% of each month's fee and a term cap on the same
clauses, the second counts the first's credits, and the months net the same in either order.
The clauses of two caps nest or are apart (refused on loading otherwise): what a cap on 6.1 and
6.3 credits is not 6.1's or 6.3's alone, so a cap on 6.1 and 6.2 could neither count it nor
leave it out.

A waiver recorded in a capped month is credited after the caps, and gives back what is still
charged under its clause: a cap written on that clause (6.1's own 累计不超过) is in it, and a
waiver of the whole clause then gives back what the cap left. A waiver of a clause whose cap is
written under another clause gives back up to what the clause charged: its ``amount`` should say
what the buyer gives up.
"""
from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from compliance.engine.formula_values import contract_names
from compliance.engine.kinds.base import Rule, check_window, scope_label
from compliance.engine.outcome import Line, Outcome
from compliance.model import money
from compliance.model.arithmetic import Step, fen_step
from compliance.model.formula import FormulaError, check_names
from compliance.model.numbering import clause_order
from compliance.model.periods import Period, months_in_scope
from compliance.model.suggest import did_you_mean

KIND = "cap"
FACT = "capped"
CHARGES, CREDITS = "cap_charges", "cap_credits"
"""The trace facts of a credit line: what the cap counted in one month, charged and credited."""


def validate_rule(rule: Rule) -> str | None:
    return (check_window(rule.params) or _check_clauses(rule) or _check_limit(rule)
            or _check_overlaps(rule))


def _check_clauses(rule: Rule) -> str | None:
    """Each clause or prefix holds a clause the contract charges under (one with rules other
    than caps)."""
    if not rule.params.clauses:
        return f"规则 {rule.id} 的 clauses 须写明受上限限制的条款"
    charging = [clause.id for clause in rule.terms.clauses
                if any(spec.kind != KIND for spec in clause.rules)]
    for prefix in rule.params.clauses:
        if not any(_under(clause, prefix) for clause in charging):
            return (f"规则 {rule.id} 的 clauses 中的 {prefix} 不是合同中有规则的条款或其上级条款；"
                    f"{did_you_mean(prefix, charging)}可用：{'、'.join(charging)}")
    return None


def _check_limit(rule: Rule) -> str | None:
    """The limit reads only the contract's amounts, and comes to more than 0."""
    problem = check_names(rule.params.limit, contract_names(rule.terms), f"规则 {rule.id} 的 limit")
    if problem:
        return problem
    try:
        value = limit(rule).value
    except FormulaError as failure:
        return f"规则 {rule.id} 的 limit 算不出金额：{failure}"
    return None if value > 0 else f"规则 {rule.id} 的上限为 {money.grouped(value)} 元，须大于 0"


def _check_overlaps(rule: Rule) -> str | None:
    """The clauses of two caps nest or are apart (see the module's docstring)."""
    mine = rule.params.clauses
    for other, theirs in _other_caps(rule):
        if _overlap(mine, theirs) and not (_within(mine, theirs) or _within(theirs, mine)):
            return (f"规则 {rule.id} 与规则 {other} 的上限条款部分重叠（{'、'.join(mine)} 与 "
                    f"{'、'.join(theirs)}）：两条上限的条款须一条在另一条之内，或互不相干")
    return None


def _other_caps(rule: Rule) -> Iterator[tuple[str, list[str]]]:
    """The id and clauses of every other cap of the contract, as written (a cap whose clauses
    are not a list of clause ids is refused on its own)."""
    for clause in rule.terms.clauses:
        for index, spec in enumerate(clause.rules, start=1):
            theirs = spec.params.get("clauses")
            if (spec.kind == KIND and f"{clause.id}#{index}" != rule.id and isinstance(theirs, list)
                    and all(isinstance(prefix, str) for prefix in theirs)):
                yield f"{clause.id}#{index}", theirs


def _under(clause: str, prefix: str) -> bool:
    """``clause`` is ``prefix`` or one of its sub-clauses (``Outcome.deductions``)."""
    return clause == prefix or clause.startswith(prefix + ".")


def _within(inner: list[str], outer: list[str]) -> bool:
    return all(any(_under(p, q) for q in outer) for p in inner)


def _overlap(one: list[str], other: list[str]) -> bool:
    return any(_under(p, q) or _under(q, p) for p in one for q in other)


def limit(rule: Rule) -> Step:
    """The limit's step: the formula over the contract's amounts, rounded to the fen."""
    values = rule.terms.formula_values()
    return fen_step("上限", rule.params.limit.describe(values), rule.params.limit.number(values))


def in_order(rules: list[Rule]) -> list[Rule]:
    """The contract's caps in the order they apply: a cap within another first (it holds fewer
    caps), else in reading order."""
    caps = [rule for rule in rules if rule.kind == KIND]

    def held(rule: Rule) -> int:
        return sum(1 for other in caps if _within(other.params.clauses, rule.params.clauses)
                   and not _within(rule.params.clauses, other.params.clauses))

    return sorted(caps, key=lambda rule: (held(rule), clause_order(rule.clause)))


def reaches_back(rule: Rule) -> bool:
    """Whether the cap's span may take in earlier months (all but a month's own cap)."""
    return rule.params.scope != "period"


def fact(rule: Rule, caps: list[Rule], earlier: dict[int, list[Line]], current: list[Line],
         period: Period) -> dict[str, Any]:
    """The ``capped`` fact of ``rule`` in ``period``: what it counts in each month of its span
    with lines it counts (``earlier``: the lines of the earlier months settled, by month;
    ``current``: the month's lines so far, the credits of the caps before it included), their
    total and this month's, in fen."""
    params = rule.params
    held = {other.id for other in caps if _within(other.params.clauses, params.clauses)}
    found = []
    for index in months_in_scope(rule.terms, period.index, params.scope, params.months):
        lines = current if index == period.index else earlier.get(index, [])
        counted = [line for line in lines if _counts(line, params.clauses, held)]
        if counted:
            found.append(_month(index, counted))
    this = [month for month in found if month["period"] == period.index]
    return {"t": FACT, "rule": rule.id, "period": period.index,
            "total_fen": sum(month["charged_fen"] + month["credited_fen"] for month in found),
            "month_fen": sum(month["charged_fen"] + month["credited_fen"] for month in this),
            "months": found}


def _counts(line: Line, clauses: list[str], held: set[str]) -> bool:
    """A vendor's line under the cap's clauses, or a credit of a cap it holds."""
    if line.owed_by != "vendor":
        return False
    if line.trace.kind == KIND:
        return line.trace.rule in held
    return any(_under(line.clause, prefix) for prefix in clauses)


def _month(index: int, lines: list[Line]) -> dict[str, Any]:
    """One month's counted lines: charged (waivers net), credited by caps, and the day the
    latest of them arose."""
    charged = sum((line.amount for line in lines if line.trace.kind != KIND), Decimal(0))
    credited = sum((line.amount for line in lines if line.trace.kind == KIND), Decimal(0))
    arose = max((day for line in lines if (day := line.trace.arose())), default=None)
    return {"period": index, "charged_fen": money.to_fen_int(charged),
            "credited_fen": money.to_fen_int(credited), **({"date": arose} if arose else {})}


def when(rule: Rule) -> dict:
    over = {"$gt": {"total_fen": money.to_fen_int(limit(rule).value)}}
    return {"all": [{"m": {"$and": [{"t": FACT}, {"rule": rule.id}, over,
                                    {"$gt": {"month_fen": 0}}]}}]}


def then(rule: Rule, matched: dict) -> Outcome:
    capped = matched["m"]
    cap = limit(rule)
    months = capped["months"]
    total, month = (money.from_fen_int(capped[key]) for key in ("total_fen", "month_fen"))
    excess = total - cap.value
    given = min(month, excess)
    steps = [cap, _total_step(rule, months, total),
             Step("超出上限", f"{money.grouped(total)} − {money.grouped(cap.value)}", excess, excess),
             Step("不予扣除", f"min(本月计入 {money.grouped(month)}, 超出 {money.grouped(excess)}) × −1",
                  -given, -given)]
    line = rule.line(type=KIND, quantity=1, unit_amount=-given, amount=-given, refs=[],
                     explanation=_explanation(rule, months, total, cap.value, excess, given),
                     facts=_trace_facts(months), steps=steps)
    return Outcome(lines=[line])


def _total_step(rule: Rule, months: list[dict[str, Any]], total: Decimal) -> Step:
    """第 1 期 20,000.00 + 第 3 期 20,000.00 − 6,050.00: each month's charge, less what caps
    credited in it."""
    parts = []
    for month in months:
        part = f"第 {month['period']} 期 {money.grouped(money.from_fen_int(month['charged_fen']))}"
        if month["credited_fen"]:
            part += f" − {money.grouped(-money.from_fen_int(month['credited_fen']))}"
        parts.append(part)
    return Step(f"{scope_label(rule.params)}累计", " + ".join(parts), total, total)


def _explanation(rule: Rule, months: list[dict[str, Any]], total: Decimal, cap: Decimal,
                 excess: Decimal, given: Decimal) -> str:
    """第 6.1 条扣款合同期内累计 60,000.00 元，超过上限 合同总价款 × 5% = 53,950.00 元，超出部分
    6,050.00 元不予扣除."""
    credited = -money.from_fen_int(sum(month["credited_fen"] for month in months))
    charged = total + credited
    formula = rule.params.limit
    shown = f"{formula} = {money.grouped(cap)}" if formula.names else money.grouped(cap)
    text = (f"第 {'、'.join(rule.params.clauses)} 条扣款{scope_label(rule.params)}累计 "
            f"{money.grouped(charged)} 元")
    if credited:
        text += f"，减去已按上限不予扣除的 {money.grouped(credited)} 元为 {money.grouped(total)} 元"
    text += f"，超过上限 {shown} 元，超出部分 {money.grouped(excess)} 元"
    if given < excess:
        return text + f"，以本月计入的 {money.grouped(given)} 元为限不予扣除"
    return text + "不予扣除"


def _trace_facts(months: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What the cap counted, month by month: the charges (dated by the latest of them), and
    what caps credited."""
    facts = []
    for month in months:
        charged = {"type": CHARGES, "period": month["period"],
                   **({"date": month["date"]} if "date" in month else {}),
                   "amount": money.as_json(money.from_fen_int(month["charged_fen"]))}
        facts.append(charged)
        if month["credited_fen"]:
            facts.append({"type": CREDITS, "period": month["period"],
                          "amount": money.as_json(money.from_fen_int(month["credited_fen"]))})
    return facts
