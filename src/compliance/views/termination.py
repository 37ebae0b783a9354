"""``compliance terminate``: what each side owes if the contract ends on a given day under a
given clause (规自委 6.8, 8.2; 酒仙桥 6.2–6.5), before anyone has to decide.

The statement names the ground (the clause invoked, verbatim), the settlement rule it
is settled under, the service earned to that day, the payments made, the penalty the
ground attaches, the deductions not yet netted against a payment, any notice the
clause requires, and the balance: the buyer pays it, or the vendor refunds it, by the
date the clause gives.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from compliance.model import money
from compliance.engine.loading import LoadedContract
from compliance.errors import UserError
from compliance.model.facts import FactsBook
from compliance.engine.kinds import termination_settlement as termination_kind
from compliance.engine.kinds.base import Rule
from compliance.engine.schedule import payment_schedule
from compliance.views.statement import fingerprint, header, with_events
from compliance.engine.term import TermView
from compliance.model.suggest import did_you_mean
from compliance.model.workdays import WorkCalendar



def termination_rule(loaded: LoadedContract, clause: str, by: str | None) -> Rule:
    """The settlement rule of the ground ``clause`` (one it settles itself, or one of its
    ``grounds``: 羊坊店 9.2(5) is settled by 3.7), and of the party ``by``, where both may
    invoke it."""
    rules = [rule for rule in loaded.rules if rule.kind == "termination_settlement"]
    grounds = sorted({ground for rule in rules for ground in (rule.clause, *rule.params.grounds)})
    mine = [rule for rule in rules if clause in (rule.clause, *rule.params.grounds)]
    if not mine:
        raise UserError(f"第 {clause} 条不是{loaded.contract.short_name}（{loaded.contract.id}）"
                        f"可据以解除合同的条款{did_you_mean(clause, grounds, '；')}",
                        field="--reason", valid="、".join(grounds) or "本合同没有")
    parties = [rule.params.party for rule in mine if rule.params.party]
    if by is None and len(mine) > 1:
        raise UserError(f"第 {clause} 条甲乙双方均可援引：请用 --by 写明由哪一方解除",
                        field="--by", valid=_parties(parties))
    chosen = [rule for rule in mine if by is None or rule.params.party in (by, None)]
    if not chosen:
        raise UserError(f"依第 {clause} 条只有{'、'.join(PARTIES[p] for p in parties)}可以解除合同",
                        field="--by", valid=_parties(parties))
    return chosen[0]


PARTIES = {"vendor": "乙方", "buyer": "甲方"}
"""Who ``--by`` names: the vendor (乙方) or the buyer (甲方)."""


def _parties(parties: list[str]) -> str:
    return "或 ".join(f"{party}（{PARTIES[party]}）" for party in parties)


def termination_statement(loaded: LoadedContract, book: FactsBook, clause: str, on: date,
                          by: str | None, calendar: WorkCalendar,
                          calendar_digest: str | None = None) -> dict[str, Any]:
    """The termination statement for ending the contract on ``on`` under ``clause``."""
    contract = loaded.contract
    if not contract.term.start <= on <= contract.term.end:
        raise UserError(f"{on} 不在合同期内", field="--on",
                        valid=f"{contract.term.start}..{contract.term.end}")
    rule = termination_rule(loaded, clause, by)
    lines = _deductions(loaded, book, on, calendar)
    view = TermView(contract, book.events_through(max(book.files, default=0)), calendar, on)
    settled = termination_kind.settlement(rule, view, on, lines,
                                          claimed_on=termination_kind.penalty_claimed_on(lines, rule.clause),
                                          ground=clause)
    under = rule.params.settled_under or rule.clause
    extra = {"terminated_on": on.isoformat(), **({"calendar_sha256": calendar_digest}
                                                 if calendar_digest else {})}
    return with_events({
        **header(loaded),
        "terminated_on": on.isoformat(),
        "ground": _clause_json(loaded, clause),
        "settled_under": _clause_json(loaded, under),
        "termination": settled.to_json(),
        "payments": [{"date": p.event.date.isoformat(), "amount": money.as_json(p.event.amount),
                      "tranche": p.event.tranche, "source": p.source} for p in settled.payments],
        "deductions": [{"arose": line.trace.arose(), **line.to_json()} for line in lines],
        "interpretations": [{"clause": c.id, "interpretation": c.interpretation}
                            for c in contract.clauses
                            if c.id in (clause, rule.clause, under) and c.interpretation],
        "fingerprint": fingerprint(loaded, book, max(book.files, default=0), extra),
    })


def _clause_json(loaded: LoadedContract, clause_id: str) -> dict[str, str]:
    clause = loaded.contract.clause(clause_id)
    return {"clause": clause.id, "title": clause.title, "text": clause.text}


def _deductions(loaded: LoadedContract, book: FactsBook, on: date,
                calendar: WorkCalendar) -> list:
    """The deductions and claimed penalties (less claims waived) that arose by ``on``."""
    if not loaded.tranches:
        return []
    schedule = payment_schedule(loaded, book, on, calendar)
    return [line for state in schedule.tranches for line in state.outcome.lines
            if line.owed_by == "vendor" and (line.trace.arose() or "") <= on.isoformat()]


def notice_verdict(notice: dict[str, Any]) -> str:
    """Whether the notice a termination needs was given in time (羊坊店 9.4: 提前 30 日)."""
    days = notice["required_days"]
    if notice["sufficient"]:
        verdict = f"{notice['given']} 已通知，已满足"
    elif notice["given"]:
        verdict = f"{notice['given']} 通知，不足 {days} 日，最早可于 {notice['earliest']} 解除"
    else:
        verdict = f"未记录书面通知，须于解除日 {days} 日前通知"
    return f"提前 {days} 日书面通知：{verdict}"


def print_termination(statement: dict[str, Any]) -> None:
    """The termination statement in a terminal, for the finance clerk."""
    item, ground = statement["termination"], statement["ground"]
    print(f"{statement['contract_title']}  于 {statement['terminated_on']} 依第 {ground['clause']} 条"
          f"（{ground['title']}）解除")
    if statement["settled_under"]["clause"] != ground["clause"]:
        print(f"  结算依据：第 {statement['settled_under']['clause']} 条"
              f"（{statement['settled_under']['title']}）")
    print(f"  {item['explanation']}")
    if item["notice"] is not None:
        print(f"  {notice_verdict(item['notice'])}")
    due = f"，应于 {item['due']['date']} 前" if item["due"] else ""
    if item["vendor_refunds"] != "0.00":
        print(f"  乙方应退还 {item['vendor_refunds']}（{item['amount_in_words']}）{due}")
    else:
        print(f"  甲方应支付 {item['buyer_pays']}（{item['amount_in_words']}）{due}")
