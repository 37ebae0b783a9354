"""What the statement register knows about one statement, as its PDF prints it (issue 15):
the 结算单编号 and issue date, where it stands (draft, issued, approved, superseded by a
correction, voided), who approved it for the buyer (经办 / 复核 / 审核 / 负责人) and who
confirmed it for the vendor (乙方确认).

A statement rendered without a stamp is a draft: not yet issued, no number, watermarked 草稿.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

STATUSES = {"draft": "草稿（未出具，不作为结算依据）", "issued": "已出具", "approved": "已审批",
            "superseded": "已更正", "voided": "已作废"}
"""A statement's status and how its header names it."""
WATERMARKS = {"draft": "草稿", "voided": "已作废", "superseded": "已更正"}
"""The word written across every page of a statement that is not (or no longer) to be paid on;
an issued or approved statement has none."""
ROLES = ("经办", "复核", "审核", "负责人")
"""The buyer's approvals, in the order a 财务 office signs them."""
VENDOR_ROLE = "乙方确认"


@dataclass(frozen=True)
class Approval:
    """One signature: who (``name``) signed in which ``role``, and on what day."""

    role: str
    name: str
    on: date

    def __post_init__(self) -> None:
        if self.role not in (*ROLES, VENDOR_ROLE):
            raise ValueError(f"没有这种签字角色：{self.role!r}（可用：{'、'.join((*ROLES, VENDOR_ROLE))}）")


@dataclass(frozen=True)
class Stamp:
    """The register's record of a statement: its number (结算单编号, e.g. 高米店-2025-结-001),
    the day it was issued, its status, the buyer's approvals so far, the vendor's confirmation,
    and why it was voided or which statement corrects it."""

    number: str
    issued_on: date
    status: str = "issued"
    approvals: tuple[Approval, ...] = ()
    vendor_confirmation: Approval | None = None
    void_reason: str | None = None
    superseded_by: str | None = None

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"没有这种结算单状态：{self.status!r}（可用：{'、'.join(STATUSES)}）")
        if any(approval.role not in ROLES for approval in self.approvals):
            raise ValueError(f"甲方审批的角色须是 {'、'.join(ROLES)} 之一")
        if self.vendor_confirmation is not None and self.vendor_confirmation.role != VENDOR_ROLE:
            raise ValueError(f"乙方确认的角色须是 {VENDOR_ROLE}")

    def approval(self, role: str) -> Approval | None:
        """The buyer's approval in ``role``, the latest recorded if there are several."""
        found = [approval for approval in self.approvals if approval.role == role]
        return found[-1] if found else None


def status_of(stamp: Stamp | None) -> str:
    """The status of a statement rendered with ``stamp``: ``draft`` without one."""
    return "draft" if stamp is None else stamp.status


def status_text(stamp: Stamp | None) -> str:
    """The header's 状态: the status in Chinese, with the reason a statement was voided or the
    number of the statement that corrects it."""
    status = status_of(stamp)
    if status == "voided" and stamp.void_reason:
        return f"已作废（作废原因：{stamp.void_reason}）"
    if status == "superseded" and stamp.superseded_by:
        return f"已更正（已由第 {stamp.superseded_by} 号结算单更正）"
    return STATUSES[status]
