"""A pytest plugin for ``compliance coverage``: records every BDD scenario that runs — its
feature file, name, tags and whether it passed — into the JSON file named by
``--scenario-results``. Loaded with ``-p compliance.legal.scenario_results``; inert otherwise.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

SCENARIO = pytest.StashKey[dict]()
RESULTS = pytest.StashKey[list]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--scenario-results", default=None, metavar="FILE",
                     help="把每个 BDD 场景的 feature、名称、标签和结果写入 FILE（JSON）")


def pytest_configure(config: pytest.Config) -> None:
    config.stash[RESULTS] = []


def pytest_bdd_before_scenario(request, feature, scenario) -> None:
    request.node.stash[SCENARIO] = {"feature": Path(feature.filename).name, "name": scenario.name,
                                    "line": scenario.line_number, "tags": sorted(scenario.tags),
                                    "outcome": "passed"}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    report = (yield).get_result()
    record = item.stash.get(SCENARIO, None)
    if record is None:
        return
    if report.failed:
        record["outcome"] = "failed"
    if report.when == "teardown":
        item.config.stash[RESULTS].append(record)


def pytest_sessionfinish(session: pytest.Session) -> None:
    target = session.config.getoption("--scenario-results")
    if target is None:
        return
    records = sorted(session.config.stash[RESULTS], key=lambda r: (r["feature"], r["line"]))
    temporary = f"{target}.tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(records, handle, ensure_ascii=False, indent=1)
    os.replace(temporary, target)
