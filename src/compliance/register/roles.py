"""Who may do what on the web page (issue 16): the buyer's finance staff (经办 issues and
uploads facts; 复核 → 审核 → 负责人 approve in turn; any of them voids and answers objections),
the buyer's lawyers (法务: read everything, write nothing) and each vendor (乙方: its own
contracts only; previews, confirms an issued statement or objects to it)."""
from __future__ import annotations

from compliance.render.stamp import ROLES as FINANCE

LAWYER = "法务"
VENDOR = "乙方"
ROLES = (*FINANCE, LAWYER, VENDOR)
"""Every role an account may have, as ``compliance user add --role`` takes it."""
ISSUER = FINANCE[0]
"""经办: the only role that issues statements and uploads facts."""
ROLE_LABELS = {"经办": "财务经办", "复核": "财务复核", "审核": "财务审核", "负责人": "财务负责人",
               LAWYER: "法务（只读）", VENDOR: "乙方"}
"""How the page names each role beside the user's name."""


def is_finance(role: str) -> bool:
    return role in FINANCE


def may_read(role: str, contracts: frozenset[str], contract: str) -> bool:
    """Finance and lawyers read every contract; a vendor only those its account names."""
    return role != VENDOR or contract in contracts
