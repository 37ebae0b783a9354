"""Clause coverage for lawyers: is every clause of the signed text encoded, is every clause that
moves money, sets a date or gives a right exercised by a passing scenario, and which reading
of ambiguous wording was chosen.

The scenarios are the BDD features in ``features/<contract>.feature``, each tagged with the
clauses it exercises (``@clause-4.6.1``). ``run_scenarios`` runs them with pytest-bdd and
records each scenario's outcome; ``contract_coverage`` lines them up against the clauses.
A tag that names no clause of the contract is reported, never counted as coverage.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from compliance.model.contract import Clause
from compliance.engine.loading import LoadedContract
from compliance.errors import UserError
from compliance.model.fieldtypes import EFFECT_LABELS
from compliance.engine.kinds.base import Rule
from compliance.model.numbering import TAG_ID
from compliance.paths import FEATURES_DIR, ROOT, TESTS_DIR

TAG = re.compile(rf"^clause-({TAG_ID})$")
NEEDS_SCENARIO = ("money", "date", "right")
STATUS_LABELS = {"covered": "已覆盖", "failing": "场景失败", "uncovered": "缺少场景",
                 "exercised": "有场景", "not_required": "无需场景"}


@dataclass(frozen=True)
class ScenarioRun:
    """One scenario of a feature file as it ran: its tags and whether it passed."""

    feature: str
    name: str
    line: int
    tags: tuple[str, ...]
    passed: bool

    def clauses(self) -> list[str]:
        return [match.group(1) for tag in self.tags if (match := TAG.match(tag))]


def run_scenarios() -> list[ScenarioRun]:
    """Run every feature with pytest-bdd (the steps in ``tests/test_features.py``) and
    return each scenario's outcome."""
    steps = TESTS_DIR / "test_features.py"
    if not steps.is_file():
        raise UserError("本安装旁没有 BDD 场景的步骤定义", file=steps,
                        valid="在仓库的克隆中运行")
    with tempfile.TemporaryDirectory() as folder:
        results = Path(folder) / "scenarios.json"
        command = [sys.executable, "-m", "pytest", str(steps), "-q", "-p", "no:cacheprovider",
                   "-p", "compliance.legal.scenario_results", f"--scenario-results={results}",
                   "-o", "addopts="]
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        if not results.is_file():
            raise UserError("无法运行场景：" + _last_lines(done),
                            field="pytest", valid="pip install -e '.[test]'（pytest、pytest-bdd）")
        records = json.loads(results.read_text("utf-8"))
    return [ScenarioRun(r["feature"], r["name"], r["line"], tuple(r["tags"]),
                        r["outcome"] == "passed") for r in records]


def _last_lines(done: subprocess.CompletedProcess) -> str:
    lines = (done.stdout + done.stderr).strip().splitlines()
    return " / ".join(lines[-3:]) or f"pytest 以状态 {done.returncode} 退出"


def contract_coverage(loaded: LoadedContract, runs: list[ScenarioRun]) -> dict[str, Any]:
    """Every clause of the contract with its encoding, scenarios and interpretation, the tags
    that name no clause, and the summary a lawyer reads first."""
    from compliance.legal.literate import encoding_lines  # literate imports this module

    contract = loaded.contract
    feature = f"{contract.id}.feature"
    mine = [run for run in runs if run.feature == feature]
    ids = {clause.id for clause in contract.clauses}
    clauses = [_clause_row(clause, encoding(clause, loaded.rules),
                           [run for run in mine if clause.id in run.clauses()],
                           [line.removeprefix("    ") for line in encoding_lines(loaded, clause)])
               for clause in contract.clauses]
    unknown = sorted({(tag, run.name) for run in mine for tag in run.clauses() if tag not in ids})
    needing = [c for c in clauses if c["effect"] in NEEDS_SCENARIO]
    summary = {"clauses": len(clauses), "money_date_right": len(needing),
               "covered": sum(c["status"] == "covered" for c in needing),
               "failing": sum(c["status"] == "failing" for c in needing),
               "uncovered": sum(c["status"] == "uncovered" for c in needing),
               "unknown_tags": len(unknown), "scenarios": len(mine),
               "interpretations": sum(c["interpretation"] is not None for c in clauses)}
    return {"contract": contract.id, "short_name": contract.short_name, "title": contract.title,
            "feature": f"features/{feature}" if (FEATURES_DIR / feature).is_file() else None,
            "summary": summary, "summary_text": summary_text(contract.short_name, summary),
            "complete": not (summary["failing"] or summary["uncovered"] or unknown),
            "unknown_tags": [{"tag": f"@clause-{tag}", "scenario": name} for tag, name in unknown],
            "clauses": clauses}


def summary_text(name: str, summary: dict[str, int]) -> str:
    """高米店：共 76 条，涉及金钱、期限或权利 21 条，已覆盖 21 条，未通过 0 条（及缺口）."""
    text = (f"{name}：共 {summary['clauses']} 条，涉及金钱、期限或权利 "
            f"{summary['money_date_right']} 条，已覆盖 {summary['covered']} 条，"
            f"未通过 {summary['failing']} 条")
    if summary["uncovered"]:
        text += f"，没有场景 {summary['uncovered']} 条"
    if summary["unknown_tags"]:
        text += f"，{summary['unknown_tags']} 个标签不指向任何条款"
    return text


def _clause_row(clause: Clause, encoded: list[dict[str, Any]], runs: list[ScenarioRun],
                gloss: list[str]) -> dict[str, Any]:
    """``gloss``: the encoding in Chinese as ``compliance show`` gives it, one line each."""
    return {"id": clause.id, "title": clause.title, "effect": clause.effect,
            "effect_label": EFFECT_LABELS[clause.effect], "text": clause.text,
            "encoding": encoded, "gloss": gloss, "interpretation": clause.interpretation,
            "scenarios": [{"name": run.name, "line": run.line, "passed": run.passed} for run in runs],
            "status": _status(clause, runs)}


def _status(clause: Clause, runs: list[ScenarioRun]) -> str:
    if clause.effect not in NEEDS_SCENARIO:
        return "exercised" if runs else "not_required"
    if not runs:
        return "uncovered"
    return "covered" if all(run.passed for run in runs) else "failing"


def encoding(clause: Clause, rules: list[Rule]) -> list[dict[str, Any]]:
    """How the clause is executed: its rules (kind, title, parameters as validated), the part
    of the contract's structure that executes it, or why it moves no money."""
    found: list[dict[str, Any]] = [
        {"rule": rule.id, "kind": rule.kind, "title": rule.title, "params": rule.param_json()}
        for rule in rules if rule.clause == clause.id]
    if clause.executed_by:
        found.append({"executed_by": clause.executed_by})
    if clause.reason:
        found.append({"reason": clause.reason})
    return found


def param_text(value: Any) -> str:
    """A rule parameter as a lawyer reads it: ``[zero_point_order]``, ``{kind: interview, …}``
    (unset fields left out)."""
    if isinstance(value, list):
        return "[" + ", ".join(param_text(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {param_text(v)}" for k, v in value.items() if v is not None) + "}"
    return str(value)
