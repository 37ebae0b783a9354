"""Signing in to the web page from a test: an account made in the register the test's
environment names (COMPLIANCE_DATA_DIR / COMPLIANCE_DB), then a TestClient that signed in
through the sign-in form as a browser does (its CSRF cookie and field, the session cookie)."""
from __future__ import annotations

import re

from fastapi.testclient import TestClient

PASSWORD = "正确的密码-2026"
BASE = "http://127.0.0.1"
"""The page answers only to its own host names (loopback by default)."""


def account(name: str, role: str, contracts: tuple[str, ...] = ()) -> None:
    from compliance.register.users import add_user

    add_user(name, role, PASSWORD, list(contracts), "测试")


def csrf(page: str) -> str:
    """The CSRF token of the first form on ``page``."""
    return re.search(r'name="csrf" value="([^"]+)"', page)[1]


def sign_in(client: TestClient, name: str, password: str = PASSWORD):
    form = client.get("/login").text
    return client.post("/login", data={"name": name, "password": password, "csrf": csrf(form), "next": "/"},
                       follow_redirects=False)


def signed_in(app, name: str, role: str | None = None, contracts: tuple[str, ...] = (),
              **options) -> TestClient:
    """A client signed in as ``name`` (an account made first when ``role`` is given)."""
    if role is not None:
        account(name, role, contracts)
    client = TestClient(app, base_url=BASE, **options)
    assert sign_in(client, name).status_code == 303
    return client
