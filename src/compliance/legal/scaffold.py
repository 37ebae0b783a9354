"""A first draft of a contract's encoding, built from its signed text (``compliance new``).

A finance or legal user copies the signed, redacted text to ``contracts/texts/<id>.txt`` and
gets ``contracts/<id>.yaml`` with every article and sub-clause in the contract's own numbering
(``model/numbering.py``): its id, a title, its verbatim text as a literal block, ``effect:
待填写`` and ``rules: []``; and the header (title, parties, signing date, term, total price)
filled in where the text states it. The guide is ``docs/新合同接入.md``.

Whatever the text does not settle is written so that loading the contract fails on it, with
the file, the line and the field: ``effect: 待填写`` (not one of money / date / right /
obligation / informational), a date or an amount ``待填写``, a name ``null``. So
``compliance lint <id>`` lists, line by line, what is left to fill in; a bare heading with
clauses under it is the one effect filled in (informational), as every bundled contract has it.

How numbers are read (a section or item number must follow the one before it at its level and
an article's must be a later one, which keeps a stray "2) …" line, a date or a reference such as
"第一条约定的…" out; every id is checked against ``numbering.CLAUSE_ID``):

* ``第一条`` / ``第1条`` → ``1``; a dotted number under it ``1.2``, ``2.2.1`` (its first part
  must be the article's); ``1、`` directly under an article → ``1.1`` (规自委朝阳's style);
* ``一、`` where the contract has no 第N条 → article ``一``; ``（一）`` under it → ``一(一)``;
* items ``1.`` / ``1、`` → ``2.3.2(1)`` under a dotted clause or an article, ``五(一)1`` under a
  Chinese section, ``四(1)`` under a Chinese article;
* sub-items ``(1)`` / ``（1）`` / ``1)`` → ``六(三)2(1)`` under an item, ``9.2(1)`` under a
  dotted clause or article;
* unnumbered ``- `` list items under a clause number by position (城北 二(一)1 … 7);
* ``附件1：`` / ``附件：`` start an attachment, where numbering starts again: ``一、`` →
  ``附件1.一``, items under it ``附件.四(1)``; other numbers inside an attachment are its text;
* ``(以下无正文)`` and the signature block (``甲方（盖章）：``, ``日期：``) end the body; what follows,
  up to the next attachment, belongs to no clause.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from compliance.errors import UserError
from compliance.model.numbering import CLAUSE_ID, chinese_number

CN = "一二三四五六七八九十"
PLACEHOLDER = "待填写"
"""What the author replaces; loading fails on it wherever the field is a date, a number or an
effect, so ``compliance lint`` points at it."""

EFFECT_HINT = "money 金钱 / date 期限 / right 权利 / obligation 义务 / informational 说明"
HEADING_REASON = "条标题，本身不设权利义务；内容见其下各款。"
CONTRACT_ID = re.compile(r"^[a-z0-9-]+$")

_DATE = r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
_ATTACHMENT = re.compile(r"^附件\s*(\d*)\s*[：:]\s*(.*)$")
_ARTICLE = re.compile(rf"^第\s*([{CN}]+|\d+)\s*条\s*(.*)$")
_CN_ARTICLE = re.compile(rf"^([{CN}]+)、\s*(.*)$")
_DOTTED = re.compile(r"^(\d+(?:\.\d+)+)(?![\d.])\s*(.*)$")
_SECTION = re.compile(rf"^[（(]([{CN}]+)[)）]\s*(.*)$")
_ITEM = re.compile(r"^(\d+)\s*([.．](?!\d)|、)\s*(.*)$")
_SUB_ITEM = re.compile(r"^(?:[（(](\d+)[)）]|(\d+)[)）])\s*(.*)$")
_BULLET = re.compile(r"^-\s+")
_END_OF_TEXT = re.compile(r"^[（(][^()（）]*无正文[^()（）]*[)）]$")
_SIGNATURE = re.compile(r"^(?:(?:甲方|乙方)\s*(?:[（(](?:盖章|签章|签字|签名)[)）])?|(?:签订|签署)?日期)\s*[：:]")
_NOT_PRINTABLE = re.compile("[^\t\n\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_CJK_SPACE = re.compile(r"(?<=[\u3400-\u9fff“”《》])\s+(?=[\u3400-\u9fff“”《》])")


@dataclass
class ScannedClause:
    """One article or sub-clause as the text numbers it: its id, the words after its number on
    its first line, and its lines (blank lines dropped, each stripped)."""

    id: str
    heading: str
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def scaffold(text_path: Path, contract_id: str | None = None) -> str:
    """The YAML text of a new contract encoding built from the signed text at ``text_path``.

    ``contract_id`` (lower-case letters, digits and hyphens, e.g. ``gaomidian-2025``) defaults
    to the file's name without ``.txt``; the encoding's ``seed`` is ``texts/<id>.txt``, where
    the author keeps the text. Raises ``UserError`` when the file cannot be read as UTF-8, the
    id is not a valid contract id, or the text has no clause numbers at all.
    """
    contract_id = contract_id if contract_id is not None else Path(text_path).stem
    if not CONTRACT_ID.match(contract_id):
        raise UserError(f"合同 id 只能由小写字母、数字和连字符组成：{contract_id!r}", field="--id",
                        valid="如 gaomidian-2025（用 --id 指定）")
    text = _read(Path(text_path))
    clauses = scan(text)
    if not clauses:
        raise UserError("原文中没有找到条款编号（第一条、一、、1.1、（一）…）", file=text_path,
                        valid="合同签署文本的纯文本（UTF-8），每条条款另起一行")
    return _render(contract_id, _header(text, clauses), clauses)


def _read(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise UserError(f"读不到原文：{error.strerror}", file=path) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UserError(f"原文不是 UTF-8 文本（第 {error.start} 字节）", file=path,
                        valid="另存为 UTF-8 编码的 .txt") from None
    return _NOT_PRINTABLE.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))


# --- reading the numbering -------------------------------------------------------------------

class _Scanner:
    """Walks the text line by line, keeping where in the numbering it is."""

    def __init__(self) -> None:
        self.clauses: list[ScannedClause] = []
        self.ids: set[str] = set()
        self.current: ScannedClause | None = None
        self.arabic = False          # the contract numbers its articles 第N条
        self.attachment: str | None = None
        self.article: str | None = None
        self.article_number = 0
        self.base: str | None = None  # the article or dotted clause items hang from
        self.base_by_comma = False    # base made of a "N、" item directly under an article
        self.section: str | None = None
        self.item: str | None = None
        self.counters: dict[tuple[str, str], int] = {}
        self.ended = False

    # ids -----------------------------------------------------------------------------------

    def _next(self, parent: str, level: str, number: int) -> bool:
        """Whether ``number`` follows the last number under ``parent`` at ``level``: the next
        one for sections and items, a later one for articles (a heading lost from the text
        does not swallow the articles after it)."""
        last = self.counters.get((parent, level), 0)
        return number > last if level == "article" else number == last + 1

    def _open(self, clause_id: str, heading: str, line: str, parent: str, level: str,
              number: int | None = None) -> bool:
        if clause_id in self.ids or not re.match(CLAUSE_ID, clause_id):
            return False
        if number is not None:
            if not self._next(parent, level, number):
                return False
            self.counters[(parent, level)] = number
        self.current = ScannedClause(clause_id, heading.strip(), [line])
        self.clauses.append(self.current)
        self.ids.add(clause_id)
        self.ended = False
        return True

    # lines ---------------------------------------------------------------------------------

    def line(self, raw: str) -> None:
        line = raw.strip()
        bare = line.lstrip("#").strip() if line.startswith("#") else line
        if not bare:
            return
        if self._starts(bare):
            return
        if self.current is None or self.ended:
            return
        if self.attachment is None and (_END_OF_TEXT.match(bare) or _SIGNATURE.match(bare)):
            self.ended = True
            return
        self.current.lines.append(bare)

    def _starts(self, line: str) -> bool:
        """Open a clause if ``line`` starts one; False if it is text."""
        bullet = _BULLET.match(line)
        body = line[bullet.end():] if bullet else line
        if not bullet and (match := _ATTACHMENT.match(body)):
            return self._attachment(match, line)
        if self.attachment is not None:
            return self._in_attachment(body, line)
        if self.ended:
            return False
        if not bullet and (match := _ARTICLE.match(body)):
            return self._article(match, line)
        if match := _CN_ARTICLE.match(body):
            return self._chinese(match, line)
        if self.article is None:
            return False
        if not bullet and (match := _DOTTED.match(body)):
            return self._dotted(match, line)
        if match := _SECTION.match(body):
            return self._section(match, line)
        if match := _ITEM.match(body):
            return self._item(int(match.group(1)), match.group(3), line, comma=match.group(2) == "、")
        if match := _SUB_ITEM.match(body):
            return self._sub_item(int(match.group(1) or match.group(2)), match.group(3), line)
        if bullet:
            return self._bullet(body, line)
        return False

    def _attachment(self, match: re.Match, line: str) -> bool:
        clause_id = f"附件{match.group(1)}"
        if not self._open(clause_id, match.group(2).strip("《》 "), line, "", "attachment"):
            return False
        self.attachment, self.article, self.section, self.item = clause_id, None, None, None
        self.base = None
        return True

    def _in_attachment(self, body: str, line: str) -> bool:
        """Inside an attachment only its 一、 headings and the items under them are clauses."""
        if (match := _CN_ARTICLE.match(body)) and (number := _numeral(match.group(1))):
            clause_id = f"{self.attachment}.{match.group(1)}"
            if self._open(clause_id, match.group(2), line, self.attachment, "article", number):
                self.article, self.item = clause_id, None
                return True
            return False
        if self.article and (match := _ITEM.match(body)):
            number = int(match.group(1))
            clause_id = f"{self.article}({number})"
            if self._open(clause_id, match.group(3), line, self.article, "item", number):
                self.item = clause_id
                return True
        return False

    def _new_article(self, clause_id: str, number: int) -> None:
        self.article, self.article_number, self.base = clause_id, number, clause_id
        self.base_by_comma, self.section, self.item = False, None, None

    def _article(self, match: re.Match, line: str) -> bool:
        numeral = match.group(1)
        number = int(numeral) if numeral.isdigit() else _numeral(numeral)
        if not number:
            return False
        if self.arabic and number <= self.article_number:  # 第三条约定的… quoted at a line's start
            return False
        if not self._open(str(number), match.group(2), line, "", "第N条"):
            return False
        self.arabic = True
        self._new_article(str(number), number)
        return True

    def _chinese(self, match: re.Match, line: str) -> bool:
        numeral, heading = match.groups()
        if not (number := _numeral(numeral)):
            return False
        if self.arabic:  # 一、 inside a 第N条 contract: an item of the article or clause
            return self.article is not None and self._item(number, heading, line, comma=True)
        if not self._open(numeral, heading, line, "", "article", number):
            return False
        self._new_article(numeral, number)
        return True

    def _dotted(self, match: re.Match, line: str) -> bool:
        clause_id, heading = match.groups()
        if int(clause_id.split(".")[0]) != self.article_number:
            return False
        if not self._open(clause_id, heading, line, "", "dotted"):
            return False
        self.base, self.base_by_comma, self.section, self.item = clause_id, False, None, None
        return True

    def _section(self, match: re.Match, line: str) -> bool:
        numeral, heading = match.groups()
        if not (number := _numeral(numeral)):
            return False
        if self.arabic:  # （一） under a dotted clause: an item, numbered in Arabic
            return self._item(number, heading, line)
        clause_id = f"{self.article}({numeral})"
        if not self._open(clause_id, heading, line, self.article, "section", number):
            return False
        self.section, self.item = clause_id, None
        return True

    def _item(self, number: int, heading: str, line: str, comma: bool = False) -> bool:
        if self.arabic and comma and (self.base == self.article or self.base_by_comma):
            clause_id = f"{self.article}.{number}"  # 规自委朝阳: 第一条 … 1、 → 1.1
            if not self._open(clause_id, heading, line, self.article, "、", number):
                return False
            self.base, self.base_by_comma, self.item = clause_id, True, None
            return True
        if self.arabic:
            parent, clause_id = self.base, f"{self.base}({number})"
        elif self.section:
            parent, clause_id = self.section, f"{self.section}{number}"
        else:
            parent, clause_id = self.article, f"{self.article}({number})"
        if not self._open(clause_id, heading, line, parent, "item", number):
            return False
        self.item = clause_id
        return True

    def _sub_item(self, number: int, heading: str, line: str) -> bool:
        parent = self.item or (self.base if self.arabic else self.section or self.article)
        level = "sub" if self.item else "item"
        return self._open(f"{parent}({number})", heading, line, parent, level, number)

    def _bullet(self, body: str, line: str) -> bool:
        """An unnumbered list item: numbered by position under its section or clause, as long
        as that clause's items are all unnumbered."""
        parent = self.item or (self.base if self.arabic else self.section or self.article)
        level = "sub" if parent == self.item else "item"
        if self.counters.get((parent, level), 0) and (parent, "bullet") not in self.counters:
            return False
        number = self.counters.get((parent, level), 0) + 1
        clause_id = f"{parent}{number}" if parent == self.section else f"{parent}({number})"
        if not self._open(clause_id, body, line, parent, level, number):
            return False
        self.counters[(parent, "bullet")] = 1
        return True


