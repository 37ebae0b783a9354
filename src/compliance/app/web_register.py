"""The statement register on the web page (issues 15 and 16): a page per contract listing its
issued statements with their status, signatures, the vendor's confirmation and objections,
and its audit log; a page per statement with its lines, its current PDF and the actions the
signed-in role may take.

Only 经办 issues, and corrects (a corrective statement from the facts as they are now, say
after an objection is accepted); 复核, 审核 and 负责人 approve, each in turn, under their own
names; any finance role voids with a reason. Lawyers read all of it and are offered no form;
a vendor sees its own contracts' statements (``web_vendor`` has what it may do) but not the
audit log.
A refused action (out of turn, facts changed since issuing, …) is answered on the page, in
Chinese, without a server path."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from compliance.app.web_auth import Posted, posted, viewer
from compliance.app.web_calculation import calculations
from compliance.app.web_site import ENGINE, PDF, SPANS, Forbidden, NotFound, Site, download, page, span_count
from compliance.errors import UserError
from compliance.model.periods import all_periods
from compliance.model.today import beijing_today
from compliance.model.workdays import calendar
from compliance.register import objections, records
from compliance.register.audit import ACTIONS
from compliance.register.database import session as register_session
from compliance.register.lifecycle import LIVE, STATUS_LABELS, next_role, status_text
from compliance.register.roles import ISSUER, VENDOR, is_finance
from compliance.register.signin import SignedIn
from compliance.register.tables import AuditRecord, Objection, Statement
from compliance.render.stamp import ROLES
from compliance.views.spans import Span

SPAN = re.compile(r"(period|cycle|tranche)-([0-9]{1,3})")
"""A span as the issue form sends it: period-3, cycle-1, tranche-2."""
AUDIT_SHOWN = 200
"""The latest audit records a contract's register page lists."""
DONE = {"issued": "结算单已出具", "same": "该期间已按相同事实出具过，未重复出具",
        "approved": "已签署", "voided": "结算单已作废", "confirmed": "已确认结算单（乙方确认）",
        "objected": "异议已提交，等待甲方答复", "answered": "已答复异议",
        "corrected": "已出具更正结算单；原结算单标为已更正"}
"""What the page says after an action succeeded (its address's ``done``)."""


@dataclass(frozen=True)
class Record:
    """One register statement as its page shows it."""

    row: Statement
    status: str
    approvals: dict[str, tuple[str, str]]
    waiting_for: str | None
    objections: list[Objection]


def routes(site: Site) -> APIRouter:
    router = APIRouter()

    @router.get("/c/{contract_id}/register", response_class=HTMLResponse)
    def register_page(contract_id: str, request: Request, who: SignedIn = Depends(viewer)) -> HTMLResponse:
        return _register_page(request, site, who, contract_id)

    @router.post("/c/{contract_id}/register/issue")
    def issue_statement(contract_id: str, request: Request, sent: Posted = Depends(posted)) -> Response:
        from compliance.register.issuing import Request as IssueRequest, issue

        _require(sent.viewer.role == ISSUER, "只有财务经办可以出具结算单")
        loaded, book = site.contract_and_book(contract_id, sent.viewer)
        match = SPAN.fullmatch(str(sent.form.get("span", "")))
        try:
            if match is None:
                raise UserError("请选择要出具的期间", field="span")
            with ENGINE:
                issued = issue(IssueRequest(loaded, book, site.folder(contract_id),
                                            Span(match[1], int(match[2])), sent.viewer.name,
                                            beijing_today(), calendar()))
        except UserError as error:
            return _register_page(request, site, sent.viewer, contract_id, 422, site.private(error))
        return _done(contract_id, issued.statement.number, "issued" if issued.created else "same")

    @router.get("/c/{contract_id}/s/{number}.pdf")
    def register_pdf(contract_id: str, number: str, who: SignedIn = Depends(viewer)) -> Response:
        loaded = site.contract(contract_id, who)
        with register_session() as session:
            row = _row(session, contract_id, number)
            content = records.current_pdf(session, row, loaded.contract)
        return download(content, PDF, f"{number}.pdf")

    @router.get("/c/{contract_id}/s/{number}", response_class=HTMLResponse)
    def record_page(contract_id: str, number: str, request: Request, done: str = "",
                    who: SignedIn = Depends(viewer)) -> HTMLResponse:
        return statement_page(request, site, who, contract_id, number, done=DONE.get(done))

    @router.post("/c/{contract_id}/s/{number}/approve")
    def approve_statement(contract_id: str, number: str, request: Request,
                          sent: Posted = Depends(posted)) -> Response:
        from compliance.register.approving import approve

        _require(is_finance(sent.viewer.role) and sent.viewer.role != ISSUER,
                 "只有财务复核、审核、负责人可以审批结算单")
        return act(request, site, sent.viewer, contract_id, number, "approved",
                   lambda: approve(number, sent.viewer.role, sent.viewer.name, beijing_today()))

    @router.post("/c/{contract_id}/s/{number}/correct")
    def correct_statement(contract_id: str, number: str, request: Request,
                          sent: Posted = Depends(posted)) -> Response:
        _require(sent.viewer.role == ISSUER, "只有财务经办可以出具更正结算单")
        loaded, book = site.contract_and_book(contract_id, sent.viewer)
        reason = str(sent.form.get("reason", "")).strip()[:500]
        try:
            corrected = _correct(site, loaded, book, contract_id, number, reason, sent.viewer.name)
        except UserError as error:
            return statement_page(request, site, sent.viewer, contract_id, number, 422,
                                  error=site.private(error))
        return _done(contract_id, corrected, "corrected")

    @router.post("/c/{contract_id}/s/{number}/void")
    def void_statement(contract_id: str, number: str, request: Request,
                       sent: Posted = Depends(posted)) -> Response:
        from compliance.register.approving import void

        _require(is_finance(sent.viewer.role), "只有财务人员可以作废结算单")
        reason = str(sent.form.get("reason", "")).strip()[:500]
        return act(request, site, sent.viewer, contract_id, number, "voided",
                   lambda: void(number, reason, sent.viewer.name))

    return router


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise Forbidden(message)


