"""Statement numbers: ``<简称>-<出具年份>-结-<序号>``, e.g. 高米店-2026-结-001, gapless per
contract and year. The next number is taken inside the transaction that stores the
statement, with the audit head locked, so a statement that fails to be stored leaves no gap
and two issuers at once never get the same number."""
from __future__ import annotations

from sqlalchemy.orm import Session

from compliance.model.contract import Contract
from compliance.register.tables import NumberSequence

WIDTH = 3
"""Digits of the sequence (more when a year runs past 999)."""


def take_next(session: Session, contract: Contract, year: int) -> tuple[str, int]:
    """The next number for ``contract`` in ``year``, and its sequence; taken for good."""
    row = session.get(NumberSequence, (contract.id, year))
    if row is None:
        row = NumberSequence(contract=contract.id, year=year, last=0)
        session.add(row)
    row.last += 1
    return f"{contract.short_name}-{year}-结-{row.last:0{WIDTH}d}", row.last
