"""The vendor's confirmation of an issued statement (乙方确认, issue 16): its name and the
day, shown on the PDF's signing block. A statement is confirmed once, while it is live, and
not while an objection to it awaits the buyer's answer (the vendor confirms what it has
had answered)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from compliance.errors import UserError
from compliance.register import audit, records
from compliance.register.database import session as register_session
from compliance.register.lifecycle import require_live
from compliance.register.tables import Confirmation, Objection, Statement


def confirm(number: str, name: str, on: date) -> Statement:
    """Record ``name``'s confirmation of ``number`` on ``on``."""
    with register_session() as session:
        head = audit.lock_head(session)
        row = records.by_number(session, number, lock=True)
        require_live(row, "确认")
        if row.confirmation is not None:
            raise UserError(f"结算单 {number} 已由 {row.confirmation.name} 于 "
                            f"{row.confirmation.signed_on} 确认", field="NUMBER")
        waiting = session.execute(select(Objection.id).where(
            Objection.number == number, Objection.status == "open")).first()
        if waiting is not None:
            raise UserError(f"结算单 {number} 尚有异议待甲方答复，答复后才能确认", field="NUMBER")
        row.confirmation = Confirmation(name=name, signed_on=on.isoformat(), at=audit.now())
        audit.append(session, head, name, "confirm", row.contract, number, {"on": on.isoformat()})
        return row