def _numeral(numeral: str) -> int | None:
    """一 → 1, 十二 → 12, 二十三 → 23; None for what is no numeral (一二、, 十十、)."""
    if not re.fullmatch(r"(?:[二三四五六七八九]?十)?[一二三四五六七八九]?", numeral) or not numeral:
        return None
    return chinese_number(numeral)


def scan(text: str) -> list[ScannedClause]:
    """Every article and sub-clause of a signed text, in reading order."""
    scanner = _Scanner()
    for raw in text.splitlines():
        scanner.line(raw)
    return scanner.clauses


# --- the header --------------------------------------------------------------------------------

@dataclass
class _Value:
    """A header value read from the text (with where it was read), or None."""

    value: object | None
    source: str = ""


def _header(text: str, clauses: list[ScannedClause]) -> dict[str, _Value]:
    preamble = _preamble(text, clauses)
    buyer, vendor = _party(preamble, "甲方"), _party(preamble, "乙方")
    signed = _signed(text)
    start, end, term_clause = _term(clauses, signed.value)
    amount, price_clause = _total_price(clauses)
    return {"title": _title(preamble), "short_name": _short_name(buyer.value), "buyer": buyer,
            "vendor": vendor, "signed": signed, "start": start, "end": end,
            "term_clause": term_clause, "amount": amount, "price_clause": price_clause}


