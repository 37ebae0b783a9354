"""Signing in for the benchmarks that call the web page (issue 16): every page but the sign-in
form answers a visitor without a session with a redirect to it, so a benchmark that did not
sign in would measure redirects. An 经办 account is added with ``compliance user add`` in a
register of its own (``COMPLIANCE_DATA_DIR`` a temporary folder, never the user's), then the
sign-in form is filled as a browser fills it (its CSRF field and cookie) and the session cookie
kept."""
from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

NAME, PASSWORD = "基准测试经办", "benchmark-password-2026"
COMPLIANCE = Path(sys.executable).parent / "compliance"


def account_in(data_dir: Path) -> dict[str, str]:
    """The environment naming a register under ``data_dir`` that holds the benchmark's account."""
    environment = {**os.environ, "COMPLIANCE_DATA_DIR": str(data_dir)}
    environment.pop("COMPLIANCE_DB", None)
    subprocess.run([str(COMPLIANCE), "user", "add", NAME, "--role", "经办", "--password-stdin"],
                   input=PASSWORD + "\n", env=environment, check=True, capture_output=True, text=True)
    return environment


def account_here(data_dir: Path) -> None:
    """The account, in the register this process (and a page it serves itself) uses."""
    os.environ.pop("COMPLIANCE_DB", None)
    os.environ["COMPLIANCE_DATA_DIR"] = account_in(data_dir)["COMPLIANCE_DATA_DIR"]


def _form(page: str) -> dict[str, str]:
    token = re.search(r'name="csrf" value="([^"]+)"', page)[1]
    return {"name": NAME, "password": PASSWORD, "csrf": token, "next": "/"}


def sign_in_client(client) -> None:
    """Sign a FastAPI TestClient in (it keeps the cookies)."""
    answer = client.post("/login", data=_form(client.get("/login").text), follow_redirects=False)
    if answer.status_code != 303:
        raise SystemExit(f"signing in failed: HTTP {answer.status_code}")


def session_cookie(port: int) -> str:
    """Sign in to the server on ``port``; the ``Cookie`` header its pages want."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", "/login")
        answer = connection.getresponse()
        page = answer.read().decode("utf-8")
        login = _cookie(answer, "compliance_login")
        connection.request("POST", "/login", urlencode(_form(page)),
                           {"Content-Type": "application/x-www-form-urlencoded", "Cookie": login,
                            "Origin": f"http://127.0.0.1:{port}"})
        answer = connection.getresponse()
        answer.read()
        if answer.status != 303:
            raise SystemExit(f"signing in failed: HTTP {answer.status}")
        return _cookie(answer, "compliance_session")
    finally:
        connection.close()


def _cookie(answer: http.client.HTTPResponse, name: str) -> str:
    return next(value.split(";", 1)[0] for value in answer.headers.get_all("Set-Cookie", [])
                if value.startswith(f"{name}="))
