"""How a deduction line was worked out, as the web page shows it under 计算过程: the clause it
rests on, the facts it counted (what, when, how many, its ref) and each arithmetic step with
its rounding — in Chinese only. The rule's internal name and parameters, the facts' file and
line, and the event ids stay with ``compliance explain`` and the PDF's annex (计算依据)."""
from __future__ import annotations

from typing import Any

from compliance.engine.outcome import TRACE_KEY
from compliance.legal.explain import fact_summary
from compliance.model.arithmetic import Step
from compliance.model.contract import Contract
from compliance.views.statement import events_by_id, trace_facts


def calculations(statement: dict[str, Any], contract: Contract) -> list[list[str]]:
    """For each deduction line of ``statement``, the lines of its 计算过程."""
    events = events_by_id(statement)
    return [_calculation(line, contract, events) for line in statement.get("deductions", [])]


def _calculation(line: dict[str, Any], contract: Contract, events: dict[str, dict[str, Any]]) -> list[str]:
    trace = line[TRACE_KEY]
    clause = contract.clause(line["clause"])
    shown = [f"依据：第 {clause.id} 条《{clause.title}》"]
    shown += [f"事实：{fact_summary(fact, contract)}" for fact in trace_facts(trace, events)]
    shown += [f"计算：{Step.from_json(step).text()}" for step in trace["steps"]]
    return shown