def _preamble(text: str, clauses: list[ScannedClause]) -> list[str]:
    """The lines before the first clause."""
    lines = text.splitlines()
    first = clauses[0].lines[0]
    for index, raw in enumerate(lines):
        if raw.strip().lstrip("#").strip() == first:
            return lines[:index]
    return lines


def _title(preamble: list[str]) -> _Value:
    previous = ""
    for raw in preamble:
        line = raw.strip().lstrip("#").strip()
        if line and ("合同" in line or "协议" in line) and not re.search(r"[：:]", line) \
                and len(line) <= 60 and not line.startswith("合同编号"):
            joined = previous + line if previous and not re.search(r"[：:]", previous) else line
            return _Value(_CJK_SPACE.sub("", joined), "原文标题")
        previous = line
    return _Value(None)


def _party(preamble: list[str], role: str) -> _Value:
    for raw in preamble:
        match = re.match(rf"^{role}\s*[：:]\s*(.+)$", raw.strip())
        if match:
            name = re.sub(r"[（(]以下简称[^)）]*[)）]", "", match.group(1))
            name = re.sub(r"\s+", "", name)
            if name and "〔…〕" not in name:
                return _Value(name, f"原文“{role}：”")
    return _Value(None)


def _short_name(buyer: object | None) -> _Value:
    """高米店 from 北京市大兴区高米店街道办事处; none for a bureau (规自委朝阳 is the author's)."""
    match = re.search(r"(?:市|区|县)(?:人民政府)?([^市区县]+?)(?:街道办事处|地区办事处|街道|"
                      r"镇人民政府|乡人民政府|镇|乡)$", str(buyer or ""))
    return _Value(match.group(1), "甲方名称") if match else _Value(None)


