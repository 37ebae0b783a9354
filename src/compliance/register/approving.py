"""Approving and voiding issued statements.

Approval: 复核, 审核 and 负责人 sign in that order, each once; the last signature makes the
statement approved. Voiding: a live statement is withdrawn with a reason (its span may then be
issued afresh, under a new number); the number is never reused."""
from __future__ import annotations

from datetime import date

from compliance.errors import UserError
from compliance.register import audit, records
from compliance.register.database import session as register_session
from compliance.register.lifecycle import check_approval, next_role, require_live
from compliance.register.tables import Approval, Statement


def approve(number: str, role: str, name: str, on: date) -> Statement:
    """Sign ``number`` as ``role``; refused out of turn or on a statement no longer live."""
    with register_session() as session:
        head = audit.lock_head(session)
        row = records.by_number(session, number, lock=True)
        check_approval(row, role)
        if on < date.fromisoformat(row.approvals[-1].signed_on):
            raise UserError(f"审批日期 {on} 早于上一签署日期 {row.approvals[-1].signed_on}",
                            field="--date", valid=f"{row.approvals[-1].signed_on} 或以后")
        row.approvals.append(Approval(step=len(row.approvals), role=role, name=name,
                                      signed_on=on.isoformat(), at=audit.now()))
        if next_role(row) is None:
            row.status = "approved"
        audit.append(session, head, name, "approve", row.contract, number,
                     {"role": role, "on": on.isoformat(), "status": row.status})
        return row


def void(number: str, reason: str, name: str) -> Statement:
    """Withdraw a live statement, saying why."""
    if not reason.strip():
        raise UserError("作废须说明理由", field="--reason", valid="作废的理由")
    with register_session() as session:
        head = audit.lock_head(session)
        row = records.by_number(session, number, lock=True)
        require_live(row, "作废")
        row.status, row.void_reason = "voided", reason
        audit.append(session, head, name, "void", row.contract, number, {"reason": reason})
        return row
