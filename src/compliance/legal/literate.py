"""The contract read clause by clause, law and code side by side (after Catala's literate files):
each clause's verbatim text, then the rules that execute it with every parameter explained in
the words of its clause kind, or the part of the contract that executes it, or why it moves no
money; then the reading chosen where the text is open, and the scenarios that exercise it."""
from __future__ import annotations

import re

from compliance.model import money
from compliance.model.contract import Clause
from compliance.engine.loading import LoadedContract
from compliance.legal.coverage import TAG, param_text
from compliance.errors import UserError
from compliance.model.fieldtypes import EFFECT_LABELS
from compliance.engine.kinds import registry
from compliance.model.numbering import clause_order
from compliance.model.suggest import did_you_mean
from compliance.paths import FEATURES_DIR, ROOT

STRUCTURE = {"term": "服务期限", "fees": "月服务费", "total_price": "合同总价款", "payment": "支付周期",
             "quote": "报价表", "deliverables": "服务成果", "renewal_limits": "续约限制",
             "amounts": "合同约定的金额"}


def show(loaded: LoadedContract, clause_prefix: str | None = None) -> list[str]:
    """The literate view of the whole contract, or of one clause and the clauses under it."""
    contract = loaded.contract
    clauses = [c for c in contract.clauses if clause_prefix is None or _under(c.id, clause_prefix)]
    if not clauses:
        ids = [c.id for c in contract.clauses]
        raise UserError(f"合同没有第 {clause_prefix} 条{did_you_mean(clause_prefix or '', ids, '；')}",
                        field="--clause", valid=", ".join(ids[:12]) + " …")
    scenarios = scenario_names(contract.id)
    lines = _heading(loaded)
    for clause in sorted(clauses, key=lambda c: clause_order(c.id)):
        lines += ["", *clause_block(loaded, clause, scenarios.get(clause.id, []))]
    return lines


def _under(clause_id: str, prefix: str) -> bool:
    return clause_id == prefix or clause_id.startswith((f"{prefix}.", f"{prefix}("))


def _heading(loaded: LoadedContract) -> list[str]:
    contract = loaded.contract
    return [f"{contract.short_name}（{contract.id}）{contract.title}",
            f"甲方 {contract.parties.buyer}；乙方 {contract.parties.vendor}",
            f"签订 {contract.signed}；服务期限 {contract.term.start} 至 {contract.term.end}；"
            f"合同总价款 {money.grouped(contract.total_price.amount)} 元；原文 {signed_text_path(loaded)}",
            *_deadline_lines(contract)]


def signed_text_path(loaded: LoadedContract) -> str:
    """Where the signed text lies (the contract's ``seed``, relative to its YAML file): relative to
    the repository when it is inside it, e.g. contracts/texts/gaomidian-2025.txt; marked when absent."""
    path = loaded.path.parent / loaded.contract.seed
    try:
        shown = str(path.resolve().relative_to(ROOT))
    except ValueError:
        shown = str(path)
    return shown if path.is_file() else f"{shown}（文件不存在）"


def _deadline_lines(contract) -> list[str]:
    """The contract's reading of 《民法典》第二百零三条 (deadlines.extend_past_rest_days): whether a
    calendar-day deadline ending on a day off moves to the next working day, and why."""
    rule = contract.deadlines
    state = ("适用：按日历日计算的期限末日为法定休假日的，顺延至其后第一个工作日"
             if rule.extend_past_rest_days else "不适用：本合同关闭了此规则，按日历日计算的期限不顺延")
    return [f"期限顺延（《民法典》第二百零三条）：{state}"
            f"（deadlines.extend_past_rest_days = {str(rule.extend_past_rest_days).lower()}）",
            f"  解释：{rule.interpretation}"]


def clause_block(loaded: LoadedContract, clause: Clause, scenarios: list[str]) -> list[str]:
    lines = [f"━━ {clause.id} {clause.title}  〔{EFFECT_LABELS[clause.effect]}〕", "  原文："]
    lines += [f"    {line.strip()}" for line in clause.text.splitlines() if line.strip()]
    lines.append("  编码：")
    lines += encoding_lines(loaded, clause)
    if clause.reason:
        lines.append(f"    不计金额：{clause.reason}")
    if clause.interpretation:
        lines += ["  解释：", f"    {clause.interpretation}"]
    if scenarios:
        lines += ["  场景："] + [f"    {name}" for name in scenarios]
    return lines


def encoding_lines(loaded: LoadedContract, clause: Clause) -> list[str]:
    """The clause's encoding in Chinese (indented by four): its rules with each parameter
    explained, and the part of the contract's structure that executes it."""
    lines = []
    for rule in (r for r in loaded.rules if r.clause == clause.id):
        lines += _rule_lines(rule)
    if clause.executed_by:
        lines.append(f"    由合同结构执行：{STRUCTURE[clause.executed_by]}（{clause.executed_by}）")
    return lines


def _rule_lines(rule) -> list[str]:
    """``规则 4.6.1#1 按次扣款（per_occurrence）``, its summary, then each parameter with the
    kind's own explanation of it."""
    spec = registry()[rule.kind].spec
    lines = [f"    规则 {rule.id} {spec.title}（{rule.kind}）：{spec.summary.strip()}"]
    for name, value in rule.param_json().items():
        if value in (None, [], {}):
            continue
        lines.append(f"      {name} = {param_text(value)}  — {spec.params[name].doc}")
    return lines


def scenario_names(contract_id: str) -> dict[str, list[str]]:
    """The scenarios of ``features/<contract>.feature`` by the clauses their tags name (read from
    the file; ``compliance coverage`` runs them)."""
    feature = FEATURES_DIR / f"{contract_id}.feature"
    if not feature.is_file():
        return {}
    found: dict[str, list[str]] = {}
    tags: list[str] = []
    for number, line in enumerate(feature.read_text("utf-8").splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("@"):
            tags += [match.group(1) for tag in stripped.split() if (match := TAG.match(tag[1:]))]
        elif re.match(r"^(场景|场景大纲|Scenario|Scenario Outline)[:：]", stripped):
            name = re.split(r"[:：]", stripped, maxsplit=1)[1].strip()
            for clause_id in tags:
                found.setdefault(clause_id, []).append(f"{feature.name}:{number} {name}")
            tags = []
    return found
