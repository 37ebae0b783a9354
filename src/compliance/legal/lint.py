"""Contract lint: the encoding checked against itself and against the figures its text writes.

Each check reads the contract as a lawyer would re-add it by hand: the tranches make up the
price, each 大写 amount says what its figure says, the monthly fees make up the yearly sums
and the price, the term's dates are the ones written, every fact the contract accepts is
used by a rule, and wording the encoding had to resolve carries an interpretation; every
amount and rate a rule is given is written in its clause (5000元、伍仟元、5%、千分之二、三成),
as is every number its formulas write (合同总价款 × 0.5%, (15 + 超时小时数)%), a rate of the
base the text names (合同总价款 or 当月服务费), and the price is paid once (not by both
monthly fees and tranches).
A finding names the clause and has a severity: ``error`` (the encoding or the text gives a
wrong number), ``warning`` (the text is inconsistent or open, and a reading was chosen).
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any, Callable, Iterator

from compliance.model import money
from compliance.engine import kinds
from compliance.engine.loading import LoadedContract
from compliance.errors import UserError
from compliance.paths import CONTRACTS_DIR
from compliance.model.contract import ACCOUNT_EVENT_TYPES
from compliance.model.facts import PAYMENT, PENALTY_CLAIM
from compliance.engine.kinds import tranche as tranche_kind
from compliance.model.formula import Call, Constant, Formula, Name, Operation

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
    return report(loaded.contract.id, loaded.contract.short_name, findings_of(loaded),
                  str(loaded.path))


def findings_of(loaded: LoadedContract) -> list[Finding]:
    """What every check finds in one contract, worked out once per contract file (by its
    digest) in this process: statements ask it on every command, the web page on every page."""
    key = (loaded.digest, str(loaded.path))
    if key not in _FOUND:
        _FOUND[key] = tuple(finding for _, function in CHECKS.values() for finding in function(loaded))
    return list(_FOUND[key])


_FOUND: dict[tuple[str, str], tuple[Finding, ...]] = {}


def refuse_if_unsound(loaded: LoadedContract) -> LoadedContract:
    """The contract, if its lint has no errors; otherwise a UserError (exit status 2) listing
    them, so that no statement is settled from an encoding that contradicts itself or its
    text. Warnings do not refuse. For every command that settles (settle, explain, schedule,
    terminate, preview, ledger, account, close) and the web page; not for lint, show or
    coverage, which are how a lawyer finds and fixes the errors."""
    errors = [f for f in findings_of(loaded) if f.severity == "error"]
    if not errors:
        return loaded
    listed = "\n".join(f"  [{f.clause}] {f.check}：{f.message}" for f in errors)
    contract = loaded.contract
    named = contract.id if _bundled(loaded) else str(loaded.path)
    raise UserError(
        f"合同 {contract.short_name}（{contract.id}）的编码有 {len(errors)} 个错误，不能据此结算："
        f"\n{listed}\n请运行 compliance lint {named} 查看，修正合同文件后再结算（警告不影响结算）。",
        file=loaded.path)


def _bundled(loaded: LoadedContract) -> bool:
    """Whether ``compliance lint <id>`` finds this file (so the message need not show a path)."""
    try:
        return loaded.path.resolve() == (CONTRACTS_DIR / f"{loaded.contract.id}.yaml").resolve()
    except OSError:
        return False


def unloadable(name: str, error: UserError) -> dict[str, Any]:
    """A contract that does not load (a quote line that does not multiply, a clause without
    its encoding …): one error finding, naming the file and line."""
    return report(name, name, [Finding("load", "error", "—", str(error))],
                  str(error.file) if error.file is not None else None)


def report(contract: str, short_name: str, findings: list[Finding],
           file: str | None = None) -> dict[str, Any]:
    return {"contract": contract, "short_name": short_name, "file": file,
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
    amounts = loaded.tranche_prices
    # a contract also paid by monthly fees is re-added by the payments check
    if sum(amounts.values()) != total and not loaded.contract.fees:
        shown = " + ".join(money.grouped(amounts[n]) for n in sorted(amounts))
        shares = [rule.params.share for rule in loaded.tranches]
        in_shares = ""
        if all(share is not None for share in shares):
            in_shares = (f"（各期比例 {' + '.join(money.percent(s) for s in shares)} = "
                         f"{money.percent(sum(shares))}，不是 100%）")
        yield Finding("tranches", "error", loaded.tranches[-1].clause,
                      f"各期付款 {shown} = {money.grouped(sum(amounts.values()))} 元，"
                      f"不等于合同总价款 {money.grouped(total)} 元{in_shares}")
    paid_before = Decimal("0")
    for rule in loaded.tranches:
        yield from _remaining_wording(loaded, rule, total - paid_before)
        paid_before += amounts[rule.params.number]


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
    # a contract also paid in tranches is re-added by the payments check
    if contract.monthly_fee * months != contract.total_price.amount and not loaded.tranches:
        yield Finding("fees", "error", contract.total_price.clause,
                      f"月服务费合计 {money.grouped(contract.monthly_fee)} 元 × {months} 个月 = "
                      f"{money.grouped(contract.monthly_fee * months)} 元，合同总价款 "
                      f"{money.grouped(contract.total_price.amount)} 元")


@check("payments", "合同总价款不为零，月服务费与分期付款不重复支付")
def the_price_is_paid_once(loaded: LoadedContract) -> Iterator[Finding]:
    """A price of 0 settles nothing; a contract paid by monthly fees *and* tranches pays its
    price twice unless the two together make it up (fees × months + tranches = 合同总价款)."""
    contract = loaded.contract
    total = contract.total_price.amount
    if total == 0:
        clause = contract.clause(contract.total_price.clause)
        written = sorted({w.value for w in _written(clause.text) if w.kind == "amount" and w.yuan})
        yield Finding("payments", "error", clause.id,
                      "编码的合同总价款为 0 元：各期付款、按比例计算的违约金都将为 0"
                      f"（文中金额：{'、'.join(money.grouped(v) for v in written) or '无'}）")
    if not (contract.fees and loaded.tranches):
        return
    months = loaded.period_count
    by_fees = contract.monthly_fee * months
    amounts = loaded.tranche_prices
    by_tranches = sum(amounts.values(), Decimal("0"))
    paid = by_fees + by_tranches
    if paid == total:
        return
    fee_clauses = "、".join(dict.fromkeys(fee.clause for fee in contract.fees))
    tranche_clauses = "、".join(dict.fromkeys(rule.clause for rule in loaded.tranches))
    shown = " + ".join(money.grouped(amounts[n]) for n in sorted(amounts))
    verdict = ("超过合同总价款 {} 元：同一笔价款既按月支付又分期支付（重复支付）" if paid > total
               else "少于合同总价款 {} 元：两者合起来不足以支付价款")
    yield Finding("payments", "error", loaded.tranches[0].clause,
                  f"月服务费（第 {fee_clauses} 条）{money.grouped(contract.monthly_fee)} 元 × "
                  f"{months} 个月 = {money.grouped(by_fees)} 元，分期付款（第 {tranche_clauses} 条）"
                  f"{shown} = {money.grouped(by_tranches)} 元，合计 {money.grouped(paid)} 元，"
                  + verdict.format(money.grouped(total)))


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


# --- amounts and rates given to rules, against the text ---------------------------------------

@dataclass(frozen=True)
class Written:
    """An amount or a rate as the text writes it: ``shown`` as written, ``value`` as a rule
    parameter takes it (千分之二 → 0.002, 伍仟元 → 5000)."""

    kind: str  # "amount" or "ratio"
    value: Decimal
    shown: str
    start: int
    yuan: bool = False  # written with 元 (or ¥, 人民币): certainly an amount of money


NUMERAL = "零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟"
LOWER_NUMERALS = str.maketrans("〇一二两三四五六七八九十百千", "零壹贰贰叁肆伍陆柒捌玖拾佰仟")
ARABIC = r"(?>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\d,.]\d)"
NOT_MONEY = r"[%‰次日天个年月人名件套项倍条款周号期季成]|分钟|小时|分之"
RATIO_FORMS = re.compile(
    rf"(?:[【\[]\s*)?(?P<arabic>(?<![\d.,]){ARABIC})\s*[】\]]?\s*(?P<sign>[%‰])"
    rf"|(?P<scale>[百千万])分之\s*(?P<of>{ARABIC}|[{NUMERAL}]+(?:点[{NUMERAL}]+)?)"
    r"|(?P<tenths>[一二两三四五六七八九壹贰叁肆伍陆柒捌玖])成(?![本果立为功员交品熟绩就效])")
AMOUNT_FORMS = re.compile(
    rf"(?P<arabic>(?<![\d.,]){ARABIC})(?P<wan>\s*万)?(?!\s*[】\]]?\s*[%‰]|\s*(?:{NOT_MONEY}))"
    rf"|(?P<chinese>[{NUMERAL}]++(?:点[{NUMERAL}]++)?)(?P<jiaofen>元(?:[零壹贰叁肆伍陆柒捌玖]角)?"
    rf"(?:[零壹贰叁肆伍陆柒捌玖]分)?)?(?!\s*(?:{NOT_MONEY}))")
YUAN_AFTER = re.compile(r"\s*(?:万\s*)?元")
YUAN_BEFORE = re.compile(r"(?:¥|￥|人民币|RMB)\s*[:：]?\s*$")
HALF_WIDTH = str.maketrans("０１２３４５６７８９％．", "0123456789%.")
"""Full-width digits as ASCII (the ，of a Chinese sentence stays: it separates, not groups)."""
SCALES = {"%": 100, "‰": 1000, "百": 100, "千": 1000, "万": 10_000}


@lru_cache(maxsize=4096)
def _written(text: str) -> tuple[Written, ...]:
    """Every amount and rate the text writes, in any of the ways contracts write them:
    5000 / 5,000 / 5000元 / 0.5万元 / 伍仟元 / 五千; 5% / 5‰ / 【10】% / 百分之五 / 千分之零点五 / 三成."""
    text = text.translate(HALF_WIDTH)
    found: list[Written] = []
    for m in RATIO_FORMS.finditer(text):
        if m["arabic"]:
            value = _decimal(m["arabic"]) / SCALES[m["sign"]]
        elif m["scale"]:
            value = _number(m["of"]) / SCALES[m["scale"]]
        else:
            value = Decimal(DIGITS[m["tenths"].translate(LOWER_NUMERALS)]) / 10
        found.append(Written("ratio", value, m.group().strip(), m.start()))
    for m in AMOUNT_FORMS.finditer(text):
        yuan = bool(YUAN_AFTER.match(text, m.end()) or m["jiaofen"]
                    or YUAN_BEFORE.search(text, 0, m.start()))
        if m["arabic"]:
            value = _decimal(m["arabic"])
            found.append(Written("amount", value, m.group().strip(), m.start(), yuan))
            if m["wan"]:
                found.append(Written("amount", value * 10_000, m.group().strip(), m.start(), yuan))
        elif m["jiaofen"]:
            found.append(Written("amount", capital_value(m.group()), m.group(), m.start(), True))
        else:
            found.append(Written("amount", _number(m["chinese"]), m.group(), m.start(), yuan))
    return tuple(found)


NUMBER_FORMS = re.compile(rf"(?<![\d.,]){ARABIC}|[{NUMERAL}]+(?:点[{NUMERAL}]+)?")


@lru_cache(maxsize=4096)
def _numbers(text: str) -> tuple[Written, ...]:
    """Every number the text writes, whatever follows it (2 小时, 0.1 个百分点, 十五): what a
    formula's plain numbers are read against."""
    text = text.translate(HALF_WIDTH)
    return tuple(Written("number", _number(m.group()), m.group(), m.start())
                 for m in NUMBER_FORMS.finditer(text))


