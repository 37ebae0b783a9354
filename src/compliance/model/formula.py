"""公式: the small, safe formula language a contract uses where no clause kind fits, e.g.
``(15 + m)% × 月服务费`` or ``向上取整(逾期小时数 ÷ 24) × 1000``.

A formula is read by its own parser, never by Python's: it holds numbers (read as ``Decimal``
exactly as written: ``0.1`` is one tenth), names the clause binds (Chinese or ASCII), ``+ −
× ÷`` (or ``+ - * /``), parentheses, ``%`` and ``‰`` after a number, a name or a bracket,
comparisons (``< ≤ > ≥ = ≠``, or ``<= >= == !=``), ``且 或 非`` (or ``and or not``), quoted
text for comparing a rating (``评价 = "待提升"``), and the functions of :data:`FUNCTIONS`.
There is nothing else: no attribute, no index, no power, no import, no loop, so a formula
cannot reach anything but the values its clause gives it, and cannot run long. Full-width
digits, brackets and operators an input method types are read as their ASCII twins.

Money is rounded once, where a clause turns the result into a line (half-up to the fen);
within a formula the arithmetic is exact (34 significant digits), and ``取整到分`` or
``四舍五入`` round where the contract says so.

Why our own parser rather than a library: simpleeval and asteval evaluate Python's syntax tree,
which reads ``0.1`` as a binary float before we could see it, gives ``%`` Python's modulo
meaning, and lets through attribute access on the values; the language here is forty lines
of grammar, and its errors must name the clause and the column in Chinese.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import Any, Callable, Mapping

from compliance.model import money
from compliance.model.suggest import did_you_mean

MAX_LENGTH = 500
"""The longest formula read (a contract's longest sum fits in a line)."""
MAX_DEPTH = 40
"""The deepest nesting of brackets and operators read."""
MAX_DIGITS = 18
"""The most digits a number in a formula may have."""
PRECISION = 34
"""Significant digits kept while a formula is worked out (before the clause rounds)."""


class FormulaError(ValueError):
    """A formula that cannot be read or worked out; the message says where and why."""


_FULL_WIDTH = str.maketrans({
    **{chr(0xFF10 + n): str(n) for n in range(10)},
    "（": "(", "）": ")", "，": ",", "＋": "+", "－": "-", "−": "-", "＊": "*", "×": "*",
    "／": "/", "÷": "/", "＜": "<", "＞": ">", "＝": "=", "．": ".", "％": "%", "　": " ",
    "“": '"', "”": '"',
})

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<text>"[^"\n]*")
  | (?P<op><=|>=|==|!=|[-+*/()%‰,<>=≤≥≠])
  | (?P<name>[^\W\d]\w*)
