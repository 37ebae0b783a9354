"""Writing statements: JSON and PDF side by side, atomically, or not at all."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from compliance.errors import UserError


def statement_json(statement: dict[str, Any]) -> bytes:
    """The statement as UTF-8 JSON; same statement, same bytes."""
    return (json.dumps(statement, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write_all(files: dict[Path, bytes]) -> None:
    """Write every file, or none: each goes to a temporary file first, then all are renamed."""
    staged: list[tuple[str, Path]] = []
    try:
        for target, content in files.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
            staged.append((temporary, target))
            with os.fdopen(handle, "wb") as stream:
                stream.write(content)
            os.chmod(temporary, 0o644)
        for temporary, target in staged:
            os.replace(temporary, target)
    except OSError as error:
        for temporary, _ in staged:
            if os.path.exists(temporary):
                os.unlink(temporary)
        raise UserError(f"cannot write output: {error.strerror}", file=error.filename) from None
