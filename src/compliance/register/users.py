"""Accounts of the web page: ``compliance user add NAME --role … [--contract ID …]``.

Passwords are kept only as argon2id hashes (argon2-cffi's ``PasswordHasher``, its default
parameters: RFC 9106's second recommended option, 64 MiB of memory); the password itself is
never stored nor logged. Each account added is written to the audit log."""
from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from compliance.errors import UserError
from compliance.register import audit
from compliance.register.database import session as register_session
from compliance.register.roles import ROLES, VENDOR
from compliance.register.tables import User, UserContract

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
        if session.get(User, name) is not None:
            raise UserError(f"已有名为“{name}”的用户", field="NAME", valid="另一个用户名")
        user = User(name=name, role=role, password_hash=HASHER.hash(password),
                    created_at=audit.now(), failures=0,
                    contracts=[UserContract(contract=c) for c in sorted(set(contracts))])
        session.add(user)
        audit.append(session, head, actor, "user_add", ",".join(sorted(set(contracts))), None,
                     {"name": name, "role": role})
        return account(user)


def account(user: User) -> Account:
    return Account(user.name, user.role, tuple(c.contract for c in user.contracts), user.locked_until)


def accounts() -> list[Account]:
    """Every account, by name."""
    with register_session() as session:
        return [account(user) for user in session.execute(select(User).order_by(User.name)).scalars()]
