"""What guards the web page before any page is made (issue 16):

- the Host header must name this server (an allow-list: loopback names, the address it
  listens on, and each ``--allow-host``), so a DNS-rebinding page cannot read the ledgers;
- a form sent from another site is refused: a request that changes something must come from
  this page's own origin (its Origin, else its Referer, names the same host), and carry the
  session's CSRF token (checked by ``web_auth``);
- a request body must say its length and stay under ``MAX_BODY``;
- every answer carries a Content-Security-Policy (nothing but this server's own files; no
  framing), X-Content-Type-Options: nosniff, X-Frame-Options, Referrer-Policy and, except for
  the bundled CSS, Cache-Control: no-store;
- ``compliance serve`` on an address other than loopback refuses to start without TLS
  (``--certfile``/``--keyfile``) or an explicit ``--behind-proxy``.
"""
from __future__ import annotations

import ipaddress
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.responses import HTMLResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from compliance.errors import UserError

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
MAX_BODY = 6 * 1024 * 1024
"""The largest request accepted: a facts file or an attachment (5 MiB) and its form."""
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                               "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}
SETTINGS_VARIABLE = "COMPLIANCE_WEB_SETTINGS"
"""How ``compliance serve --workers N`` hands each worker process its settings."""


@dataclass(frozen=True)
class WebSettings:
    """How the page is exposed: the host names it answers to, whether cookies are marked
    Secure (served over TLS, directly or behind a proxy), and the largest request body."""

    allowed_hosts: tuple[str, ...] = LOOPBACK_NAMES
    secure_cookies: bool = False
    max_body: int = MAX_BODY

    def to_environment(self) -> None:
        os.environ[SETTINGS_VARIABLE] = json.dumps(asdict(self))

    @classmethod
    def from_environment(cls) -> "WebSettings":
        stored = json.loads(os.environ.get(SETTINGS_VARIABLE, "{}"))
        return cls(**{**stored, "allowed_hosts": tuple(stored.get("allowed_hosts", LOOPBACK_NAMES))})


def host_name(value: str) -> str:
    """The name in a Host header or a URL's netloc, without its port (``[::1]:8000`` → ``::1``)."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:].split("]", 1)[0]
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def is_loopback(host: str) -> bool:
    if host_name(host) == "localhost":
        return True
    try:
        return ipaddress.ip_address(host_name(host)).is_loopback
    except ValueError:
        return False


def check_exposure(host: str, tls: bool, behind_proxy: bool) -> None:
    """Refuse to listen beyond this machine in clear text: passwords and ledgers would cross
    the network readable by anyone on it."""
    if not (is_loopback(host) or tls or behind_proxy):
        raise UserError(f"监听地址 {host} 不是本机回环地址，网页将以明文在网络上传输密码与台账",
                        field="--host", valid="127.0.0.1；或同时给出 --certfile 与 --keyfile（TLS）；"
                                               "或在 TLS 反向代理之后运行并给出 --behind-proxy")


def serving(host: str, allow_hosts: list[str], certfile: Path | None, keyfile: Path | None,
            behind_proxy: bool) -> tuple[WebSettings, dict[str, Any]]:
    """The page's settings for ``compliance serve`` and the TLS options uvicorn takes: the host
    names accepted are the loopback names, the listening address (unless it is every address)
    and each ``--allow-host``; cookies are Secure over TLS or behind a proxy."""
    if (certfile is None) != (keyfile is None):
        raise UserError("TLS 须同时给出证书与私钥", field="--certfile" if certfile is None else "--keyfile",
                        valid="--certfile 证书.pem --keyfile 私钥.pem")
    for option, path in (("--certfile", certfile), ("--keyfile", keyfile)):
        if path is not None and not path.is_file():
            raise UserError("找不到该文件", file=path.name, field=option, valid="PEM 格式的文件")
    listening = () if host_name(host) in ("0.0.0.0", "::", "") else (host_name(host),)
    names = tuple(dict.fromkeys((*LOOPBACK_NAMES, *listening, *(host_name(name) for name in allow_hosts))))
    options = {"ssl_certfile": str(certfile), "ssl_keyfile": str(keyfile)} if certfile else {}
    return WebSettings(names, secure_cookies=bool(certfile) or behind_proxy), options


class Guard:
    """The ASGI middleware doing the checks above; ``refusal(status, title, message)`` makes
    the page a refused request is answered with."""

    def __init__(self, app: ASGIApp, settings: WebSettings,
                 refusal: Callable[[int, str, str], str]) -> None:
        self.app, self.settings, self.refusal = app, settings, refusal

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        problem = self.problem(scope, Headers(scope=scope))
        send = _with_headers(send, cacheable=scope["path"].startswith("/static/"))
        if problem:
            await HTMLResponse(self.refusal(*problem), status_code=problem[0])(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def problem(self, scope: Scope, headers: Headers) -> tuple[int, str, str] | None:
        """Why the request is refused, or None."""
        host = headers.get("host", "")
        if host_name(host) not in self.settings.allowed_hosts:
            return 400, "主机名不被接受", "本网页只接受以其自身地址访问的请求"
        if scope["method"] in SAFE_METHODS:
            return None
        source = headers.get("origin") or headers.get("referer")
        if source is not None and urlsplit(source).netloc.lower() != host.lower():
            return 403, "来源不被接受", "只接受本网页自身页面提交的表单"
        length = headers.get("content-length")
        if length is None or not length.isdigit():
            return 411, "请求缺少长度", "提交的内容须注明长度"
        if int(length) > self.settings.max_body:
            return 413, "提交的内容过大", f"一次提交至多 {self.settings.max_body // 1024 // 1024} MB"
        return None


def _with_headers(send: Send, cacheable: bool) -> Send:
    """``send`` with the security headers added to the answer's start."""
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [(name, value) for name, value in message.get("headers", [])
                       if name.decode("latin-1").lower() not in SECURITY_HEADERS]
            headers += [(name.encode(), value.encode()) for name, value in SECURITY_HEADERS.items()]
            if not cacheable:
                headers.append((b"cache-control", b"no-store"))
            message = {**message, "headers": headers}
        await send(message)
    return sending
