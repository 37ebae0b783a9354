"""The audit log: every action on the register (who, when, what, with which hashes), each
record chained to the one before by hash, so a record changed, removed or inserted later
breaks the chain at that point and ``verify`` says where.

A record's hash is the sha256 of its canonical JSON (sorted keys, no spaces) together with
the previous record's hash; the first record chains to 64 zeros.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Iterator

import pendulum
from sqlalchemy import select
from sqlalchemy.orm import Session

from compliance.model.today import BEIJING
from compliance.register.tables import AuditHead, AuditRecord

ACTIONS = {"issue": "出具", "correct": "更正", "void": "作废", "approve": "审批",
           "confirm": "乙方确认", "object": "提出异议", "answer": "答复异议", "upload": "上传事实",
           "enter_event": "录入事件", "user_add": "添加用户", "user_passwd": "重设密码",
           "user_unlock": "解除锁定", "user_remove": "停用用户", "user_enable": "启用用户", "password": "修改密码",
           "sign_in": "登录", "lockout": "锁定账户"}
"""What the log records, in the words its readers use."""


def now() -> str:
    """The moment of an action, Beijing time to the second (``2026-01-05T09:30:00+08:00``)."""
    return pendulum.now(BEIJING).replace(microsecond=0).isoformat()


def lock_head(session: Session) -> AuditHead:
    """The chain's head, locked for this transaction: every writer takes it first."""
    return session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one()


def record_hash(fields: dict[str, Any], previous_hash: str) -> str:
    """sha256 of the record's canonical JSON and the previous record's hash."""
    canonical = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{previous_hash}\n{canonical}".encode("utf-8")).hexdigest()


def _fields(record: AuditRecord) -> dict[str, Any]:
    return {"sequence": record.sequence, "at": record.at, "actor": record.actor,
            "action": record.action, "contract": record.contract, "number": record.number,
            "details": json.loads(record.details)}


def append(session: Session, head: AuditHead, actor: str, action: str, contract: str,
           number: str | None, details: dict[str, Any]) -> AuditRecord:
    """Add the next record to the chain (``head`` locked by :func:`lock_head`)."""
    record = AuditRecord(sequence=head.sequence + 1, at=now(), actor=actor, action=action,
                         contract=contract, number=number,
                         details=json.dumps(details, ensure_ascii=False, sort_keys=True),
                         previous_hash=head.hash)
    record.hash = record_hash(_fields(record), head.hash)
    head.sequence, head.hash = record.sequence, record.hash
    session.add(record)
    return record


@dataclass(frozen=True)
class Break:
    """Where the chain does not hold, and why, in Chinese."""

    sequence: int
    problem: str


def chain_breaks(session: Session) -> Iterator[Break]:
    """Every place the stored chain fails: a record whose hash is not its content's, one that
    does not chain to the record before it, a gap in the numbering, or a head that does not
    name the last record."""
    previous, expected = "0" * 64, 1
    for record in session.execute(select(AuditRecord).order_by(AuditRecord.sequence)).scalars():
        if record.sequence != expected:
            yield Break(record.sequence, f"缺少第 {expected}–{record.sequence - 1} 条记录")
        if record.previous_hash != previous:
            yield Break(record.sequence, "未接续前一条记录的哈希")
        if record_hash(_fields(record), record.previous_hash) != record.hash:
            yield Break(record.sequence, "内容与其哈希不符（记录被改动）")
        previous, expected = record.hash, record.sequence + 1
    head = session.get(AuditHead, 1)
    if head is not None and (head.sequence, head.hash) != (expected - 1, previous):
        yield Break(head.sequence, "日志末尾的记录被删除或替换")
