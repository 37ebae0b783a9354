"""A statement's life in the register: issued (signed by 经办), then signed by 复核, 审核 and
负责人 in that order (approved), until it is superseded by a corrective statement or voided.
Only a live statement (issued or approved) counts: it is the one a span is settled by."""
from __future__ import annotations

from datetime import date

from compliance.errors import UserError
from compliance.register.tables import Statement
from compliance.render.stamp import ROLES, VENDOR_ROLE, Approval, Stamp

LIVE = ("issued", "approved")
STATUS_LABELS = {"issued": "已出具", "approved": "已审批", "superseded": "已更正", "voided": "已作废"}
APPROVING_ROLES = ROLES[1:]
"""The roles that approve after the 经办 who issued: 复核, 审核, 负责人, in turn."""


def next_role(statement: Statement) -> str | None:
    """The role whose signature the statement waits for, or None once 负责人 has signed."""
    signed = {approval.role for approval in statement.approvals}
    return next((role for role in APPROVING_ROLES if role not in signed), None)


def status_text(statement: Statement) -> str:
    """The status as the register lists it: 已出具（待复核）, 已审批, 已作废 …"""
    label = STATUS_LABELS[statement.status]
    waiting = next_role(statement) if statement.status == "issued" else None
    return f"{label}（待{waiting}）" if waiting else label


def require_live(statement: Statement, doing: str, hint: str = "") -> None:
    """Refuse ``doing`` (审批, 作废, 确认 …) on a statement no longer live: superseded or voided."""
    if statement.status not in LIVE:
        raise UserError(f"结算单 {statement.number} {STATUS_LABELS[statement.status]}，不能{doing}{hint}",
                        field="NUMBER")


def check_approval(statement: Statement, role: str) -> None:
    """Refuse an approval out of turn, twice, or on a statement no longer live."""
    require_live(statement, "再审批")
    expected = next_role(statement)
    if expected is None:
        raise UserError(f"结算单 {statement.number} 已审批完毕", field="--role")
    if role != expected:
        raise UserError(f"结算单 {statement.number} 应先由{expected}审批", field="--role",
                        valid=expected)


def stamp(statement: Statement) -> Stamp:
    """What the statement's PDF shows of its place in the register, the vendor's
    confirmation included."""
    return Stamp(number=statement.number, issued_on=date.fromisoformat(statement.issued_on),
                 status=statement.status,
                 approvals=tuple(Approval(a.role, a.name, date.fromisoformat(a.signed_on))
                                 for a in statement.approvals),
                 vendor_confirmation=_confirmation(statement),
                 void_reason=statement.void_reason, superseded_by=statement.superseded_by)


def _confirmation(statement: Statement) -> Approval | None:
    """The vendor's 乙方确认 (name and day), once given."""
    given = statement.confirmation
    return None if given is None else Approval(VENDOR_ROLE, given.name, date.fromisoformat(given.signed_on))
