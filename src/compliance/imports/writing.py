"""The month's facts file with its imported events, checked as ``settle`` reads it, then written
together with the import's record (``ledger``), both or neither (``render.output.write_all``).

Imported events follow a marker line at the end of the events list; what comes before it (the
header, the rating, the events typed by hand, their comments) is kept byte for byte, and what
follows it is rewritten on every import from the record of imported rows. A month without a
facts file gets a new one (``period-04.yaml``).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from compliance.errors import UserError
from compliance.model import sourceyaml
from compliance.model.facts import FactsBook, RecordedEvent, load_facts
from compliance.model.periods import Period
from compliance.render.output import write_all

MARKER = "# ==== compliance import："
MARKER_LINE = (MARKER + "以下至文件末尾为从导出文件导入的事件，每次导入时重写，请勿手工修改"
               "（手工记录的事件请写在此行之上）====")
"""The line after which the facts file holds the imported events."""


def facts_file_for(folder: Path, period: int, book: FactsBook | None) -> Path:
    """The month's facts file: the one already holding ``period``, else ``period-NN.yaml``."""
    if book is not None and period in book.files:
        return book.files[period].path
    return folder / f"period-{period:02d}.yaml"


def facts_text(path: Path, contract, period: Period, events: list[dict[str, Any]]) -> str:
    """The facts file at ``path`` with ``events`` as its imported events."""
    lines = [f"  - {_flow(event)}" for event in events]
    if not path.is_file():
        return "\n".join([*_head(contract, period), MARKER_LINE, *lines]) + "\n"
    text = sourceyaml.read_text(path)
    kept, indent = _kept(path, text)
    return kept + "\n".join([MARKER_LINE, *(indent + line[2:] for line in lines)]) + "\n"


def with_event_by_hand(path: Path, contract, period: Period, event: dict[str, Any]) -> str:
    """The facts file at ``path`` with one more event written as if typed by hand (the web
    page's event form): above the marker of imported events, so the next import keeps it, else
    at the end of the events list; a month without a file gets a new one."""
    line = f"- {_flow(event)}\n"
    if not path.is_file():
        return "\n".join(_head(contract, period)) + "\n  " + line
    lines = sourceyaml.read_text(path).splitlines(keepends=True)
    marker = next((n for n, text in enumerate(lines) if text.startswith(MARKER)), None)
    if marker is None:
        kept, indent = _kept(path, "".join(lines))
        return kept + indent + line
    return "".join([*lines[:marker], _indent(lines[:marker]) + line, *lines[marker:]])


def _head(contract, period: Period) -> list[str]:
    return [f"# {contract.short_name} 第 {period.index} 期（{period.start} 至 {period.end}）",
            f"contract: {contract.id}", f"period: {period.index}", "events:"]


def typed_by_hand(book: FactsBook | None, target: Path) -> list[RecordedEvent]:
    """The events of the facts file at ``target`` written above the marker (by hand)."""
    facts_file = next((f for f in (book.files.values() if book else ()) if f.path == target), None)
    if facts_file is None:
        return []
    lines = sourceyaml.read_text(target).splitlines()
    marker = next((n + 1 for n, line in enumerate(lines) if line.startswith(MARKER)), len(lines) + 1)
    return [recorded for recorded in facts_file.events
            if int(recorded.source.rpartition(":")[2]) < marker]


def _kept(path: Path, text: str) -> tuple[str, str]:
    """The part of a facts file kept as it is (up to the marker, or all of it, its events list
    ending the file) and the indentation of its events' dashes."""
    lines = text.splitlines(keepends=True)
    for number, line in enumerate(lines):
        if line.startswith(MARKER):
            return "".join(lines[:number]), _indent(lines[:number])
    document = sourceyaml.load(path)
    if not isinstance(document, dict) or (document and list(document)[-1] != "events"):
        raise UserError("导入的事件须接在 events 列表之后：请把 events 移到文件末尾", file=path,
                        line=sourceyaml.line_of(document, ("events",)) if isinstance(document, dict) else 1,
                        field="events", valid="events 为文件的最后一个键，每行一个事件（- {...}）")
    if "events" not in document:
        return text + ("" if text.endswith("\n") or not text else "\n") + "events:\n", "  "
    key_line = lines[document.lines["events"] - 1]
    after = key_line.split(":", 1)[1].split("#", 1)[0].strip()
    if after == "[]":
        lines[document.lines["events"] - 1] = key_line.replace("[]", "", 1).rstrip() + "\n"
    elif after:
        raise UserError("events 须按行书写（每行一个 - {...}），导入的事件才能接在其后",
                        file=path, line=document.lines["events"], field="events")
    kept = "".join(lines)
    return kept + ("" if kept.endswith("\n") else "\n"), _indent(lines)


def _indent(lines: list[str]) -> str:
    """The indentation of the last event's dash (two spaces when there is none)."""
    for line in reversed(lines):
        stripped = line.lstrip(" ")
        if stripped.startswith("- "):
            return line[:len(line) - len(stripped)]
    return "  "


def _flow(value: Any) -> str:
    """A value as one line of YAML: text double-quoted (as JSON quotes it: ``010`` and
    ``yes`` stay text) unless it is a plain name (an event type), dates and numbers (an
    amount's Decimal too) plain."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {_flow(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(map(_flow, value)) + "]"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, Decimal)) or (_NAME.fullmatch(value) and value.lower() not in _WORDS):
        return str(value)
    return _QUOTED(value)


_QUOTED = json.JSONEncoder(ensure_ascii=False).encode
"""A text as JSON quotes it (one encoder for the tens of thousands of 工单编号 an import lists)."""
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_WORDS = {"true", "false", "null", "yes", "no", "on", "off", "y", "n"}
"""Names that YAML may read as something other than text: always quoted."""


def check(folder: Path, target: Path, text: str, loaded) -> FactsBook:
    """The facts folder as it would be with ``text`` at ``target``, loaded as ``settle`` loads
    it: a problem is reported before anything is written."""
    inside = folder if folder.is_dir() else None
    with tempfile.TemporaryDirectory(prefix=".compliance-import-", dir=inside) as staging:
        trial = Path(staging)
        for path in sourceyaml.yaml_files(folder) if inside else ():
            if path != target:
                _link(path, trial / path.name)
        (trial / target.name).write_text(text, encoding="utf-8")
        try:
            return load_facts(trial, loaded)
        except UserError as problem:
            problem.message = problem.message.replace(str(trial), str(folder))
            problem.file = folder / Path(problem.file).name if problem.file else problem.file
            raise


def _link(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def write(target: Path, text: str, record: Path, record_bytes: bytes) -> None:
    """The facts file and the import's record, both or neither."""
    write_all({target: text.encode("utf-8"), record: record_bytes})
