"""The register's tables, one SQLAlchemy 2 model for SQLite and PostgreSQL alike.

A statement row is written once, when it is issued; what happens to it later (approvals, a
correction, a void) is added beside it, never over its bytes. Its JSON and PDF, and every
facts file it read, are kept as content-addressed blobs (sha256), so twelve statements that
read the same month's file keep it once.
"""
from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    """The register's metadata; Alembic's migrations create exactly these tables."""


class Blob(Base):
    """Bytes kept once, named by their sha256: statement JSON and PDF, facts files."""

    __tablename__ = "blob"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class NumberSequence(Base):
    """The last number issued for a contract in a year: numbers are gapless because the next
    one is taken from here inside the transaction that stores the statement."""

    __tablename__ = "number_sequence"
    contract: Mapped[str] = mapped_column(String(100), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class Statement(Base):
    """An issued statement: its number, what it settles, its bytes and the inputs it read."""

    __tablename__ = "statement"
    __table_args__ = (UniqueConstraint("contract", "year", "sequence"),)
    number: Mapped[str] = mapped_column(String(120), primary_key=True)
    contract: Mapped[str] = mapped_column(String(100), index=True)
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    span: Mapped[str] = mapped_column(String(120))
    """What it settles, as its files are named: period-02, cycle-1, tranche-3, termination-…"""
    span_label: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    """issued, approved, superseded or voided (see ``lifecycle``)."""
    issued_on: Mapped[str] = mapped_column(String(10))
    issued_by: Mapped[str] = mapped_column(String(100))
    issued_at: Mapped[str] = mapped_column(String(40))
    facts_folder: Mapped[str] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(String(64))
    contract_sha256: Mapped[str] = mapped_column(String(64))
    calendar_sha256: Mapped[str] = mapped_column(String(64))
    software_version: Mapped[str] = mapped_column(String(40))
    payable: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text)
    """What the statement settles, in one Chinese line: 应付, 暂停支付, 乙方应补足 …"""
    json_sha256: Mapped[str] = mapped_column(ForeignKey("blob.sha256"))
    pdf_sha256: Mapped[str] = mapped_column(ForeignKey("blob.sha256"))
    corrects: Mapped[str | None] = mapped_column(ForeignKey("statement.number"), nullable=True)
    superseded_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    void_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    closes: Mapped[str] = mapped_column(Text)
    """The contract months whose facts it closes, comma-separated (a period: itself; a cycle:
    its months); a later change to those months' facts is refused until it is corrected."""
    facts: Mapped[list["StatementFacts"]] = relationship(order_by="StatementFacts.name",
                                                         cascade="all, delete-orphan")
    approvals: Mapped[list["Approval"]] = relationship(order_by="Approval.step",
                                                       cascade="all, delete-orphan")
    confirmation: Mapped["Confirmation | None"] = relationship(cascade="all, delete-orphan")
    """The vendor's 乙方确认, once given (issue 16)."""


class StatementFacts(Base):
    """A facts file an issued statement read: its name and the blob of its content."""

    __tablename__ = "statement_facts"
    number: Mapped[str] = mapped_column(ForeignKey("statement.number"), primary_key=True)
    name: Mapped[str] = mapped_column(String(255), primary_key=True)
    period: Mapped[int | None] = mapped_column(Integer, nullable=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("blob.sha256"))


class Approval(Base):
    """A signature on a statement: 经办 when it is issued, then 复核, 审核, 负责人 in turn."""

    __tablename__ = "approval"
    number: Mapped[str] = mapped_column(ForeignKey("statement.number"), primary_key=True)
    step: Mapped[int] = mapped_column(Integer, primary_key=True)
    role: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    signed_on: Mapped[str] = mapped_column(String(10))
    at: Mapped[str] = mapped_column(String(40))


class AuditRecord(Base):
    """One action on the register, chained to the one before by hash (see ``audit``)."""

    __tablename__ = "audit"
    sequence: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(20))
    contract: Mapped[str] = mapped_column(String(100))
    number: Mapped[str | None] = mapped_column(String(120), nullable=True)
    details: Mapped[str] = mapped_column(Text)
    previous_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The one row every writing transaction locks first: it serialises writers (on
    PostgreSQL with ``SELECT … FOR UPDATE``) so the chain never forks and numbers never
    collide, and it holds the chain's last hash."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sequence: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class Confirmation(Base):
    """The vendor's confirmation of an issued statement (乙方确认): who, on which day, when."""

    __tablename__ = "vendor_confirmation"
    number: Mapped[str] = mapped_column(ForeignKey("statement.number"), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    signed_on: Mapped[str] = mapped_column(String(10))
    at: Mapped[str] = mapped_column(String(40))


class Objection(Base):
    """A vendor's objection (异议) to a statement or one of its lines, with an optional
    attachment, and the buyer's answer (see ``objections``)."""

    __tablename__ = "objection"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    number: Mapped[str] = mapped_column(ForeignKey("statement.number"), index=True)
    line: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """The deduction line objected to (1 = the first), or None for the whole statement."""
    text: Mapped[str] = mapped_column(Text)
    raised_by: Mapped[str] = mapped_column(String(100))
    raised_at: Mapped[str] = mapped_column(String(40))
    attachment_sha256: Mapped[str | None] = mapped_column(ForeignKey("blob.sha256"), nullable=True)
    attachment_name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    attachment_type: Mapped[str | None] = mapped_column(String(100), nullable=True)
    status: Mapped[str] = mapped_column(String(20))
    """open, accepted or rejected."""
    answer: Mapped[str | None] = mapped_column(Text, nullable=True)
    answered_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    answered_at: Mapped[str | None] = mapped_column(String(40), nullable=True)


class User(Base):
    """Someone who signs in to the web page: a name, a role (see ``roles``), an argon2 hash
    of the password, the contracts a vendor may see, the failed sign-ins that lock it, and
    whether it has been disabled (never deleted: its name stays in the register)."""

    __tablename__ = "user_account"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(String(40))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[str | None] = mapped_column(String(40), nullable=True)
    disabled_at: Mapped[str | None] = mapped_column(String(40), nullable=True)
    """When ``compliance user remove`` disabled the account (it no longer signs in); None
    while it is in use."""
    contracts: Mapped[list["UserContract"]] = relationship(order_by="UserContract.contract",
                                                           cascade="all, delete-orphan")


class UserContract(Base):
    """A contract a vendor's account may see."""

    __tablename__ = "user_contract"
    name: Mapped[str] = mapped_column(ForeignKey("user_account.name"), primary_key=True)
    contract: Mapped[str] = mapped_column(String(100), primary_key=True)


class UserSession(Base):
    """A signed-in browser: the sha256 of its cookie's token (the token itself is never
    stored), its CSRF token, and when it ends."""

    __tablename__ = "user_session"
    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(ForeignKey("user_account.name"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(40))
    expires_at: Mapped[str] = mapped_column(String(40))


class SessionKey(Base):
    """The key session cookies are signed with, made once by the migration and shared by
    every worker process."""

    __tablename__ = "session_key"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
