"""Clause numbers in each contract's own numbering, and their reading order.

Contracts number their clauses in two styles, and attachments restart numbering:

* dotted Arabic (高米店, 羊坊店): ``4.6.10``, an item under it ``9.2(3)``;
* Chinese (城北): article ``五``, section ``五(一)``, item ``五(一)1``, sub-item ``六(三)2(1)``;
* attachments: ``附件1``, a heading inside it ``附件2.三``, an item ``附件.四(1)``.

Ids are written with ASCII parentheses so that they can be BDD tags (``@clause-五(一)1``).
People write them as the contract does (``第4.6.1条``, ``五（二）1``, full-width digits):
:func:`normalise_clause_id` turns what they write into the id, for the command line
(``--clause``, ``--reason``) and the facts (``clause:``) alike.
"""
from __future__ import annotations

import re
from collections.abc import Collection

_CN = "一二三四五六七八九十"
_MAIN = rf"([0-9]+(\.[0-9]+)*|[{_CN}]+(\([{_CN}]+\))?([0-9]+)?)(\([0-9]+\))?"
CLAUSE_ID = rf"^(附件[0-9]*(\.{_MAIN})?|{_MAIN})$"
"""The pattern every clause id matches."""

TAG_ID = rf"[0-9{_CN}附件.()]+"
"""What may follow ``@clause-`` in a feature file."""


def chinese_number(numeral: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十 → 20, 二十三 → 23."""
    tens, _, units = numeral.rpartition("十")
    if "十" not in numeral:
        return _CN.index(numeral) + 1
    return (_CN.index(tens) + 1 if tens else 1) * 10 + (_CN.index(units) + 1 if units else 0)


def clause_order(clause_id: str) -> tuple[int, ...]:
    """Sort key in reading order: 4.6.10 after 4.6.9, 五(一)2 after 五(一)1, attachments last."""
    attachment = re.match(r"^附件([0-9]*)\.?", clause_id)
    rest = clause_id[attachment.end():] if attachment else clause_id
    head = (1, int(attachment.group(1) or 0)) if attachment else (0, 0)
    parts = re.findall(rf"[0-9]+|[{_CN}]+", rest)
    return head + tuple(int(p) if p.isdigit() else chinese_number(p) for p in parts)


def chinese_numeral(number: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 23 → 二十三 (1..99, the inverse of
    :func:`chinese_number`)."""
    tens, units = divmod(number, 10)
    return ((_CN[tens - 1] if tens > 1 else "") + ("十" if tens else "")
            + (_CN[units - 1] if units else ""))


_AS_WRITTEN = str.maketrans("０１２３４５６７８９（）．。", "0123456789()..")
"""Full-width digits, parentheses and points as a Chinese input method types them."""


def normalise_clause_id(text: str, known: Collection[str] = ()) -> str:
    """A clause id as a person writes it, as the contract numbers it.

    ``第4.6.1条``, ``4.6.1条``, ``４.６.１``, `` 4.6.1　`` → ``4.6.1``; ``五（二）1`` → ``五(二)1``;
    ``第五条`` → ``五``. Given the contract's ``known`` ids, an article number written in the
    other style is turned into the contract's: ``第十一条`` → ``11`` in 羊坊店 (dotted Arabic),
    ``5(二)`` → ``五(二)`` in 城北. What is still not a known id is returned as normalised, for
    the caller to refuse with its own message."""
    written = re.sub(r"\s+", "", str(text).translate(_AS_WRITTEN))
    written = re.sub(r"条(?=\(|$)", "", written.removeprefix("第"), count=1).rstrip("、.")
    if not known or written in known:
        return written
    arabic = re.match(r"^([0-9]+)(.*)$", written)
    chinese = re.match(rf"^([{_CN}]+)(.*)$", written)
    other = None
    if arabic and 1 <= int(arabic[1]) <= 99:
        other = chinese_numeral(int(arabic[1])) + arabic[2]
    elif chinese and re.fullmatch(rf"[{_CN[:-1]}]|[{_CN[1:-1]}]?十[{_CN[:-1]}]?", chinese[1]):
        other = str(chinese_number(chinese[1])) + chinese[2]
    return other if other in known else written
