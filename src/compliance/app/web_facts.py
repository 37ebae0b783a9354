"""The facts page of a contract (issue 16): its facts files, which statement has closed each
month, the earlier versions kept, and for finance staff a form to upload a month's file
(``facts_upload``) and one to enter a single event (``facts_entry``). A file that does not pass
is shown line by line with its error beside the line, an event with its errors beside its
fields; nothing is saved. A month a statement has closed may still be changed (to correct it),
as the page says. Lawyers read the page; vendors do not see it."""
from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from compliance.app import facts_entry, facts_upload
from compliance.app.web_auth import Posted, posted, viewer
from compliance.app.web_site import Forbidden, Site, page
from compliance.errors import UserError
from compliance.model.periods import all_periods
from compliance.register import records
from compliance.register.database import session as register_session
from compliance.register.lifecycle import LIVE
from compliance.register.roles import VENDOR, is_finance
from compliance.register.signin import SignedIn


def routes(site: Site) -> APIRouter:
    router = APIRouter()

    @router.get("/c/{contract_id}/facts", response_class=HTMLResponse)
    def facts_page(contract_id: str, request: Request, done: str = "",
                   who: SignedIn = Depends(viewer)) -> HTMLResponse:
        return _page(request, site, who, contract_id, done=done)

    @router.post("/c/{contract_id}/facts")
    def upload(contract_id: str, request: Request, sent: Posted = Depends(posted)) -> Response:
        loaded = _writable(site, sent, contract_id)
        sent_file = sent.form.get("file")
        if not isinstance(sent_file, UploadFile) or not sent_file.filename:
            return _page(request, site, sent.viewer, contract_id, 422,
                         error=UserError("请选择要上传的事实文件（.yaml）", field="file"))
        content = sent_file.file.read(facts_upload.MAX_FACTS + 1)
        folder = site.folder(contract_id)
        try:
            checked = facts_upload.check(loaded, folder, content)
        except UserError as error:
            return _page(request, site, sent.viewer, contract_id, 422, error=site.private(error),
                         uploaded=_lines(content))
        facts_upload.save(folder, checked, content, sent.viewer.name, contract_id)
        return RedirectResponse(f"/c/{contract_id}/facts?done=uploaded", status_code=303)

    @router.post("/c/{contract_id}/facts/event")
    def enter_event(contract_id: str, request: Request, sent: Posted = Depends(posted)) -> Response:
        loaded = _writable(site, sent, contract_id)
        values = {key: value for key, value in sent.form.items() if isinstance(value, str)}
        try:
            book = site.contract_and_book(contract_id, sent.viewer)[1]
        except UserError:
            entry = facts_entry.Entry(values, {"form": "现有事实文件有误，须先上传改正后的文件，才能录入事件"})
        else:
            entry = facts_entry.enter(loaded, book, site.folder(contract_id), values, sent.viewer.name)
        if entry.errors:
            return _page(request, site, sent.viewer, contract_id, 422, entry=entry)
        chosen = urlencode({"done": "entered", "period": entry.values["period"], "type": entry.values["type"]})
        return RedirectResponse(f"/c/{contract_id}/facts?{chosen}#enter", status_code=303)

    return router


def _writable(site: Site, sent: Posted, contract_id: str):
    """The contract whose facts ``sent``'s user changes: finance staff only."""
    if not is_finance(sent.viewer.role):
        raise Forbidden("只有财务人员可以上传事实文件或录入事件")
    return site.contract(contract_id, sent.viewer)


def _page(request: Request, site: Site, who: SignedIn, contract_id: str, status: int = 200,
          error: UserError | None = None, uploaded: list[str] | None = None,
          done: str = "", entry: facts_entry.Entry | None = None) -> HTMLResponse:
    loaded = site.contract(contract_id, who)
    if who.role == VENDOR:
        raise Forbidden("事实文件由甲方财务维护；乙方可在台账与结算单页面查看扣款")
    folder = site.folder(contract_id)
    try:
        book, problem = site.contract_and_book(contract_id, who)[1], None
    except UserError as refused:
        book, problem = None, site.private(refused)
    return page(request, "facts.html", status, contract=loaded.contract,
                files=_files(book, folder) if book else [], problem=problem,
                closed=_closed_by(contract_id), history=facts_upload.history(folder),
                error=error, uploaded=uploaded, done=done, max_mb=facts_upload.MAX_FACTS // 1024 // 1024,
                **_entry_form(loaded, book, entry or facts_entry.blank(loaded, dict(request.query_params))))


def _entry_form(loaded, book, entry: facts_entry.Entry) -> dict:
    """What the event form shows: the types offered, the one chosen, its month and the events
    that month already records."""
    forms = facts_entry.forms(loaded)
    periods = all_periods(loaded.contract)[:loaded.period_count]
    month = next((p for p in periods if str(p.index) == entry.values.get("period")), None)
    recorded = book.files[month.index].events if book and month and month.index in book.files else ()
    return {"entry": entry, "forms": forms, "chosen": forms.get(entry.values.get("type", "")),
            "periods": periods, "month": month, "recorded": recorded}


def _files(book, folder) -> list[dict]:
    return [{"name": item.path.name, "period": index, "events": len(item.events),
             "sha256": item.sha256[:12]} for index, item in sorted(book.files.items())]


def _closed_by(contract_id: str) -> dict[int, str]:
    """Each month a live statement has closed, and that statement's number."""
    with register_session() as session:
        return {int(month): row.number for row in records.of_contract(session, contract_id)
                if row.status in LIVE for month in row.closes.split(",") if month}


def _lines(content: bytes) -> list[str]:
    """The uploaded file's lines, to show the error beside its line (nothing if it is not text)."""
    try:
        return content[:facts_upload.MAX_FACTS].decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return []