""", re.VERBOSE)

_WORDS = {"且": "and", "and": "and", "或": "or", "or": "or", "非": "not", "not": "not"}
_COMPARE = {"<": "<", "<=": "≤", "≤": "≤", ">": ">", ">=": "≥", "≥": "≥", "=": "=", "==": "=",
            "!=": "≠", "≠": "≠"}


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    column: int


def _tokens(source: str) -> list[_Token]:
    found, position = [], 0
    while position < len(source):
        match = _TOKEN.match(source, position)
        if match is None:
            raise FormulaError(f"第 {position + 1} 个字符 {source[position]!r} 不能用在公式中")
        kind, text = match.lastgroup, match.group()
        if kind == "name" and text in _WORDS:
            kind, text = "op", _WORDS[text]
        if kind != "space":
            found.append(_Token(kind, text, position + 1))
        position = match.end()
    return found + [_Token("end", "", len(source) + 1)]


# --- the syntax tree ------------------------------------------------------------------------

@dataclass(frozen=True)
class Constant:
    """A number as written (``Decimal``) or a quoted text (a rating: ``"待提升"``)."""

    value: Decimal | str


@dataclass(frozen=True)
class Name:
    name: str


@dataclass(frozen=True)
class Call:
    function: str
    args: tuple


@dataclass(frozen=True)
class Operation:
    """A unary (``-``, ``not``, ``%``, ``‰``) or binary operation."""

    op: str
    operands: tuple


class _Parser:
    """Recursive descent over the grammar in the module's docstring, lowest precedence first:
    或, 且, 非, comparison, + −, × ÷, sign, % ‰, atoms."""

    def __init__(self, source: str) -> None:
        self.tokens = _tokens(source)
        self.at = 0
        self.depth = 0

    def parse(self):
        tree = self.logic("or")
        if self.peek().kind != "end":
            raise self.error("此处多出了内容")
        return tree

    def peek(self) -> _Token:
        return self.tokens[self.at]

    def take(self) -> _Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def accept(self, *texts: str) -> str | None:
        token = self.peek()
        if token.kind == "op" and token.text in texts:
            self.at += 1
            return token.text
        return None

    def error(self, message: str) -> FormulaError:
        token = self.peek()
        where = f"第 {token.column} 个字符" + (f"（{token.text}）" if token.text else "（末尾）")
        return FormulaError(f"{where}{message}")

    def nested(self, parse: Callable[[], Any]):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"嵌套过深（至多 {MAX_DEPTH} 层）")
        try:
            return parse()
        finally:
            self.depth -= 1

    def logic(self, word: str):
        lower = (lambda: self.logic("and")) if word == "or" else self.negation
        tree = lower()
        while self.accept(word):
            tree = Operation(word, (tree, lower()))
        return tree

    def negation(self):
        if self.accept("not"):
            return Operation("not", (self.nested(self.negation),))
        return self.comparison()

    def comparison(self):
        tree = self.sum()
        op = self.accept(*_COMPARE)
        if op is None:
            return tree
        tree = Operation(_COMPARE[op], (tree, self.sum()))
        if self.peek().kind == "op" and self.peek().text in _COMPARE:
            raise self.error("比较不能连写，请用“且”连接两个比较")
        return tree

    def sum(self):
        tree = self.product()
        while (op := self.accept("+", "-")) is not None:
            tree = Operation(op, (tree, self.product()))
        return tree

    def product(self):
        tree = self.sign()
        while (op := self.accept("*", "/")) is not None:
            tree = Operation(op, (tree, self.sign()))
        return tree

    def sign(self):
        op = self.accept("-", "+")
        if op is not None:
            operand = self.nested(self.sign)
            return Operation("neg", (operand,)) if op == "-" else operand
        return self.postfix()

    def postfix(self):
        tree = self.atom()
        while (op := self.accept("%", "‰")) is not None:
            tree = Operation(op, (tree,))
        return tree

    def atom(self):
        token = self.peek()
        if token.kind == "number":
            self.take()
            digits = token.text.replace(".", "").lstrip("0")
            if len(digits) > MAX_DIGITS:
                raise FormulaError(f"第 {token.column} 个字符起的数字超过 {MAX_DIGITS} 位")
            return Constant(Decimal(token.text))
        if token.kind == "text":
            self.take()
            return Constant(token.text[1:-1])
        if token.kind == "name":
            self.take()
            if self.accept("("):
                return self.nested(lambda: Call(token.text, self.arguments()))
            return Name(token.text)
        if self.accept("("):
            tree = self.nested(lambda: self.logic("or"))
            if not self.accept(")"):
                raise self.error("缺少右括号“)”")
            return tree
        raise self.error("此处应是数字、名称或左括号")

    def arguments(self) -> tuple:
        args = []
        if self.accept(")"):
            return ()
        while True:
            args.append(self.logic("or"))
            if self.accept(")"):
                return tuple(args)
            if not self.accept(","):
                raise self.error("函数的参数之间须用逗号分隔，并以“)”结束")


# --- the functions ----------------------------------------------------------------------

def _number(value: Any, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal):
        raise FormulaError(f"{what}须是数字，此处为{_kind_of(value)}")
    return value


def _rounded(value: Any, places: Any = Decimal(0), rounding=ROUND_HALF_UP) -> Decimal:
    places = _number(places, "保留位数")
    if places != places.to_integral_value() or not 0 <= places <= 10:
        raise FormulaError("保留位数须是 0 到 10 的整数")
    return _number(value, "取整的对象").quantize(Decimal(1).scaleb(-int(places)), rounding)


def _span(start: Any, end: Any, unit_seconds: int) -> Decimal:
    if not (isinstance(start, (date, datetime)) and isinstance(end, type(start))):
        raise FormulaError(f"须是两个时刻（或两个日期），此处为{_kind_of(start)}与{_kind_of(end)}")
    seconds = ((end - start).total_seconds() if isinstance(start, datetime)
               else (end - start).days * 86400)
    return Decimal(int(seconds)) / Decimal(unit_seconds)


def _extreme(pick: Callable) -> Callable:
    def extreme(*values: Any) -> Decimal:
        if not values:
            raise FormulaError("须至少给一个数")
        return pick(_number(v, "比较的对象") for v in values)
    return extreme


def _choose(condition: Any, yes: Any, no: Any) -> Any:
    return yes if _truth(condition) else no


FUNCTIONS: dict[str, tuple[Callable, str]] = {
    "向上取整": (lambda x: _rounded(x, Decimal(0), ROUND_CEILING), "向上取整(x)：不小于 x 的最小整数，不足一段按一段计"),
    "向下取整": (lambda x: _rounded(x, Decimal(0), ROUND_FLOOR), "向下取整(x)：不大于 x 的最大整数，不足一段不计"),
    "取整到分": (lambda x: _rounded(x, Decimal(2)), "取整到分(x)：四舍五入到分"),
    "四舍五入": (_rounded, "四舍五入(x, n)：四舍五入保留 n 位小数"),
    "最小": (_extreme(min), "最小(a, b, …)：其中最小者"),
    "最大": (_extreme(max), "最大(a, b, …)：其中最大者"),
    "若": (_choose, "若(条件, 甲, 乙)：条件成立取甲，否则取乙"),
    "小时数": (lambda a, b: _span(a, b, 3600), "小时数(起, 止)：两个时刻相隔的小时数"),
    "分钟数": (lambda a, b: _span(a, b, 60), "分钟数(起, 止)：两个时刻相隔的分钟数"),
    "日数": (lambda a, b: _span(a, b, 86400), "日数(起, 止)：两个日期相隔的日数"),
}
"""Every function a formula may call, with what it does in a clerk's words."""
FUNCTIONS.update({"ceil": FUNCTIONS["向上取整"], "floor": FUNCTIONS["向下取整"],
                  "min": FUNCTIONS["最小"], "max": FUNCTIONS["最大"], "round": FUNCTIONS["四舍五入"],
                  "if": FUNCTIONS["若"]})


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "真假值"
    if isinstance(value, Decimal):
        return "数字"
    if isinstance(value, datetime):
        return "时刻"
    if isinstance(value, date):
        return "日期"
    return "文字"


