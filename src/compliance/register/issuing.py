"""Issuing a statement: settled from the facts as they are, checked, numbered and stored with
everything it read, in one transaction, with its audit record.

What an auditor would refuse is refused here:
- a month or cycle that has not ended on the issue date, or a month without its facts file;
- a span already settled by a live statement, on different facts (correct that one instead);
  the same facts again give back the same statement and number;
- facts of a month a live statement has closed, changed since (correct that month first);
- an issue date earlier than the contract's last issued statement of that year, or later
  than today.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from compliance import __version__
from compliance.engine.loading import LoadedContract
from compliance.errors import UserError
from compliance.model import money
from compliance.model.facts import FactsBook
from compliance.model.periods import cycle as cycle_of
from compliance.model.today import beijing_today
from compliance.model.workdays import WorkCalendar
from compliance.register import audit, blobs, numbers
from compliance.register.database import session as register_session
from compliance.register.lifecycle import LIVE, stamp
from compliance.register.tables import Approval, Statement, StatementFacts
from compliance.render import pdf
from compliance.render.seal import sealed_json
from compliance.views.spans import Span, span_statement
from compliance.views.statement import span_label

ISSUER_ROLE = "经办"


@dataclass(frozen=True)
class Request:
    """What is to be issued, from which facts, by whom and on which day."""

    loaded: LoadedContract
    book: FactsBook
    facts_folder: Path
    span: Span
    name: str
    on: date
    calendar: WorkCalendar
    calendar_digest: str | None = None


@dataclass
class Issued:
    """The statement the register now holds for the span; ``created`` is False when the same
    facts had been issued already. ``warnings`` name later statements a correction leaves
    resting on superseded facts."""

    statement: Statement
    created: bool
    warnings: list[str] = field(default_factory=list)


def issue(request: Request) -> Issued:
    """Issue the statement of ``request.span``, or give back the one issued on the same facts."""
    statement = settled(request)
    with register_session() as session:
        head = audit.lock_head(session)
        live = live_statement(session, request.loaded.contract.id, request.span.stem)
        if live is not None:
            return _same_or_refused(live, statement)
        check_closed_months(session, request, statement)
        row = store(session, request, statement)
        audit.append(session, head, request.name, "issue", row.contract, row.number,
                     issue_details(row))
        return Issued(row, True)


def settled(request: Request) -> dict[str, Any]:
    """The span's statement from the facts as they are now, if it may be issued on the day."""
    today = beijing_today()
    if request.on > today:
        raise UserError(f"出具日期 {request.on} 晚于今天（{today}）", field="--date",
                        valid=f"不晚于 {today} 的日期")
    statement = span_statement(request.loaded, request.book, request.span, request.on,
                               request.calendar, request.calendar_digest)
    end = span_end(statement)
    if end is not None and end > request.on:
        raise UserError(f"{span_label(statement)}至 {end} 才结束，{request.on} 不能出具结算单",
                        field="--date", valid=f"{end} 或以后的日期")
    return statement


def span_end(statement: dict[str, Any]) -> date | None:
    """The last day of the month or cycle a statement settles (None for a tranche or a
    termination, which are judged on the issue date)."""
    for key in ("period", "cycle"):
        if key in statement and "tranche" not in statement and "ground" not in statement:
            return date.fromisoformat(statement[key]["end"])
    return None


def closed_months(loaded: LoadedContract, span: Span) -> list[int]:
    """The contract months whose facts a statement of ``span`` settles and so closes."""
    if span.kind == "period":
        return [span.number]
    if span.kind == "cycle":
        return [period.index for period in cycle_of(loaded.contract, span.number).periods]
    return []


def live_statement(session: Session, contract: str, span: str) -> Statement | None:
    """The issued or approved statement that settles ``span``, if any."""
    return session.execute(select(Statement).where(
        Statement.contract == contract, Statement.span == span,
        Statement.status.in_(LIVE))).scalar_one_or_none()


def _same_or_refused(live: Statement, statement: dict[str, Any]) -> Issued:
    if live.fingerprint == statement["fingerprint"]["sha256"]:
        return Issued(live, False)
    raise UserError(f"{live.span_label}已出具结算单 {live.number}，其后事实有改动；"
                    f"请出具 {live.number} 的更正结算单{_how_to_correct(live.number)}",
                    field="--" + live.span.split("-")[0], valid=f"compliance correct {live.number}")


def _how_to_correct(number: str) -> str:
    """Where a corrective statement is issued, on the command line and on the web page."""
    return f"（命令行：compliance correct {number} --reason …；网页：结算单 {number} 页面的“出具更正结算单”）"


def live_readers(session: Session, contract: str,
                 names: list[str]) -> list[tuple[StatementFacts, Statement]]:
    """Each facts file named ``names`` as a live statement of ``contract`` read it, with that
    statement."""
    return [tuple(row) for row in session.execute(
        select(StatementFacts, Statement).join(Statement)
        .where(Statement.contract == contract, Statement.status.in_(LIVE),
               StatementFacts.name.in_(names))).all()]


