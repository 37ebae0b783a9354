"""The clause kinds: their definitions in ``rules/*.yaml`` and their code in this package.

A kind's YAML file gives its title, its plain-language summary and its typed
parameters; the module of the same name gives ``when`` (the durable-rules
condition) and ``then`` (the lines and flags it produces), and optionally
``counters`` (what the engine must count for it) and ``subtotals`` (which clause
groups it needs summed).
"""
from __future__ import annotations

import importlib
from functools import cache, cached_property
from types import ModuleType
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, create_model

from compliance.model import sourceyaml
from compliance.model import validation
from compliance.errors import UserError
from compliance.model.fieldtypes import PARAM_TYPES, Strict
from compliance.paths import RULES_DIR


class ParamSpec(Strict):
    type: Literal[tuple(PARAM_TYPES)]  # type: ignore[valid-type]
    doc: str
    default: Any = None


class KindSpec(Strict):
    kind: str
    title: str
    summary: str
    produces: list[Literal["deduction", "flag", "tranche", "check", "owed_by_buyer", "milestone",
                            "standing"]]
    params: dict[str, ParamSpec]


class Kind:
    """A clause kind: its definition, its parameter model and its code. The model is built and
    the module imported the first time a contract uses the kind, so a command pays only for
    the kinds its contract has."""

    def __init__(self, spec: KindSpec) -> None:
        self.spec = spec

    @cached_property
    def params_model(self) -> type[BaseModel]:
        return _params_model(self.spec)

    @cached_property
    def module(self) -> ModuleType:
        return importlib.import_module(f"{__name__}.{self.spec.kind}")


def _params_model(spec: KindSpec) -> type[BaseModel]:
    fields: dict[str, Any] = {}
    for name, param in spec.params.items():
        annotation = PARAM_TYPES[param.type]
        if "default" in param.model_fields_set:
            if param.default is None:
                annotation = annotation | None
            fields[name] = (annotation, param.default)
        else:
            fields[name] = (annotation, ...)
    config = ConfigDict(extra="forbid", strict=True, frozen=True)
    return create_model(f"{spec.kind}_params", __config__=config, **fields)


@cache
def registry() -> dict[str, Kind]:
    """Every kind defined in ``rules/``, loaded once per process."""
    kinds = {}
    for path in sorted(RULES_DIR.glob("*.yaml")):
        document = sourceyaml.load(path)
        spec = validation.validate(KindSpec, document, path)
        if spec.kind != path.stem:
            raise UserError(f"条款类型 {spec.kind!r} 须定义在 {spec.kind}.yaml 中", file=path)
        kinds[spec.kind] = Kind(spec)
    return kinds
