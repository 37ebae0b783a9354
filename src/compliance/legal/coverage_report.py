"""The clause-coverage report as a lawyer reads it: a terminal table, and an HTML page that
opens offline (no scripts, no external styles) with each clause's verbatim text, its encoding,
the scenarios that exercise it and the reading chosen where the wording is open."""
from __future__ import annotations

from html import escape
from typing import Any

from compliance.render import textable
from compliance.legal.coverage import STATUS_LABELS, encoding_text

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


STYLE = """
body { font-family: "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", sans-serif;
       margin: 2em; color: #222; }
table { border-collapse: collapse; width: 100%; margin-bottom: 2em; }
th, td { border: 1px solid #bbb; padding: 4px 6px; vertical-align: top; font-size: 13px; }
th { background: #f0f0f0; }
.text { white-space: pre-wrap; }
.covered { background: #eef8ee; } .failing, .uncovered { background: #fbeaea; }
.summary { font-weight: bold; }
td:nth-child(1), td:nth-child(2) { white-space: nowrap; }
code { font-size: 12px; }
"""


def html(reports: list[dict[str, Any]]) -> bytes:
    """The whole report as one self-contained HTML page; same reports, same bytes."""
    parts = ["<!DOCTYPE html>", '<html lang="zh-CN"><head><meta charset="utf-8">',
             "<title>条款覆盖报告</title>", f"<style>{STYLE}</style></head><body>",
             "<h1>条款覆盖报告</h1>",
             "<p>每个合同的每一条款：原文、编码（规则类型与参数，或不计金额的理由）、"
             "执行该条款的场景及其结果、对合同文字的解释。涉及金额、期限或权利的条款必须有通过的场景。</p>",
             "<ul>" + "".join(f'<li class="summary"><a href="#{escape(r["contract"])}">'
                              f'{escape(r["summary_text"])}</a></li>' for r in reports) + "</ul>"]
    for report in reports:
        parts += _contract_section(report)
    parts.append("</body></html>")
    return ("\n".join(parts) + "\n").encode("utf-8")


def _contract_section(report: dict[str, Any]) -> list[str]:
    parts = [f'<h2 id="{escape(report["contract"])}">{escape(report["short_name"])}：'
             f'{escape(report["title"])}</h2>',
             f'<p class="summary">{escape(report["summary_text"])}</p>',
             f"<p>场景文件：<code>{escape(report['feature'] or '（无）')}</code></p>"]
    if report["unknown_tags"]:
        parts.append("<p>不存在的条款标签（不计为覆盖）：" + "、".join(
            f"{escape(t['tag'])}（{escape(t['scenario'])}）" for t in report["unknown_tags"]) + "</p>")
    parts.append("<table><tr><th>条款</th><th>类别</th><th>原文</th><th>编码</th>"
                 "<th>场景</th><th>解释</th></tr>")
    for clause in report["clauses"]:
        scenarios = "<br>".join(f"{'✓' if run['passed'] else '✗'} {escape(run['name'])}"
                                for run in clause["scenarios"]) or escape(
                                    STATUS_LABELS[clause["status"]])
        encoded = "<br>".join(f"<code>{escape(encoding_text(item))}</code>"
                              for item in clause["encoding"])
        parts.append(
            f'<tr class="{clause["status"]}"><td>{escape(clause["id"])}<br>'
            f'{escape(clause["title"])}</td><td>{escape(clause["effect_label"])}</td>'
            f'<td class="text">{escape(clause["text"])}</td><td>{encoded}</td>'
            f"<td>{scenarios}</td><td>{escape(clause['interpretation'] or '')}</td></tr>")
    parts.append("</table>")
    return parts