def check_closed_months(session: Session, request: Request, statement: dict[str, Any]) -> None:
    """Refuse when a facts file this statement reads belongs to a month a live statement has
    closed and has changed since that statement read it."""
    read = statement["fingerprint"]["facts_sha256"]
    for facts, closing in live_readers(session, request.loaded.contract.id, list(read)):
        closes = {int(month) for month in closing.closes.split(",") if month}
        if facts.period in closes and read[facts.name] != facts.sha256:
            raise UserError(
                f"第 {facts.period} 期已由结算单 {closing.number} 结清，其事实文件此后被改动；"
                f"请先出具 {closing.number} 的更正结算单{_how_to_correct(closing.number)}",
                file=request.facts_folder / facts.name, valid=f"compliance correct {closing.number}")


def store(session: Session, request: Request, statement: dict[str, Any],
          corrects: str | None = None) -> Statement:
    """Number the statement, render it, and store its bytes and every facts file it read."""
    contract = request.loaded.contract
    _check_date_order(session, contract.id, request.on)
    number, sequence = numbers.take_next(session, contract, request.on.year)
    statement = {**statement, "register": {
        "number": number, "issued_on": request.on.isoformat(), "issued_by": request.name,
        **({"corrects": corrects} if corrects else {})}}
    row = Statement(
        number=number, contract=contract.id, year=request.on.year, sequence=sequence,
        span=request.span.stem, span_label=span_label(statement), status="issued",
        issued_on=request.on.isoformat(), issued_by=request.name, issued_at=audit.now(),
        facts_folder=str(request.facts_folder), fingerprint=statement["fingerprint"]["sha256"],
        contract_sha256=request.loaded.digest,
        calendar_sha256=statement["fingerprint"].get("calendar_sha256")
        or statement["fingerprint"]["bundled_calendar_sha256"],
        software_version=__version__, payable=_payable(statement),
        summary=money_summary(statement), corrects=corrects,
        closes=",".join(str(month) for month in closed_months(request.loaded, request.span)))
    row.approvals.append(Approval(step=0, role=ISSUER_ROLE, name=request.name,
                                  signed_on=request.on.isoformat(), at=row.issued_at))
    row.json_sha256 = blobs.put(session, sealed_json(statement))
    row.pdf_sha256 = blobs.put(session, pdf.render(statement, contract, stamp(row)))
    row.facts = _facts(session, request, statement)
    session.add(row)
    session.flush()
    return row


def _check_date_order(session: Session, contract: str, on: date) -> None:
    """Numbers follow issue dates: no statement is dated before the contract's last one."""
    last = session.execute(select(func.max(Statement.issued_on)).where(
        Statement.contract == contract, Statement.year == on.year)).scalar_one()
    if last is not None and on.isoformat() < last:
        raise UserError(f"出具日期 {on} 早于本合同上一张结算单的出具日期 {last}", field="--date",
                        valid=f"{last} 或以后的日期")


def _payable(statement: dict[str, Any]) -> str:
    """What the statement settles in money, as the register lists it: what is payable, or
    a termination's balance."""
    if "ground" in statement:
        return statement["termination"]["balance"]
    return statement.get("payable", statement.get("net", ""))


def money_summary(statement: dict[str, Any]) -> str:
    """What the statement settles, as the register lists it: what is payable and what is held
    back or owed by the vendor; a month paid with its cycle, where its net goes; a
    termination, who pays whom."""
    if "ground" in statement:
        settled = statement["termination"]
        return (f"甲方应付 {_yuan(settled['buyer_pays'])}" if settled["buyer_pays"] != "0.00"
                else f"乙方应退 {_yuan(settled['vendor_refunds'])}")
    if statement.get("settled_in"):
        return f"净额 {_yuan(statement['net'])} 计入{statement['settled_in']}结算"
    parts = [f"应付 {_yuan(statement.get('payable', '0.00'))}"]
    for key, label in (("withheld", "暂停支付"), ("owed_by_vendor", "乙方应补足"),
                       ("owed_by_buyer", "甲方应付违约金")):
        if statement.get(key, "0.00") != "0.00":
            parts.append(f"{label} {_yuan(statement[key])}")
    return "，".join(parts)


def _yuan(amount: str) -> str:
    return money.grouped(Decimal(amount))


def _facts(session: Session, request: Request, statement: dict[str, Any]) -> list[StatementFacts]:
    """Each facts file the statement read, stored as read (its bytes must still be the ones
    the statement was settled from)."""
    read = statement["fingerprint"]["facts_sha256"]
    stored = []
    for period, facts_file in sorted(request.book.files.items()):
        name = facts_file.path.name
        if name not in read:
            continue
        digest = blobs.put(session, facts_file.path.read_bytes())
        if digest != read[name]:
            raise UserError("事实文件在结算过程中被改动，请重新出具", file=facts_file.path)
        stored.append(StatementFacts(name=name, period=period if period > 0 else None, sha256=digest))
    return stored


def issue_details(row: Statement) -> dict[str, Any]:
    """What the audit log records of an issued statement: its span and every hash."""
    return {"span": row.span, "fingerprint": row.fingerprint, "json_sha256": row.json_sha256,
            "pdf_sha256": row.pdf_sha256, "contract_sha256": row.contract_sha256,
            "calendar_sha256": row.calendar_sha256, "software_version": row.software_version,
            "facts": {facts.name: facts.sha256 for facts in row.facts},
            **({"corrects": row.corrects} if row.corrects else {})}
