"""What a vendor does with an issued statement of its own contract (issue 16): confirm it
(乙方确认, its name and the day, printed on the PDF), or object to it or to one of its lines
(异议: its reasons and optionally one attachment); and what the buyer's finance staff do with
an objection: answer it. Both sides see each objection and its status on the statement's
page; each step is in the audit log (``register.confirming``, ``register.objections``)."""
from __future__ import annotations

import re

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from compliance.app.web_auth import Posted, posted, viewer
from compliance.app.web_register import act, statement_page
from compliance.app.web_site import Forbidden, Site, download
from compliance.errors import UserError
from compliance.model.today import beijing_today
from compliance.register import objections
from compliance.register.confirming import confirm
from compliance.register.database import session as register_session
from compliance.register.records import by_number, statement_json
from compliance.register.roles import VENDOR, is_finance
from compliance.register.signin import SignedIn

LINE = re.compile(r"[0-9]{1,4}")
MAX_ID = 2**31 - 1
"""The largest objection number an address may name (the database's integer)."""


def routes(site: Site) -> APIRouter:
    router = APIRouter()

    @router.post("/c/{contract_id}/s/{number}/confirm")
    def confirm_statement(contract_id: str, number: str, request: Request,
                          sent: Posted = Depends(posted)) -> Response:
        _vendor_only(sent.viewer)
        return act(request, site, sent.viewer, contract_id, number, "confirmed",
                   lambda: confirm(number, sent.viewer.name, beijing_today()))

    @router.post("/c/{contract_id}/s/{number}/objections")
    def object_to(contract_id: str, number: str, request: Request,
                  sent: Posted = Depends(posted)) -> Response:
        _vendor_only(sent.viewer)
        form = {key: str(sent.form.get(key, "")) for key in ("line", "text")}
        try:
            line, attachment = _line(form["line"]), _attachment(sent.form.get("attachment"))
        except UserError as error:
            return statement_page(request, site, sent.viewer, contract_id, number, 422, error=error, form=form)
        return act(request, site, sent.viewer, contract_id, number, "objected",
                   lambda: objections.raise_objection(number, line, form["text"], sent.viewer.name,
                                                      attachment, _line_count(number)), form)

    @router.post("/c/{contract_id}/s/{number}/objections/{objection_id}/answer")
    def answer_objection(contract_id: str, number: str, request: Request,
                         objection_id: int = Path(ge=1, le=MAX_ID),
                         sent: Posted = Depends(posted)) -> Response:
        if not is_finance(sent.viewer.role):
            raise Forbidden("只有财务人员可以答复异议")
        decision, text = str(sent.form.get("decision", "")), str(sent.form.get("text", ""))
        return act(request, site, sent.viewer, contract_id, number, "answered",
                   lambda: objections.answer(number, objection_id, decision, text, sent.viewer.name))

    @router.get("/c/{contract_id}/s/{number}/objections/{objection_id}/attachment")
    def attachment(contract_id: str, number: str, objection_id: int = Path(ge=1, le=MAX_ID),
                   who: SignedIn = Depends(viewer)) -> Response:
        site.contract(contract_id, who)
        with register_session() as session:
            if by_number(session, number).contract != contract_id:
                raise LookupError(number)
        name, kind, content = objections.attachment_of(number, objection_id)
        return download(content, kind, name)

    return router


def _vendor_only(who: SignedIn) -> None:
    if who.role != VENDOR:
        raise Forbidden("只有乙方可以确认结算单或提出异议")


def _line(text: str) -> int | None:
    """The line objected to: none (the whole statement) or a line number."""
    if not text.strip():
        return None
    if not LINE.fullmatch(text.strip()):
        raise UserError("请选择异议针对的扣款行", field="line", valid="整张结算单或某一行")
    return int(text)


def _attachment(upload: object) -> objections.Attachment | None:
    """The uploaded attachment, read to one byte past the limit (so a larger one is refused
    without being read whole)."""
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    content = upload.file.read(objections.MAX_ATTACHMENT + 1)
    return objections.Attachment(upload.filename, content) if content else None


def _line_count(number: str) -> int:
    with register_session() as session:
        return len(statement_json(session, by_number(session, number)).get("deductions", []))
