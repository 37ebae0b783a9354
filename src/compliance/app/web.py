"""The local web page (``compliance serve``): choose a contract, read its ledger and each month's
statement, download the PDF or the ledger workbook, and preview a month with what-if counts —
server-rendered Chinese pages over the same engine and the same numbers as the command line.

Facts are read from ``<facts root>/<contract id>/`` and read again whenever a file there changes,
so a corrected facts file shows on the next request. A bad form value is shown beside its field; a bad facts file shows its error
(file, line, field) on the page; neither gives a stack trace. Within one process settlements run
one at a time (durable-rules sessions are not shared between threads); ``compliance serve``
runs one worker process per core, so concurrent visitors are answered in parallel.
"""
from __future__ import annotations

import dataclasses
import os
import re
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from compliance.render.templates import TEMPLATES
from starlette.exceptions import HTTPException

from compliance.model import money, sourceyaml
from compliance.render import pdf
from compliance.engine.loading import LoadedContract, load_contract
from compliance.errors import UserError
from compliance.legal.explain import line_node
from compliance.legal.lint import refuse_if_unsound
from compliance.views.statement import events_by_id
from compliance.model.today import beijing_today
from compliance.model.facts import FactsBook, load_facts
from compliance.model.fieldtypes import FLAG_LABELS
from compliance.views.ledger import ledger
from compliance.render.ledger_output import ledger_xlsx
from compliance.paths import CONTRACTS_DIR
from compliance.views.whatif import (Addition, addition_bounds, check_addition, month_statement, parse_addition,
                                     preview)
from compliance.model.periods import period as period_of
from compliance.model.suggest import did_you_mean
from compliance.model.workdays import calendar

ENGINE = threading.Lock()
"""One settlement at a time: the rule engine's sessions are not meant to be shared by threads."""
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _yuan(amount: str | Decimal | None) -> str:
    return "—" if amount is None else money.grouped(Decimal(amount))


def _signed(amount: str) -> str:
    return ("+" if Decimal(amount) > 0 else "") + _yuan(amount)


TEMPLATES.filters["yuan"] = _yuan
TEMPLATES.filters["signed"] = _signed
TEMPLATES.globals["FLAG_LABELS"] = FLAG_LABELS


@dataclass
class Form:
    """The preview form as submitted: what was typed, and a message per field that is wrong."""

    period: int
    rating: str | None
    counts: dict[str, str]
    additions: list[Addition] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)


class NotFound(LookupError):
    """A contract or a month the address names that is not there; the message says which."""


HTTP_STATUS = {404: ("找不到", "没有这个页面"), 405: ("请求方式不对", "本页面不接受这种请求方式")}
"""The pages the web framework itself refuses, in Chinese (it would answer in English JSON)."""

FACTS_ROOT_VARIABLE = "COMPLIANCE_FACTS_ROOT"
"""How ``compliance serve --workers N`` tells each worker process where the facts are."""


def app_from_environment() -> FastAPI:
    """The application of one worker process of ``compliance serve --workers N``."""
    return create_app(Path(os.environ[FACTS_ROOT_VARIABLE]))


