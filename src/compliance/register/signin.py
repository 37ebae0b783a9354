"""Signing in to the web page: a password checked against the account's argon2 hash, a
server-side session that ends after ``SESSION_HOURS``, and a lockout of ``LOCKOUT_MINUTES``
after ``MAX_FAILURES`` wrong passwords in a row (a right password while locked is refused too,
so guessing on does not help). A disabled account is refused as an unknown name is. A
signed-in user changes their own password by giving the current one (a wrong one counts
toward the lockout too); their other sessions end. Signing in, a lockout and a change of
password are written to the audit log.

A session is known by a random token the browser keeps in its cookie; the register keeps only
the token's sha256, so reading the database does not give anyone a session."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

import pendulum
from sqlalchemy import delete

from compliance.errors import UserError
from compliance.model.today import BEIJING
from compliance.register import audit
from compliance.register.database import session as register_session
from compliance.register.tables import AuditHead, SessionKey, User, UserSession
from compliance.register.users import DECOY_HASH, HASHER, check_password, end_sessions, \
    password_matches, still_locked

MAX_FAILURES = 5
LOCKOUT_MINUTES = 15
SESSION_HOURS = 8
"""One working day; then the user signs in again."""
REFUSED = "用户名或密码不正确"
"""The one answer to a wrong name or a wrong password (which of the two is not said)."""
WRONG_CURRENT = "当前密码不正确"


class SignInRefused(Exception):
    """Why signing in failed, in Chinese."""


@dataclass(frozen=True)
class SignedIn:
    """Who a session belongs to, what they may see, and the session's CSRF token."""

    name: str
    role: str
    contracts: frozenset[str]
    csrf: str


def _now() -> pendulum.DateTime:
    return pendulum.now(BEIJING).replace(microsecond=0)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def sign_in(name: str, password: str) -> str:
    """A new session's token for ``name``; refused with :class:`SignInRefused`. A wrong
    password is counted (and a lockout kept) before the refusal is raised."""
    with register_session() as session:
        refusal, token = _attempt(session, name, password)
    if refusal:
        raise SignInRefused(refusal)
    return token


def _attempt(session, name: str, password: str) -> tuple[str | None, str]:
    head = audit.lock_head(session)
    user = session.get(User, name)
    if user is None or user.disabled_at:
        password_matches(DECOY_HASH, password)
        return REFUSED, ""
    refusal = _checked(session, head, user, password)
    if refusal:
        return refusal, ""
    now = _now()
    token = secrets.token_urlsafe(32)
    session.add(UserSession(token_sha256=_digest(token), name=user.name,
                            csrf=secrets.token_urlsafe(32), created_at=now.isoformat(),
                            expires_at=now.add(hours=SESSION_HOURS).isoformat()))
    session.execute(delete(UserSession).where(UserSession.expires_at < now.isoformat()))
    audit.append(session, head, user.name, "sign_in", "", None, {"role": user.role})
    return None, token


def _checked(session, head: AuditHead, user: User, password: str) -> str | None:
    """None when ``password`` is the account's (its wrong guesses forgotten); else why not: a
    lockout that has not ended, or a wrong password, counted (the fifth in a row locks)."""
    if still_locked(user):
        return _locked(user.locked_until)
    if password_matches(user.password_hash, password):
        user.failures, user.locked_until = 0, None
        return None
    user.failures += 1
    if user.failures < MAX_FAILURES:
        return REFUSED
    user.failures, user.locked_until = 0, _now().add(minutes=LOCKOUT_MINUTES).isoformat()
    audit.append(session, head, user.name, "lockout", "", None,
                 {"until": user.locked_until, "failures": MAX_FAILURES})
    return _locked(user.locked_until)


def change_password(token: str, current: str, new: str) -> None:
    """The signed-in user's new password (the rules of ``user add``), given the current one;
    their other sessions end, this one stays. Refused with :class:`SignInRefused` (a wrong
    current password, counted) or a UserError (the new password)."""
    check_password(new)
    if new == current:
        raise UserError("新密码与当前密码相同", field="新密码", valid="另一个密码")
    with register_session() as session:
        refusal = _change(session, token, current, new)
    if refusal:
        raise SignInRefused(refusal)


def _change(session, token: str, current: str, new: str) -> str | None:
    head = audit.lock_head(session)
    row = session.get(UserSession, _digest(token))
    if row is None:
        return "登录已失效，请重新登录"
    user = session.get(User, row.name)
    refusal = _checked(session, head, user, current)
    if refusal:
        return WRONG_CURRENT if refusal == REFUSED else refusal
    user.password_hash = HASHER.hash(new)
    end_sessions(session, user.name, keep=row.token_sha256)
    audit.append(session, head, user.name, "password", "", None, {"name": user.name})
    return None


def _locked(until: str) -> str:
    return (f"连续 {MAX_FAILURES} 次密码错误，账户已锁定至 {pendulum.parse(until).format('HH:mm')}"
            f"（北京时间，{LOCKOUT_MINUTES} 分钟），请稍后再试")


def signed_in(token: str) -> SignedIn | None:
    """The session of ``token``, while it lasts."""
    with register_session() as session:
        row = session.get(UserSession, _digest(token))
        if row is None or row.expires_at <= _now().isoformat():
            return None
        user = session.get(User, row.name)
        return SignedIn(user.name, user.role, frozenset(c.contract for c in user.contracts), row.csrf)


def sign_out(token: str) -> None:
    with register_session() as session:
        session.execute(delete(UserSession).where(UserSession.token_sha256 == _digest(token)))


def cookie_key() -> bytes:
    """The key session cookies are signed with (made once by the migration)."""
    with register_session() as session:
        return session.get(SessionKey, 1).key.encode("ascii")
