"""What every page of the web page shares: the contracts with a facts folder (read again when
a file changes), who may see which of them, the as-of date a page is read on, and how a page
is made (the signed-in user and the CSRF token for its forms, no server path in any message).

A vendor asking for a contract not its own is refused with the same 403 whether that contract
exists or not, so nothing of other vendors' contracts leaks, not even their names."""
from __future__ import annotations

import dataclasses
import re
import threading
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Undefined

from compliance.engine.loading import LoadedContract, load_contract
from compliance.errors import UserError
from compliance.legal.lint import refuse_if_unsound
from compliance.model import money, sourceyaml
from compliance.model.facts import FactsBook, load_facts
from compliance.model.fieldtypes import FLAG_LABELS
from compliance.model.periods import cycle_count
from compliance.model.suggest import did_you_mean
from compliance.model.today import beijing_today
from compliance.register.roles import ROLE_LABELS, VENDOR, is_finance, may_read
from compliance.register.signin import SignedIn
from compliance.render.templates import TEMPLATES

ENGINE = threading.Lock()
"""One settlement at a time: the rule engine's sessions are not meant to be shared by threads.
(``compliance serve`` runs one worker process per core, so visitors are still answered in
parallel.)"""
PDF = "application/pdf"
SPANS = {"period": "期", "cycle": "支付周期", "tranche": "次付款"}
"""The statements a contract is settled by, by the word their addresses use."""
AS_OF_YEARS_AFTER_TERM = 5
"""How long after the term a ledger may be read as of (tranches and claims settle late)."""


class NotFound(LookupError):
    """A contract or a month the address names that is not there; the message says which."""


class Forbidden(Exception):
    """What the signed-in user may not see or do; the message says so without naming anything
    the user may not see."""


def _yuan(amount: str | None) -> str:
    """An amount as finance writes it (1,234.50); a dash where there is none yet."""
    return "—" if amount is None or isinstance(amount, Undefined) else money.grouped(Decimal(amount))


def _signed(amount: str) -> str:
    return ("+" if Decimal(amount) > 0 else "") + _yuan(amount)


TEMPLATES.filters["yuan"] = _yuan
TEMPLATES.filters["signed"] = _signed
TEMPLATES.globals["FLAG_LABELS"] = FLAG_LABELS
TEMPLATES.globals["ROLE_LABELS"] = ROLE_LABELS


class Site:
    """The contracts under ``facts_root`` as the signed-in user may see them."""

    def __init__(self, facts_root: Path, contracts_dir: Path) -> None:
        self.facts_root, self.contracts_dir = facts_root, contracts_dir

    def all_contracts(self) -> dict[str, LoadedContract]:
        return {path.stem: _contract_at(path, _stamp([path]))
                for path in sorted(self.contracts_dir.glob("*.yaml"))
                if (self.facts_root / path.stem).is_dir()}

    def contracts(self, viewer: SignedIn) -> dict[str, LoadedContract]:
        """The contracts ``viewer`` may see."""
        return {key: loaded for key, loaded in self.all_contracts().items()
                if may_read(viewer.role, viewer.contracts, key)}

    def contract(self, contract_id: str, viewer: SignedIn) -> LoadedContract:
        """The contract, if ``viewer`` may see it: 403 for a vendor's foreign or unknown id."""
        if not may_read(viewer.role, viewer.contracts, contract_id):
            raise Forbidden("您的账户无权查看此合同")
        known = self.all_contracts()
        if contract_id not in known:
            raise NotFound(f"没有这个合同：{contract_id}{did_you_mean(contract_id, known, '；')}")
        return refuse_if_unsound(known[contract_id])

    def contract_and_book(self, contract_id: str, viewer: SignedIn) -> tuple[LoadedContract, FactsBook]:
        loaded = self.contract(contract_id, viewer)
        path = self.contracts_dir / f"{contract_id}.yaml"
        folder = self.folder(contract_id)
        return loaded, _facts_at(folder, _stamp(sourceyaml.yaml_files(folder)), path, _stamp([path]))

    def folder(self, contract_id: str) -> Path:
        return self.facts_root / contract_id

    def private(self, error: UserError) -> UserError:
        """The error as a visitor may read it: files named from the facts root or the
        contracts folder, never by the server's absolute path, in its file or its message."""
        roots = ((self.facts_root.absolute(), ""), (self.contracts_dir.absolute(), "contracts/"))
        message = error.message
        for root, shown in roots:
            message = message.replace(f"{root}/", shown).replace(str(root), shown or ".")
        if error.file is None:
            return dataclasses.replace(error, message=message)
        path = Path(error.file).absolute()
        shown_file = next((shown + str(path.relative_to(root)) for root, shown in roots
                           if path.is_relative_to(root)), path.name)
        return dataclasses.replace(error, file=shown_file, message=message)


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page from ``templates/``, told who is signed in (``viewer``, ``finance``, ``vendor``)
    and the CSRF token its forms carry."""
    viewer: SignedIn | None = getattr(request.state, "viewer", None)
    html = TEMPLATES.get_template(template).render(
        viewer=viewer, csrf=viewer.csrf if viewer else "",
        finance=bool(viewer and is_finance(viewer.role)),
        vendor=bool(viewer and viewer.role == VENDOR), path=request.url.path, **context)
    return HTMLResponse(html, status_code=status)


def read_as_of(value: str | None, loaded: LoadedContract) -> tuple[date, str | None]:
    """The day a page is read as of: today (Beijing) unless the form names one; a date that is
    malformed or outside the contract's term (and the years after it) is refused with a
    message to show beside the field, and today is used."""
    term = loaded.contract.term
    today = min(max(beijing_today(), term.start), _latest(loaded))
    if not value:
        return today, None
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value.strip()):
        try:
            day = date.fromisoformat(value.strip())
            if term.start <= day <= _latest(loaded):
                return day, None
        except ValueError:
            pass
    return today, f"截至日期应为 {term.start} 至 {_latest(loaded)} 之间的日期（YYYY-MM-DD）"


def _latest(loaded: LoadedContract) -> date:
    end = loaded.contract.term.end
    return end.replace(year=end.year + AS_OF_YEARS_AFTER_TERM, day=min(end.day, 28))


def span_count(loaded: LoadedContract, kind: str) -> int:
    """How many months, payment cycles or tranches the contract has."""
    if kind == "period":
        return loaded.period_count
    if kind == "cycle":
        return cycle_count(loaded.contract) if loaded.contract.payment is not None else 0
    return len(loaded.tranches)


def download(content: bytes, media_type: str, name: str) -> Response:
    """A file to save, named in UTF-8 (RFC 6266)."""
    return Response(content, media_type=media_type,
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


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