def create_app(facts_root: Path, contracts_dir: Path = CONTRACTS_DIR) -> FastAPI:
    """The application, serving every contract that has a facts folder under ``facts_root``."""
    app = FastAPI(title="compliance", docs_url=None, redoc_url=None, openapi_url=None)

    def contracts() -> dict[str, LoadedContract]:
        return {path.stem: _contract_at(path, _stamp([path]))
                for path in sorted(contracts_dir.glob("*.yaml")) if (facts_root / path.stem).is_dir()}

    def contract_and_book(contract_id: str) -> tuple[LoadedContract, FactsBook]:
        path = contracts_dir / f"{contract_id}.yaml"
        known = contracts()
        if contract_id not in known:
            raise NotFound(f"没有这个合同：{contract_id}{did_you_mean(contract_id, known, '；')}")
        loaded = refuse_if_unsound(_contract_at(path, _stamp([path])))
        folder = facts_root / contract_id
        return loaded, _facts_at(folder, _stamp(sourceyaml.yaml_files(folder)), path, _stamp([path]))

    def page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(TEMPLATES.get_template(name).render(**context), status_code=status)

    @app.exception_handler(LookupError)
    def unknown(request: Request, error: LookupError) -> HTMLResponse:
        message = str(error) if isinstance(error, NotFound) else f"没有这个合同或期次：{error}"
        return page("error.html", 404, title="找不到", message=message)

    @app.exception_handler(RequestValidationError)
    def malformed(request: Request, error: RequestValidationError) -> HTMLResponse:
        return page("error.html", 404, title="找不到", message=f"没有这个页面：{request.url.path}")

    @app.exception_handler(HTTPException)
    def refused_request(request: Request, error: HTTPException) -> HTMLResponse:
        title, message = HTTP_STATUS.get(error.status_code,
                                         ("请求有误", f"无法处理此请求（HTTP {error.status_code}）"))
        response = page("error.html", error.status_code, title=title,
                        message=f"{message}：{request.url.path}")
        response.headers.update(error.headers or {})
        return response

    @app.exception_handler(Exception)
    def crashed(request: Request, error: Exception) -> HTMLResponse:
        return page("error.html", 500, title="内部错误",
                    message="处理此请求时程序出错，请报告维护人员。")

    @app.exception_handler(UserError)
    def refused(request: Request, error: UserError) -> HTMLResponse:
        return page("error.html", 422, title="输入有误",
                    message=str(_without_server_paths(error, facts_root, contracts_dir)))

    @app.get("/", response_class=HTMLResponse)
    def index() -> HTMLResponse:
        return page("index.html", contracts=list(contracts().values()), facts_root=facts_root)

    @app.get("/c/{contract_id}", response_class=HTMLResponse)
    def contract_page(contract_id: str) -> HTMLResponse:
        loaded, book = contract_and_book(contract_id)
        with ENGINE:
            item = ledger(loaded, book, beijing_today(), calendar())
        return page("contract.html", contract=loaded.contract, ledger=item)

    @app.get("/c/{contract_id}/ledger.xlsx")
    def workbook(contract_id: str) -> Response:
        loaded, book = contract_and_book(contract_id)
        with ENGINE:
            item = ledger(loaded, book, beijing_today(), calendar())
        return _download(ledger_xlsx(item, loaded.contract), XLSX, f"{contract_id}-ledger.xlsx")

    @app.get("/c/{contract_id}/period/{index}.pdf")
    def statement_pdf(contract_id: str, index: int) -> Response:
        loaded, statement = _statement(*contract_and_book(contract_id), index)
        return _download(pdf.render(statement, loaded.contract), PDF,
                         f"{contract_id}-period-{index:02d}.pdf")

    @app.get("/c/{contract_id}/period/{index}", response_class=HTMLResponse)
    def statement_page(contract_id: str, index: int) -> HTMLResponse:
        loaded, statement = _statement(*contract_and_book(contract_id), index)
        explained = [line_node(n, line, loaded.contract, events_by_id(statement)).lines()
                     for n, line in enumerate(statement["deductions"], start=1)]
        return page("statement.html", contract=loaded.contract, statement=statement,
                    explained=explained)

    @app.get("/c/{contract_id}/preview", response_class=HTMLResponse)
    def preview_page(contract_id: str, request: Request) -> HTMLResponse:
        loaded, book = contract_and_book(contract_id)
        form = read_form(loaded, dict(request.query_params))
        result = None
        if "period" in request.query_params and not form.errors:
            result = _preview(loaded, book, form)
        return page("preview.html", 400 if form.errors else 200, contract=loaded.contract,
                    form=form, result=result, addable=addable(loaded),
                    periods=range(1, loaded.period_count + 1))

    return app


