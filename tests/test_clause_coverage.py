"""Every clause accounted for: in the YAML, verbatim from the signed text, and exercised.

* each article and numbered sub-clause of the seed appears in the contract YAML;
* each YAML clause text is a verbatim excerpt of the seed (whitespace aside; 〔…〕 marks
  an omission such as bank details);
* each clause that moves money, sets a date or gives a right has a scenario tagged
  @clause-<id> in features/<contract>.feature (and the suite runs those scenarios);
* each tag names a clause that exists, so a typo does not count as coverage.
"""
from __future__ import annotations

import re

import pytest

from compliance.contract import load_contract

from conftest import CONTRACTS, FEATURES, SEEDS

CONTRACT_FILES = sorted(CONTRACTS.glob("*.yaml"))
CN_NUMBERS = "一二三四五六七八九十"


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _article_number(numeral: str) -> int:
    if numeral == "十":
        return 10
    if numeral.startswith("十"):
        return 10 + CN_NUMBERS.index(numeral[1]) + 1
    return CN_NUMBERS.index(numeral) + 1


def seed_clause_ids(text: str) -> set[str]:
    """Article (第N条) and dotted clause numbers that start a line of the signed text."""
    ids = set()
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        article = re.match(r"^第([一二三四五六七八九十]+)条", line)
        dotted = re.match(r"^(\d+(?:\.\d+)+)", line)
        if article:
            ids.add(str(_article_number(article.group(1))))
        elif dotted:
            ids.add(dotted.group(1))
    return ids


def _tags(contract_id: str) -> set[str]:
    feature = FEATURES / f"{contract_id}.feature"
    return set(re.findall(r"@clause-([0-9.()]+)", feature.read_text("utf-8"))) if feature.exists() else set()


@pytest.fixture(params=CONTRACT_FILES, ids=lambda path: path.stem)
def loaded(request):
    return load_contract(request.param)


@pytest.fixture
def seed_text(loaded) -> str:
    """The signed text, from ../shared/seeds beside the clone (where CI puts it)."""
    path = SEEDS / loaded.contract.seed
    if not SEEDS.is_dir():
        pytest.skip(f"the signed texts are not beside this clone ({SEEDS} is absent)")
    return path.read_text("utf-8")


def test_every_numbered_clause_of_the_seed_is_encoded(loaded, seed_text):
    seed = seed_text
    encoded = {clause.id for clause in loaded.contract.clauses}
    missing = seed_clause_ids(seed) - encoded
    assert not missing, f"clauses in the signed text but not in the YAML: {sorted(missing)}"


def test_every_clause_text_is_verbatim_from_the_seed(loaded, seed_text):
    seed = _squash(seed_text)
    reworded = [clause.id for clause in loaded.contract.clauses
                if not all(_squash(piece) in seed for piece in clause.text.split("〔…〕"))]
    assert not reworded, f"clause texts that are not verbatim excerpts of the seed: {reworded}"


def test_every_money_date_or_right_clause_has_a_tagged_scenario(loaded):
    needed = {c.id for c in loaded.contract.clauses if c.effect in ("money", "date", "right")}
    uncovered = needed - _tags(loaded.contract.id)
    assert not uncovered, f"clauses with no @clause- scenario: {sorted(uncovered)}"


def test_every_tag_names_an_existing_clause(loaded):
    unknown = _tags(loaded.contract.id) - {clause.id for clause in loaded.contract.clauses}
    assert not unknown, f"tags naming no clause of {loaded.contract.id}: {sorted(unknown)}"


def test_the_seed_scanner_finds_articles_and_sub_clauses():
    ids = seed_clause_ids("第十一条 附则\n11.1 本合同\n## 第二条 x\n#### 2.2.4 提供\n1. 巡查")
    assert ids == {"11", "11.1", "2", "2.2.4"}
