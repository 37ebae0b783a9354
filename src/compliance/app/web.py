"""The web page (``compliance serve``) for three parties (issue 16): the buyer's finance staff,
its lawyers and each vendor sign in, and see what their role allows — the contracts, each
contract's ledger as of a chosen day, its month, cycle and tranche statements (PDF too), the
what-if preview, the statement register and its audit log; finance issue, approve and void
(``web_register``) and upload facts or enter events (``web_facts``); vendors confirm or object
(``web_vendor``); everyone changes their own password (``web_account``).
Server-rendered Chinese pages over the same engine and numbers as the command line.

Facts are read from ``<facts root>/<contract id>/`` and read again whenever a file there
changes. A bad facts file shows its error (file, line, field) on the page; nothing shows a
stack trace or a server path. What guards every request (Host, Origin, size, headers) is in
``web_security``; who may see and do what, in ``web_site`` and ``register.roles``.
"""
from __future__ import annotations

import os
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from compliance.app import web_account, web_auth, web_facts, web_font, web_preview, web_register, \
    web_vendor
from compliance.app.web_auth import SignInNeeded, sign_in_redirect, viewer
from compliance.app.web_calculation import calculations
from compliance.app.web_security import Guard, WebSettings
from compliance.app.web_site import ENGINE, PDF, SPANS, Forbidden, NotFound, Site, download, page, read_as_of, \
    span_count
from compliance.errors import UserError
from compliance.model.workdays import calendar
from compliance.paths import CONTRACTS_DIR
from compliance.register.signin import SignedIn
from compliance.render import pdf
from compliance.render.ledger_output import ledger_xlsx
from compliance.render.templates import TEMPLATES
from compliance.views.ledger import ledger
from compliance.views.spans import Span, span_statement
from compliance.views.whatif import month_statement
from compliance.views.statement import span_label

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATIC = Path(__file__).resolve().parents[1] / "static"
HTTP_STATUS = {404: ("找不到", "没有这个页面"), 405: ("请求方式不对", "本页面不接受这种请求方式")}
"""The pages the web framework itself refuses, in Chinese (it would answer in English JSON)."""

FACTS_ROOT_VARIABLE = "COMPLIANCE_FACTS_ROOT"
"""How ``compliance serve --workers N`` tells each worker process where the facts are."""


def app_from_environment() -> FastAPI:
    """The application of one worker process of ``compliance serve --workers N``."""
    return create_app(Path(os.environ[FACTS_ROOT_VARIABLE]), settings=WebSettings.from_environment())


def refusal(status: int, title: str, message: str) -> str:
    """The page a request refused before it reaches any page is answered with."""
    return TEMPLATES.get_template("error.html").render(title=title, message=message, status=status,
                                                        viewer=None, csrf="")


def create_app(facts_root: Path, contracts_dir: Path = CONTRACTS_DIR,
               settings: WebSettings = WebSettings()) -> FastAPI:
    """The application, serving every contract that has a facts folder under ``facts_root``."""
    app = FastAPI(title="compliance", docs_url=None, redoc_url=None, openapi_url=None)
    site = Site(facts_root, contracts_dir)
    app.add_middleware(Guard, settings=settings, refusal=refusal)
    app.add_api_route(web_font.ROUTE, lambda: Response(web_font.first_face(), media_type="font/ttf"))
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _handle_errors(app, site)
    for router in (web_auth.routes(settings), web_account.routes(), web_preview.routes(site),
                   web_register.routes(site), web_vendor.routes(site), web_facts.routes(site)):
        app.include_router(router)
    _reading_pages(app, site)
    return app


