"""Turn pydantic validation errors into UserErrors that name file, line and field."""
from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from compliance.model import sourceyaml
from compliance.errors import UserError, all_of

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
    fields = [name for name in getattr(current, "model_fields", None) or ()
              if name not in INTERNAL_KEYS]
    return ", ".join(fields) if fields else None


INTERNAL_KEYS = frozenset({"measures"})
"""Fields a model fills itself and a file never writes (an event's declared values, read from
keys of their own): not offered as valid keys."""


_MESSAGES = {
    "missing": "缺少必填字段",
    "int_type": "须是整数", "int_parsing": "须是整数", "int_from_float": "须是整数",
    "bool_type": "须是 true 或 false", "bool_parsing": "须是 true 或 false",
    "string_type": "须是文字", "list_type": "须是列表（每项以 - 开头）",
    "dict_type": "须是映射（键: 值）", "model_type": "须是映射（键: 值）",
    "model_attributes_type": "须是映射（键: 值）", "decimal_type": "须是数字",
    "frozen_set_type": "须是列表", "set_type": "须是列表", "tuple_type": "须是列表",
    "date_from_datetime_inexact": "须是日期，不带时刻",
    "float_type": "须是数字", "float_parsing": "须是数字", "decimal_parsing": "须是数字",
    "none_required": "须留空", "enum": "不是可用的值",
}
"""What pydantic's error types say, in the words a clerk reads."""


def _describe(model: type[BaseModel], error: dict[str, Any]) -> tuple[str, str | None]:
    kind, context = error["type"], error.get("ctx") or {}
    if kind == "extra_forbidden":
        return "未知的键", _allowed_keys(model, tuple(error["loc"]))
    if kind.startswith("date"):
        return f"不是有效日期：{error.get('input')!r}", "写作 YYYY-MM-DD 的日期"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = {"greater_than_equal": "不小于", "greater_than": "大于",
                 "less_than_equal": "不大于", "less_than": "小于"}[kind]
        limit = next(iter(context.values()), "")
        return f"须{bound} {limit}（此处为 {error.get('input')!r}）", None
    if kind == "string_pattern_mismatch":
        return f"格式不对：{error.get('input')!r}", None
    if kind in ("too_short", "too_long", "string_too_short", "string_too_long"):
        unit = "个字符" if kind.startswith("string") else "项"
        if kind.endswith("short"):
            return f"至少 {context.get('min_length')} {unit}", None
        return f"至多 {context.get('max_length')} {unit}", None
    if kind == "literal_error":
        return f"不是可用的值：{error.get('input')!r}", context.get("expected")
    if kind == "value_error":
        return error["msg"].removeprefix("Value error, "), None
    return _MESSAGES.get(kind, error["msg"]), None


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
        raise all_of(problems) from None
