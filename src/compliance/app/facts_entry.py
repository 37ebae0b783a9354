"""One event entered in the form on a contract's facts page (issue 16), for finance staff who
would rather not write YAML.

The form offers the event types the preview offers (``web_preview.addable``: those recorded by
a count, a number of days or an amount), each by its Chinese label, and asks for what that type
takes: 日期, 编号 (a work order's 工单编号), 件数 where the type is counted, 天数 or 金额 where it
has one, the values the contract declares for it (``fields``: a score, a time of day), 备注.
What is typed is read as strictly as a facts file reads it (ASCII digits, YYYY-MM-DD, an amount
to the fen); an event already recorded (the same type, 编号 and day) is refused naming the line
it is on. The event is then written into the month's file (above any imported events, as if
typed by hand: ``imports.writing.with_event_by_hand``), and that file checked and saved exactly
as an uploaded one (``facts_upload``: with the other months, as ``settle`` loads them; the
version it replaces kept in ``.history/``; the audit log, as 录入事件). Every problem is
answered beside its field, in Chinese, what was typed kept in the form.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Mapping

from compliance.app import facts_upload
from compliance.app.web_preview import addable, read_period
from compliance.engine.loading import LoadedContract
from compliance.errors import UserError
from compliance.imports import writing
from compliance.model.facts import FactsBook
from compliance.model.fieldtypes import MAX_COUNT, MAX_DAYS
from compliance.model.periods import period as period_of

TEXT_FIELDS = ("period", "type", "date", "ref", "count", "days", "amount", "note")
MAX_REF, MAX_NOTE = 100, 500
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
WHOLE = re.compile(r"[0-9]{1,7}")
AMOUNT = re.compile(r"[0-9]{1,10}(\.[0-9]{1,2})?")
NUMBER = re.compile(r"-?[0-9]{1,12}(\.[0-9]{1,6})?")
SEPARATORS = str.maketrans("", "", ",， ")
"""What a clerk may type between the digits of an amount (1,234.50)."""


@dataclass(frozen=True)
class EventForm:
    """What the form asks for one event type."""

    type: str
    label: str
    unit: str
    counted: bool
    days: bool
    amount: bool
    required: frozenset[str]
    measures: tuple[tuple[str, str, str, bool], ...]
    """Each value the contract declares: its key, its label, number or time, and whether it
    must be given."""


@dataclass
class Entry:
    """The form as typed (``values``, shown again) and a message per wrong field (``form``:
    one that belongs to no field)."""

    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)


def forms(loaded: LoadedContract) -> dict[str, EventForm]:
    """The event types the form offers, by name, in the contract's order."""
    offered = {}
    for row in addable(loaded):
        spec = loaded.contract.event_types[row["type"]]
        takes = set(spec.requires) | set(spec.optional)
        offered[row["type"]] = EventForm(
            row["type"], spec.label, spec.unit, not (takes or spec.fields), "days" in takes,
            "amount" in takes, frozenset(spec.requires),
            tuple((key, measure.label, measure.type, not measure.optional)
                  for key, measure in spec.fields.items()))
    return offered


def blank(loaded: LoadedContract, values: Mapping[str, str]) -> Entry:
    """The form as a page opens it: the month and type the address names (else the current
    month and the first type), nothing else typed."""
    offered = forms(loaded)
    period, wrong = read_period(loaded, values.get("period"))
    kind = values.get("type", "")
    entry = Entry({"period": str(period), "type": kind if kind in offered else next(iter(offered), "")})
    if wrong:
        entry.errors["period"] = wrong
    return entry


def enter(loaded: LoadedContract, book: FactsBook, folder: Path, values: Mapping[str, str],
          actor: str) -> Entry:
    """Read the form, write its event into the month's file and save it; the entry returned
    has errors when nothing was saved."""
    offered = forms(loaded)
    kind = values.get("type", "")
    measures = tuple(f"m_{measure[0]}" for measure in offered[kind].measures) if kind in offered else ()
    entry = Entry({key: str(values.get(key, "")).strip() for key in TEXT_FIELDS + measures})
    event = _event(loaded, offered, entry)
    if not entry.errors:
        _refuse_repeat(book, offered[kind], event, entry)
    if not entry.errors:
        _save(loaded, book, folder, event, entry, actor)
    return entry


def _save(loaded: LoadedContract, book: FactsBook, folder: Path, event: dict[str, Any], entry: Entry,
          actor: str) -> None:
    """The month's file with the event, checked and saved as an upload is (a problem the
    loader finds goes to ``entry.errors``)."""
    index = int(entry.values["period"])
    target = writing.facts_file_for(folder, index, book)
    try:
        text = writing.with_event_by_hand(target, loaded.contract, period_of(loaded.contract, index), event)
        checked = facts_upload.check(loaded, folder, text.encode("utf-8"))
        facts_upload.save(folder, checked, text.encode("utf-8"), actor, loaded.contract.id, "enter_event",
                          {"event": {key: value if isinstance(value, (str, int)) else str(value)
                                     for key, value in event.items()}})
    except UserError as error:
        _place(error, len(writing.typed_by_hand(book, target)), entry)


