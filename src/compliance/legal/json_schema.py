"""JSON Schemas for contract and facts files, generated from the models that validate them, so
an editor (VS Code with the YAML extension, any yaml-language-server client) completes and
checks a file as it is typed.

The contract schema gives every clause rule's ``params`` the parameters of its kind (from
``rules/<kind>.yaml``, with each parameter's ``doc``). The facts schema checks the shape of a
month; what depends on the contract (its event types, ratings, tranches) is checked by
``compliance settle``. ``compliance schema`` writes both into ``docs/schema/``; the test suite
fails when the files there are stale.
"""
from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

from compliance.engine import kinds
from compliance.model.contract import Contract
from compliance.model.facts import PeriodFacts
from compliance.paths import ROOT

SCHEMA_DIR = ROOT / "docs" / "schema"
DRAFT = "https://json-schema.org/draft/2020-12/schema"


def _rule_schema(definitions: dict[str, Any]) -> dict[str, Any]:
    """A clause rule: ``kind`` one of the kinds, ``params`` that kind's parameters (the models
    they share, such as FlagSpec, moved into ``definitions``)."""
    registry = kinds.registry()
    branches = []
    for name, kind in sorted(registry.items()):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a default of [] is left out of the schema: fine
            params = kind.params_model.model_json_schema()
        definitions.update(params.pop("$defs", {}))
        for param, spec in kind.spec.params.items():
            params["properties"][param]["description"] = spec.doc
        params.pop("title", None)
        branches.append({"if": {"properties": {"kind": {"const": name}}},
                         "then": {"properties": {"params": params},
                                  "description": kind.spec.summary}})
    return {"type": "object", "additionalProperties": False, "required": ["kind"],
            "properties": {"kind": {"enum": sorted(registry), "description": "条款类型（rules/ 中定义）"},
                           "params": {"type": "object"}},
            "allOf": branches}


def contract_schema() -> dict[str, Any]:
    schema = Contract.model_json_schema()
    schema["$defs"]["RuleSpec"] = _rule_schema(schema["$defs"])
    return {"$schema": DRAFT, "title": "compliance 合同编码", **schema}


def facts_schema() -> dict[str, Any]:
    """The month's shape. An event also takes the fields its contract declares on its type
    (``event_types.<type>.fields``, a score, a time of day) as keys of its own, checked by
    ``compliance settle``; ``measures`` is where they are kept once read, not a key to write."""
    schema = PeriodFacts.model_json_schema()
    event = schema["$defs"]["Event"]
    event["properties"].pop("measures")
    event["additionalProperties"] = {
        "type": ["number", "string"],
        "description": "合同为该事件类型声明的字段（event_types.<类型>.fields），如 score: 68"}
    return {"$schema": DRAFT, "title": "compliance 月度事实", **schema}


def schema_files() -> dict[Path, bytes]:
    """Each schema file and its bytes: sorted keys, so the same models give the same bytes."""
    return {SCHEMA_DIR / name: (json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True)
                                + "\n").encode("utf-8")
            for name, schema in (("contract.schema.json", contract_schema()),
                                 ("facts.schema.json", facts_schema()))}


def stale_files() -> list[Path]:
    """The schema files missing or differing from what the models generate."""
    return [path for path, content in schema_files().items()
            if not path.exists() or path.read_bytes() != content]
