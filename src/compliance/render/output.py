"""Writing a statement's files as a set: all of them or none, under a lock on the folder.

Every file is first written to a hidden temporary file beside its target and fsynced. A
journal naming the renames is then made durable, the renames are done, and the journal is
removed. A run killed half-way leaves the journal behind; the next write to that folder (or
``recover``) finishes the renames it names, so the folder never keeps a new JSON beside an old
PDF. A file that cannot be rendered is never staged, so the previous JSON and PDF stay as they
were. Two runs writing the same folder take turns (``flock`` on the folder).
"""
from __future__ import annotations

import fcntl
import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from compliance.errors import UserError
from compliance.render.terminal import json_safe

TEMPORARY = ".compliance-staged-"
"""How the temporary files start; hidden, so no facts folder or listing picks them up."""
JOURNAL = ".compliance-journal"
"""The renames of a set being written, in the folder they are made in."""


def statement_json(statement: dict[str, Any]) -> bytes:
    """The statement as UTF-8 JSON; same statement, same bytes."""
    return (json_safe(json.dumps(statement, ensure_ascii=False, indent=2)) + "\n").encode("utf-8")


def write_all(files: dict[Path, bytes]) -> None:
    """Write every file of one folder, or none (see the module's description)."""
    folders = {target.parent for target in files}
    if len(folders) != 1:
        raise ValueError(f"a set of files is written to one folder, not {sorted(folders)}")
    folder = folders.pop()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with _locked(folder):
            _finish_journal(folder)
            staged = _stage(folder, files)
            _commit(folder, staged)
    except OSError as error:
        raise UserError(f"无法写出文件：{error.strerror}", file=error.filename or folder) from None


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    handle = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


def _stage(folder: Path, files: dict[Path, bytes]) -> list[tuple[str, str]]:
    """Each file written in full to a temporary file and fsynced; on failure none is left."""
    staged: list[tuple[str, str]] = []
    try:
        for target, content in files.items():
            handle, temporary = tempfile.mkstemp(dir=folder, prefix=TEMPORARY)
            staged.append((Path(temporary).name, target.name))
            with os.fdopen(handle, "wb") as stream:
                stream.write(content)
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(temporary, 0o644)
    except BaseException:
        for temporary, _ in staged:
            (folder / temporary).unlink(missing_ok=True)
        raise
    return staged


def _commit(folder: Path, staged: list[tuple[str, str]]) -> None:
    """The journal made durable, then the renames, then the journal removed."""
    journal = folder / JOURNAL
    pending = folder / (JOURNAL + ".new")
    pending.write_text(json.dumps(staged), encoding="utf-8")
    with open(pending, "rb") as stream:
        os.fsync(stream.fileno())
    os.replace(pending, journal)
    _sync(folder)
    _finish_journal(folder)


def _finish_journal(folder: Path) -> None:
    """Complete the renames a journal names (a run killed half-way), then drop it and any
    staged file no journal names."""
    journal = folder / JOURNAL
    if journal.exists():
        for temporary, target in json.loads(journal.read_text(encoding="utf-8")):
            if (folder / temporary).exists():
                os.replace(folder / temporary, folder / target)
        _sync(folder)
        journal.unlink()
    for leftover in folder.glob(TEMPORARY + "*"):
        leftover.unlink()
    (folder / (JOURNAL + ".new")).unlink(missing_ok=True)
    _sync(folder)


def _sync(folder: Path) -> None:
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
