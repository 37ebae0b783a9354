"""Each signed-in user's own account (我的账户, issue 16): who they are, what they may see, and
a form to change their password — the current one required (a wrong one counts toward the
lockout, as on the sign-in page), the new one typed twice and held to the rules of ``compliance
user add``. Their other sessions end; this one stays. The change is in the audit log
(``register.signin.change_password``)."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from compliance.app.web_auth import Posted, posted, session_token, viewer
from compliance.app.web_site import page
from compliance.errors import UserError
from compliance.register.signin import SignedIn, SignInRefused, change_password
from compliance.register.users import MAX_PASSWORD, MIN_PASSWORD


def routes() -> APIRouter:
    router = APIRouter()

    @router.get("/account", response_class=HTMLResponse)
    def account_page(request: Request, done: str = "", who: SignedIn = Depends(viewer)) -> HTMLResponse:
        return _page(request, who, done=done == "changed")

    @router.post("/account/password")
    def change(request: Request, sent: Posted = Depends(posted)) -> Response:
        current, new, again = (str(sent.form.get(key, "")) for key in ("current", "new", "again"))
        if new != again:
            return _page(request, sent.viewer, 422, {"again": "两次输入的新密码不一致"})
        try:
            change_password(session_token(request) or "", current, new)
        except SignInRefused as refused:
            return _page(request, sent.viewer, 422, {"current": str(refused)})
        except UserError as error:
            return _page(request, sent.viewer, 422, {"new": f"{error.message}（应为 {error.valid}）"})
        return RedirectResponse("/account?done=changed", status_code=303)

    return router


def _page(request: Request, who: SignedIn, status: int = 200, errors: dict[str, str] | None = None,
          done: bool = False) -> HTMLResponse:
    return page(request, "account.html", status, errors=errors or {}, done=done,
                contracts=sorted(who.contracts), min_password=MIN_PASSWORD, max_password=MAX_PASSWORD)