def _day(match: re.Match, first: int = 1) -> date | None:
    try:
        return date(*(int(match.group(first + i)) for i in range(3)))
    except ValueError:
        return None


def _signed(text: str) -> _Value:
    for pattern in (rf"(?:签订|签署)(?:日期|时间)\s*[：:]\s*{_DATE}", rf"(?m)^\s*日期\s*[：:]\s*{_DATE}"):
        if (match := re.search(pattern, text)) and (day := _day(match)):
            return _Value(day, f"原文“{match.group(0).strip()}”")
    return _Value(None)


def _term(clauses: list[ScannedClause], signed: object | None) -> tuple[_Value, _Value, _Value]:
    for clause in clauses:
        if not re.search(r"期限|服务期|项目期", clause.text):
            continue
        match = re.search(rf"{_DATE}[^。；]*?至\s*{_DATE}", clause.text)
        if match and (start := _day(match)) and (end := _day(match, 4)):
            where = f"第 {clause.id} 条"
            return _Value(start, where), _Value(end, where), _Value(clause.id, where)
        if isinstance(signed, date) and re.search(r"(?:签订|签署)之日起\s*(?:一|1)\s*年", clause.text):
            where = f"第 {clause.id} 条：自签订之日起一年"
            return _Value(signed, where), _Value(_one_year_from(signed), where), \
                _Value(clause.id, where)
    return _Value(None), _Value(None), _Value(None)