def _handle_errors(app: FastAPI, site: Site) -> None:
    def error_page(request: Request, status: int, title: str, message: str) -> HTMLResponse:
        return page(request, "error.html", status, title=title, message=message, status_code=status)

    @app.exception_handler(SignInNeeded)
    def sign_in_first(request: Request, error: SignInNeeded) -> RedirectResponse:
        return sign_in_redirect(error.path)

    @app.exception_handler(Forbidden)
    def forbidden(request: Request, error: Forbidden) -> HTMLResponse:
        return error_page(request, 403, "无权访问", str(error))

    @app.exception_handler(LookupError)
    def unknown(request: Request, error: LookupError) -> HTMLResponse:
        message = str(error) if isinstance(error, NotFound) else f"没有这个合同或期次：{error}"
        return error_page(request, 404, "找不到", message)

    @app.exception_handler(RequestValidationError)
    def malformed(request: Request, error: RequestValidationError) -> HTMLResponse:
        return error_page(request, 404, "找不到", f"没有这个页面：{request.url.path}")

    @app.exception_handler(HTTPException)
    def refused_request(request: Request, error: HTTPException) -> HTMLResponse:
        title, message = HTTP_STATUS.get(error.status_code,
                                         ("请求有误", f"无法处理此请求（HTTP {error.status_code}）"))
        response = error_page(request, error.status_code, title, f"{message}：{request.url.path}")
        response.headers.update(error.headers or {})
        return response

    @app.exception_handler(Exception)
    def crashed(request: Request, error: Exception) -> HTMLResponse:
        return error_page(request, 500, "内部错误", "处理此请求时程序出错，请报告维护人员。")

    @app.exception_handler(UserError)
    def refused(request: Request, error: UserError) -> HTMLResponse:
        return error_page(request, 422, "输入有误", str(site.private(error)))


def _reading_pages(app: FastAPI, site: Site) -> None:
    """What every role reads: the contracts, a ledger, a statement and its PDF."""

    @app.get("/", response_class=HTMLResponse)
    def index(request: Request, who: SignedIn = Depends(viewer)) -> HTMLResponse:
        return page(request, "index.html", contracts=list(site.contracts(who).values()))

    @app.get("/c/{contract_id}", response_class=HTMLResponse)
    def contract_page(contract_id: str, request: Request, as_of: str = "",
                      who: SignedIn = Depends(viewer)) -> HTMLResponse:
        from compliance.register.listing import by_span

        loaded, book = site.contract_and_book(contract_id, who)
        day, error = read_as_of(as_of, loaded)
        with ENGINE:
            item = ledger(loaded, book, day, calendar())
        return page(request, "contract.html", 400 if error else 200, contract=loaded.contract,
                    ledger=item, as_of=day, as_of_error=error, as_of_text=as_of,
                    issued=by_span(contract_id))

    @app.get("/c/{contract_id}/ledger.xlsx")
    def workbook(contract_id: str, as_of: str = "", who: SignedIn = Depends(viewer)) -> Response:
        loaded, book = site.contract_and_book(contract_id, who)
        with ENGINE:
            item = ledger(loaded, book, read_as_of(as_of, loaded)[0], calendar())
        return download(ledger_xlsx(item, loaded.contract), XLSX, f"{contract_id}-ledger.xlsx")

    @app.get("/c/{contract_id}/{kind}/{number}.pdf")
    def statement_pdf(contract_id: str, kind: str, number: int, as_of: str = "",
                      who: SignedIn = Depends(viewer)) -> Response:
        loaded, statement = _span_statement(site, who, contract_id, kind, number, as_of)
        return download(pdf.render(statement, loaded.contract), PDF,
                        f"{contract_id}-{Span(kind, number).stem}-草稿.pdf")

    @app.get("/c/{contract_id}/{kind}/{number}", response_class=HTMLResponse)
    def statement_page(contract_id: str, kind: str, number: int, request: Request, as_of: str = "",
                       who: SignedIn = Depends(viewer)) -> HTMLResponse:
        loaded, statement = _span_statement(site, who, contract_id, kind, number, as_of)
        return page(request, "statement.html", contract=loaded.contract, statement=statement,
                    explained=calculations(statement, loaded.contract), label=span_label(statement), kind=kind, number=number,
                    as_of=as_of)


def _span_statement(site: Site, who: SignedIn, contract_id: str, kind: str, number: int, as_of: str):
    """The statement of a month, a cycle or a tranche, settled now (a draft, not the register's)."""
    if kind not in SPANS:
        raise NotFound(f"没有这个页面：{kind}")
    loaded, book = site.contract_and_book(contract_id, who)
    day = read_as_of(as_of, loaded)[0]
    count = span_count(loaded, kind)
    if not 1 <= number <= count:
        raise NotFound(f"{loaded.contract.short_name}没有第 {number} {SPANS[kind]}：合同共 {count} {SPANS[kind]}")
    with ENGINE:
        if kind == "period":
            return loaded, month_statement(loaded, book, number)
        return loaded, span_statement(loaded, book, Span(kind, number), day, calendar(), None)
