"""Why this number? A statement line or flag explained as a tree, in Chinese.

Each deduction and flag on a statement carries its trace (``trace_v1``): the clause,
the rule and its kind, the parameters, the facts it matched with ``file:line``, and
the arithmetic step by step with its rounding. This module turns a trace, the clause's
verbatim text and its recorded interpretation into a tree that ``compliance explain``
prints and the PDF appendix lays out, the way openfisca's tracer explains a formula.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from compliance.model import money
from compliance.model.arithmetic import Step
from compliance.model.contract import Contract
from compliance.errors import UserError
from compliance.model.fieldtypes import FLAG_LABELS
from compliance.engine import waivers
from compliance.engine.kinds import registry
from compliance.engine.outcome import TRACE_KEY
from compliance.views.statement import payable_sentence

FACT_FIELDS = (("date", "{}"), ("period", "第 {} 期"), ("count", "× {}"), ("days", "{} 日"),
               ("amount", "{} 元"), ("staff", "{} 人"), ("deliverable", "成果 {}"),
               ("clause", "第 {} 条"), ("tier", "评价 {}"), ("ref", "单号 {}"))

OTHER_TOTALS = (("already_paid", "已付（本次付款）"), ("owed_by_vendor", "乙方应补足"),
                ("owed_by_buyer", "甲方应付迟延付款违约金"))
OTHER_FACTS = {"rating": "市级评价", "balance": "当期结算余额", None: "付款"}
ENGINE_STEPS = {waivers.KIND: waivers.TITLE}
"""What the engine itself produces besides the clause kinds' rules, by trace kind."""
"""Facts the engine derives rather than reads from a facts file."""


@dataclass
class Node:
    """One node of an explanation: a line of text and what it rests on."""

    text: str
    children: list["Node"] = field(default_factory=list)

    def lines(self, prefix: str = "") -> list[str]:
        """The tree drawn with box characters, one string per line."""
        out = [self.text]
        for position, child in enumerate(self.children):
            last = position == len(self.children) - 1
            head, rest = ("└─ ", "   ") if last else ("├─ ", "│  ")
            child_lines = child.lines()
            out.append(head + child_lines[0])
            out.extend(rest + line for line in child_lines[1:])
        return [prefix + line for line in out]

    def outline(self, depth: int = 0) -> list[tuple[int, str]]:
        """(depth, text) for every node, for layouts that indent instead of drawing boxes."""
        return [(depth, self.text)] + [item for child in self.children
                                       for item in child.outline(depth + 1)]


def explain(statement: dict[str, Any], contract: Contract, *, line: int | None = None,
            clause: str | None = None) -> list[Node]:
    """The explanation of one line (1-based, as numbered on the statement), of every line and
    flag of one clause, or of the whole statement with its totals."""
    deductions = statement["deductions"]
    if line is not None:
        if not 1 <= line <= len(deductions):
            raise UserError(f"the statement has {len(deductions)} deduction lines", field="--line",
                            valid=f"1..{len(deductions)}" if deductions else "no --line: nothing "
                            "was deducted")
        return [line_node(line, deductions[line - 1], contract)]
    numbered = list(enumerate(deductions, start=1))
    flags = statement["flags"]
    if clause is not None:
        numbered = [(n, item) for n, item in numbered if item["clause"] == clause]
        flags = [flag for flag in flags if flag["clause"] == clause]
        if not numbered and not flags:
            raise UserError(f"no line or flag of this statement cites clause {clause}",
                            field="--clause", valid=_cited(statement) or "none: the statement "
                            "has no lines or flags")
    nodes = [line_node(n, item, contract) for n, item in numbered]
    nodes += [flag_node(flag, contract) for flag in flags]
    return nodes if clause is not None else nodes + [totals_node(statement)]


def _cited(statement: dict[str, Any]) -> str:
    cited = dict.fromkeys(item["clause"] for item in statement["deductions"] + statement["flags"])
    return ", ".join(cited)


def line_node(number: int, item: dict[str, Any], contract: Contract) -> Node:
    """A deduction line: its amount, then the clause, rule, facts, arithmetic and reading."""
    title = f"扣款第 {number} 行 [{item['clause']}]：{money.grouped(Decimal(item['amount']))} 元"
    return Node(title, _grounds(item[TRACE_KEY], item["clause"], contract)
                + [Node(f"结果：{item['explanation']}")])