def act(request: Request, site: Site, who: SignedIn, contract_id: str, number: str, done: str,
        action, form: dict[str, str] | None = None) -> Response:
    """Do ``action`` on a statement of a contract ``who`` may see; back to its page, saying it
    was done, or showing why it was refused (with what was typed in ``form``)."""
    site.contract(contract_id, who)
    with register_session() as session:
        _row(session, contract_id, number)
    try:
        action()
    except UserError as error:
        return statement_page(request, site, who, contract_id, number, 422,
                              error=site.private(error), form=form)
    return _done(contract_id, number, done)


def _correct(site: Site, loaded, book, contract_id: str, number: str, reason: str, name: str) -> str:
    """Issue the corrective statement of ``number`` from the contract's facts as they are now
    (``compliance correct``); its number."""
    from compliance.register.correction import correct
    from compliance.register.issuing import Request as IssueRequest

    if not reason:
        raise UserError("更正须说明理由", field="reason", valid="更正的理由，如“采纳乙方异议，核减第 1 行”")
    with register_session() as session:
        span = Span.of(records.statement_json(session, _row(session, contract_id, number)))
    with ENGINE:
        issued = correct(number, IssueRequest(loaded, book, site.folder(contract_id), span, name,
                                              beijing_today(), calendar()), reason)
    return issued.statement.number


def _done(contract_id: str, number: str, done: str) -> RedirectResponse:
    return RedirectResponse(f"/c/{contract_id}/s/{number}?done={done}", status_code=303)


def _row(session, contract_id: str, number: str) -> Statement:
    """The statement ``number`` of ``contract_id``: another contract's number is not found
    here (the same answer as a number that does not exist)."""
    row = session.execute(select(Statement).where(Statement.number == number)).scalar_one_or_none()
    if row is None or row.contract != contract_id:
        raise NotFound(f"登记簿中没有结算单 {number}")
    return row


def _register_page(request: Request, site: Site, who: SignedIn, contract_id: str,
                   status: int = 200, error: UserError | None = None) -> HTMLResponse:
    loaded = site.contract(contract_id, who)
    with register_session() as session:
        rows = records.of_contract(session, contract_id)
        statements = [_listed(session, row) for row in reversed(rows)]
        audit = [] if who.role == VENDOR else list(session.execute(
            select(AuditRecord).where(AuditRecord.contract == contract_id)
            .order_by(AuditRecord.sequence.desc()).limit(AUDIT_SHOWN)).scalars())
    return page(request, "register.html", status, contract=loaded.contract, statements=statements,
                spans=_issuable(site, loaded, who), audit=audit, actions=ACTIONS, error=error)


def _listed(session, row: Statement) -> dict[str, Any]:
    open_objections = session.execute(select(Objection.id).where(
        Objection.number == row.number, Objection.status == "open")).all()
    return {"row": row, "status": status_text(row), "live": row.status in LIVE,
            "signatures": [(a.role, a.name) for a in row.approvals],
            "confirmation": row.confirmation.name if row.confirmation else None,
            "open_objections": len(open_objections)}


def _issuable(site: Site, loaded, who: SignedIn) -> list[tuple[str, str]]:
    """What the issue form offers 经办: each month whose facts are in and which has ended, then
    each payment cycle or tranche of the contract."""
    if who.role != ISSUER:
        return []
    today = beijing_today()
    try:
        files = set(site.contract_and_book(loaded.contract.id, who)[1].files)
    except UserError:        # facts with an error: the register is still listed, months are not offered
        files = set()
    spans = [(f"period-{p.index}", f"第 {p.index} 期（{p.start} 至 {p.end}）")
             for p in all_periods(loaded.contract)[:loaded.period_count]
             if p.index in files and p.end <= today]
    for kind in ("cycle", "tranche"):
        spans += [(f"{kind}-{n}", f"第 {n} {SPANS[kind]}") for n in range(1, span_count(loaded, kind) + 1)]
    return spans


def statement_page(request: Request, site: Site, who: SignedIn, contract_id: str, number: str,
                   status: int = 200, error: UserError | None = None, done: str | None = None,
                   form: dict[str, str] | None = None) -> HTMLResponse:
    """A register statement's page, with what ``who`` may do on it."""
    loaded = site.contract(contract_id, who)
    with register_session() as session:
        row = _row(session, contract_id, number)
        statement, confirmation = records.statement_json(session, row), row.confirmation
        signed = {a.role: (a.name, a.signed_on) for a in row.approvals}
    record = Record(row, status_text(row), signed,
                    next_role(row) if row.status in LIVE else None, objections.of_statement(number))
    objected: dict[int, list[Objection]] = {}
    for objection in record.objections:
        if objection.line:
            objected.setdefault(objection.line, []).append(objection)
    return page(request, "record.html", status, contract=loaded.contract, record=record,
                statement=statement, explained=calculations(statement, loaded.contract), confirmation=confirmation, objected=objected, roles=ROLES, status_labels=STATUS_LABELS,
                objection_status=objections.STATUS, answers=objections.ANSWERS,
                error=error, done=done, form=form or {})
