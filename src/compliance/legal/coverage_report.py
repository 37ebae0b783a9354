"""The clause-coverage report as a lawyer reads it: a terminal table, and an HTML page that
opens offline (no external files; a few lines of inline script for the filters) and prints,
with each contract article by article: each clause's verbatim text, its encoding in Chinese,
the scenarios that exercise it and the reading chosen where the wording is open."""
from __future__ import annotations

import re
from typing import Any

from compliance.render.templates import TEMPLATES

from compliance.model.numbering import chinese_numeral
from compliance.render import textable

MARKS = {"covered": "✓", "failing": "✗", "uncovered": "缺", "exercised": "·", "not_required": ""}


def print_coverage(reports: list[dict[str, Any]]) -> None:
    """One table per contract, then one summary line per contract."""
    for report in reports:
        print(f"{report['short_name']}（{report['contract']}）{report['title']}")
        rows = [[c["id"], textable.clip(c["title"], 24), c["effect_label"],
                 textable.clip("；".join(_kinds(c)), 34), _scenarios(c),
                 "有" if c["interpretation"] else ""] for c in report["clauses"]]
        print(textable.render(["条款", "标题", "类别", "编码", "场景", "解释"], rows))
        for item in report["unknown_tags"]:
            print(f"  ✗ {item['tag']} 不是本合同的条款（场景：{item['scenario']}）")
        print()
    for report in reports:
        print(report["summary_text"])


def _kinds(clause: dict[str, Any]) -> list[str]:
    """The rule kinds, or what else executes the clause, in a few words."""
    return [item.get("kind") or ("结构：" + item["executed_by"] if "executed_by" in item else "不计金额")
            for item in clause["encoding"]]


def _scenarios(clause: dict[str, Any]) -> str:
    runs = clause["scenarios"]
    passed = sum(run["passed"] for run in runs)
    mark = MARKS[clause["status"]]
    if not runs:
        return mark
    return f"{mark} {passed}/{len(runs)}"


PAGE_STATUS = {"covered": "已覆盖", "uncovered": "未覆盖", "failing": "有失败", "not_required": "无需场景"}
"""The status a clause shows on the page; a clause that needs no scenario but has some shows
已覆盖 or 有失败 by their outcome."""


_ARTICLE = re.compile(r"^(附件[0-9]*|[0-9]+|[一二三四五六七八九十]+)")


def html(reports: list[dict[str, Any]]) -> bytes:
    """The whole report as one self-contained HTML page (``templates/coverage.html``): a summary
    per contract, then each contract article by article, each clause with its verbatim text, the
    Chinese gloss of its encoding, its interpretation, scenarios and status; filters by contract,
    clause and status (inline script), and a print stylesheet. Same reports, same bytes."""
    page = TEMPLATES.get_template("coverage.html").render(
        reports=[{**report, "articles": articles(report)} for report in reports],
        statuses=PAGE_STATUS)
    return (page.rstrip("\n") + "\n").encode("utf-8")


def article_of(clause_id: str) -> str:
    """The article a clause belongs to, by its top-level number: 4.6.1 → 4, 五(二)1 → 五,
    9.2(3) → 9, 附件2.三 → 附件2, 附件.四(1) → 附件."""
    match = _ARTICLE.match(clause_id)
    return match.group(1) if match else clause_id


def article_heading(article: str, title: str | None) -> str:
    """第四条 甲方权利和义务 (dotted numbering), 五、违约责任 (Chinese), 附件2 项目计划书."""
    if article.isdigit():
        label = f"第{chinese_numeral(int(article))}条"
    elif article.startswith("附件"):
        label = article
    else:
        label = f"{article}、"
    return label + (("" if label.endswith("、") else " ") + title if title else "")


def articles(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The contract's clauses grouped by article, in the contract's order, each clause with what
    the page shows of it."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for clause in report["clauses"]:
        grouped.setdefault(article_of(clause["id"]), []).append(_page_clause(report, clause))
    titles = {clause["id"]: clause["title"] for clause in report["clauses"]}
    return [{"article": article, "heading": article_heading(article, titles.get(article)),
             "anchor": f"{report['contract']}--{article}", "clauses": clauses}
            for article, clauses in grouped.items()]


def _page_clause(report: dict[str, Any], clause: dict[str, Any]) -> dict[str, Any]:
    feature = report["feature"] or f"features/{report['contract']}.feature"
    status = clause["status"]
    if status == "exercised":
        status = "covered" if all(run["passed"] for run in clause["scenarios"]) else "failing"
    reasons = [item["reason"] for item in clause["encoding"] if "reason" in item]
    return {**clause, "page_status": status, "page_status_label": PAGE_STATUS[status],
            "reason": "；".join(reasons),
            "scenarios": [{**run, "where": f"{feature}:{run['line']}"} for run in clause["scenarios"]]}
