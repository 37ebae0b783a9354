"""Accounts of the web page: ``compliance user add NAME --role … [--contract ID …]``, and
their care: ``user passwd`` (a new password), ``user unlock`` (a lockout lifted) and ``user
remove`` (the account disabled, never deleted: its name stays on what it signed, its
objections and the audit log; its sessions end at once).

Passwords are kept only as argon2id hashes (argon2-cffi's ``PasswordHasher``, its default
parameters: RFC 9106's second recommended option, 64 MiB of memory); the password itself is
never stored nor logged. Each of these steps is written to the audit log."""
from __future__ import annotations

from dataclasses import dataclass

import pendulum
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from compliance.errors import UserError
from compliance.model.suggest import did_you_mean
from compliance.model.today import BEIJING
from compliance.register import audit
from compliance.register.database import session as register_session
from compliance.register.roles import ROLES, VENDOR
from compliance.register.tables import User, UserContract, UserSession

HASHER = PasswordHasher()
MIN_PASSWORD = 8
MAX_PASSWORD = 256
MAX_NAME = 100


@dataclass(frozen=True)
class Account:
    """An account as the page and ``user list`` show it."""

    name: str
    role: str
    contracts: tuple[str, ...]
    locked_until: str | None = None
    """Until when it is locked, while it is."""
    disabled_at: str | None = None
    """When it was disabled (``user remove``)."""


def check_password(password: str) -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise UserError(f"密码长度为 {len(password)} 个字符", field="密码",
                        valid=f"{MIN_PASSWORD} 至 {MAX_PASSWORD} 个字符")


def password_matches(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


DECOY_HASH = HASHER.hash("这不是任何人的密码")
"""Checked against when no account has the name given, so a wrong name takes as long to
refuse as a wrong password (the page does not tell which accounts exist)."""


def add_user(name: str, role: str, password: str, contracts: list[str], actor: str) -> Account:
    """Add an account; a vendor names at least one contract, no one else names any."""
    name = name.strip()
    if not name or len(name) > MAX_NAME or any(not ch.isprintable() for ch in name):
        raise UserError("用户名须为 1 至 100 个可打印字符", field="NAME")
    if role not in ROLES:
        raise UserError(f"没有这个角色：{role}", field="--role", valid=" | ".join(ROLES))
    if (role == VENDOR) != bool(contracts):
        raise UserError("乙方账户须用 --contract 指明可查看的合同" if role == VENDOR
                        else f"{role}可查看全部合同，不能指定 --contract", field="--contract")
    check_password(password)
    with register_session() as session:
        head = audit.lock_head(session)
        existing = session.get(User, name)
        if existing is not None:
            raise UserError(f"已有名为“{name}”的用户" + ("（已停用；其姓名仍留在登记簿中）"
                                                     if existing.disabled_at else ""),
                            field="NAME", valid="另一个用户名")
        user = User(name=name, role=role, password_hash=HASHER.hash(password),
                    created_at=audit.now(), failures=0,
                    contracts=[UserContract(contract=c) for c in sorted(set(contracts))])
        session.add(user)
        audit.append(session, head, actor, "user_add", ",".join(sorted(set(contracts))), None,
                     {"name": name, "role": role})
        return account(user)


def account(user: User) -> Account:
    return Account(user.name, user.role, tuple(c.contract for c in user.contracts),
                   user.locked_until if still_locked(user) else None, user.disabled_at)


def moment_text(value: str) -> str:
    """A stored moment as people read it: ``2026-01-05 09:30`` (Beijing time)."""
    return value[:16].replace("T", " ")


def still_locked(user: User) -> bool:
    """Whether a lockout of the account has not yet ended."""
    return bool(user.locked_until) and pendulum.parse(user.locked_until) > pendulum.now(BEIJING)


def reset_password(name: str, password: str, actor: str) -> None:
    """``user passwd``: a new password, by the rules of ``user add``; a lockout is lifted (the
    user can sign in with it at once) and every session of the account ends."""
    check_password(password)
    with register_session() as session:
        head = audit.lock_head(session)
        user = _in_use(session, name)
        user.password_hash, user.failures, user.locked_until = HASHER.hash(password), 0, None
        end_sessions(session, user.name)
        audit.append(session, head, actor, "user_passwd", "", None, {"name": user.name})


def unlock(name: str, actor: str) -> bool:
    """``user unlock``: a lockout lifted and the wrong passwords so far forgotten; False (and
    nothing recorded) when there was nothing to lift."""
    with register_session() as session:
        head = audit.lock_head(session)
        user = _in_use(session, name)
        if not still_locked(user) and not user.failures:
            return False
        user.failures, user.locked_until = 0, None
        audit.append(session, head, actor, "user_unlock", "", None, {"name": user.name})
        return True


def remove(name: str, actor: str) -> None:
    """``user remove``: the account disabled and its sessions ended; what it did stays."""
    with register_session() as session:
        head = audit.lock_head(session)
        user = _in_use(session, name)
        user.disabled_at = audit.now()
        end_sessions(session, user.name)
        audit.append(session, head, actor, "user_remove", "", None, {"name": user.name})


def enable(name: str, actor: str) -> None:
    """``user enable``: a disabled account in use again, with the password it had (reset it
    with ``user passwd`` if that is not known any more)."""
    with register_session() as session:
        head = audit.lock_head(session)
        user = _named(session, name)
        if not user.disabled_at:
            raise UserError(f"用户“{user.name}”未被停用，无需启用", field="NAME",
                            valid="compliance user list 中标为已停用的用户")
        user.disabled_at, user.failures, user.locked_until = None, 0, None
        audit.append(session, head, actor, "user_enable", "", None, {"name": user.name})


def end_sessions(session: Session, name: str, keep: str | None = None) -> None:
    """End every session of ``name`` (but the one whose token's sha256 is ``keep``)."""
    session.execute(delete(UserSession).where(UserSession.name == name,
                                              UserSession.token_sha256 != (keep or "")))


def _named(session: Session, name: str) -> User:
    """The account named ``name``, refused (with the name meant) when there is none."""
    user = session.get(User, name.strip())
    if user is None:
        names = list(session.execute(select(User.name)).scalars())
        raise UserError(f"没有名为“{name}”的用户{did_you_mean(name, names, '；')}", field="NAME",
                        valid="compliance user list 列出的用户名")
    return user


def _in_use(session: Session, name: str) -> User:
    """The account named ``name``, refused when there is none or it has been disabled."""
    user = _named(session, name)
    if user.disabled_at:
        raise UserError(f"用户“{user.name}”已于 {moment_text(user.disabled_at)} 停用",
                        field="NAME", valid="在用的账户")
    return user


def accounts() -> list[Account]:
    """Every account, by name."""
    with register_session() as session:
        return [account(user) for user in session.execute(select(User).order_by(User.name)).scalars()]
