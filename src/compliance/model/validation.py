"""Turn pydantic validation errors into UserErrors that name file, line and field."""
from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from compliance.model import sourceyaml
from compliance.errors import UserError

Model = TypeVar("Model", bound=BaseModel)


def _field_name(location: tuple[Any, ...]) -> str:
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _allowed_keys(model: type[BaseModel], location: tuple[Any, ...]) -> str | None:
    """The keys a mapping at ``location`` may have, when the location names a model."""
    current: Any = model
    for part in location[:-1]:
        if isinstance(part, int):
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return None
        annotation = field.annotation
        args = getattr(annotation, "__args__", ())
        current = next((a for a in (annotation, *args) if hasattr(a, "model_fields")), None)
        if current is None:
            return None
    fields = getattr(current, "model_fields", None)
    return ", ".join(fields) if fields else None


def _describe(model: type[BaseModel], error: dict[str, Any]) -> tuple[str, str | None]:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown key", _allowed_keys(model, tuple(error["loc"]))
    if kind == "missing":
        return "required field is missing", None
    if kind.startswith("date"):
        return f"not a real date: {error.get('input')!r}", "a calendar date written YYYY-MM-DD"
    return error["msg"].removeprefix("Value error, "), None


def validate(
    model: type[Model],
    document: Any,
    path: Path,
    context: dict | None = None,
    at: tuple[Any, ...] = (),
    root: Any = None,
) -> Model:
    """Validate a loaded YAML document (or the part of ``root`` found ``at``).

    Every error names its line and its field, counted from the file's top.
    """
    try:
        return model.model_validate(document, context=context)
    except ValidationError as failure:
        problems = []
        for error in failure.errors():
            message, valid = _describe(model, error)
            location = at + tuple(error["loc"])
            problems.append(
                UserError(
                    message,
                    file=path,
                    line=sourceyaml.line_of(document if root is None else root, location),
                    field=_field_name(location) or None,
                    valid=valid,
                )
            )
        first, rest = problems[0], problems[1:]
        if rest:
            first.message += "".join(f"\n  also {problem}" for problem in rest)
        raise first from None
