"""Contract lint: the encoding checked against itself and against the figures its text writes.

Each check reads the contract as a lawyer would re-add it by hand: the tranches make up the
price, each 大写 amount says what its figure says, the monthly fees make up the yearly sums
and the price, the term's dates are the ones written, every fact the contract accepts is
used by a rule, and wording the encoding had to resolve carries an interpretation.
A finding names the clause and has a severity: ``error`` (the encoding or the text gives a
wrong number), ``warning`` (the text is inconsistent or open, and a reading was chosen).
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Callable, Iterator

from compliance.model import money
from compliance.engine.loading import LoadedContract
from compliance.errors import UserError
from compliance.model.contract import ACCOUNT_EVENT_TYPES
from compliance.model.facts import PAYMENT, PENALTY_CLAIM
from compliance.engine.kinds import tranche as tranche_kind

CAPITAL = re.compile(r"[零壹贰叁肆伍陆柒捌玖拾佰仟万亿]+元(?:[零壹贰叁肆伍陆柒捌玖]角)?"
                     r"(?:[零壹贰叁肆伍陆柒捌玖]分)?整?")
FIGURE = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*元")
CN_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
OPEN_WORDING = ("以上", "以下", "以内", "不超过", "不少于", "不低于", "相应", "及时", "合理", "酌情",
                "剩余", "累计")
"""Words whose reach the encoding must fix (以上 with or without 本数, 累计 over which span …)."""
ENGINE_EVENT_TYPES = (PAYMENT, PENALTY_CLAIM, *ACCOUNT_EVENT_TYPES)
"""Facts the engine itself reads (payments against tranches, claimed penalties)."""
SEVERITY_LABELS = {"error": "错误", "warning": "警告"}
NEARBY = 40
"""How many characters apart a 大写 amount and its figure may be written."""


@dataclass(frozen=True)
class Finding:
    check: str
    severity: str
    clause: str
    message: str

    def to_json(self) -> dict[str, str]:
        return asdict(self)


Check = Callable[[LoadedContract], Iterator[Finding]]
CHECKS: dict[str, tuple[str, Check]] = {}


def check(name: str, title: str) -> Callable[[Check], Check]:
    def register(function: Check) -> Check:
        CHECKS[name] = (title, function)
        return function
    return register


def lint(loaded: LoadedContract) -> dict[str, Any]:
    """Every check on one contract: which ran, and what they found."""
    findings = [finding for _, function in CHECKS.values() for finding in function(loaded)]
    return report(loaded.contract.id, loaded.contract.short_name, findings)


def unloadable(name: str, error: UserError) -> dict[str, Any]:
    """A contract that does not load (a quote line that does not multiply, a clause without
    its encoding …): one error finding, naming the file and line."""
    return report(name, name, [Finding("load", "error", "—", str(error))])


def report(contract: str, short_name: str, findings: list[Finding]) -> dict[str, Any]:
    return {"contract": contract, "short_name": short_name,
            "checks": [{"check": name, "title": title} for name, (title, _) in CHECKS.items()],
            "findings": [finding.to_json() for finding in findings],
            "errors": sum(f.severity == "error" for f in findings),
            "warnings": sum(f.severity == "warning" for f in findings)}


def print_lint(reports: list[dict[str, Any]]) -> None:
    for item in reports:
        print(f"{item['short_name']}（{item['contract']}）：{len(item['checks'])} 项检查，"
              f"{item['errors']} 个错误，{item['warnings']} 个警告")
        for finding in item["findings"]:
            print(f"  {SEVERITY_LABELS[finding['severity']]} [{finding['clause']}] "
                  f"{finding['check']}：{finding['message']}")


# --- the checks ------------------------------------------------------------------------------

@check("tranches", "分期付款合计为合同总价款，各期金额与比例一致")
def tranches_make_up_the_price(loaded: LoadedContract) -> Iterator[Finding]:
    """羊坊店 3.2: 50% + 30% + 20%; 城北 四(二)(三): 60% + 40%; 规自委 3.2: fixed sums."""
    if not loaded.tranches:
        return
    total = loaded.contract.total_price.amount
    amounts = loaded.tranche_amounts
    if sum(amounts.values()) != total:
        shown = " + ".join(money.grouped(amounts[n]) for n in sorted(amounts))
        yield Finding("tranches", "error", loaded.tranches[-1].clause,
                      f"各期付款 {shown} = {money.grouped(sum(amounts.values()))} 元，"
                      f"不等于合同总价款 {money.grouped(total)} 元")
    paid_before = Decimal("0")
    for rule in loaded.tranches:
        yield from _remaining_wording(loaded, rule, total - paid_before)
        paid_before += tranche_kind.amount(rule)


def _remaining_wording(loaded: LoadedContract, rule, remaining: Decimal) -> Iterator[Finding]:
    """“剩余价款的 40%” read literally is 40% of what is left after the earlier tranches."""
    clause = loaded.contract.clause(rule.clause)
    share = rule.params.share
    if share is None or not re.search(r"剩余[^，。；]*?的\s*\d+\s*%", clause.text):
        return
    literal = money.fen(remaining * share)
    encoded = tranche_kind.amount(rule)
    if literal != encoded:
        yield Finding("tranches", "warning", clause.id,
                      f"文字“剩余价款的 {money.percent(share)}”按字面为 {money.grouped(remaining)} × "
                      f"{money.percent(share)} = {money.grouped(literal)} 元，与文中金额及编码 "
                      f"{money.grouped(encoded)} 元不一致；"
                      + ("已记录解释" if clause.interpretation else "未记录解释"))


@check("written_amounts", "大写金额与小写数字一致")
def capital_amounts_match_figures(loaded: LoadedContract) -> Iterator[Finding]:
    """高米店 3.1: 4,315,200元（大写：肆佰叁拾壹万伍仟贰佰元整）."""
    for clause in loaded.contract.clauses:
        figures = [(m.start(), _figure(m)) for m in FIGURE.finditer(clause.text)]
        for match in CAPITAL.finditer(clause.text):
            nearby = [(abs(start - match.start()), value) for start, value in figures
                      if abs(start - match.start()) <= NEARBY]
            if not nearby:
                continue
            figure = min(nearby)[1]
            written = capital_value(match.group())
            if written != figure:
                yield Finding("written_amounts", "error", clause.id,
                              f"大写“{match.group()}”为 {money.grouped(written)} 元，"
                              f"旁边的数字为 {money.grouped(figure)} 元")


@check("total_price", "合同总价款与条款文字一致")
def total_price_is_written(loaded: LoadedContract) -> Iterator[Finding]:
    contract = loaded.contract
    clause = contract.clause(contract.total_price.clause)
    figures = {_figure(m) for m in FIGURE.finditer(clause.text)}
    figures |= {capital_value(m.group()) for m in CAPITAL.finditer(clause.text)}
    if contract.total_price.amount not in figures:
        yield Finding("total_price", "error", clause.id,
                      f"编码的合同总价款 {money.grouped(contract.total_price.amount)} 元未出现在条款文字中"
                      f"（文中金额：{'、'.join(money.grouped(f) for f in sorted(figures)) or '无'}）")


@check("fees", "月服务费 × 月数等于文中全年合计与合同总价款")
def monthly_fees_make_up_the_year(loaded: LoadedContract) -> Iterator[Finding]:
    """高米店 3.1: 每月222,000元，全年共计2,664,000元 …, 合同价款总额 4,315,200元."""
    contract = loaded.contract
    if not contract.fees:
        return
    months = loaded.period_count
    for fee in contract.fees:
        text = contract.clause(fee.clause).text
        for match in re.finditer(r"每月\s*([\d,.]+)\s*元[，,]?\s*全年共计\s*([\d,.]+)\s*元", text):
            monthly, yearly = (Decimal(g.replace(",", "")) for g in match.groups())
            if monthly == fee.monthly and monthly * months != yearly:
                yield Finding("fees", "error", fee.clause,
                              f"每月 {money.grouped(monthly)} 元 × {months} 个月 = "
                              f"{money.grouped(monthly * months)} 元，文中全年合计 {money.grouped(yearly)} 元")
    if contract.monthly_fee * months != contract.total_price.amount:
        yield Finding("fees", "error", contract.total_price.clause,
                      f"月服务费合计 {money.grouped(contract.monthly_fee)} 元 × {months} 个月 = "
                      f"{money.grouped(contract.monthly_fee * months)} 元，合同总价款 "
                      f"{money.grouped(contract.total_price.amount)} 元")


@check("term", "服务期限与文中日期一致")
def term_matches_the_text(loaded: LoadedContract) -> Iterator[Finding]:
    """高米店 1.2: 自2025年10月28日起至2026年10月27日止; 规自委 2.2: 自合同签订之日起一年."""
    contract = loaded.contract
    term = contract.term
    clause = contract.clause(term.clause)
    written = [date(int(y), int(m), int(d)) for y, m, d in CN_DATE.findall(clause.text)]
    if written:
        if (written[0], written[-1]) != (term.start, term.end):
            yield Finding("term", "error", clause.id,
                          f"文中期限 {written[0]} 至 {written[-1]}，编码为 {term.start} 至 {term.end}")
        return
    if "一年" in clause.text and term.end != _one_year_from(term.start):
        yield Finding("term", "error", clause.id,
                      f"文中为一年，编码 {term.start} 至 {term.end} 不是一年")
    if "签订之日" in clause.text and term.start != contract.signed:
        yield Finding("term", "error", clause.id,
                      f"期限自合同签订之日起算，签订日为 {contract.signed}，编码起始日为 {term.start}")


def _one_year_from(start: date) -> date:
    try:
        return start.replace(year=start.year + 1) - timedelta(days=1)
    except ValueError:  # 29 February
        return date(start.year + 1, 2, 28)


@check("event_types", "合同接受的每种事实都由某条规则使用")
def every_event_type_is_used(loaded: LoadedContract) -> Iterator[Finding]:
    used = {text for rule in loaded.rules for text in _strings(rule.param_json())}
    for name, spec in loaded.contract.event_types.items():
        if name not in used and name not in ENGINE_EVENT_TYPES:
            yield Finding("event_types", "warning", "—",
                          f"事实类型 {name}（{spec.label}）没有任何规则使用：记录它不会改变结算")


@check("interpretations", "需要取舍的文字都记录了解释")
def open_wording_is_interpreted(loaded: LoadedContract) -> Iterator[Finding]:
    """A clause the engine executes whose text says 以上, 累计, 相应 … needs its reading written."""
    for clause in loaded.contract.clauses:
        if not clause.rules or clause.interpretation:
            continue
        words = [word for word in OPEN_WORDING if word in clause.text]
        if words:
            yield Finding("interpretations", "warning", clause.id,
                          f"文字含“{'”“'.join(words)}”，编码作了取舍，但没有记录解释")


# --- reading amounts -------------------------------------------------------------------------

DIGITS = {c: n for n, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
UNITS = {"拾": 10, "佰": 100, "仟": 1000}
SECTIONS = {"万": 10_000, "亿": 100_000_000}


def capital_value(text: str) -> Decimal:
    """人民币陆拾叁万捌仟肆佰元整 → 638400; 壹佰元伍角陆分 → 100.56."""
    yuan, _, rest = text.partition("元")
    value = Decimal(_capital_integer(yuan))
    for unit, scale in (("角", Decimal("0.1")), ("分", Decimal("0.01"))):
        if match := re.search(rf"([{''.join(DIGITS)}]){unit}", rest):
            value += DIGITS[match.group(1)] * scale
    return value


def _capital_integer(text: str) -> int:
    total = section = number = 0
    for char in text:
        if char in DIGITS:
            number = DIGITS[char]
        elif char in UNITS:
            section += (number or 1) * UNITS[char]
            number = 0
        elif char in SECTIONS:
            total = (total + section + number) * SECTIONS[char] if char == "亿" else \
                total + (section + number) * SECTIONS[char]
            section = number = 0
    return total + section + number


def _figure(match: re.Match) -> Decimal:
    return Decimal(match.group(1).replace(",", "") + (match.group(2) or ""))


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
