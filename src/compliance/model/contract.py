"""The contract schema: a signed contract encoded once, clause by clause.

Every article and sub-clause appears with its own number and its verbatim text,
and either the rules (clause kinds with parameters) that execute it, the part of
the contract's structure that executes it (term, fees, payment cycle), or a
reason it moves no money.
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator

from compliance.errors import UserError
from compliance.model import money
from compliance.model.suggest import did_you_mean
from compliance.model.fieldtypes import BASE_LABEL, Effect, FlagSpec, FormulaText, Money, Strict
from compliance.model.formula import FormulaError, check_names
from compliance.model.measures import Measure, check_measure_names
from compliance.model.arithmetic import Step, share
from compliance.model.numbering import CLAUSE_ID
from compliance.paths import CONTRACTS_DIR
from compliance.model.periods import month_boundary
from compliance.model.quote import QuoteTable
from compliance.model.renewal import Renewal, RenewalLimits, check_renewals


CONTRACT_VALUES = {"合同总价款": "合同总价款", "月服务费": "当月服务费（各月固定费用之和）",
                   "季度服务费": "三个月的服务费", "支付周期服务费": "一个支付周期的服务费",
                   "合同月数": "服务期限内的合同月数"}
"""The names every formula of a contract may read, with what they are."""


def exposure_step(spec: FlagSpec, contract: "Contract") -> Step:
    """fen(rate × base) of a penalty the buyer may claim."""
    return share("可主张违约金", contract.base_label(spec.base), contract.base_amount(spec.base),
                 spec.rate)


class Parties(Strict):
    buyer: str = Field(description="甲方")
    vendor: str = Field(description="乙方")


class Term(Strict):
    """服务期限: the first and last day of service, inclusive."""

    start: date
    end: date
    clause: str

    @model_validator(mode="after")
    def _ordered(self) -> "Term":
        if self.end <= self.start:
            raise ValueError(f"服务期限的结束日 {self.end} 须晚于开始日 {self.start}")
        return self


class TotalPrice(Strict):
    amount: Money
    clause: str


class FeeLine(Strict):
    """A fixed monthly fee, e.g. 热线 222,000/月."""

    id: str
    label: str
    monthly: Money
    clause: str


class Payment(Strict):
    """The payment cycle: every ``cycle_months`` contract months are paid together."""

    cycle_months: int = Field(ge=1, le=12)
    clause: str


EventField = Literal["days", "amount", "tranche", "deliverable", "staff", "clause", "accepted",
                     "received", "ended"]


class EventType(Strict):
    """A kind of fact the contract's rules consume, with its Chinese label, the fields an
    event of this type must (``requires``) or may (``optional``) carry, and the values the
    contract declares for it (``fields``: a score 0–100, hours late, a time of day)."""

    label: str
    unit: str = "次"
    requires: list[EventField] = []
    optional: list[EventField] = []
    fields: dict[str, Measure] = {}

    @model_validator(mode="after")
    def _field_names(self) -> "EventType":
        check_measure_names(self.fields)
        return self


class NamedAmount(Strict):
    """An amount the contract names (质保金 = 合同总价款 × 5%), worked out from the amounts every
    contract has and the named amounts before it; a rate may be a share of it (``base``) and a
    formula may read it by its id or its label."""

    label: str
    formula: FormulaText
    clause: str


ACCOUNT_EVENT_TYPES = {
    "vendor_payment": {"label": "乙方支付（补足扣款或退还款项）", "requires": ["amount"]},
    "interest_paid": {"label": "甲方支付迟延付款违约金", "requires": ["amount"]},
    "claim_waived": {"label": "甲方放弃或撤回扣款、违约金主张", "requires": ["clause"],
                     "optional": ["amount"]},
}
"""Facts every contract's account takes whether or not a clause names them: what the vendor
pays the buyer (高米店 6.6 补足, a refund on termination), the interest the buyer pays, and
the buyer giving up (放弃) or withdrawing (撤回) a deduction or penalty under a clause, in whole
or for an amount, with its reason in ``note``. A contract may declare them itself; otherwise
they are added as here."""


class Deliverable(Strict):
    """A 服务成果 the vendor submits (a report, a training session), priced by lines of the
    quote table where the contract has one."""

    id: str
    label: str
    quote_lines: list[str] = []
    clause: str


DEADLINE_INTERPRETATION = (
    "依《民法典》第二百零三条（期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日），"
    "按日历日计算的期限（“N 日内”“N 天内”）末日为法定休假日的，顺延至其后第一个工作日。"
    "法定休假日包括国务院公布的法定节假日（含调休放假日）和周末休息日，但国务院安排调休上班的周末除外。"
    "按工作日计算的期限（“N 个工作日内”）本就止于工作日，不受影响；合同写明的具体日期"
    "（如“2023 年 6 月底前”）不是期间，不顺延。律师可在本合同文件中写 "
    "deadlines: {extend_past_rest_days: false} 关闭本规则。")
"""The reading of 《民法典》第二百零三条 every contract records unless it writes its own."""


class DeadlineRule(Strict):
    """How calendar-day deadlines end (《民法典》第二百零三条): moved past days off, by default,
    with the reading a lawyer signs off; ``extend_past_rest_days: false`` switches it off."""

    extend_past_rest_days: bool = True
    interpretation: str = DEADLINE_INTERPRETATION


class RuleSpec(Strict):
    kind: str
    params: dict[str, Any]


class Clause(Strict):
    """One article or sub-clause in the contract's own numbering, with its original text."""

    id: str = Field(pattern=CLAUSE_ID)
    title: str
    text: str
    effect: Effect
    rules: list[RuleSpec] = []
    executed_by: Literal["term", "fees", "total_price", "payment", "quote", "deliverables",
                         "renewal_limits", "amounts"] | None = None
    reason: str | None = None
    interpretation: str | None = None

    @model_validator(mode="after")
    def _accounted_for(self) -> "Clause":
        moves = self.effect in ("money", "date", "right")
        if moves and not (self.rules or self.executed_by or self.reason):
            raise ValueError(
                f"第 {self.id} 条的 effect 为 {self.effect}：请写明执行它的 rules 或 executed_by，"
                "或在 reason 中写明结算为何不执行它"
            )
        if not moves and self.rules:
            raise ValueError(f"第 {self.id} 条的 effect 为 {self.effect}，却写了 rules")
        if not moves and not self.reason:
            raise ValueError(f"第 {self.id} 条（{self.effect}）须在 reason 中写明它为何不产生金额")
        return self


