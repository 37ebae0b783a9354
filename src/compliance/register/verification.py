"""``compliance verify``: every stored statement's JSON and PDF, and every facts file it read,
checked against the sha256 recorded when it was issued, and the audit log's chain checked
record by record. An auditor runs it before relying on the register."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import select

from compliance.register import audit
from compliance.register.database import session as register_session
from compliance.register.tables import Blob, Statement


@dataclass(frozen=True)
class Problem:
    """What does not hold, where, in Chinese."""

    where: str
    problem: str


def verify() -> tuple[int, int, list[Problem]]:
    """How many statements and audit records were checked, and every problem found."""
    with register_session() as session:
        statements = list(session.execute(select(Statement)).scalars())
        records = session.execute(select(audit.AuditRecord)).scalars().all()
        issued = {record.number: json.loads(record.details) for record in records
                  if record.action in ("issue", "correct")}
        problems = [problem for row in statements
                    for problem in _statement_problems(session, row, issued.get(row.number))]
        problems += [Problem(f"审计日志第 {b.sequence} 条", b.problem)
                     for b in audit.chain_breaks(session)]
        return len(statements), len(records), problems


def _statement_problems(session, row: Statement, logged: dict | None) -> list[Problem]:
    """The statement's bytes against its recorded hashes, and those against the hashes the
    audit log recorded when it was issued (a row and its bytes changed together show here)."""
    where = f"结算单 {row.number}"
    if logged is None:
        return [Problem(where, "审计日志中没有其出具记录")]
    if (logged["json_sha256"], logged["pdf_sha256"], logged["facts"]) != (
            row.json_sha256, row.pdf_sha256, {facts.name: facts.sha256 for facts in row.facts}):
        return [Problem(where, "登记的哈希与出具时审计日志记录的不符（被改动）")]
    digests = [("JSON", row.json_sha256), ("PDF", row.pdf_sha256),
               *((f"事实文件 {facts.name}", facts.sha256) for facts in row.facts)]
    problems = []
    for what, digest in digests:
        blob = session.get(Blob, digest)
        if blob is None or hashlib.sha256(blob.content).hexdigest() != digest:
            problems.append(Problem(where, f"{what} 与登记时的 sha256 不符（被改动或丢失）"))
    return problems
