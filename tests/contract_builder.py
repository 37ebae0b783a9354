"""Small synthetic contracts for unit tests, written as YAML files like the real ones."""
from __future__ import annotations

import copy
from datetime import date
from pathlib import Path

import yaml

BASE = {
    "id": "test-contract",
    "title": "测试合同",
    "short_name": "测试",
    "seed": "none",
    "parties": {"buyer": "甲方", "vendor": "乙方"},
    "signed": date(2025, 1, 31),
    "term": {"start": date(2025, 1, 31), "end": date(2026, 1, 30), "clause": "1"},
    "total_price": {"amount": 4200000, "clause": "2"},
    "fees": [{"id": "fee", "label": "服务费", "monthly": 350000, "clause": "2"}],
    "payment": {"cycle_months": 3, "clause": "2"},
    "ratings": ["优秀", "良好", "待提升"],
    "event_types": {"zero_point_order": {"label": "0分工单", "unit": "件"}},
    "clauses": [
        {"id": "1", "title": "期限", "text": "期限", "effect": "date", "executed_by": "term"},
        {"id": "2", "title": "价款", "text": "价款", "effect": "money", "executed_by": "fees"},
        {"id": "4.6", "title": "考核", "text": "考核", "effect": "informational", "reason": "总则"},
        {"id": "4.6.1", "title": "工单", "text": "工单", "effect": "money", "rules": [
            {"kind": "per_occurrence",
             "params": {"event_types": ["zero_point_order"], "unit_amount": 5000}}]},
        {"id": "4.6.5", "title": "解除", "text": "解除", "effect": "right", "rules": [
            {"kind": "ratio_threshold", "params": {
                "clause_prefix": "4.6", "ratio": "0.20", "base": "monthly_fee",
                "flags": [{"kind": "termination_right", "consequence": "甲方有权解除合同"}]}}]},
    ],
}


def write_contract(folder: Path, changes=None, text: str | None = None) -> Path:
    """Write the base contract (optionally changed by ``changes(document)``) and return its path."""
    path = folder / "test-contract.yaml"
    if text is not None:
        path.write_text(text, "utf-8")
        return path
    document = copy.deepcopy(BASE)
    if changes:
        changes(document)
    rendered = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    rendered = rendered.replace("ratio: '0.20'", "ratio: 0.20")
    path.write_text(rendered, "utf-8")
    return path