class Contract(Strict):
    """A whole contract: parties, term, price, fees, payment cycle, event types and clauses."""

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    title: str
    number: str | None = Field(None, description="合同编号：合同文本首页所印的编号（如采购合同编号），"
                               "印在结算单表头；未写时结算单留空待填")
    short_name: str = Field(description="how its users call the contract: 高米店, 规自委朝阳")
    seed: str = Field(description="the signed text, relative to contracts/: texts/<id>.txt "
                      "(personal data redacted as 〔…〕, see contracts/texts/README.md)")
    parties: Parties
    signed: date
    term: Term
    total_price: TotalPrice
    fees: list[FeeLine] = []
    payment: Payment | None = None
    quote: QuoteTable | None = None
    deliverables: list[Deliverable] = []
    renewal_limits: RenewalLimits | None = None
    renewals: list[Renewal] = []
    deadlines: DeadlineRule = DeadlineRule()
    amounts: dict[str, NamedAmount] = {}
    ratings: list[str] = []
    event_types: dict[str, EventType]
    clauses: list[Clause]

    @model_validator(mode="before")
    @classmethod
    def _account_event_types(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("event_types"), dict):
            data = {**data, "event_types": {**data["event_types"], **{
                name: spec for name, spec in ACCOUNT_EVENT_TYPES.items() if name not in data["event_types"]}}}
        return data

    @model_validator(mode="after")
    def _references(self) -> "Contract":
        ids = [clause.id for clause in self.clauses]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"条款编号重复：{'、'.join(duplicates)}")
        for where, clause in (("term", self.term.clause), ("total_price", self.total_price.clause),
                              *self._structure_clauses()):
            if clause not in ids:
                raise ValueError(f"{where} 引用的第 {clause} 条不在 clauses 中")
        if self.periods_in_term() is None:
            raise ValueError(
                f"服务期限 {self.term.start}..{self.term.end} 不是整数个合同月"
            )
        if self.quote is not None and self.quote.total != self.total_price.amount:
            raise ValueError(f"报价表合计 {self.quote.total} 与合同总价款 total_price "
                             f"{self.total_price.amount} 不一致")
        self._check_deliverables()
        self._check_amounts()
        check_renewals(self.renewal_limits, self.renewals, self.term, self.total_price.amount)
        return self

    def _check_amounts(self) -> None:
        """Each named amount reads only the contract's amounts and those named before it, and
        comes to a number of at least 0 (worked out once, here, and kept: ``formula_values``)."""
        values = self._fixed_values()
        for name, named in self.amounts.items():
            problem = check_names(named.formula, values, f"amounts.{name} 的公式")
            if problem:
                raise ValueError(problem)
            try:
                value = money.fen(named.formula.number(values))
            except FormulaError as failure:
                raise ValueError(f"amounts.{name} 的公式算不出金额：{failure}") from None
            if value < 0:
                raise ValueError(f"amounts.{name}（{named.label}）为负数：{value}")
            values[name] = values[named.label] = value
        self.__dict__["_formula_values"] = values  # a frozen model: its values never change

    def _structure_clauses(self):
        """(where, clause) for every part of the structure that cites a clause."""
        yield from (("fees", fee.clause) for fee in self.fees)
        yield from (("amounts", named.clause) for named in self.amounts.values())
        yield from (("deliverables", d.clause) for d in self.deliverables)
        for where, part in (("payment", self.payment), ("quote", self.quote),
                            ("renewal_limits", self.renewal_limits)):
            if part is not None:
                yield where, part.clause

    def _check_deliverables(self) -> None:
        known = self.quote.line_ids() if self.quote else []
        for deliverable in self.deliverables:
            unknown = [line for line in deliverable.quote_lines if line not in known]
            if unknown:
                raise ValueError(f"服务成果 {deliverable.id} 引用的报价行 {unknown} "
                                 f"不在报价表中（报价行：{'、'.join(known)}）")

    # --- what rules and statements ask of the contract -------------------------------------

    @property
    def monthly_fee(self) -> Decimal:
        """当月服务费: the sum of the monthly fee lines."""
        return sum((fee.monthly for fee in self.fees), Decimal("0"))

    @property
    def pays_monthly(self) -> bool:
        """Whether each contract month is paid by itself (a monthly fee, a one-month cycle);
        otherwise its net is settled with its payment cycle or against a tranche."""
        return bool(self.fees) and self.cycle_months == 1

    @property
    def cycle_months(self) -> int:
        """Months per payment cycle; a contract paid in tranches is one cycle for the term."""
        return self.payment.cycle_months if self.payment else self.periods_in_term()  # type: ignore[return-value]

    def deliverable(self, deliverable_id: str) -> Deliverable:
        return next(d for d in self.deliverables if d.id == deliverable_id)

    def deliverable_amount(self, deliverable_id: str) -> Decimal:
        """The price of a deliverable: the sum of its quote-table lines."""
        lines = self.quote.lines_by_id() if self.quote else {}
        return sum((lines[i].amount for i in self.deliverable(deliverable_id).quote_lines),
                   Decimal("0"))

    def exposures(self) -> dict[str, list[Decimal]]:
        """The penalties the buyer may claim, by the clause that grants them (酒仙桥 6.7: 30%),
        from every rule's ``penalty_exposure`` flags."""
        found: dict[str, list[Decimal]] = {}
        for clause in self.clauses:
            for spec in clause.rules:
                for raw in spec.params.get("flags") or []:
                    flag = FlagSpec.model_validate(raw)
                    if flag.kind == "penalty_exposure":
                        amounts = found.setdefault(flag.clause or clause.id, [])
                        amount = exposure_step(flag, self).value
                        amounts += [] if amount in amounts else [amount]
        return found

    def exposures_of(self, clause_id: str) -> list[Decimal]:
        return self.exposures().get(clause_id, [])

    def base_amount(self, base: str) -> Decimal:
        """A base by its id: 合同总价款, 当月服务费, 季度服务费 (three months' fees), 支付周期服务费,
        or an amount the contract names (``amounts``)."""
        if base in self.amounts:
            return self.__dict__["_formula_values"][base]
        return {"total_price": self.total_price.amount, "monthly_fee": self.monthly_fee,
                "quarter_fee": self.monthly_fee * 3,
                "cycle_fee": self.monthly_fee * self.cycle_months}[base]

    def base_label(self, base: str) -> str:
        return self.amounts[base].label if base in self.amounts else BASE_LABEL[base]

    def formula_values(self) -> dict[str, Decimal]:
        """What every formula of the contract may read: its price, fees and term (``CONTRACT_VALUES``)
        and its named amounts, each by its id and its label; a copy the caller may add to (a
        clause adds the values of its event)."""
        return dict(self.__dict__["_formula_values"])

    def _fixed_values(self) -> dict[str, Decimal]:
        return {"合同总价款": self.total_price.amount, "月服务费": self.monthly_fee,
                "季度服务费": self.monthly_fee * 3,
                "支付周期服务费": self.monthly_fee * self.cycle_months,
                "合同月数": Decimal(self.periods_in_term() or 0)}

    def event_label(self, event_type: str) -> str:
        return self.event_types[event_type].label

    def event_unit(self, event_type: str) -> str:
        return self.event_types[event_type].unit

    def clause(self, clause_id: str) -> Clause:
        return next(clause for clause in self.clauses if clause.id == clause_id)

    def periods_in_term(self) -> int | None:
        """How many contract months the term holds, or None if it does not end on a month's eve."""
        return _months_in(self.term.start, self.term.end)


@lru_cache(maxsize=1024)
def _months_in(start: date, end: date) -> int | None:
    """The contract months from ``start`` to ``end``, remembered by the two dates (a contract is
    frozen; statements ask this thousands of times: 酒仙桥's deliverable quotas, every period)."""
    for months in range(1, 121):
        last = month_boundary(start, months) - timedelta(days=1)
        if last == end:
            return months
        if last > end:
            return None
    return None


def resolve_contract_path(argument: str, contracts_dir: Path = CONTRACTS_DIR) -> Path:
    """A contract named by path, or by id (``gaomidian-2025``) under the repository's ``contracts/``."""
    candidate = Path(argument)
    if candidate.is_file():
        return candidate
    by_id = contracts_dir / f"{argument}.yaml"
    if re.fullmatch(r"[a-z0-9-]+", argument) and by_id.is_file():
        return by_id
    known = sorted(p.stem for p in contracts_dir.glob("*.yaml")) if contracts_dir.is_dir() else []
    raise UserError(f"没有合同文件 {argument!r}{did_you_mean(argument, known, '；')}",
                    field="CONTRACT", valid="合同 YAML 文件的路径"
                    + (f"，或以下合同 id 之一：{'、'.join(known)}" if known else ""))
