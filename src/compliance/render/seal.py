"""A statement's seal: the sha256 of its own JSON, written as its last key, so a statement
changed by hand after it was written (an amount edited, a line removed) no longer matches and
``compliance diff`` refuses to compare it. The seal does not prove who wrote a statement —
the register does that — it makes an edit visible."""
from __future__ import annotations

import hashlib
from typing import Any

from compliance.render.output import statement_json

SEAL = "seal_sha256"


def sealed_json(statement: dict[str, Any]) -> bytes:
    """The statement's JSON with its seal; same statement, same bytes."""
    unsealed = {key: value for key, value in statement.items() if key != SEAL}
    return statement_json({**unsealed, SEAL: hashlib.sha256(statement_json(unsealed)).hexdigest()})


def seal_holds(document: dict[str, Any]) -> bool:
    """Whether a statement read back is as it was written (one without a seal, written before
    statements were sealed, is taken as it is)."""
    if SEAL not in document:
        return True
    return sealed_json(document) == statement_json(document)
