"""The preview form (预览扣款): a month with what-if counts, as ``compliance preview`` shows it.
The month the page opens on is the one running today (Beijing), or the term's first or last
month before or after it. Each field is checked as strictly as the command line checks it
(a count 0 to 100,000, an amount to the fen), and a wrong one is answered beside it."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from compliance.app.web_auth import viewer
from compliance.app.web_site import ENGINE, Site, page
from compliance.engine.loading import LoadedContract
from compliance.errors import UserError
from compliance.model.facts import FactsBook
from compliance.model.periods import all_periods
from compliance.model.periods import period as period_of
from compliance.model.suggest import did_you_mean
from compliance.model.today import beijing_today
from compliance.register.signin import SignedIn
from compliance.views.whatif import Addition, addition_bounds, check_addition, parse_addition, preview

PERIOD = re.compile(r"[0-9]{1,4}")
"""A month number as typed in the form: ASCII digits only (``²`` or ``١`` are not numbers here)."""


@dataclass
class Form:
    """The preview form as submitted: what was typed, and a message per field that is wrong."""

    period: int
    rating: str | None
    counts: dict[str, str]
    additions: list[Addition] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)


def routes(site: Site) -> APIRouter:
    router = APIRouter()

    @router.get("/c/{contract_id}/preview", response_class=HTMLResponse)
    def preview_page(contract_id: str, request: Request, who: SignedIn = Depends(viewer)) -> HTMLResponse:
        loaded, book = site.contract_and_book(contract_id, who)
        form = read_form(loaded, dict(request.query_params))
        result = None
        if "period" in request.query_params and not form.errors:
            result = _preview(loaded, book, form)
        return page(request, "preview.html", 400 if form.errors else 200, contract=loaded.contract,
                    form=form, result=result, addable=addable(loaded),
                    labels={row["type"]: row for row in addable(loaded)},
                    periods=all_periods(loaded.contract)[:loaded.period_count])

    return router


def current_month(loaded: LoadedContract) -> int:
    """The contract month running today, else the first (before the term) or the last."""
    today = beijing_today()
    for period in all_periods(loaded.contract)[:loaded.period_count]:
        if period.start <= today <= period.end:
            return period.index
    return 1 if today < loaded.contract.term.start else loaded.period_count


def addable(loaded: LoadedContract) -> list[dict[str, str]]:
    """The event types the form offers: those recorded by a count, a number of days or an
    amount, each with its Chinese label and what its number means."""
    rows = []
    for name, spec in loaded.contract.event_types.items():
        needs = set(spec.requires)
        if needs - {"days", "amount"}:
            continue
        unit = "天" if "days" in needs else "元" if "amount" in needs else spec.unit
        rows.append({"type": name, "label": spec.label, "unit": unit,
                     "step": "0.01" if "amount" in needs else "1"})
    return rows


def read_period(loaded: LoadedContract, text: str | None) -> tuple[int, str | None]:
    """The month a form names (the current one when it names none), or the current one and
    what would be valid."""
    text = (str(current_month(loaded)) if text is None else text).strip()
    period = int(text) if PERIOD.fullmatch(text) else 0
    if 1 <= period <= loaded.period_count:
        return period, None
    return current_month(loaded), f"期次应为 1 至 {loaded.period_count} 的整数"


def read_form(loaded: LoadedContract, values: dict[str, str]) -> Form:
    """The submitted form, each field checked as strictly as the command line checks it; an
    error names what would be valid."""
    errors: dict[str, str] = {}
    period, wrong = read_period(loaded, values.get("period"))
    if wrong:
        errors["period"] = wrong
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
            errors[f"add_{kind}"] = f"{error.message.removeprefix(addition.text + '：')}；应为 0 或 {error.valid}"
    return Form(period, rating, counts, additions, errors)


def _preview(loaded: LoadedContract, book: FactsBook, form: Form) -> dict[str, Any] | None:
    try:
        with ENGINE:
            return preview(loaded, book, form.period, form.additions, form.rating)
    except UserError as error:
        form.errors["form"] = str(error)
        return None