def _one_year_from(start: date) -> date:
    try:
        return start.replace(year=start.year + 1) - timedelta(days=1)
    except ValueError:  # 29 February
        return date(start.year + 1, 2, 28)


_PRICE_WORDS = (r"总价款|价款总额|价款总金额|总金额|费用总价|总价", r"共计")
_FIGURE = r"[¥￥]?\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*元"


def _total_price(clauses: list[ScannedClause]) -> tuple[_Value, _Value]:
    """The figure written right after 合同价款总额 / 总金额 / 总价 (or, failing those, 共计)."""
    for words in _PRICE_WORDS:
        for clause in clauses:
            match = re.search(rf"(?:{words})[^\d。；]{{0,30}}?{_FIGURE}", clause.text)
            if match:
                figure = match.group(1).replace(",", "") + (match.group(2) or "")
                where = f"第 {clause.id} 条"
                return _Value(figure, where), _Value(clause.id, where)
    return _Value(None), _Value(None)


# --- writing the YAML --------------------------------------------------------------------------

def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _field(key: str, value: _Value, hint: str, indent: str = "", kind: str = "text") -> str:
    """``key: value  # 据…，请核对``, or the placeholder that makes loading fail on this line."""
    if value.value is None:
        shown = " null" if kind == "text" else f" {PLACEHOLDER}"  # null: 须是文字
        return f"{indent}{key}:{shown}  # {PLACEHOLDER}：{hint}"
    shown = _quoted(str(value.value)) if kind in ("text", "clause") else str(value.value)
    return f"{indent}{key}: {shown}  # 据{value.source}，请核对"