def _decimal(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _number(text: str) -> Decimal:
    """5 / 2.5 / 三十 / 零点五 / 伍仟 as a number."""
    if re.fullmatch(ARABIC, text):
        return _decimal(text)
    whole, _, fraction = text.translate(LOWER_NUMERALS).partition("点")
    digits = "".join(str(DIGITS.get(c, 0)) for c in fraction)
    return Decimal(_capital_integer(whole)) + (Decimal(f"0.{digits}") if digits else 0)


@dataclass(frozen=True)
class Figure:
    """A money or ratio parameter of a rule (or the rate of one of its flags), the base a
    ratio is a share of, and the clauses whose text must write it: the rule's, and the one
    a flag cites (酒仙桥 2.2.x cite the 30% of 6.7)."""

    rule: Any
    name: str
    kind: str  # "money", "ratio", or "number" (a plain number in a formula)
    value: Decimal
    base: str | None
    clauses: tuple[str, ...]

    def shown(self) -> str:
        """6,000.00 元; 0.005（0.5%，5‰）; 15."""
        if self.kind == "money":
            return f"{money.grouped(self.value)} 元"
        if self.kind == "number":
            return f"{self.value.normalize():f}"
        permille = (f"，{(self.value * 1000).normalize():f}‰" if self.value < Decimal("0.01") else "")
        return f"{self.value.normalize():f}（{money.percent(self.value)}{permille}）"

    def where(self) -> str:
        title = kinds.registry()[self.rule.kind].spec.title
        return f"规则 {self.rule.id}（{title}）的参数 {self.name} = {self.shown()}"


RATIO_BASE_PARAM = {"rate": "base", "ratio": "base", "penalty_rate": "penalty_base"}
"""Which parameter names the base of a ratio parameter."""


def _figures(loaded: LoadedContract) -> Iterator[Figure]:
    registry = kinds.registry()
    for rule in loaded.rules:
        for name, spec in registry[rule.kind].spec.params.items():
            value = getattr(rule.params, name)
            if value is None:
                continue
            if spec.type in ("money", "ratio"):
                yield Figure(rule, name, spec.type, value, _base_of(rule, name, spec.type),
                             (rule.clause,))
            elif spec.type == "flags":
                for index, flag in enumerate(value):
                    if flag.rate is not None:
                        cited = (flag.clause,) if flag.clause not in (None, rule.clause) else ()
                        yield Figure(rule, f"{name}[{index}].rate", "ratio", flag.rate, flag.base,
                                     (rule.clause, *cited))
            elif spec.type in ("formula", "bands"):
                yield from _formula_figures(rule, name, value)


def _formula_figures(rule, name: str, value) -> Iterator[Figure]:
    """The numbers a formula writes (for ``bands``, each band's amount): before % or ‰ a ratio
    (合同总价款 × 0.5% → 0.005), any other a number the text writes as it is (15 in
    (15 + 超时小时数)%, 2 in 小时数(…) − 2, 500); 0 (不扣款) is no figure. The clause's sub-clauses
    may write them (望京 5.4's bands are written in 5.4.1–5.4.4)."""
    formulas = ({name: value} if isinstance(value, Formula) else
                {f"{name}[{index}].amount": band.amount for index, band in enumerate(value)})
    clauses = tuple(c.id for c in rule.terms.clauses if c.id == rule.clause
                    or c.id.startswith((f"{rule.clause}.", f"{rule.clause}(")))
    for where, formula in formulas.items():
        for kind, number, base in dict.fromkeys(_literals(formula.tree)):
            if number != 0:
                yield Figure(rule, where, kind, number, base, clauses)


FORMULA_BASES = {"合同总价款": "total_price", "月服务费": "monthly_fee"}
"""The bases a formula may name beside a rate (合同总价款 × 5%) that the text's wording is
checked against, as a rate parameter's ``base`` is."""


def _literals(node, base: str | None = None) -> Iterator[tuple[str, Decimal, str | None]]:
    """(kind, value, base) of each number in a formula's tree, in reading order; a rate
    multiplied by 合同总价款 or 月服务费 is a share of that base."""
    if isinstance(node, Operation) and node.op in SCALES and _is_number(node.operands[0]):
        yield "ratio", node.operands[0].value / SCALES[node.op], base
    elif _is_number(node):
        yield "number", node.value, None
    elif isinstance(node, (Call, Operation)):
        named = next((FORMULA_BASES[n.name] for n in node.operands if isinstance(n, Name)
                      and n.name in FORMULA_BASES), None) if getattr(node, "op", None) == "*" else None
        for child in node.args if isinstance(node, Call) else node.operands:
            yield from _literals(child, named)


def _is_number(node) -> bool:
    """A number written in a formula (not a quoted rating)."""
    return isinstance(node, Constant) and isinstance(node.value, Decimal)


def _base_of(rule, name: str, kind: str) -> str | None:
    """What a ratio is a share of: a tranche's (or an instalment plan's) share is of its base, other
    kinds name it by ``RATIO_BASE_PARAM``."""
    if kind != "ratio":
        return None
    if rule.kind in ("tranche", "instalments") and name == "share":
        return tranche_kind.base(rule.params)
    return getattr(rule.params, RATIO_BASE_PARAM.get(name, ""), None)


def _derived(figure: Figure, loaded: LoadedContract) -> Decimal | None:
    """The amount a ratio comes to on its base (30% of 合同总价款 = 577,359.00): a text may
    write the amount instead of the rate (酒仙桥 3.2.2 尾款: 剩余费用 577,359 元)."""
    if figure.kind != "ratio" or figure.base is None:
        return None
    base = loaded.contract.base_amount(figure.base)
    return money.fen(figure.value * base) if base else None


def _found_in(figure: Figure, written: list[Written], derived: Decimal | None) -> bool:
    if figure.kind in ("money", "number"):
        kind = "amount" if figure.kind == "money" else "number"
        return any(w.kind == kind and w.value == figure.value for w in written)
    return any((w.kind == "ratio" and w.value == figure.value)
               or (derived is not None and w.kind == "amount" and w.value == derived)
               for w in written)


@check("figures", "规则中的金额与比例写在条款文字中")
def figures_are_written(loaded: LoadedContract) -> Iterator[Finding]:
    """高米店 4.6.1: 5000元 → unit_amount 5000; 城北 五(一)1: 千分之二 → rate 0.002 (not 0.02);
    a clause whose interpretation writes the figure records why it differs from the text."""
    contract = loaded.contract
    for figure in _figures(loaded):
        clauses = [contract.clause(c) for c in figure.clauses]
        written = [w for clause in clauses for w in _readings(clause.text)]
        derived = _derived(figure, loaded)
        if _found_in(figure, written, derived):
            continue
        if any(clause.interpretation and _found_in(figure, _readings(clause.interpretation), None)
               for clause in clauses):
            continue
        also = (f"，也没有写 {money.percent(figure.value)} × {loaded.contract.base_label(figure.base)} = "
                f"{money.grouped(derived)} 元" if derived is not None else "")
        yield Finding("figures", "error", figure.rule.clause,
                      f"{figure.where()}，条款 {'、'.join(figure.clauses)} 的文字中没有这个"
                      f"{FIGURE_WORDS[figure.kind]}{also}；"
                      f"{_what_the_text_writes(figure, written)}")


FIGURE_WORDS = {"money": "金额", "ratio": "比例", "number": "数字"}


def _readings(text: str) -> list[Written]:
    """The amounts and rates the text writes, and every number in it."""
    return [*_written(text), *_numbers(text)]


def _what_the_text_writes(figure: Figure, written: list[Written]) -> str:
    if figure.kind == "money":
        amounts = list(dict.fromkeys(w.shown for w in written if w.kind == "amount" and w.yuan))
        return f"文中金额：{'、'.join(amounts) or '无'}"
    if figure.kind == "number":
        numbers = list(dict.fromkeys(w.shown for w in written if w.kind == "number"))
        return f"文中数字：{'、'.join(numbers) or '无'}"
    ratios = list(dict.fromkeys((w.shown, w.value) for w in written if w.kind == "ratio"))
    listed = "、".join(f"{shown}（= {value.normalize():f}）" for shown, value in ratios)
    slips = [(shown, figure.value / value) for shown, value in ratios
             if any(figure.value == value * Decimal(10) ** k for k in (-3, -2, -1, 1, 2, 3))]
    hint = ""
    if slips:
        shown, times = slips[0]
        times_shown = f"{times.normalize():f} 倍" if times > 1 else f"1/{(1 / times).normalize():f}"
        hint = f"。编码是文中“{shown}”的 {times_shown}：是否把 ‰ 当作 %，或小数点写错了位置？"
    return f"文中比例：{listed or '无'}{hint}"


BASE_TERMS = {
    "total_price": ("合同总价款", "合同总金额", "合同总价", "合同总额", "合同总费用", "合同价款总额",
                    "合同价款", "合同金额", "协议价款", "服务费总额", "全额服务费", "总价款", "总金额",
                    "总价"),
    "monthly_fee": ("当月服务费", "每月服务费", "月度服务费", "月服务费", "当月费用", "每月费用",
                    "月费用"),
}
"""How texts name the two bases a rate may be a share of."""
TERM_BASE = {term: base for base, terms in BASE_TERMS.items() for term in terms}
BASE_TERM = re.compile("|".join(sorted(TERM_BASE, key=len, reverse=True)))
BASE_NEAR = 30
"""How many characters before a rate (in the same sentence) its base is looked for."""


@dataclass(frozen=True)
class Reading:
    """The base the text names just before one place it writes a rate."""

    nearest: str
    named: frozenset[str]
    snippet: str


def _reading(text: str, written: Written) -> Reading | None:
    text = text.translate(HALF_WIDTH)  # as _written read it
    start = max(0, written.start - BASE_NEAR)
    sentence = max(text.rfind(stop, start, written.start) for stop in "。；;\n") + 1
    start = max(start, sentence)
    terms = list(BASE_TERM.finditer(text, start, written.start))
    if not terms:
        return None
    return Reading(TERM_BASE[terms[-1].group()], frozenset(TERM_BASE[t.group()] for t in terms),
                   text[terms[-1].start():written.start + len(written.shown)])


@check("bases", "比例的基数（合同总价款或当月服务费）与条款文字一致")
def bases_match_the_text(loaded: LoadedContract) -> Iterator[Finding]:
    """高米店 4.6.5: 超过当月服务费20% → base monthly_fee; 6.1: 合同总价款的5% → total_price.
    An error when the text names only the other base before the rate, a warning when it names
    both; a clause whose interpretation names both bases records the reading (a warning)."""
    contract = loaded.contract
    for figure in _figures(loaded):
        if figure.kind != "ratio" or figure.base is None:
            continue
        clauses = [contract.clause(c) for c in figure.clauses]
        readings = [reading for clause in clauses for w in _written(clause.text)
                    if w.kind == "ratio" and w.value == figure.value
                    and (reading := _reading(clause.text, w)) is not None]
        if not readings or any(r.nearest == figure.base for r in readings):
            continue
        other = next(r.nearest for r in readings)
        unambiguous = not any(figure.base in r.named for r in readings)
        explained = any(clause.interpretation and {figure.base, other} <= {
            TERM_BASE[t] for t in BASE_TERM.findall(clause.interpretation)} for clause in clauses)
        severity = "error" if unambiguous and not explained else "warning"
        found = "、".join(dict.fromkeys(f"“{r.snippet}”" for r in readings))
        yield Finding("bases", severity, figure.rule.clause,
                      f"{figure.where()}，基数编码为 {figure.base}（{loaded.contract.base_label(figure.base)}），"
                      f"文中写的是{found}，基数为{loaded.contract.base_label(other)}"
                      + ("" if unambiguous else f"（文中也提到{loaded.contract.base_label(figure.base)}，请核对）")
                      + ("；已记录解释" if explained else ""))


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
