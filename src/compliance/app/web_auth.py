"""Signing in and out of the web page, and who is asking (issue 16).

The session cookie holds a random token and its HMAC-SHA256 under the register's session key
(``token.signature``): HttpOnly (no script reads it), SameSite=Strict (no other site's page
sends it), Secure when the page is served over TLS or behind a TLS proxy, and ending with its
server-side session row (``register.signin``). Every form carries the session's CSRF token;
the sign-in form, before there is a session, carries a token that must match a cookie of its
own (a double-submit token). A page asked for without a session leads to the sign-in page and
back to that page after it."""
from __future__ import annotations

import hmac
import hashlib
import secrets
from dataclasses import dataclass
from functools import cache
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from compliance.app.web_security import WebSettings
from compliance.app.web_site import Forbidden, page
from compliance.register.database import database_url
from compliance.register.signin import SESSION_HOURS, SignedIn, SignInRefused, cookie_key, sign_in, \
    sign_out, signed_in

SESSION_COOKIE = "compliance_session"
LOGIN_COOKIE = "compliance_login"
MAX_FIELD = 64 * 1024
"""The largest form field that is not a file (an objection's text is at most 2,000 characters)."""
STALE_FORM = "表单已失效或不是从本网页提交的，请刷新页面后重试"


class SignInNeeded(Exception):
    """No session: the visitor is sent to sign in, then back to ``path``."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


@dataclass(frozen=True)
class Posted:
    """A form sent by a signed-in user, its CSRF token checked."""

    viewer: SignedIn
    form: FormData


@cache
def _key(url: str) -> bytes:
    return cookie_key()


def _signature(token: str) -> str:
    return hmac.new(_key(database_url()), token.encode("ascii"), hashlib.sha256).hexdigest()


def session_token(request: Request) -> str | None:
    """The session token of a cookie whose signature holds."""
    token, _, signature = request.cookies.get(SESSION_COOKIE, "").rpartition(".")
    if not token or not token.isascii() or not hmac.compare_digest(signature, _signature(token)):
        return None
    return token


def viewer(request: Request) -> SignedIn:
    """Who is asking (a dependency of every page but the sign-in page)."""
    token = session_token(request)
    found = signed_in(token) if token else None
    if found is None:
        raise SignInNeeded(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    request.state.viewer = found
    return found


async def posted(request: Request, who: SignedIn = Depends(viewer)) -> Posted:
    """The form of a request that changes something, refused (403) without the session's CSRF
    token."""
    form = await request.form(max_files=1, max_fields=20, max_part_size=MAX_FIELD)
    if not _same(form.get("csrf"), who.csrf):
        raise Forbidden(STALE_FORM)
    return Posted(who, form)


def _same(sent: object, expected: str) -> bool:
    return isinstance(sent, str) and bool(expected) and hmac.compare_digest(sent.encode(), expected.encode())


def _safe_next(target: object) -> str:
    """Where to go after signing in: a path of this site only (never ``//elsewhere``)."""
    if isinstance(target, str) and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


def routes(settings: WebSettings) -> APIRouter:
    router = APIRouter()

    def cookie(response: Response, name: str, value: str, seconds: int | None) -> None:
        response.set_cookie(name, value, max_age=seconds, path="/", httponly=True,
                            samesite="strict", secure=settings.secure_cookies)

    def sign_in_page(request: Request, next_path: str, status: int = 200,
                     error: str | None = None, name: str = "") -> HTMLResponse:
        token = secrets.token_urlsafe(32)
        response = page(request, "login.html", status, login_csrf=token, next_path=next_path,
                        error=error, name=name)
        cookie(response, LOGIN_COOKIE, token, 3600)
        return response

    @router.get("/login", response_class=HTMLResponse)
    def login_page(request: Request, next: str = "/") -> Response:
        token = session_token(request)
        if token and signed_in(token):
            return RedirectResponse(_safe_next(next), status_code=303)
        return sign_in_page(request, _safe_next(next))

    @router.post("/login", response_class=HTMLResponse)
    async def login(request: Request) -> Response:
        form = await request.form(max_files=0, max_fields=10, max_part_size=MAX_FIELD)
        target, name = _safe_next(form.get("next")), str(form.get("name", "")).strip()
        if not _same(form.get("csrf"), request.cookies.get(LOGIN_COOKIE, "")):
            return sign_in_page(request, target, 403, STALE_FORM, name)
        try:
            token = await run_in_threadpool(sign_in, name, str(form.get("password", "")))
        except SignInRefused as refused:
            return sign_in_page(request, target, 401, str(refused), name)
        response = RedirectResponse(target, status_code=303)
        cookie(response, SESSION_COOKIE, f"{token}.{_signature(token)}", SESSION_HOURS * 3600)
        response.delete_cookie(LOGIN_COOKIE, path="/")
        return response

    @router.post("/logout")
    def logout(request: Request, sent: Posted = Depends(posted)) -> Response:
        sign_out(session_token(request))
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    return router


def sign_in_redirect(path: str) -> RedirectResponse:
    return RedirectResponse(f"/login?next={quote(path, safe='')}", status_code=303)