def _without_server_paths(error: UserError, facts_root: Path, contracts_dir: Path) -> UserError:
    """The error as a visitor may read it: a file named from the facts root or the contracts
    folder, never by the server's absolute path."""
    if error.file is None:
        return error
    path = Path(error.file).absolute()
    for root, shown in ((facts_root.absolute(), ""), (contracts_dir.absolute(), "contracts/")):
        if path.is_relative_to(root):
            return dataclasses.replace(error, file=shown + str(path.relative_to(root)))
    return dataclasses.replace(error, file=path.name)


def _stamp(paths: list[Path]) -> tuple:
    """What identifies the files' contents cheaply: name, modification time and size."""
    return tuple((path.name, path.stat().st_mtime_ns, path.stat().st_size) for path in paths)


@lru_cache(maxsize=16)
def _contract_at(path: Path, stamp: tuple) -> LoadedContract:
    """A contract, loaded again only when its file changes."""
    return load_contract(path)


@lru_cache(maxsize=16)
def _facts_at(folder: Path, stamp: tuple, contract: Path, contract_stamp: tuple) -> FactsBook:
    """A facts folder, loaded again only when one of its files (or the contract) changes."""
    return load_facts(folder, _contract_at(contract, contract_stamp))


def _statement(loaded: LoadedContract, book: FactsBook, index: int):
    if not 1 <= index <= loaded.period_count:
        raise NotFound(f"{loaded.contract.short_name}没有第 {index} 期：合同共 {loaded.period_count} 期")
    with ENGINE:
        return loaded, month_statement(loaded, book, index)


def _download(content: bytes, media_type: str, name: str) -> Response:
    return Response(content, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def addable(loaded: LoadedContract) -> list[dict[str, str]]:
    """The event types the form offers: those recorded by a count, a number of days or an
    amount, each with what its number means."""
    rows = []
    for name, spec in loaded.contract.event_types.items():
        needs = set(spec.requires)
        if needs - {"days", "amount"}:
            continue
        unit = "天数" if "days" in needs else "金额（元）" if "amount" in needs else f"{spec.unit}数"
        rows.append({"type": name, "label": spec.label, "unit": unit})
    return rows


PERIOD = re.compile(r"[0-9]{1,4}")
"""A month number as typed in the form: ASCII digits only (``²`` or ``١`` are not numbers here)."""


def read_form(loaded: LoadedContract, values: dict[str, str]) -> Form:
    """The submitted form, each field checked as strictly as the command line checks it; an
    error names what would be valid."""
    errors: dict[str, str] = {}
    period_text = values.get("period", "1").strip()
    period = int(period_text) if PERIOD.fullmatch(period_text) else 0
    if not 1 <= period <= loaded.period_count:
        errors["period"] = f"期次应为 1 至 {loaded.period_count} 的整数"
        period = 1
    rating = values.get("rating", "").strip() or None
    if rating is not None and rating not in loaded.contract.ratings:
        errors["rating"] = (f"评价应为 {' / '.join(loaded.contract.ratings)} 之一"
                            f"{did_you_mean(rating, loaded.contract.ratings, '；')}")
    counts = {row["type"]: values.get(f"add_{row['type']}", "").strip() for row in addable(loaded)}
    additions = []
    last_day = period_of(loaded.contract, period).end
    for kind, text in counts.items():
        if not text:
            continue
        try:
            addition = parse_addition(f"{kind}={text}")
        except UserError:
            errors[f"add_{kind}"] = f"应为 0 或 {addition_bounds(loaded.contract.event_types[kind])}"
            continue
        try:
            if addition.number > 0:
                check_addition(loaded, addition, last_day)
                additions.append(addition)
        except UserError as error:
            errors[f"add_{kind}"] = f"{error.message}；应为 0 或 {error.valid}"
    return Form(period, rating, counts, additions, errors)


def _preview(loaded: LoadedContract, book: FactsBook, form: Form) -> dict[str, Any] | None:
    try:
        with ENGINE:
            return preview(loaded, book, form.period, form.additions, form.rating)
    except UserError as error:
        form.errors["form"] = str(error)
        return None