def _event(loaded: LoadedContract, offered: dict[str, EventForm], entry: Entry) -> dict[str, Any]:
    """The event as it will be written, each field read as a facts file reads it; what is
    wrong goes to ``entry.errors``."""
    values, errors = entry.values, entry.errors
    _, wrong = read_period(loaded, values["period"])
    if wrong:
        errors["period"] = wrong
    form = offered.get(values["type"])
    if form is None:
        errors["type"] = "请选择事件类型"
        return {}
    event: dict[str, Any] = {"type": form.type, "date": _day(values["date"], errors)}
    if values["ref"]:
        event["ref"] = _bounded(values["ref"], MAX_REF, "ref", errors)
    if form.counted and values["count"]:
        event["count"] = _whole(values["count"], MAX_COUNT, form.unit + "数", "count", errors)
    for name, label, bound in (("days", "天数", MAX_DAYS), ("amount", "金额", None)):
        if getattr(form, name) and (values[name] or name in form.required):
            event[name] = (_whole(values[name], bound, label, name, errors) if bound
                           else _amount(values[name], errors))
    for key, label, kind, required in form.measures:
        typed = values[f"m_{key}"]
        if typed or required:
            event[key] = _measure(loaded, form.type, key, label, kind, typed, errors)
    if values["note"]:
        event["note"] = _bounded(values["note"], MAX_NOTE, "note", errors)
    return event


def _day(text: str, errors: dict[str, str]) -> date | None:
    """The day typed; a day the calendar does not have (2025-02-30) is named as such."""
    try:
        if DATE.fullmatch(text):
            return date.fromisoformat(text)
    except ValueError:
        errors["date"] = f"{text} 不是有效日期（如 2025-12-03）"
        return None
    errors["date"] = "请填写日期，写作 YYYY-MM-DD（如 2025-12-03）"
    return None


def _whole(text: str, most: int, label: str, key: str, errors: dict[str, str]) -> int | None:
    if WHOLE.fullmatch(text) and 1 <= int(text) <= most:
        return int(text)
    errors[key] = f"{label}应为 1 至 {most:,} 的整数"
    return None


def _amount(text: str, errors: dict[str, str]) -> Decimal | None:
    plain = text.translate(SEPARATORS)
    if AMOUNT.fullmatch(plain) and Decimal(plain) > 0:
        return Decimal(plain)
    errors["amount"] = "金额应为大于 0 的元数，至多两位小数（如 5000 或 1,234.50）"
    return None


def _bounded(text: str, most: int, key: str, errors: dict[str, str]) -> str:
    if len(text) > most:
        errors[key] = f"至多 {most} 个字符（此处 {len(text)} 个）"
    return text


def _measure(loaded: LoadedContract, kind: str, key: str, label: str, measure_type: str,
             typed: str, errors: dict[str, str]) -> Any:
    """A value the contract declares, read by its own declaration (its bounds, its places)."""
    measure = loaded.contract.event_types[kind].fields[key]
    if measure_type == "number" and not NUMBER.fullmatch(typed):
        errors[f"m_{key}"] = f"请填写{label}（数字，{measure.bounds()}）"
        return None
    try:
        measure.read(key, Decimal(typed) if measure_type == "number" else typed)
    except ValueError as wrong:
        errors[f"m_{key}"] = str(wrong).replace(f"{key}（{label}）", label)
        return None
    return Decimal(typed) if measure_type == "number" else typed


def _refuse_repeat(book: FactsBook, form: EventForm, event: dict[str, Any], entry: Entry) -> None:
    """An event with the same type, 编号 and day is already recorded: the line it is on."""
    if "ref" not in event:
        return
    for facts_file in book.files.values():
        for recorded in facts_file.events:
            known = recorded.event
            if (known.type, known.ref, known.date) == (form.type, event["ref"], event["date"]):
                name, _, line = recorded.source.rpartition(":")
                entry.errors["ref"] = (f"该事件已记录：{form.label} {known.ref}（{known.date}）"
                                       f"见 {name} 第 {line} 行，不再重复录入")
                return


def _place(error: UserError, index: int, entry: Entry) -> None:
    """A problem the loader found, beside the field of the new event it concerns (the
    event is the ``index``-th of its file), else above the form."""
    prefix = f"events[{index}]."
    key = error.field.removeprefix(prefix) if error.field and error.field.startswith(prefix) else ""
    key = key if key in entry.values else f"m_{key}" if f"m_{key}" in entry.values else "form"
    hint = f"（应为 {error.valid}）" if error.valid and error.valid not in error.message else ""
    entry.errors[key] = error.message + hint
