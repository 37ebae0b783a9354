"""按月分期付款（按剩余本金计息）: a principal paid in N monthly instalments, each with a month's
interest on what is still owed (the installment-sale pattern of the Accord Project templates,
with equal principal parts). Instalment k = its principal part + fen(balance before it × the
monthly rate); each principal part is fen(P ÷ N), the last one taking what rounding left over.

120,000.00 over 12 months at 0.5% a month: 1st 10,000.00 + 120,000.00 × 0.5% = 10,600.00;
2nd 10,000.00 + 110,000.00 × 0.5% = 10,550.00; … 12th 10,000.00 + 10,000.00 × 0.5% = 10,050.00.

Each instalment is a tranche (``tranches``, read by ``LoadedContract.tranches``): numbered
from ``first_number``, triggered as a tranche is, due ``offset_months + k − 1`` months after
the trigger (and ``offset`` days more), so payments, payment conditions, late-payment interest
and statements treat it as any other tranche.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from pydantic import BaseModel, create_model

from compliance.model import money
from compliance.model.arithmetic import Step, exact_text, share
from compliance.engine.kinds import registry
from compliance.engine.kinds import tranche as tranche_kind
from compliance.engine.kinds.base import Rule

SHARED = ("anchors", "month", "events", "accepted", "offset", "offset_unit")
"""What every instalment takes from the plan as written: its trigger, and the days after the
months."""


def validate_rule(rule: Rule) -> str | None:
    """The principal stated once, a trigger, and at least a fen of principal in every instalment."""
    params = rule.params
    problem = tranche_kind.amount_problem(params) or tranche_kind.trigger_problem(params)
    if problem:
        return problem
    if min(part.principal for part in parts(rule)) <= 0:
        return (f"本金 {money.grouped(tranche_kind.amount(rule))} 元分 {params.count} 期，"
                "每期本金不足一分")
    return None


@dataclass(frozen=True)
class Part:
    """One instalment: its principal part, the principal still owed before it, its interest."""

    principal: Decimal
    balance: Decimal
    interest: Step

    @property
    def amount(self) -> Decimal:
        return self.principal + self.interest.value


def parts(rule: Rule) -> list[Part]:
    """Every instalment of the plan, first to last."""
    params = rule.params
    principal = tranche_kind.amount(rule)
    each = money.fen(principal / params.count)
    found = []
    for paid in range(params.count):
        balance = principal - each * paid
        own = balance if paid == params.count - 1 else each
        found.append(Part(own, balance, _interest(balance, params.monthly_rate)))
    return found


def _interest(balance: Decimal, rate: Decimal) -> Step:
    return share("利息", "剩余本金", balance, rate)


def tranches(rule: Rule) -> list[Rule]:
    """One tranche per instalment, under the plan's clause: 分期付款第 k 期."""
    return [Rule(f"{rule.id}/{k}", rule.clause, rule.kind, _instalment(rule.params, k, part),
                 rule.terms)
            for k, part in enumerate(parts(rule), start=1)]


def _instalment(params, k: int, part: Part) -> BaseModel:
    return _instalment_model().model_validate({
        **{name: getattr(params, name) for name in SHARED},
        "number": params.first_number + k - 1, "label": f"{params.label}第 {k} 期",
        "amount": part.amount, "offset_months": params.offset_months + k - 1,
        "principal": part.principal, "balance": part.balance, "monthly_rate": params.monthly_rate})


@cache
def _instalment_model() -> type[BaseModel]:
    """A tranche's parameters, and what an instalment adds to explain its amount."""
    return create_model("instalment_params", __base__=registry()["tranche"].params_model,
                        principal=(Decimal, ...), balance=(Decimal, ...),
                        monthly_rate=(Decimal, ...))


def price_paid(rule: Rule) -> Decimal:
    """What one instalment pays of the price: its principal part (the interest is on top)."""
    return rule.params.principal


def basis(rule: Rule) -> str:
    """What one instalment (a rule of ``tranches``) is, for the statement:
    本金 10,000.00 元 + 利息 剩余本金 110,000.00 × 0.5% = 550.00 元."""
    params = rule.params
    interest = _interest(params.balance, params.monthly_rate)
    rounded = f"（{exact_text(interest.exact)}，四舍五入至分）" if interest.rounded else ""
    return (f"本金 {money.grouped(params.principal)} 元 + 利息 {interest.how} = "
            f"{money.grouped(interest.value)} 元{rounded}")
