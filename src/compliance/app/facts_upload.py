"""A month's facts file uploaded from the web page (issue 16), or made there by entering one
event in a form (``facts_entry``): checked by the same loader as every facts file (alone, then
together with the contract's other months: an event recorded twice, payments past their
tranche), saved under the name of the month's file (or ``period-NN.yaml``), the file it
replaces kept in the folder's ``.history/`` (a hidden folder the loader does not read), and
written to the audit log with both files' sha256. A file changed by someone else between the
check and the saving is not overwritten.

A file that does not pass is not saved; the page shows it line by line with the error beside
its line."""
from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pendulum

from compliance.engine.loading import LoadedContract
from compliance.errors import UserError
from compliance.model import sourceyaml
from compliance.model.facts import load_facts
from compliance.model.today import BEIJING
from compliance.register import audit
from compliance.register.database import session as register_session

MAX_FACTS = 2 * 1024 * 1024
"""The largest facts file taken from the page (a busy month of 400 events is about 40 KiB)."""
HISTORY = ".history"


@dataclass(frozen=True)
class Checked:
    """An uploaded file that passed: the name it is saved under, its month, and the sha256 of
    the file it replaces as it was when checked (None when there was none)."""

    name: str
    period: int
    replaces: str | None


def check(loaded: LoadedContract, folder: Path, content: bytes) -> Checked:
    """Check ``content`` as the facts file of one of the contract's months; a UserError names
    the line (file names are the one it would be saved under)."""
    if len(content) > MAX_FACTS:
        raise UserError(f"文件过大（{len(content):,} 字节）", valid=f"至多 {MAX_FACTS // 1024 // 1024} MB")
    with tempfile.TemporaryDirectory(prefix="compliance-upload-") as temporary:
        alone = Path(temporary) / "alone"
        alone.mkdir()
        (alone / "上传的文件.yaml").write_bytes(content)
        period = next(iter(_load(alone, loaded, "上传的文件.yaml").files))
        name = _name_for(folder, sourceyaml.load(alone / "上传的文件.yaml").get("period"), period)
        together = Path(temporary) / "together"
        together.mkdir()
        for path in sourceyaml.yaml_files(folder):
            if path.name != name:
                (together / path.name).write_bytes(path.read_bytes())
        (together / name).write_bytes(content)
        _load(together, loaded, name)
    return Checked(name, period, _sha256(folder / name))


def _load(folder: Path, loaded: LoadedContract, name: str):
    """``load_facts``, its errors naming files as they are named in the contract's folder."""
    try:
        return load_facts(folder, loaded)
    except UserError as error:
        shown = Path(error.file).name if error.file else name
        raise UserError(error.message.replace(f"{folder}/", ""), file=shown, line=error.line,
                        field=error.field, valid=error.valid) from None


def _name_for(folder: Path, declared: object, period: int) -> str:
    """The file already holding that month (its ``period:`` written the same), else
    ``period-NN.yaml``."""
    for path in sourceyaml.yaml_files(folder):
        try:
            document = sourceyaml.load(path)
        except UserError:
            continue
        if isinstance(document, dict) and document.get("period") == declared:
            return path.name
    return f"period-{period:02d}.yaml"


def _sha256(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def save(folder: Path, checked: Checked, content: bytes, actor: str, contract: str,
         action: str = "upload", details: dict | None = None) -> None:
    """Keep the file it replaces in ``.history/``, write the new one whole (never half a
    file), and record both in the audit log (as ``action``, with ``details``); the same bytes
    again change nothing, and a file changed since it was checked is refused."""
    target = folder / checked.name
    with register_session() as session:
        head = audit.lock_head(session)
        previous = _sha256(target)
        if previous != checked.replaces:
            raise UserError(f"{checked.name} 在检查之后已被他人改动，本次未保存", file=checked.name,
                            valid="刷新页面，在新版本上重新提交")
        if previous == hashlib.sha256(content).hexdigest():
            return
        if previous is not None:
            stamp = pendulum.now(BEIJING).format("YYYYMMDD-HHmmss")
            history = folder / HISTORY
            history.mkdir(exist_ok=True)
            os.replace(target, history / f"{target.stem}.{stamp}{target.suffix}")
        staged = folder / f".{checked.name}.uploading"
        staged.write_bytes(content)
        os.replace(staged, target)
        audit.append(session, head, actor, action, contract, None,
                     {"file": checked.name, "period": checked.period,
                      "sha256": hashlib.sha256(content).hexdigest(), "previous_sha256": previous,
                      **(details or {})})


def history(folder: Path) -> list[str]:
    """The earlier versions kept, newest first."""
    kept = folder / HISTORY
    return sorted((path.name for path in kept.iterdir() if path.is_file()), reverse=True) if kept.is_dir() else []
