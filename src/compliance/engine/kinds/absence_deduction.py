"""按缺席天数扣除服务费: a person the vendor fails to replace in time is paid for by the days
absent (规自委 5.4: 甲方有权直接从应付款项中予以扣除相应的服务费用（按照缺席天数核算）).

The contract names no daily rate; the chosen one is a person's share of the price per
day of the term: 合同总价款 ÷ (staff × days in the term). Amount = fen(price × persons ×
days ÷ (staff × days in the term)), rounded once, at the line.
"""
from __future__ import annotations

from decimal import Decimal

from compliance.model import money
from compliance.model.arithmetic import fen_step
from compliance.engine.outcome import Outcome
from compliance.engine.kinds.base import Rule, current_event


def days_in_term(rule: Rule) -> int:
    term = rule.terms.term
    return (term.end - term.start).days + 1


def when(rule: Rule) -> dict:
    return {"all": [{"m": current_event([rule.params.event_type])}]}


def then(rule: Rule, matched: dict) -> Outcome:
    event = matched["m"]
    price = rule.terms.base_amount("total_price")
    persons, days, staff, term_days = event["staff"] or 1, event["days"], rule.params.staff, days_in_term(rule)
    step = fen_step("扣款", f"合同总价款 {money.grouped(price)} × {persons} 人 × {days} 日 ÷ "
                         f"({staff} 人 × {term_days} 日)",
                    price * persons * days / Decimal(staff * term_days))
    amount = step.value
    daily = price / Decimal(staff * term_days)
    explanation = (f"{rule.terms.event_label(event['type'])} {persons} 人 × {days} 日 × 日服务费 "
                   f"（合同总价款 {money.grouped(price)} 元 ÷ ({staff} 人 × {term_days} 日) ≈ "
                   f"{daily.quantize(Decimal('0.0001'))} 元）= {money.grouped(amount)} 元")
    line = rule.event_line(event, quantity=persons * days, unit_amount=money.fen(daily),
                           amount=amount, explanation=explanation, steps=[step])
    return Outcome(lines=[line])
