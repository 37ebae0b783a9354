"""扣款比例触发: the deductions under one article exceeding a ratio of a base raise the
contract's consequences (高米店 4.6.5: 第四条 4.6 deductions over 20% of the month's fee;
exactly 20% does not trigger). Compared in whole fen inside durable-rules, on what is charged
once caps have credited their excess.

Over the month (``scope: period``, the default) the consequence stands in every month that
exceeds. Over a longer span (「合同期内扣款累计超过合同总价款 10% 的，甲方有权解除合同」: ``scope:
term``; or a quarter, a cycle, the last N months) it is raised in the month the total first
exceeds the limit, and the months after show the standing no more (the right has arisen).
"""
from __future__ import annotations

from compliance.model import money
from compliance.engine.outcome import Outcome
from compliance.engine.kinds.base import Rule, check_window, scope_label, scope_of


def validate_rule(rule: Rule) -> str | None:
    return check_window(rule.params)


def subtotals(rule: Rule) -> list[tuple[str, str]]:
    return [(rule.params.clause_prefix, scope_of(rule.params))]


def limit(rule: Rule):
    return money.fen(rule.params.ratio * rule.terms.base_amount(rule.params.base))


def when(rule: Rule) -> dict:
    limit_fen = money.to_fen_int(limit(rule))
    scope = scope_of(rule.params)
    tests = [{"t": "subtotal"}, {"prefix": rule.params.clause_prefix}, {"scope": scope},
             {"$gt": {"amount_fen": limit_fen}}]
    if scope != "period":
        tests.append({"$lte": {"before_fen": limit_fen}})
    return {"all": [{"m": {"$and": tests}}]}


def standing(rule: Rule, tally, outcome: Outcome) -> dict | None:
    """本月第 4.6 条扣款 17,000.00 / 71,920.00: the month's subtotal against the line (over a
    longer span the rule's own flag tells when the line is crossed)."""
    params = rule.params
    if params.scope != "period":
        return None
    subtotal, line = outcome.deductions(params.clause_prefix), limit(rule)
    return {"clause": rule.clause, "rule": rule.id, "label": f"当月第 {params.clause_prefix} 条扣款",
            "count": money.as_json(subtotal), "period_count": money.as_json(subtotal),
            "threshold": money.as_json(line), "reached": subtotal > line,
            "text": f"本月第 {params.clause_prefix} 条扣款 {money.grouped(subtotal)} / "
                    f"{money.grouped(line)} 元（超过即触发）"}


def then(rule: Rule, matched: dict) -> Outcome:
    subtotal = money.from_fen_int(matched["m"]["amount_fen"])
    reason = (
        f"{scope_label(rule.params)}第 {rule.params.clause_prefix} 条扣款合计 {money.grouped(subtotal)} 元，超过"
        f"{rule.terms.base_label(rule.params.base)}的 {money.percent(rule.params.ratio)}"
        f"（{money.grouped(limit(rule))} 元）"
    )
    facts = [{"type": "subtotal", "clause_prefix": rule.params.clause_prefix,
              "amount": money.as_json(subtotal)}]
    return Outcome(flags=rule.flags(rule.params.flags, reason, facts))
