"""A statement's files: ``<out>/<contract id>/<stem>.json`` and ``.pdf``, written as one set."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from compliance.model.contract import Contract
from compliance.render import output
from compliance.render import pdf
from compliance.render.seal import sealed_json


def write_statement(out: Path, contract: Contract, stem: str,
                    statement: dict[str, Any]) -> dict[Path, bytes]:
    """Render the PDF, then write the JSON (sealed) and the PDF together (both or neither);
    each path written with its bytes (the JSON first)."""
    folder = out / contract.id
    files = {folder / f"{stem}.json": sealed_json(statement),
             folder / f"{stem}.pdf": pdf.render(statement, contract)}
    output.write_all(files)
    return files
