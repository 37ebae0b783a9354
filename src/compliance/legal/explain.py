"""Why this number? A statement line or flag explained as a tree, in Chinese.

Each deduction and flag on a statement carries its trace (``trace_v1``): the clause,
the rule and its kind, the parameters, the facts it matched (by id, each listed once under
the statement's ``events`` with its ``file:line``), and the arithmetic step by step with its
rounding. This module turns a trace, the clause's verbatim text and its recorded
interpretation into a tree that ``compliance explain`` prints and the PDF appendix lays out,
the way openfisca's tracer explains a formula.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from compliance.model import money
from compliance.model.arithmetic import Step
from compliance.model.contract import Contract
from compliance.model.facts import origin_text
from compliance.errors import UserError
from compliance.model.fieldtypes import FLAG_LABELS
from compliance.model.suggest import did_you_mean
from compliance.engine import waivers
from compliance.engine.kinds import cap as cap_kind
from compliance.engine.kinds import registry
from compliance.engine.outcome import TRACE_KEY
from compliance.views.statement import events_by_id, payable_sentence, trace_facts

FACT_FIELDS = (("date", "{}"), ("period", "第 {} 期"), ("count", "× {}"), ("days", "{} 日"),
               ("amount", "{} 元"), ("staff", "{} 人"), ("deliverable", "成果 {}"),
               ("clause", "第 {} 条"), ("tier", "评价 {}"), ("ref", "单号 {}"))

OTHER_TOTALS = (("already_paid", "已付（本次付款）"), ("owed_by_vendor", "乙方应补足"),
                ("owed_by_buyer", "甲方应付迟延付款违约金"))
OTHER_FACTS = {"rating": "市级评价", "balance": "当期结算余额", None: "付款",
               cap_kind.CHARGES: "计入上限的扣款", cap_kind.CREDITS: "已按上限不予扣除"}
"""Facts the engine derives rather than reads from a facts file."""
ENGINE_STEPS = {waivers.KIND: waivers.TITLE}
"""What the engine itself produces besides the clause kinds' rules, by trace kind."""


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
    events = events_by_id(statement)
    if line is not None:
        if not 1 <= line <= len(deductions):
            raise UserError(f"本结算单共有 {len(deductions)} 行扣款", field="--line",
                            valid=f"1..{len(deductions)}" if deductions else "不写 --line：本期没有扣款")
        return [line_node(line, deductions[line - 1], contract, events)]
    numbered = list(enumerate(deductions, start=1))
    flags = statement["flags"]
    if clause is not None:
        numbered = [(n, item) for n, item in numbered if item["clause"] == clause]
        flags = [flag for flag in flags if flag["clause"] == clause]
        if not numbered and not flags:
            cited = _cited(statement)
            raise UserError(f"本结算单没有依第 {clause} 条的扣款或标记"
                            f"{did_you_mean(clause, cited, '；')}", field="--clause",
                            valid=", ".join(cited) or "无：本结算单没有扣款或标记")
    nodes = [line_node(n, item, contract, events) for n, item in numbered]
    nodes += [flag_node(flag, contract, events) for flag in flags]
    return nodes if clause is not None else nodes + [totals_node(statement)]


def _cited(statement: dict[str, Any]) -> list[str]:
    return list(dict.fromkeys(item["clause"] for item in statement["deductions"] + statement["flags"]))


def line_node(number: int, item: dict[str, Any], contract: Contract,
              events: dict[str, dict[str, Any]] | None = None, *, shown: int | None = None,
              more: str = "") -> Node:
    """A deduction line: its amount, then the clause, rule, facts, arithmetic and reading.
    ``events`` resolves the ids the trace cites (:func:`events_by_id` of the statement);
    ``shown`` lists at most that many facts, then says how many more and ``more`` (where to
    find them: the PDF names its annex)."""
    title = f"扣款第 {number} 行 [{item['clause']}]：{money.grouped(Decimal(item['amount']))} 元"
    return Node(title, _grounds(item[TRACE_KEY], item["clause"], contract, events, shown, more)
                + [Node(f"结果：{item['explanation']}")])


