"""Reading the register: one statement by its number, a contract's statements in order, and
a statement's PDF as it stands now (its approvals so far, its watermark)."""
from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from compliance.errors import UserError
from compliance.model.contract import Contract
from compliance.register import blobs
from compliance.register.lifecycle import stamp
from compliance.register.tables import Statement
from compliance.render import pdf


def by_number(session: Session, number: str, lock: bool = False) -> Statement:
    """The statement numbered ``number``; a number the register does not hold is refused."""
    query = select(Statement).where(Statement.number == number)
    row = session.execute(query.with_for_update() if lock else query).scalar_one_or_none()
    if row is None:
        raise UserError(f"登记簿中没有结算单 {number}", field="NUMBER",
                        valid="compliance register 列出的结算单编号")
    return row


def of_contract(session: Session, contract: str | None = None) -> list[Statement]:
    """Every statement of ``contract`` (or of all contracts), by contract, year and sequence."""
    query = select(Statement).order_by(Statement.contract, Statement.year, Statement.sequence)
    if contract is not None:
        query = query.where(Statement.contract == contract)
    return list(session.execute(query).scalars())


def statement_json(session: Session, row: Statement) -> dict[str, Any]:
    """The statement as it was issued."""
    return json.loads(blobs.get(session, row.json_sha256))


def current_pdf(session: Session, row: Statement, contract: Contract) -> bytes:
    """The PDF as the statement stands now: the issued statement, with every signature given
    since and the watermark of its status (已更正, 已作废)."""
    return pdf.render(statement_json(session, row), contract, stamp(row))
