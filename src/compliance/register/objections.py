"""Objections (异议, issue 16): a vendor objects to an issued statement it has not yet
confirmed, or to one of its deduction lines, with its reasons and optionally one attachment (a PDF, PNG or JPEG of at
most ``MAX_ATTACHMENT`` bytes, its kind read from its first bytes, never from its name); the
buyer's finance staff answer it, accepting (the statement is then corrected) or not. Both
sides see its status; every step is in the audit log."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from compliance.errors import UserError
from compliance.register import audit, blobs, records
from compliance.register.database import session as register_session
from compliance.register.lifecycle import require_live
from compliance.register.tables import Objection

MAX_TEXT = 2000
MAX_ATTACHMENT = 5 * 1024 * 1024
ATTACHMENT_KINDS = {b"%PDF-": "application/pdf", b"\x89PNG\r\n\x1a\n": "image/png",
                    b"\xff\xd8\xff": "image/jpeg"}
"""What an attachment may be, known by its first bytes."""
ANSWERS = {"accepted": "采纳（将出具更正结算单）", "rejected": "不予采纳（维持原结算单）"}
STATUS = {"open": "待甲方答复", "accepted": "已采纳", "rejected": "未采纳"}


@dataclass(frozen=True)
class Attachment:
    name: str
    content: bytes


def raise_objection(number: str, line: int | None, text: str, name: str,
                    attachment: Attachment | None, line_count: int) -> Objection:
    """Record ``name``'s objection to ``number`` (or its ``line``-th deduction line)."""
    text = _text(text, "异议理由")
    if line is not None and not 1 <= line <= line_count:
        raise UserError(f"结算单没有第 {line} 行扣款", field="line",
                        valid=f"1 至 {line_count}" if line_count else "整张结算单")
    kind = _kind(attachment) if attachment else None
    with register_session() as session:
        head = audit.lock_head(session)
        row = records.by_number(session, number, lock=True)
        require_live(row, "再提出异议")
        if row.confirmation is not None:
            raise UserError(f"结算单 {number} 已由 {row.confirmation.name} 确认，不能再提出异议", field="NUMBER")
        objection = Objection(number=number, line=line, text=text, raised_by=name,
                              raised_at=audit.now(), status="open")
        if attachment:
            objection.attachment_sha256 = blobs.put(session, attachment.content)
            objection.attachment_name, objection.attachment_type = _file_name(attachment.name), kind
        session.add(objection)
        session.flush()
        audit.append(session, head, name, "object", row.contract, number,
                     {"objection": objection.id, "line": line, "text": text,
                      "attachment_sha256": objection.attachment_sha256})
        return objection


def answer(number: str, objection_id: int, decision: str, text: str, name: str) -> Objection:
    """The buyer's answer to an open objection: ``accepted`` or ``rejected``, with reasons."""
    if decision not in ANSWERS:
        raise UserError("请选择是否采纳异议", field="decision", valid=" / ".join(ANSWERS.values()))
    text = _text(text, "答复")
    with register_session() as session:
        head = audit.lock_head(session)
        objection = _of(session, number, objection_id)
        if objection.status != "open":
            raise UserError(f"该异议已于 {objection.answered_at[:10]} 答复", field="decision")
        objection.status, objection.answer = decision, text
        objection.answered_by, objection.answered_at = name, audit.now()
        audit.append(session, head, name, "answer", records.by_number(session, number).contract,
                     number, {"objection": objection_id, "decision": decision, "text": text})
        return objection


def of_statement(number: str) -> list[Objection]:
    """Every objection to ``number``, first raised first."""
    with register_session() as session:
        return list(session.execute(select(Objection).where(Objection.number == number)
                                    .order_by(Objection.id)).scalars())


def attachment_of(number: str, objection_id: int) -> tuple[str, str, bytes]:
    """An objection's attachment: its file name, its kind and its bytes."""
    with register_session() as session:
        objection = _of(session, number, objection_id)
        if objection.attachment_sha256 is None:
            raise LookupError(f"该异议没有附件：{objection_id}")
        return (objection.attachment_name, objection.attachment_type,
                blobs.get(session, objection.attachment_sha256))


def _of(session, number: str, objection_id: int) -> Objection:
    objection = session.get(Objection, objection_id)
    if objection is None or objection.number != number:
        raise LookupError(f"结算单 {number} 没有第 {objection_id} 号异议")
    return objection


def _text(text: str, what: str) -> str:
    text = text.strip()
    if not text or len(text) > MAX_TEXT:
        raise UserError(f"{what}须为 1 至 {MAX_TEXT} 个字（现为 {len(text)} 个字）", field="text")
    return text


def _kind(attachment: Attachment) -> str:
    if len(attachment.content) > MAX_ATTACHMENT:
        raise UserError(f"附件过大（{len(attachment.content):,} 字节）", field="attachment",
                        valid=f"至多 {MAX_ATTACHMENT // 1024 // 1024} MB")
    for magic, kind in ATTACHMENT_KINDS.items():
        if attachment.content.startswith(magic):
            return kind
    raise UserError("附件须为 PDF、PNG 或 JPEG 文件", field="attachment", valid="PDF、PNG、JPEG")


def _file_name(name: str) -> str:
    """The attachment's name as uploaded, without any folder and at most 100 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip() or "附件"
    return "".join(ch for ch in base if ch.isprintable() and ch not in '"')[:100]
