"""Loading a contract: the schema validated, every rule compiled against its clause kind, and
the fingerprint of the source. The model (``model/contract.py``) knows no clause kind; this is
where the two meet."""
from __future__ import annotations

import hashlib
from functools import cached_property
from decimal import Decimal
from pathlib import Path
from typing import Any

from compliance.engine import kinds
from compliance.engine.kinds import tranche as tranche_kind
from compliance.engine.kinds.base import Rule
from compliance.errors import UserError
from compliance.model import sourceyaml, validation
from compliance.model.contract import Contract
from compliance.model.fieldtypes import BASE_LABEL


class LoadedContract:
    """A validated contract with its compiled rules and the fingerprint of its source."""

    def __init__(self, contract: Contract, rules: list[Rule], path: Path, digest: str) -> None:
        self.contract = contract
        self.rules = rules
        self.path = path
        self.digest = digest

    @cached_property
    def period_count(self) -> int:
        return self.contract.periods_in_term()  # type: ignore[return-value]

    @cached_property
    def tranches(self) -> list[Rule]:
        """The payment tranches (第一次付款 …), by number: those of every rule whose kind pays
        in tranches (its ``tranches(rule)``: a tranche clause itself, an instalment plan one
        tranche per instalment)."""
        registry = kinds.registry()
        return sorted((tranche for rule in self.rules
                       for tranche in getattr(registry[rule.kind].module, "tranches", _none)(rule)),
                      key=lambda rule: rule.params.number)

    @cached_property
    def termination_grounds(self) -> dict[str, list[str]]:
        """The clauses a termination fact may be made under, by its event type."""
        grounds: dict[str, list[str]] = {}
        for rule in self.rules:
            if rule.kind == "termination_settlement":
                grounds.setdefault(rule.params.event_type, []).extend(
                    [rule.clause, *rule.params.grounds])
        return grounds

    @cached_property
    def tranche_amounts(self) -> dict[int, Decimal]:
        return {rule.params.number: tranche_kind.amount(rule) for rule in self.tranches}

    @cached_property
    def tranche_prices(self) -> dict[int, Decimal]:
        """What each tranche pays of the contract price: its amount, less the interest an
        instalment adds (its kind's ``price_paid``)."""
        registry = kinds.registry()
        return {rule.params.number: registry[rule.kind].module.price_paid(rule)
                for rule in self.tranches}


def _none(rule: Rule) -> list[Rule]:
    return []


def _check_tranche_numbers(loaded: LoadedContract, path: Path) -> None:
    """Each payment has its own number: facts name the tranche they pay by it."""
    numbers = [rule.params.number for rule in loaded.tranches]
    repeated = sorted({number for number in numbers if numbers.count(number) > 1})
    if repeated:
        raise UserError(f"付款序号重复：第 {'、'.join(map(str, repeated))} 次付款不止一处"
                        "（分期付款各期的序号自 first_number 起依次编号）", file=path)


def _compile_rules(contract: Contract, document: Any, path: Path) -> list[Rule]:
    registry = kinds.registry()
    context = {"event_types": list(contract.event_types), "ratings": contract.ratings,
               "deliverables": [d.id for d in contract.deliverables],
               "bases": [*BASE_LABEL, *contract.amounts]}
    rules = []
    for c_index, clause in enumerate(contract.clauses):
        for r_index, spec in enumerate(clause.rules):
            at = ("clauses", c_index, "rules", r_index)
            kind = registry.get(spec.kind)
            if kind is None:
                raise UserError(f"没有这种条款类型：{spec.kind!r}", file=path,
                                line=sourceyaml.line_of(document, at + ("kind",)),
                                field=f"clauses[{c_index}].rules[{r_index}].kind",
                                valid=", ".join(sorted(registry)))
            params = validation.validate(kind.params_model, spec.params, path, context,
                                         at=at + ("params",), root=document)
            rule = Rule(f"{clause.id}#{r_index + 1}", clause.id, spec.kind, params, contract)
            problem = (getattr(kind.module, "validate_rule", lambda r: None)(rule)
                       or _unknown_flag_clause(rule, contract))
            if problem:
                raise UserError(problem, file=path, line=sourceyaml.line_of(document, at),
                                field=f"clauses[{c_index}].rules[{r_index}].params")
            rules.append(rule)
    return rules


def _unknown_flag_clause(rule: Rule, contract: Contract) -> str | None:
    ids = {clause.id for clause in contract.clauses}
    for spec in getattr(rule.params, "flags", None) or []:
        if spec.clause is not None and spec.clause not in ids:
            return f"规则 {rule.id} 的后果引用的第 {spec.clause} 条不在 clauses 中"
    return None


def _check_event_requirements(contract: Contract, rules: list[Rule], path: Path) -> None:
    """Rule kinds that read days, amounts or clauses need event types that require them."""
    needs = {"advance_surcharge": "amount", "amount_threshold": "amount",
             "absence_deduction": "days", "penalty_claim": "clause"}
    for rule in rules:
        field = needs.get(rule.kind)
        if field is None:
            continue
        names = getattr(rule.params, "event_types", None) or [rule.params.event_type]
        for name in names:
            if field not in contract.event_types[name].requires:
                raise UserError(f"规则 {rule.id}（{rule.kind}）要读取 {name} 的 {field}；"
                                f"请在该事实类型上声明 requires: [{field}]", file=path)


def load_contract(path: Path) -> LoadedContract:
    """Load, validate and compile one contract YAML file."""
    document = sourceyaml.load(path)
    if not isinstance(document, dict):
        raise UserError("合同文件须是 YAML 映射（键: 值）", file=path, line=1)
    contract = validation.validate(Contract, document, path)
    rules = _compile_rules(contract, document, path)
    _check_event_requirements(contract, rules, path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    loaded = LoadedContract(contract, rules, path, digest)
    _check_tranche_numbers(loaded, path)
    return loaded