def _truth(value: Any) -> bool:
    if not isinstance(value, bool):
        raise FormulaError(f"条件须是比较（如 得分 < 70），此处为{_kind_of(value)}")
    return value


_ARITHMETIC = {"+": Decimal.__add__, "-": Decimal.__sub__, "*": Decimal.__mul__}
_ORDER = {"<": lambda a, b: a < b, "≤": lambda a, b: a <= b, ">": lambda a, b: a > b,
          "≥": lambda a, b: a >= b}


def _apply(op: str, values: list[Any]) -> Any:
    if op in ("=", "≠"):
        left, right = values
        if type(left) is not type(right) and not (isinstance(left, Decimal) and isinstance(right, Decimal)):
            raise FormulaError(f"不能比较{_kind_of(left)}与{_kind_of(right)}")
        return (left == right) == (op == "=")
    if op in _ORDER:
        left, right = values
        if isinstance(left, (str, bool)) or type(left) is not type(right):
            raise FormulaError(f"不能比较{_kind_of(left)}与{_kind_of(right)}的大小")
        return _ORDER[op](left, right)
    if op == "not":
        return not _truth(values[0])
    if op in ("%", "‰"):
        return _number(values[0], f"“{op}”前")/ (100 if op == "%" else 1000)
    if op == "neg":
        return -_number(values[0], "负号后")
    left, right = (_number(v, f"“{op}”两边") for v in values)
    if op == "/":
        if right == 0:
            raise FormulaError("除数为零")
        return left / right
    return _ARITHMETIC[op](left, right)


