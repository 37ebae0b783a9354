"""YAML loading that remembers where every value came from.

Facts and contracts are validated after loading; to report "file:line field"
the loader keeps the line of every mapping key and list item. Floats are read
as Decimal from their written text, so money never passes through a binary float.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from compliance.errors import UserError


class LocatedDict(dict):
    """A mapping with the 1-based source line of each key in ``lines``."""

    lines: dict[Any, int]


class LocatedList(list):
    """A sequence with the 1-based source line of each item in ``lines``."""

    lines: list[int]


class _Loader(yaml.SafeLoader):
    """SafeLoader that builds Located containers and Decimal floats."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LocatedDict:
    loader.flatten_mapping(node)
    result = LocatedDict()
    result.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LocatedList:
    result = LocatedList(loader.construct_object(child, deep=True) for child in node.value)
    result.lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _construct_decimal(loader: _Loader, node: yaml.ScalarNode) -> Decimal:
    text = loader.construct_scalar(node).replace("_", "")
    return Decimal(text)


def _construct_date(loader: _Loader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        raise yaml.constructor.ConstructorError(
            None, None, f"not a real date: {node.value} (write a calendar date as YYYY-MM-DD)",
            node.start_mark,
        ) from None


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_date)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


def load(path: Path) -> Any:
    """Parse one YAML file; a syntax error becomes a UserError with its line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise UserError(f"cannot read file: {error.strerror}", file=path) from None
    except UnicodeDecodeError:
        raise UserError("file is not UTF-8 text", file=path) from None
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        problem = error.problem or str(error)
        label = problem if problem.startswith("not a real date") else f"YAML syntax error: {problem}"
        raise UserError(label, file=path, line=line) from None
    except yaml.YAMLError as error:
        raise UserError(f"YAML syntax error: {error}", file=path) from None


def line_of(document: Any, location: tuple[Any, ...]) -> int | None:
    """The source line of the deepest part of ``location`` found in ``document``."""
    line = None
    node = document
    for part in location:
        if isinstance(node, LocatedDict) and part in node:
            line = node.lines[part]
            node = node[part]
        elif isinstance(node, LocatedList) and isinstance(part, int) and 0 <= part < len(node):
            line = node.lines[part]
            node = node[part]
        else:
            break
    return line
