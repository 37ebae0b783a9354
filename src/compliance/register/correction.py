"""Correcting an issued statement: the span settled again from the facts as they are now,
issued under a new number as a corrective statement that names the original and shows what
changed line by line (补扣 where more is deducted, 退还 where less), the original marked
superseded. Nothing of the original is changed but its status."""
from __future__ import annotations

from decimal import Decimal
from typing import Any


from compliance.errors import UserError
from compliance.model import money
from compliance.model.contract import Contract
from compliance.register import audit, records
from compliance.register.database import session as register_session
from compliance.register.issuing import (Issued, Request, check_closed_months, issue_details,
                                         live_readers, settled, store)
from compliance.register.lifecycle import require_live
from compliance.register.tables import Statement
from compliance.views.compare import compare


def correct(number: str, request: Request, reason: str) -> Issued:
    """Issue the corrective statement of ``number`` (``request`` names its span's facts)."""
    statement = settled(request)
    with register_session() as session:
        head = audit.lock_head(session)
        original = records.by_number(session, number, lock=True)
        _check_correctable(original, statement)
        statement = {**statement, "correction": correction(
            records.statement_json(session, original), statement, original, reason,
            request.loaded.contract)}
        original.status = "superseded"
        session.flush()
        check_closed_months(session, request, statement)
        row = store(session, request, statement, corrects=original.number)
        original.superseded_by = row.number
        audit.append(session, head, request.name, "correct", row.contract, row.number,
                     {**issue_details(row), "reason": reason})
        return Issued(row, True, _resting_on_old_facts(session, row))


def _check_correctable(original: Statement, statement: dict[str, Any]) -> None:
    require_live(original, "更正",
                 f"；请更正结算单 {original.superseded_by}" if original.superseded_by else "")
    if original.fingerprint == statement["fingerprint"]["sha256"]:
        raise UserError(f"结算单 {original.number} 所依据的事实没有改动，无需更正",
                        file=original.facts_folder, valid="先改正事实文件，再更正")


def correction(before: dict[str, Any], after: dict[str, Any], original: Statement,
               reason: str, contract: Contract) -> dict[str, Any]:
    """What the corrective statement says of the original: its number and date, the reason,
    each line that changed, the payable before and after, and every total that changed
    (扣款合计, 暂停支付, 乙方应补足 …)."""
    compared = compare(before, after)
    changes = [_change(line, contract) for line in compared["lines"]]
    payable_before, payable_after = Decimal(before.get("payable", "0")), Decimal(after.get("payable", "0"))
    return {"original": original.number, "original_issued_on": original.issued_on,
            "reason": reason, "changes": changes,
            "payable_before": money.as_json(payable_before),
            "payable_after": money.as_json(payable_after),
            "payable_difference": money.as_json(payable_after - payable_before),
            "totals": [{"label": total["label"], "before": total["before"], "after": total["after"],
                        "difference": money.as_json(Decimal(total["after"]) - Decimal(total["before"]))}
                       for total in compared["totals"]]}


def _change(line: dict[str, Any], contract: Contract) -> dict[str, Any]:
    difference = Decimal(line["delta"])
    label = (contract.event_label(line["type"]) if line["type"] in contract.event_types
             else line["explanation"])
    return {"clause": line["clause"], "label": label, **({"period": line["period"]} if line["period"] else {}),
            "before": line["before"] or "0.00", "after": line["after"] or "0.00",
            "difference": money.as_json(difference), "effect": "补扣" if difference > 0 else "退还"}


def _resting_on_old_facts(session, corrected: Statement) -> list[str]:
    """Later live statements that read a facts file of the corrected span as it was before:
    each says so, to be corrected in turn."""
    changed = {facts.name: facts.sha256 for facts in corrected.facts}
    return sorted({f"结算单 {row.number}（{row.span_label}）读取的 {facts.name} 是更正前的，"
                   f"请复核并视需要更正"
                   for facts, row in live_readers(session, corrected.contract, list(changed))
                   if changed[facts.name] != facts.sha256})