# --- a formula ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Formula:
    """A formula as the contract writes it, read once; ``evaluate`` works it out with the values
    its clause binds, and ``describe`` shows those values for the trace."""

    text: str
    tree: Any

    def __str__(self) -> str:
        return self.text

    @property
    def names(self) -> list[str]:
        """The names the formula reads, in the order they first appear."""
        found: dict[str, None] = {}
        _walk(self.tree, lambda node: found.setdefault(node.name) if isinstance(node, Name) else None)
        return list(found)

    @property
    def texts(self) -> list[str]:
        """The quoted texts the formula writes (a rating: ``评价 = "待提升"``), in order."""
        found: dict[str, None] = {}
        _walk(self.tree, lambda node: found.setdefault(node.value)
              if isinstance(node, Constant) and isinstance(node.value, str) else None)
        return list(found)

    def unknown_names(self, known: Mapping[str, Any] | set[str] | list[str]) -> list[str]:
        return [name for name in self.names if name not in known]

    def evaluate(self, values: Mapping[str, Any]) -> Any:
        """The formula's value, given a value for each of its names."""
        with localcontext() as context:
            context.prec = PRECISION
            context.rounding = ROUND_HALF_UP
            try:
                return _value(self.tree, values)
            except InvalidOperation:
                raise FormulaError("数值超出可计算的范围") from None

    def number(self, values: Mapping[str, Any]) -> Decimal:
        """The formula's value, which must be a number (an amount, a count, a rate)."""
        return _number(self.evaluate(values), "公式的结果")

    def holds(self, values: Mapping[str, Any]) -> bool:
        """The formula's value, which must be a condition (true or false)."""
        return _truth(self.evaluate(values))

    def describe(self, values: Mapping[str, Any]) -> str:
        """The formula with the value of each name it reads: ``(15 + m)% × 月服务费（m = 3，
        月服务费 = 359,600.00）``."""
        shown = [f"{name} = {show(values[name])}" for name in self.names if name in values]
        return f"{self.text}（{'，'.join(shown)}）" if shown else self.text


def show(value: Any) -> str:
    """A value as a trace prints it: amounts grouped, times in Beijing time."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        if value == value.to_integral_value() and abs(value) < 10000:
            return format(value.quantize(Decimal(1)), "f")
        return money.grouped(value) if value == value.quantize(Decimal("0.01")) else format(value, "f")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def _walk(node: Any, visit: Callable[[Any], Any]) -> None:
    visit(node)
    for child in (node.args if isinstance(node, Call) else
                  node.operands if isinstance(node, Operation) else ()):
        _walk(child, visit)


def _value(node: Any, values: Mapping[str, Any]) -> Any:
    if isinstance(node, Constant):
        return node.value
    if isinstance(node, Name):
        if node.name not in values:
            raise FormulaError(f"不知道 {node.name} 的值")
        return values[node.name]
    if isinstance(node, Call):
        function = FUNCTIONS[node.function][0]
        if node.function in ("若", "if") and len(node.args) == 3:  # only the branch taken
            branch = 1 if _truth(_value(node.args[0], values)) else 2
            return _value(node.args[branch], values)
        try:
            return function(*(_value(arg, values) for arg in node.args))
        except TypeError:
            raise FormulaError(f"函数 {node.function} 的参数个数不对："
                               f"{FUNCTIONS[node.function][1]}") from None
    if node.op in ("and", "or"):
        first = _truth(_value(node.operands[0], values))
        if first == (node.op == "or"):
            return first
        return _truth(_value(node.operands[1], values))
    return _apply(node.op, [_value(operand, values) for operand in node.operands])


def parse(text: Any) -> Formula:
    """Read a formula; a formula that cannot be read is refused, saying where."""
    if isinstance(text, Formula):
        return text
    if isinstance(text, bool) or not isinstance(text, (str, int, Decimal)):
        raise FormulaError("公式须是文字，如 \"月服务费 × 10%\"")
    source = str(text).translate(_FULL_WIDTH).strip()
    if not source:
        raise FormulaError("公式为空")
    if len(source) > MAX_LENGTH:
        raise FormulaError(f"公式过长（至多 {MAX_LENGTH} 个字符）")
    tree = _Parser(source).parse()
    unknown = []
    _walk(tree, lambda node: unknown.append(node.function)
          if isinstance(node, Call) and node.function not in FUNCTIONS else None)
    if unknown:
        names = [name for name in FUNCTIONS if not name.isascii()]
        raise FormulaError(f"没有函数 {unknown[0]}；{did_you_mean(unknown[0], names)}"
                           f"可用：{'、'.join(names)}")
    return Formula(str(text).strip(), tree)


def check_names(formula: Formula, known: Mapping[str, Any] | list[str], where: str) -> str | None:
    """A problem if ``formula`` reads a name its clause does not give; ``where`` says which
    formula (``规则 4.6#1 的 amount``)."""
    unknown = formula.unknown_names(known)
    if not unknown:
        return None
    return (f"{where}中的 {unknown[0]} 不是可用的名称；{did_you_mean(unknown[0], list(known))}"
            f"可用：{'、'.join(known)}")

