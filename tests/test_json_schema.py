"""The JSON Schemas editors check contracts and facts files with: current, and true to the
bundled files."""
import datetime
import decimal

import pytest
from conftest import CONTRACTS, EXAMPLES

from compliance.legal import json_schema
from compliance.model import sourceyaml

jsonschema = pytest.importorskip("jsonschema")
FACTS_FILES = sorted(EXAMPLES.glob("*/*.yaml"))


def _plain(value):
    """A loaded YAML document as an editor's YAML 1.2 reader sees it: dates as text."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


def _problems(schema, path):
    validator = jsonschema.Draft202012Validator(schema)
    return [error.message for error in validator.iter_errors(_plain(sourceyaml.load(path)))]


def test_the_schemas_in_docs_are_generated_from_the_current_models():
    assert json_schema.stale_files() == [], "run: compliance schema"


@pytest.mark.parametrize("path", sorted(CONTRACTS.glob("*.yaml")), ids=lambda path: path.stem)
def test_every_bundled_contract_is_valid_under_the_contract_schema_and_names_it(path):
    assert _problems(json_schema.contract_schema(), path) == []
    assert path.read_text("utf-8").startswith(
        "# yaml-language-server: $schema=../docs/schema/contract.schema.json\n")


@pytest.mark.parametrize("path", FACTS_FILES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_every_bundled_facts_file_is_valid_and_names_its_schema(path):
    assert _problems(json_schema.facts_schema(), path) == []
    assert path.read_text("utf-8").startswith(
        "# yaml-language-server: $schema=../../docs/schema/facts.schema.json\n")


def test_a_misspelt_parameter_and_a_negative_amount_are_caught_as_one_types(tmp_path):
    contract = (CONTRACTS / "gaomidian-2025.yaml").read_text("utf-8")
    edited = tmp_path / "c.yaml"
    edited.write_text(contract.replace("unit_amount:", "unit_amont:", 1), "utf-8")
    assert any("unit_amont" in problem for problem in _problems(json_schema.contract_schema(), edited))
    facts = tmp_path / "f.yaml"
    facts.write_text("contract: x\nperiod: 2\nevents:\n  - {type: a, date: 2025-12-01, amount: -5}\n",
                     "utf-8")
    assert any("minimum" in problem or "-5" in problem
               for problem in _problems(json_schema.facts_schema(), facts))