def flag_node(flag: dict[str, Any], contract: Contract,
              events: dict[str, dict[str, Any]] | None = None) -> Node:
    """A flag: the right or consequence it records, on the same grounds as a line."""
    return Node(f"标记 [{flag['clause']}] {FLAG_LABELS[flag['kind']]}",
                _grounds(flag[TRACE_KEY], flag["clause"], contract, events)
                + [Node(f"结果：{flag['message']}")])


def _grounds(trace: dict[str, Any], clause_id: str, contract: Contract,
             events: dict[str, dict[str, Any]] | None, shown: int | None = None,
             more: str = "") -> list[Node]:
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
    cited = trace["facts"]
    listed = cited if shown is None else cited[:shown]
    if events is None:  # a caller without the statement's events: ids stand as they are
        children = [Node(fact_text(fact, contract) if isinstance(fact, dict)
                         else f"[{fact}] 见结算单的事件表（events）") for fact in listed]
    else:
        children = [Node(fact_text(fact, contract))
                    for fact in trace_facts({"facts": listed}, events)]
    if len(listed) < len(cited):
        children.append(Node(f"……另 {len(cited) - len(listed)} 项{more}"))
    nodes.append(Node(f"事实（{len(cited)} 项）", children))
    steps = [Step.from_json(s) for s in trace["steps"]]
    if steps:
        nodes.append(Node("计算（金额每步四舍五入至分）", [Node(step.text()) for step in steps]))
    if clause.interpretation:
        nodes.append(Node("解释（合同文字的理解）", [Node(_one_line(clause.interpretation))]))
    return nodes


def fact_text(fact: dict[str, Any], contract: Contract) -> str:
    """A matched fact: its id on the statement, what, when, how many, and where it was
    written."""
    if set(fact) == {"id"}:
        return f"[{fact['id']}] 结算单的事件表（events）中没有此编号"
    number = f"[{fact['id']}] " if fact.get("id") else ""
    source = f"  ← {fact['source']}" if fact.get("source") else ""
    return number + fact_summary(fact, contract) + source


def fact_label(fact: dict[str, Any], contract: Contract) -> str:
    """What a fact is, in Chinese: the event type's label (0分工单), or what the engine
    derived (市级评价, 付款)."""
    kind = fact.get("type")
    if kind in contract.event_types:
        return contract.event_types[kind].label
    return OTHER_FACTS.get(kind, kind) or ""


def fact_summary(fact: dict[str, Any], contract: Contract, *, skip: tuple[str, ...] = ()) -> str:
    """A fact without its id and source: what, when, how many, and any other field it has;
    ``skip`` leaves out fields shown elsewhere (the PDF annex has columns for the date and
    the work-order ref)."""
    shown = {key for key, _ in FACT_FIELDS} | {"type", "source", "id", "measures", "origin"}
    parts = [] if "type" in skip else [fact_label(fact, contract)]
    parts += [template.format(fact[key]) for key, template in FACT_FIELDS
              if key not in skip and fact.get(key) is not None
              and (key != "count" or fact[key] != 1)]
    parts += _measures(fact, contract)
    parts += [f"{key} {_param(value, contract)}" for key, value in fact.items() if key not in shown]
    parts += [origin_text(fact["origin"])] if fact.get("origin") else []
    return " ".join(str(part) for part in parts if part)


def _measures(fact: dict[str, Any], contract: Contract) -> list[str]:
    """The values declared on the fact's type, by their labels: 考核得分 68, 工单派发时间
    2026-01-06 09:10 (Beijing time)."""
    declared = contract.event_types[fact["type"]].fields if fact.get("type") in contract.event_types else {}
    parts = []
    for name, text in (fact.get("measures") or {}).items():
        field = declared.get(name)
        if field is not None and field.type == "time":
            text = text[:16].replace("T", " ")
        label = field.label if field is not None else name
        parts.append(f"{label} {text}{field.unit if field is not None else ''}")
    return parts


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
