"""The facts page of a contract (issue 16): its facts files, which statement has closed each
month, the earlier versions kept, and for finance staff a form to upload a month's file
(``facts_upload``). A file that does not pass is shown line by line with its error beside the
line; nothing is saved. Lawyers read the page; vendors do not see it."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from compliance.app import facts_upload
from compliance.app.web_auth import Posted, posted, viewer
from compliance.app.web_site import Forbidden, Site, page
from compliance.errors import UserError
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
        return _page(request, site, who, contract_id, done=done == "uploaded")

    @router.post("/c/{contract_id}/facts")
    def upload(contract_id: str, request: Request, sent: Posted = Depends(posted)) -> Response:
        if not is_finance(sent.viewer.role):
            raise Forbidden("只有财务人员可以上传事实文件")
        loaded = site.contract(contract_id, sent.viewer)
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

    return router


def _page(request: Request, site: Site, who: SignedIn, contract_id: str, status: int = 200,
          error: UserError | None = None, uploaded: list[str] | None = None,
          done: bool = False) -> HTMLResponse:
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
                error=error, uploaded=uploaded, done=done, max_mb=facts_upload.MAX_FACTS // 1024 // 1024)


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