def flag_node(flag: dict[str, Any], contract: Contract) -> Node:
    """A flag: the right or consequence it records, on the same grounds as a line."""
    return Node(f"标记 [{flag['clause']}] {FLAG_LABELS[flag['kind']]}",
                _grounds(flag[TRACE_KEY], flag["clause"], contract)
                + [Node(f"结果：{flag['message']}")])


def _grounds(trace: dict[str, Any], clause_id: str, contract: Contract) -> list[Node]:
    clause = contract.clause(clause_id)
    nodes = [Node(f"条款 {clause.id}《{clause.title}》", [Node(_one_line(clause.text))])]
    if trace["clause"] != clause_id:  # a penalty claimed under one clause, granted by another
        executing = contract.clause(trace["clause"])
        nodes.append(Node(f"执行条款 {executing.id}《{executing.title}》",
                          [Node(_one_line(executing.text))]))
    title = (registry()[trace["kind"]].spec.title if trace["kind"] in registry()
             else ENGINE_STEPS[trace["kind"]])
    nodes.append(Node(f"规则 {trace['rule']}：{title}（{trace['kind']}）",
                      [Node(f"{name} = {_param(value, contract)}")
                       for name, value in trace["params"].items() if value not in (None, [], {})]))
    nodes.append(Node(f"事实（{len(trace['facts'])} 项）",
                      [Node(fact_text(fact, contract)) for fact in trace["facts"]]))
    steps = [Step(s["what"], s["how"], Decimal(s["exact"]), Decimal(s["value"]))
             for s in trace["steps"]]
    if steps:
        nodes.append(Node("计算（每步四舍五入至分）", [Node(step.text()) for step in steps]))
    if clause.interpretation:
        nodes.append(Node("解释（合同文字的理解）", [Node(_one_line(clause.interpretation))]))
    return nodes


def fact_text(fact: dict[str, Any], contract: Contract) -> str:
    """A matched fact: what, when, how many, and where it was written."""
    kind = fact.get("type")
    what = contract.event_types[kind].label if kind in contract.event_types else \
        OTHER_FACTS.get(kind, kind)
    shown = {key for key, _ in FACT_FIELDS} | {"type", "source"}
    parts = [what or ""] + [template.format(fact[key]) for key, template in FACT_FIELDS
                            if fact.get(key) is not None and (key != "count" or fact[key] != 1)]
    parts += [f"{key} {_param(value, contract)}" for key, value in fact.items() if key not in shown]
    source = f"  ← {fact['source']}" if fact.get("source") else ""
    return " ".join(str(part) for part in parts if part) + source


def _param(value: Any, contract: Contract) -> str:
    if isinstance(value, list):
        return "、".join(_param(item, contract) for item in value)
    if isinstance(value, dict):
        return "，".join(f"{k}: {_param(v, contract)}" for k, v in value.items() if v is not None)
    if isinstance(value, str) and value in contract.event_types:
        return f"{value}（{contract.event_types[value].label}）"
    return str(value)


def totals_node(statement: dict[str, Any]) -> Node:
    """How the totals follow from the lines: gross − deductions = net; payable and withheld."""
    def yuan(key: str) -> str:
        return money.grouped(Decimal(statement[key]))

    fees = [Node(f"[{fee['clause']}] {fee['label']} {money.grouped(Decimal(fee['amount']))}")
            for fee in statement.get("fees", [])]
    amounts = " + ".join(money.grouped(Decimal(d["amount"])) for d in statement["deductions"])
    children = [Node(f"应结算 {yuan('gross')} 元", fees),
                Node(f"扣款合计 {yuan('deductions_total')} 元" + (f" = {amounts}" if amounts else "")),
                Node(f"净额 = {yuan('gross')} − {yuan('deductions_total')} = {yuan('net')} 元")]
    children += [Node(f"{label} {yuan(key)} 元") for key, label in OTHER_TOTALS
                 if statement.get(key, "0.00") != "0.00"]
    children += [Node(payable_sentence(statement))]
    return Node("合计", children)


def _one_line(text: str) -> str:
    return " ".join(part.strip() for part in text.splitlines() if part.strip())
