"""Clause numbers in each contract's own numbering, and their reading order.

Contracts number their clauses in two styles, and attachments restart numbering:

* dotted Arabic (高米店, 羊坊店): ``4.6.10``, an item under it ``9.2(3)``;
* Chinese (城北): article ``五``, section ``五(一)``, item ``五(一)1``, sub-item ``六(三)2(1)``;
* attachments: ``附件1``, a heading inside it ``附件2.三``, an item ``附件.四(1)``.

Ids are written with ASCII parentheses so that they can be BDD tags (``@clause-五(一)1``).
"""
from __future__ import annotations

import re

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