def _render(contract_id: str, header: dict[str, _Value], clauses: list[ScannedClause]) -> str:
    lines = [
        "# yaml-language-server: $schema=../docs/schema/contract.schema.json",
        f"# 由 compliance new 据 texts/{contract_id}.txt 生成的初稿。步骤见 docs/新合同接入.md。",
        f"# 写着“{PLACEHOLDER}”的地方都要填写；注明“请核对”的是从原文读出的，请与原文核对。",
        f"# compliance lint {contract_id} 逐行列出尚未填写的字段。",
        f"id: {contract_id}",
        _field("title", header["title"], "合同名称，照原文标题"),
        _field("short_name", header["short_name"], "本合同的简称，如 高米店、规自委朝阳"),
        f"seed: texts/{contract_id}.txt",
        "parties:",
        _field("buyer", header["buyer"], "甲方全称", "  "),
        _field("vendor", header["vendor"], "乙方全称", "  "),
        _field("signed", header["signed"], "签订日期，写作 YYYY-MM-DD（原文未写明的，见合同签署页）",
               kind="date"),
        "term:",
        _field("start", header["start"], "服务期限第一天，写作 YYYY-MM-DD", "  ", "date"),
        _field("end", header["end"], "服务期限最后一天（含），写作 YYYY-MM-DD", "  ", "date"),
        _field("clause", header["term_clause"], "写明服务期限的条款编号，如 '1.2'", "  ", "clause"),
        "total_price:",
        _field("amount", header["amount"], "合同总价款（元），只写数字，如 4315200", "  ", "amount"),
        _field("clause", header["price_clause"], "写明合同总价款的条款编号，如 '3.1'", "  ", "clause"),
        "# 按月付费的合同还要写 fees 和 payment，分期付款的写 tranche 规则，见 docs/新合同接入.md。",
        "event_types: {}  # 合同规则计数、计日、计金额的事实类型，见 docs/新合同接入.md",
        "clauses:",
    ]
    for index, clause in enumerate(clauses):
        following = clauses[index + 1].id if index + 1 < len(clauses) else ""
        lines += _clause(clause, _is_heading(clause, following))
    return "\n".join(lines) + "\n"


def _clause(clause: ScannedClause, heading_only: bool) -> list[str]:
    lines = [f"- id: {_quoted(clause.id)}",
             f"  title: {_quoted(_clause_title(clause))}",
             "  text: |-",
             *(f"    {line}" for line in clause.lines)]
    if heading_only:
        return lines + ["  effect: informational  # 条标题，已预填，请核对",
                        f"  reason: {HEADING_REASON}", "  rules: []"]
    return lines + [f"  effect: {PLACEHOLDER}  # {EFFECT_HINT}", "  rules: []"]


def _is_heading(clause: ScannedClause, following: str) -> bool:
    """A bare heading (第六条 违约责任) with its own clauses under it."""
    own = following.startswith(clause.id) and following != clause.id and (
        following[len(clause.id)] in ".(" or (clause.id.endswith(")") and
                                               following[len(clause.id)].isdigit()))
    return own and len(clause.lines) == 1 and not clause.heading.endswith("。") \
        and _short_heading(clause.heading) is not None


def _short_heading(heading: str) -> str | None:
    """The heading, if the words after the number are one: short, one phrase (2.2.1提供12345市民
    热线政策解读服务。 is the heading of the paragraph under it)."""
    words = heading.strip().strip("《》").rstrip("。")
    if words and len(words) <= 30 and not re.search(r"[。；;，,：:]", words):
        return words
    return None


def _clause_title(clause: ScannedClause) -> str:
    """The heading where the clause has one (第一条 委托服务地点、服务期限; 2.3.2 巡查服务要求),
    else what the clause's first words name (服务地点：… → 服务地点), else its first phrase."""
    heading = re.sub(r"^(?:[（(][\d一二三四五六七八九十]+[)）]|\d+[)）])\s*", "", clause.heading)
    if not heading.strip() and len(clause.lines) > 1:  # 第一条 alone on its line
        heading = clause.lines[1]
    if len(clause.lines) > 1 and (words := _short_heading(heading)):
        return words
    if (words := _short_heading(heading)) and len(words) <= 16:
        return words
    label = re.match(r"^([^：:，。；,;]{1,12})[：:]", heading)
    if label:
        return label.group(1).strip()
    phrase = re.split(r"[，。；：;:]|,(?!\d)", heading, maxsplit=1)[0].strip()
    if len(phrase) > 20:  # cut, and not inside a number or a word written in Latin letters
        phrase = re.sub(r"\s*[0-9A-Za-z.:]*$", "", phrase[:20])
    return phrase or clause.id
