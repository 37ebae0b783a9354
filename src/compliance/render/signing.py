"""The approval block a statement is signed in: the buyer's 经办 / 复核 / 审核 / 负责人, each
with a name and a date, the vendor's 乙方确认, and a space for each party's seal (盖章).

What the register has recorded (a :class:`~compliance.render.stamp.Stamp`) is printed; what
it has not is left blank to sign by hand.
"""
from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Table

from compliance.render.pdfparts import SHADE, day, p, table
from compliance.render.stamp import ROLES, VENDOR_ROLE, Approval, Stamp

SIDE = (14, 40, 31)
"""The widths in mm of one party's columns: 职责, 签字, 日期 (85 mm, half the page)."""
CONFIRMATION = "乙方已核对本结算单所列服务费、扣款及应付金额。"
SIGN_ROW, SEAL_ROW = 9 * mm, 30 * mm


def approval_block(stamp: Stamp | None) -> Table:
    """The two parties side by side: 甲方审核 on the left (one row per role), 乙方确认 on the
    right (the signer, then what the vendor confirms by signing), and under each the space for
    its seal."""
    vendor = stamp.vendor_confirmation if stamp else None
    rows = [["甲方审核", "", "", VENDOR_ROLE, "", ""],
            ["职责", "签字", "日期", "职责", "签字", "日期"]]
    vendor_side = [_signature("确认", vendor), [CONFIRMATION, "", ""], *[["", "", ""]] * (len(ROLES) - 2)]
    for role, right in zip(ROLES, vendor_side):
        rows.append([*_signature(role, stamp.approval(role) if stamp else None), *right])
    rows.append(["甲方（盖章）", "", "", "乙方（盖章）", "", ""])
    last = len(rows) - 1
    heights = [None, None, *[SIGN_ROW] * len(ROLES), SEAL_ROW]
    return table(rows, [*SIDE, *SIDE], header=False, heights=heights, extra=[
        ("SPAN", (0, 0), (2, 0)), ("SPAN", (3, 0), (5, 0)),
        ("SPAN", (3, 3), (5, last - 1)),
        ("SPAN", (0, last), (2, last)), ("SPAN", (3, last), (5, last)),
        ("BACKGROUND", (0, 0), (-1, 1), SHADE),
        ("VALIGN", (3, 3), (5, last - 1), "TOP"),
        ("VALIGN", (0, last), (-1, last), "TOP"),
    ])


def _signature(role: str, signed: Approval | None) -> list:
    """职责, the signer's name (blank to sign), and the date (or the line to write it on)."""
    return [role, signed.name if signed else "", p(day(signed.on if signed else None), "center")]
