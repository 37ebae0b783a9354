"""The web page for three parties (issue 16): who may see and do what, and what guards every
request.

The page serves two contracts: 高米店 (gaomidian-2025), whose vendor account is 高米店乙方,
and 羊坊店 (yangfangdian-2026), whose vendor account is 羊坊店乙方. 高米店's month 2 (bundled
facts) deducts four lines: 4.6.1 two 0-point orders 10,000.00, 4.6.3 5,000.00, 4.6.4 2,000.00,
4.6.6 3,000.00 = 20,000.00; it is paid with its cycle, so its 本期应付 is 0.00.
"""
from __future__ import annotations

import io
import re
import shutil
from html import unescape
from urllib.parse import unquote

import pytest
from conftest import EXAMPLES, pdf_text, run_cli
from fastapi.testclient import TestClient
from web_client import BASE, PASSWORD, account, csrf, sign_in, signed_in

from compliance.app.web import create_app
from compliance.app.web_security import WebSettings, serving

GAOMIDIAN, YANGFANGDIAN = "gaomidian-2025", "yangfangdian-2026"
FIRST = "高米店-2026-结-001"
STAFF = {"张经办": "经办", "李复核": "复核", "王审核": "审核", "赵负责人": "负责人", "钱法务": "法务"}
VENDORS = {"高米店乙方": GAOMIDIAN, "羊坊店乙方": YANGFANGDIAN}
PDF_ATTACHMENT = "%PDF-1.4\n% 工单截图\n%%EOF\n".encode("utf-8")


@pytest.fixture
def facts_root(tmp_path):
    root = tmp_path / "facts"
    for name in (GAOMIDIAN, YANGFANGDIAN):
        shutil.copytree(EXAMPLES / name, root / name)
    return root


@pytest.fixture
def sqlite_register(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPLIANCE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("COMPLIANCE_DB", raising=False)


@pytest.fixture
def site(facts_root):
    """Every account made; ``site(name)`` is a client signed in as that account."""
    for name, role in STAFF.items():
        account(name, role)
    for name, contract in VENDORS.items():
        account(name, "乙方", (contract,))
    app = create_app(facts_root)
    return lambda name: signed_in(app, name)


def post(client: TestClient, page: str, action: str, data: dict | None = None, **options):
    """Send the form ``action`` as the page ``page`` offers it (with that page's CSRF token,
    and its Origin, as a browser sends it)."""
    token = csrf(client.get(page).text)
    return client.post(action, data={"csrf": token, **(data or {})}, headers={"origin": BASE},
                       follow_redirects=False, **options)


def issue(client: TestClient, span: str = "period-2", contract: str = GAOMIDIAN):
    register = f"/c/{contract}/register"
    return post(client, register, f"{register}/issue", {"span": span})


# --- signing in -------------------------------------------------------------------------------

def test_a_page_without_a_session_leads_to_sign_in_and_back(sqlite_register, facts_root):
    account("张经办", "经办")
    client = TestClient(create_app(facts_root), base_url=BASE)
    response = client.get(f"/c/{GAOMIDIAN}/register", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fc%2Fgaomidian-2025%2Fregister"
    form = client.get(response.headers["location"]).text
    assert 'name="next" value="/c/gaomidian-2025/register"' in form
    signed = client.post("/login", data={"name": "张经办", "password": PASSWORD, "csrf": csrf(form),
                                         "next": "/c/gaomidian-2025/register"}, follow_redirects=False)
    assert signed.headers["location"] == "/c/gaomidian-2025/register"
    cookie = signed.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" not in cookie
    assert client.get("/").status_code == 200
    assert post(client, "/", "/logout").headers["location"] == "/login"
    assert client.get("/", follow_redirects=False).status_code == 303


def test_a_forged_cookie_gives_no_session_and_next_stays_on_the_site(sqlite_register, facts_root):
    """A cookie whose signature does not hold is no session; ``next`` leads only within the site."""
    account("张经办", "经办")
    client = TestClient(create_app(facts_root), base_url=BASE)
    form = client.get("/login").text
    signed = client.post("/login", data={"name": "张经办", "password": PASSWORD, "csrf": csrf(form),
                                         "next": "//evil.example/"}, follow_redirects=False)
    assert signed.headers["location"] == "/"
    token = client.cookies["compliance_session"]
    client.cookies.clear()
    client.cookies.set("compliance_session", token[:-1] + ("0" if token[-1] != "0" else "1"))
    assert client.get("/", follow_redirects=False).status_code == 303


def test_cookies_are_secure_when_served_over_tls(sqlite_register, facts_root):
    account("张经办", "经办")
    client = TestClient(create_app(facts_root, settings=WebSettings(secure_cookies=True)), base_url=BASE)
    assert "Secure" in sign_in(client, "张经办").headers["set-cookie"]


def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(sqlite_register, facts_root):
    """Wrong 1–4: 用户名或密码不正确 (the same as for a name no one has). Wrong 5: locked. Then
    even the right password is refused until the lock ends, and the log says so."""
    from compliance.register.database import session
    from compliance.register.tables import AuditRecord

    account("张经办", "经办")
    client = TestClient(create_app(facts_root), base_url=BASE)
    unknown = sign_in(client, "没有此人", "whatever-123")
    assert unknown.status_code == 401 and "用户名或密码不正确" in unknown.text
    for attempt in range(1, 5):
        refused = sign_in(client, "张经办", f"wrong-password-{attempt}")
        assert refused.status_code == 401 and "用户名或密码不正确" in refused.text
    locked = sign_in(client, "张经办", "wrong-password-5")
    assert "连续 5 次密码错误，账户已锁定至" in locked.text and "15 分钟" in locked.text
    right = sign_in(client, "张经办")
    assert right.status_code == 401 and "账户已锁定至" in right.text
    with session() as opened:
        actions = [r.action for r in opened.query(AuditRecord).order_by(AuditRecord.sequence)]
    assert actions == ["user_add", "lockout"]


def test_the_sign_in_form_needs_its_own_csrf_token(sqlite_register, facts_root):
    account("张经办", "经办")
    client = TestClient(create_app(facts_root), base_url=BASE)
    client.get("/login")
    refused = client.post("/login", data={"name": "张经办", "password": PASSWORD, "csrf": "guess"})
    assert refused.status_code == 403 and "表单已失效" in refused.text


# --- who sees what ----------------------------------------------------------------------------

def test_a_vendor_sees_only_its_contract_and_another_vendors_urls_are_403(sqlite_register, site):
    """羊坊店乙方 gets the same 403, with nothing of 高米店 in it, for every address of 高米店
    (ledger, statements, PDFs, workbook, preview, register, a register statement, its PDF,
    facts) and for a contract that does not exist."""
    assert issue(site("张经办")).status_code == 303
    vendor = site("羊坊店乙方")
    index = vendor.get("/").text
    assert "羊坊店" in index and "高米店" not in index
    foreign = [f"/c/{GAOMIDIAN}", f"/c/{GAOMIDIAN}/period/2", f"/c/{GAOMIDIAN}/period/2.pdf",
               f"/c/{GAOMIDIAN}/cycle/1", f"/c/{GAOMIDIAN}/ledger.xlsx", f"/c/{GAOMIDIAN}/preview",
               f"/c/{GAOMIDIAN}/register", f"/c/{GAOMIDIAN}/s/{FIRST}", f"/c/{GAOMIDIAN}/s/{FIRST}.pdf",
               f"/c/{GAOMIDIAN}/s/{FIRST}/objections/1/attachment", f"/c/{GAOMIDIAN}/facts",
               "/c/no-such-contract"]
    answers = {path: vendor.get(path) for path in foreign}
    assert {path: r.status_code for path, r in answers.items()} == dict.fromkeys(foreign, 403)
    bodies = {r.text for r in answers.values()}
    assert len(bodies) == 1
    assert "无权查看此合同" in bodies.pop() and all("高米店" not in r.text for r in answers.values())
    own = vendor.get(f"/c/{YANGFANGDIAN}/s/{FIRST}")           # its own contract, another's number
    assert own.status_code == 404 and "高米店" not in own.text.replace(FIRST, "")
    assert post(vendor, "/", f"/c/{GAOMIDIAN}/s/{FIRST}/confirm").status_code == 403


def test_a_lawyer_reads_everything_and_is_offered_no_form(sqlite_register, site):
    issue(site("张经办"))
    lawyer = site("钱法务")
    for path in ("/", f"/c/{GAOMIDIAN}", f"/c/{GAOMIDIAN}/register", f"/c/{GAOMIDIAN}/s/{FIRST}",
                 f"/c/{GAOMIDIAN}/facts", f"/c/{YANGFANGDIAN}"):
        response = lawyer.get(path)
        assert response.status_code == 200, path
        assert 'method="post"' not in response.text.replace('<form method="post" action="/logout">', ""), path
    assert "审计日志" in lawyer.get(f"/c/{GAOMIDIAN}/register").text
    for action in ("approve", "void", "confirm", "objections"):
        assert post(lawyer, "/", f"/c/{GAOMIDIAN}/s/{FIRST}/{action}", {"reason": "x"}).status_code == 403
    assert issue(lawyer).status_code == 403
    upload = post(lawyer, "/", f"/c/{GAOMIDIAN}/facts", files={"file": ("p.yaml", b"x")})
    assert upload.status_code == 403


def test_only_the_clerk_issues_and_approvers_sign_in_turn(register_database, site):
    """On SQLite and PostgreSQL: 经办 issues month 2 as 高米店-2026-结-001; 审核 before 复核 is
    refused on the page; 复核, 审核, 负责人 sign in turn and it is 已审批; a vendor issues or
    approves nothing."""
    vendor = site("高米店乙方")
    assert issue(vendor).status_code == 403
    issued = issue(site("张经办"))
    assert unquote(issued.headers["location"]) == f"/c/{GAOMIDIAN}/s/{FIRST}?done=issued"
    page = f"/c/{GAOMIDIAN}/s/{FIRST}"
    early = post(site("王审核"), page, f"{page}/approve")
    assert early.status_code == 422 and f"结算单 {FIRST} 应先由复核审批" in early.text
    assert post(vendor, page, f"{page}/approve").status_code == 403
    for name in ("李复核", "王审核", "赵负责人"):
        approver = site(name)
        assert 'id="approve"' in approver.get(page).text
        assert post(approver, page, f"{page}/approve").status_code == 303
    final = site("钱法务").get(page).text
    assert 'id="status">已审批<' in final and "赵负责人" in final


# --- the vendor's confirmation and objections ------------------------------------------------

def test_a_vendor_objects_to_a_line_finance_answers_and_the_vendor_confirms(register_database, site, tmp_path):
    """On SQLite and PostgreSQL. The vendor objects to line 1 (4.6.1, 10,000.00) with a PDF;
    confirming is refused while it waits; 张经办 answers 不予采纳; both see 未采纳; the vendor
    confirms and the PDF's signing block carries its name; every step is in the audit log,
    and the register still verifies."""
    from compliance.register.verification import verify

    clerk, vendor = site("张经办"), site("高米店乙方")
    issue(clerk)
    page = f"/c/{GAOMIDIAN}/s/{FIRST}"
    objected = post(vendor, page, f"{page}/objections", {"line": "1", "text": "GMD-2512-0031 已于当日处理，不应计为0分工单"},
                    files={"attachment": ("截图.pdf", PDF_ATTACHMENT, "application/pdf")})
    assert unquote(objected.headers["location"]) == f"{page}?done=objected"
    waiting = post(vendor, page, f"{page}/confirm")
    assert waiting.status_code == 422 and "尚有异议待甲方答复" in waiting.text
    assert 'id="objection-1-status">待甲方答复<' in clerk.get(page).text
    attachment = clerk.get(f"{page}/objections/1/attachment")
    assert attachment.content == PDF_ATTACHMENT and attachment.headers["content-type"] == "application/pdf"
    assert post(vendor, page, f"{page}/objections/1/answer", {"decision": "accepted", "text": "好"}).status_code == 403
    answered = post(clerk, page, f"{page}/objections/1/answer",
                    {"decision": "rejected", "text": "派单系统记录为0分，维持扣款"})
    assert answered.status_code == 303
    seen = vendor.get(page).text
    assert 'id="objection-1-status">未采纳<' in seen and "派单系统记录为0分，维持扣款" in seen
    assert unquote(post(vendor, page, f"{page}/confirm").headers["location"]) == f"{page}?done=confirmed"
    assert "已由 高米店乙方 于" in post(vendor, page, f"{page}/confirm").text
    (tmp_path / "s.pdf").write_bytes(vendor.get(f"{page}.pdf").content)
    assert "高米店乙方" in pdf_text(tmp_path / "s.pdf")
    audit = clerk.get(f"/c/{GAOMIDIAN}/register").text
    for action in ("出具", "提出异议", "答复异议", "乙方确认"):
        assert f"<td>{action}</td>" in audit
    assert verify()[2] == []


def test_an_accepted_objection_is_corrected_from_the_page(sqlite_register, site, facts_root):
    """The vendor objects to line 1 (two 0-point orders, 10,000.00); 张经办 accepts, uploads
    month 2 without the second order (GMD-2512-0107) and corrects: 高米店-2026-结-002 corrects
    001, which is now 已更正, and the vendor can no longer confirm 001."""
    clerk, vendor = site("张经办"), site("高米店乙方")
    issue(clerk)
    page = f"/c/{GAOMIDIAN}/s/{FIRST}"
    post(vendor, page, f"{page}/objections", {"line": "1", "text": "GMD-2512-0107 系重复派单"})
    post(clerk, page, f"{page}/objections/1/answer", {"decision": "accepted", "text": "核实为重复派单，予以核减"})
    assert "采纳（将出具更正结算单）" in vendor.get(page).text
    month = (facts_root / GAOMIDIAN / "period-02.yaml").read_text("utf-8")
    fixed = "".join(line for line in month.splitlines(keepends=True) if "GMD-2512-0107" not in line)
    facts = f"/c/{GAOMIDIAN}/facts"
    assert post(clerk, facts, facts, files={"file": ("period-02.yaml", fixed.encode("utf-8"))}).status_code == 303
    assert post(vendor, page, f"{page}/correct", {"reason": "x"}).status_code == 403
    corrected = post(clerk, page, f"{page}/correct", {"reason": "采纳乙方异议，核减重复派单"})
    assert unquote(corrected.headers["location"]) == f"/c/{GAOMIDIAN}/s/高米店-2026-结-002?done=corrected"
    assert "更正 高米店-2026-结-001" in clerk.get(f"/c/{GAOMIDIAN}/s/高米店-2026-结-002").text
    original = vendor.get(page).text
    assert 'id="status">已更正<' in original and 'id="confirm"' not in original
    assert "不能确认" in post(vendor, page, f"{page}/confirm").text


@pytest.mark.parametrize(("attachment", "message"), [
    (("note.txt", b"just text", "application/pdf"), "附件须为 PDF、PNG 或 JPEG 文件"),
    (("big.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024), "application/pdf"), "附件过大"),
])
def test_an_attachment_of_the_wrong_kind_or_size_is_refused(sqlite_register, site, attachment, message):
    issue(site("张经办"))
    vendor = site("高米店乙方")
    page = f"/c/{GAOMIDIAN}/s/{FIRST}"
    refused = post(vendor, page, f"{page}/objections", {"line": "", "text": "理由"}, files={"attachment": attachment})
    assert refused.status_code == 422 and message in refused.text
    assert ">理由</textarea>" in refused.text                       # what was typed stays
    assert "尚无异议" in vendor.get(page).text


def test_finance_cannot_confirm_or_object_for_the_vendor(sqlite_register, site):
    clerk = site("张经办")
    issue(clerk)
    page = f"/c/{GAOMIDIAN}/s/{FIRST}"
    assert post(clerk, page, f"{page}/confirm").status_code == 403
    assert post(clerk, page, f"{page}/objections", {"text": "x"}).status_code == 403


# --- what guards every request ----------------------------------------------------------------

def test_forms_without_the_right_csrf_token_are_refused(sqlite_register, site):
    clerk = site("张经办")
    action = f"/c/{GAOMIDIAN}/register/issue"
    assert clerk.post(action, data={"span": "period-2"}, follow_redirects=False).status_code == 403
    wrong = clerk.post(action, data={"span": "period-2", "csrf": "not-the-token"}, follow_redirects=False)
    assert wrong.status_code == 403 and "表单已失效" in wrong.text
    assert "尚无出具的结算单" in clerk.get(f"/c/{GAOMIDIAN}/register").text


def test_a_foreign_host_or_origin_is_refused(sqlite_register, site):
    clerk = site("张经办")
    foreign = clerk.get("/", headers={"host": "evil.example"})
    assert foreign.status_code == 400 and "主机名不被接受" in foreign.text
    register = f"/c/{GAOMIDIAN}/register"
    token = csrf(clerk.get(register).text)
    crossed = clerk.post(f"{register}/issue", data={"span": "period-2", "csrf": token},
                         headers={"origin": "http://evil.example"}, follow_redirects=False)
    assert crossed.status_code == 403 and "只接受本网页自身页面提交的表单" in crossed.text
    same = clerk.post(f"{register}/issue", data={"span": "period-2", "csrf": token},
                      headers={"origin": BASE}, follow_redirects=False)
    assert same.status_code == 303


def test_every_answer_carries_the_security_headers(sqlite_register, site):
    for response in (site("张经办").get("/"), TestClient(create_app(EXAMPLES), base_url=BASE).get("/login"),
                     TestClient(create_app(EXAMPLES)).get("/")):
        csp = response.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"


def test_a_request_body_over_the_limit_is_refused_before_it_is_read(sqlite_register, site):
    clerk = site("张经办")
    response = clerk.post(f"/c/{GAOMIDIAN}/facts", content=b"x" * (6 * 1024 * 1024 + 1),
                          headers={"content-type": "application/octet-stream"})
    assert response.status_code == 413 and "提交的内容过大" in response.text


def test_serve_refuses_an_address_beyond_this_machine_without_tls(capsys, tmp_path):
    code, _, err = run_cli(capsys, "serve", "--host", "0.0.0.0", "--facts-root", str(EXAMPLES))
    assert code == 2 and "--host: 监听地址 0.0.0.0 不是本机回环地址" in err
    code, _, err = run_cli(capsys, "serve", "--host", "192.168.1.20", "--certfile", str(tmp_path / "c.pem"),
                           "--facts-root", str(EXAMPLES))
    assert code == 2 and "TLS 须同时给出证书与私钥" in err
    settings, options = serving("0.0.0.0", ["jiesu.example.gov.cn"], None, None, behind_proxy=True)
    assert settings.allowed_hosts == ("127.0.0.1", "localhost", "::1", "jiesu.example.gov.cn")
    assert settings.secure_cookies and options == {}


# --- facts from the page ----------------------------------------------------------------------

def test_finance_uploads_a_month_and_the_previous_version_is_kept(sqlite_register, site, facts_root):
    """Month 2 uploaded with one more 0-point order: the ledger's deductions grow by 5,000.00
    (472,520.00 → 477,520.00), the old file is in .history/, the log records both hashes."""
    clerk = site("张经办")
    folder = facts_root / GAOMIDIAN
    before = (folder / "period-02.yaml").read_text("utf-8")
    changed = before + '  - {type: zero_point_order, date: 2025-12-20, ref: "GMD-2512-0200"}\n'
    page = f"/c/{GAOMIDIAN}/facts"
    saved = post(clerk, page, page, files={"file": ("二月.yaml", changed.encode("utf-8"), "application/x-yaml")})
    assert saved.headers["location"] == f"{page}?done=uploaded"
    assert (folder / "period-02.yaml").read_text("utf-8") == changed
    [kept] = (folder / ".history").iterdir()
    assert kept.name.startswith("period-02.") and kept.read_text("utf-8") == before
    assert 'id="deductions-total">477,520.00<' in clerk.get(f"/c/{GAOMIDIAN}").text
    assert "<td>上传事实</td>" in clerk.get(f"/c/{GAOMIDIAN}/register").text


def test_a_wrong_facts_file_is_shown_with_the_error_beside_its_line_and_not_saved(sqlite_register, site, facts_root):
    clerk = site("张经办")
    wrong = "contract: gaomidian-2025\nperiod: 2\nrating: 很好\nevents: []\n"
    page = f"/c/{GAOMIDIAN}/facts"
    refused = post(clerk, page, page, files={"file": ("p.yaml", wrong.encode("utf-8"))})
    text = unescape(refused.text)
    assert refused.status_code == 422
    assert re.search(r'id="wrong-line"><b>3</b>rating: 很好</div>\s*<div class="why" id="error-beside-line">↑ rating：没有这个评价等级', text)
    assert str(facts_root) not in text and "/tmp" not in text
    assert "很好" not in (facts_root / GAOMIDIAN / "period-02.yaml").read_text("utf-8")
    assert not (facts_root / GAOMIDIAN / ".history").exists()


# --- what every role reads --------------------------------------------------------------------

def test_the_ledger_is_read_as_of_a_chosen_day_and_a_bad_day_is_answered_beside_its_field(sqlite_register, site):
    """As of 2025-12-01 only months 1 and 2 have begun: deductions 7,000.00 + what month 2 has
    recorded by then (the 12-03 order and later are not yet known) — fewer than the year's."""
    clerk = site("张经办")
    early = clerk.get(f"/c/{GAOMIDIAN}", params={"as_of": "2025-12-01"}).text
    assert "第 3 期" not in early and 'value="2025-12-01"' in early
    bad = clerk.get(f"/c/{GAOMIDIAN}", params={"as_of": "2099-01-01"})
    assert bad.status_code == 400
    assert 'id="error-as_of">截至日期应为 2025-10-28 至 2031-10-27 之间的日期' in bad.text


def test_cycle_and_tranche_statements_are_pages_and_the_preview_opens_on_the_current_month(
        sqlite_register, site, monkeypatch):
    from compliance.app import web_preview
    import datetime

    clerk = site("张经办")
    cycle = clerk.get(f"/c/{GAOMIDIAN}/cycle/1").text
    assert "第 1 支付周期（2025-10-28 至 2026-01-27，含第 1、2、3 期）" in cycle
    assert clerk.get(f"/c/{GAOMIDIAN}/cycle/9").status_code == 404
    assert clerk.get(f"/c/{GAOMIDIAN}/tranche/1").status_code == 404    # paid by cycles
    monkeypatch.setattr(web_preview, "beijing_today", lambda: datetime.date(2025, 12, 10))
    preview = clerk.get(f"/c/{GAOMIDIAN}/preview").text
    assert '<option value="2" selected>第 2 期（2025-11-28 至 2025-12-27）</option>' in preview
    assert "0分工单（件）" in preview and "zero_point_order（" not in preview


def test_user_add_reads_the_password_from_stdin_and_refuses_a_vendor_without_contracts(
        sqlite_register, capsys, monkeypatch):
    from compliance.register.users import accounts

    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    code, out, _ = run_cli(capsys, "user", "add", "高米店乙方", "--role", "乙方", "--contract", GAOMIDIAN,
                           "--password-stdin")
    assert code == 0 and "已添加用户 高米店乙方（乙方）：可查看 gaomidian-2025" in out
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    code, _, err = run_cli(capsys, "user", "add", "无合同乙方", "--role", "乙方", "--password-stdin")
    assert code == 2 and "乙方账户须用 --contract 指明可查看的合同" in err
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    code, _, err = run_cli(capsys, "user", "add", "钱法务", "--role", "法务", "--password-stdin")
    assert code == 2 and "密码长度为 5 个字符（可用：8 至 256 个字符）" in err
    [only] = accounts()
    assert (only.name, only.role, only.contracts) == ("高米店乙方", "乙方", (GAOMIDIAN,))


def test_no_page_shows_an_english_sentence_or_id(sqlite_register, site):
    """What people read is Chinese: no three English words in a row, no internal id such as
    zero_point_order or per_occurrence, on any page of any role (a statement with an
    objection, its calculations opened, the preview with a result)."""
    from test_messages import ENGLISH, _visible

    issue(site("张经办"))
    page = f"/c/{GAOMIDIAN}/s/{FIRST}"
    vendor = site("高米店乙方")
    post(vendor, page, f"{page}/objections", {"line": "2", "text": "投诉不成立"})
    pages = ["/", f"/c/{GAOMIDIAN}", f"/c/{GAOMIDIAN}/register", page, f"/c/{GAOMIDIAN}/period/3",
             f"/c/{GAOMIDIAN}/cycle/1", f"/c/{GAOMIDIAN}/preview?period=2&add_zero_point_order=1",
             f"/c/{GAOMIDIAN}/facts", f"/c/{GAOMIDIAN}/facts?period=2&type=advance_payment", "/account"]
    for name in ("张经办", "钱法务", "高米店乙方"):
        client = site(name)
        for path in pages:
            response = client.get(path)
            if response.status_code == 403:
                continue
            text = _visible(unescape(response.text))
            assert not ENGLISH.search(text), (name, path, ENGLISH.search(text))
            assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), (name, path, re.search(r"\b[a-z]+_[a-z_]+\b", text))


# --- one event entered in a form --------------------------------------------------------------

def enter(client: TestClient, fields: dict, contract: str = GAOMIDIAN):
    """The facts page's event form sent with ``fields`` (as the page offers it)."""
    page = f"/c/{contract}/facts"
    return post(client, page, f"{page}/event", fields)


def errors_beside_fields(response) -> dict[str, str]:
    return dict(re.findall(r'<span class="error" id="error-([^"]+)">([^<]*)</span>', unescape(response.text)))


def test_finance_enters_an_event_and_the_file_keeps_what_it_had(sqlite_register, site, facts_root):
    """A 0-point order typed into the form for month 2 (its type chosen by its Chinese label):
    the file is the old one, comments and all, with one more line; the old one is kept in
    .history/; the ledger's deductions grow by 5,000.00; the log says 录入事件 (with the event)."""
    clerk = site("张经办")
    month = facts_root / GAOMIDIAN / "period-02.yaml"
    before = month.read_text("utf-8")
    form = clerk.get(f"/c/{GAOMIDIAN}/facts", params={"period": "2", "type": "zero_point_order"}).text
    assert '<option value="zero_point_order" selected>0分工单</option>' in form
    assert 'id="event-heading">第 2 期（2025-11-28 至 2025-12-27）· 0分工单<' in form
    saved = enter(clerk, {"period": "2", "type": "zero_point_order", "date": "2025-12-20",
                          "ref": "GMD-2512-0200", "note": "市民评价0分"})
    assert saved.headers["location"] == f"/c/{GAOMIDIAN}/facts?done=entered&period=2&type=zero_point_order#enter"
    assert month.read_text("utf-8") == before + (
        '  - {type: zero_point_order, date: 2025-12-20, ref: "GMD-2512-0200", note: "市民评价0分"}\n')
    [kept] = (facts_root / GAOMIDIAN / ".history").iterdir()
    assert kept.read_text("utf-8") == before
    assert "事件已录入第 2 期的事实文件" in clerk.get(saved.headers["location"]).text
    assert 'id="deductions-total">477,520.00<' in clerk.get(f"/c/{GAOMIDIAN}").text
    assert "<td>录入事件</td>" in clerk.get(f"/c/{GAOMIDIAN}/register").text


def test_a_wrong_event_is_answered_beside_its_fields_and_nothing_is_saved(sqlite_register, site, facts_root):
    """A day outside the month, a count in words, an amount with three decimals, a missing
    amount: each answered beside its field in Chinese, what was typed kept; the file untouched."""
    clerk = site("张经办")
    month = facts_root / GAOMIDIAN / "period-02.yaml"
    before = month.read_text("utf-8")
    outside = enter(clerk, {"period": "2", "type": "zero_point_order", "date": "2026-01-20", "count": "两次"})
    assert outside.status_code == 422
    assert errors_beside_fields(outside) == {"count": "件数应为 1 至 100,000 的整数"}
    assert 'value="两次"' in outside.text and 'value="2026-01-20"' in outside.text
    late = enter(clerk, {"period": "2", "type": "zero_point_order", "date": "2026-01-20"})
    assert errors_beside_fields(late) == {"date": "事件日期 2026-01-20 不在第 2 期内（2025-11-28..2025-12-27）"}
    for amount, message in (("1,234.567", "金额应为大于 0 的元数，至多两位小数（如 5000 或 1,234.50）"),
                            ("", "金额应为大于 0 的元数，至多两位小数（如 5000 或 1,234.50）")):
        refused = enter(clerk, {"period": "2", "type": "advance_payment", "date": "2025-12-20", "amount": amount})
        assert errors_beside_fields(refused) == {"amount": message}
    assert month.read_text("utf-8") == before
    assert not (facts_root / GAOMIDIAN / ".history").exists()


def test_an_event_already_recorded_is_refused_naming_its_line(sqlite_register, site, facts_root):
    clerk = site("张经办")
    again = enter(clerk, {"period": "2", "type": "zero_point_order", "date": "2025-12-03", "ref": "GMD-2512-0031"})
    assert errors_beside_fields(again) == {
        "ref": "该事件已记录：0分工单 GMD-2512-0031（2025-12-03）见 period-02.yaml 第 7 行，不再重复录入"}
    assert "GMD-2512-0031" in (facts_root / GAOMIDIAN / "period-02.yaml").read_text("utf-8")
    assert not (facts_root / GAOMIDIAN / ".history").exists()


def test_only_finance_enter_events(sqlite_register, site, facts_root):
    event = {"period": "2", "type": "zero_point_order", "date": "2025-12-20", "ref": "GMD-2512-0300"}
    lawyer, vendor = site("钱法务"), site("高米店乙方")
    assert 'id="event-form"' not in lawyer.get(f"/c/{GAOMIDIAN}/facts").text
    assert post(lawyer, "/", f"/c/{GAOMIDIAN}/facts/event", event).status_code == 403
    assert post(vendor, "/", f"/c/{GAOMIDIAN}/facts/event", event).status_code == 403
    assert enter(site("王审核"), event).status_code == 303
    assert "GMD-2512-0300" in (facts_root / GAOMIDIAN / "period-02.yaml").read_text("utf-8")


def test_an_event_goes_above_imported_events_and_a_month_without_a_file_gets_one(sqlite_register, site, facts_root):
    """Month 3 holds imported events under the import's marker: the typed event goes above the
    marker, so the next import keeps it. Month 4 has no file: period-04.yaml is made. An
    amount typed 1,234.50 is written 1234.50."""
    from compliance.imports.writing import MARKER_LINE

    clerk = site("张经办")
    month = facts_root / GAOMIDIAN / "period-03.yaml"
    imported = '  - {type: dispatch_timeout, date: 2026-01-10, count: 3}\n'
    month.write_text(month.read_text("utf-8") + MARKER_LINE + "\n" + imported, "utf-8")
    assert enter(clerk, {"period": "3", "type": "advance_payment", "date": "2026-01-20",
                         "amount": "1,234.50"}).status_code == 303
    assert month.read_text("utf-8").endswith(
        '  - {type: advance_payment, date: 2026-01-20, amount: 1234.50}\n' + MARKER_LINE + "\n" + imported)
    assert enter(clerk, {"period": "4", "type": "obligation_delay", "date": "2026-02-02", "days": "3"}).status_code == 303
    assert (facts_root / GAOMIDIAN / "period-04.yaml").read_text("utf-8") == (
        "# 高米店 第 4 期（2026-01-28 至 2026-02-27）\ncontract: gaomidian-2025\nperiod: 4\nevents:\n"
        "  - {type: obligation_delay, date: 2026-02-02, days: 3}\n")


def test_an_event_in_a_month_already_issued_says_the_statement_must_be_corrected(sqlite_register, site, facts_root):
    """As with an upload, a closed month may still be changed (that is how it is corrected);
    the page says which statement closed it."""
    clerk = site("张经办")
    issue(clerk)
    saved = enter(clerk, {"period": "2", "type": "dispatch_timeout", "date": "2025-12-24"})
    assert saved.status_code == 303
    text = clerk.get(saved.headers["location"]).text
    assert f"第 2 期已由结算单 <a href=\"/c/{GAOMIDIAN}/s/{FIRST}\">{FIRST}</a> 结清：该期事实改动后，须出具更正结算单" in text


# --- accounts: a password reset, a lockout lifted, an account removed, one's own password -----

def cli_password(monkeypatch, password: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))


def test_user_passwd_and_unlock_from_the_command_line(sqlite_register, facts_root, capsys, monkeypatch):
    """Five wrong passwords lock 张经办 (user list says until when); unlock lets the right one
    in; passwd gives a new one (the old one no longer works, the session already open ends)."""
    account("张经办", "经办")
    app = create_app(facts_root)
    for attempt in range(5):
        sign_in(TestClient(app, base_url=BASE), "张经办", f"wrong-{attempt}-password")
    assert "  锁定至 " in run_cli(capsys, "user", "list")[1]
    assert run_cli(capsys, "user", "unlock", "张经办")[1] == "已解除用户 张经办 的锁定\n"
    assert run_cli(capsys, "user", "unlock", "张经办")[1] == "用户 张经办 未被锁定，无需解除\n"
    opened = signed_in(app, "张经办")
    cli_password(monkeypatch, "short")
    code, _, err = run_cli(capsys, "user", "passwd", "张经办", "--password-stdin")
    assert code == 2 and "密码长度为 5 个字符（可用：8 至 256 个字符）" in err
    cli_password(monkeypatch, "新的密码-2026-春")
    code, out, _ = run_cli(capsys, "user", "passwd", "张经办", "--password-stdin")
    assert code == 0 and out == "已重设用户 张经办 的密码；其已登录的会话均已结束\n"
    assert opened.get("/", follow_redirects=False).status_code == 303
    assert sign_in(TestClient(app, base_url=BASE), "张经办").status_code == 401
    assert sign_in(TestClient(app, base_url=BASE), "张经办", "新的密码-2026-春").status_code == 303
    code, _, err = run_cli(capsys, "user", "unlock", "张经理")
    assert code == 2 and "没有名为“张经理”的用户；您是不是要写 张经办？" in err


def test_a_removed_account_cannot_sign_in_and_what_it_did_stays(sqlite_register, site, capsys):
    """高米店乙方 objects, then its account is removed: its open page is signed out at once,
    its password no longer signs in (the same answer as a wrong one), user list says 已停用,
    its objection is still on the statement under its name, and the log records each step."""
    from compliance.register.database import session
    from compliance.register.tables import AuditRecord
    from compliance.register.verification import verify

    issue(site("张经办"))
    vendor = site("高米店乙方")
    page = f"/c/{GAOMIDIAN}/s/{FIRST}"
    post(vendor, page, f"{page}/objections", {"line": "1", "text": "重复派单"})
    code, out, _ = run_cli(capsys, "user", "remove", "高米店乙方")
    assert code == 0 and "已停用用户 高米店乙方" in out
    assert vendor.get(page, follow_redirects=False).status_code == 303
    refused = sign_in(TestClient(vendor.app, base_url=BASE), "高米店乙方")
    assert refused.status_code == 401 and "用户名或密码不正确" in refused.text
    assert re.search(r"^高米店乙方  乙方  gaomidian-2025  已停用（\d{4}-\d\d-\d\d \d\d:\d\d）$",
                     run_cli(capsys, "user", "list")[1], re.M)
    assert "重复派单" in site("张经办").get(page).text
    code, _, err = run_cli(capsys, "user", "remove", "高米店乙方")
    assert code == 2 and "用户“高米店乙方”已于" in err and "停用" in err
    with session() as opened:
        actions = [r.action for r in opened.query(AuditRecord).order_by(AuditRecord.sequence)]
    assert actions.index("object") < actions.index("user_remove")
    assert verify()[2] == []


def test_a_removed_account_can_be_enabled_again(sqlite_register, site, capsys):
    """A clerk removed by mistake is enabled again: signs in with the password it had, user
    list no longer says 已停用, the log records 启用用户; enabling an account in use, or one
    that does not exist, is refused with exit 2."""
    from compliance.register.audit import ACTIONS
    from compliance.register.database import session
    from compliance.register.tables import AuditRecord

    assert run_cli(capsys, "user", "remove", "张经办")[0] == 0
    assert sign_in(TestClient(site("李复核").app, base_url=BASE), "张经办").status_code == 401
    code, out, _ = run_cli(capsys, "user", "enable", "张经办")
    assert code == 0 and "已重新启用用户 张经办" in out
    assert sign_in(TestClient(site("李复核").app, base_url=BASE), "张经办").status_code == 303
    assert "已停用" not in next(line for line in run_cli(capsys, "user", "list")[1].splitlines()
                               if line.startswith("张经办"))
    code, _, err = run_cli(capsys, "user", "enable", "张经办")
    assert code == 2 and "未被停用" in err
    code, _, err = run_cli(capsys, "user", "enable", "张经半")
    assert code == 2 and "没有名为“张经半”的用户" in err
    with session() as opened:
        actions = [r.action for r in opened.query(AuditRecord).order_by(AuditRecord.sequence)]
    users = [action for action in actions if action.startswith("user_")]
    assert users[-2:] == ["user_remove", "user_enable"] and ACTIONS["user_enable"] == "启用用户"


def test_a_user_changes_their_own_password(sqlite_register, site):
    """On 我的账户: a wrong current password, a short new one or two that differ are answered
    beside their fields; then the change works, the user's other session ends and this one
    stays, and the new password signs in."""
    clerk, elsewhere = site("张经办"), site("张经办")
    assert 'id="account-link"' in clerk.get("/").text
    mine = "/account"
    assert "财务经办" in clerk.get(mine).text
    change = "/account/password"
    wrong = post(clerk, mine, change, {"current": "not-my-password", "new": "新的密码-2026", "again": "新的密码-2026"})
    assert wrong.status_code == 422 and errors_beside_fields(wrong) == {"current": "当前密码不正确"}
    short = post(clerk, mine, change, {"current": PASSWORD, "new": "short", "again": "short"})
    assert errors_beside_fields(short) == {"new": "密码长度为 5 个字符（应为 8 至 256 个字符）"}
    differ = post(clerk, mine, change, {"current": PASSWORD, "new": "新的密码-2026", "again": "新的密码-2027"})
    assert errors_beside_fields(differ) == {"again": "两次输入的新密码不一致"}
    assert clerk.post(change, data={"current": PASSWORD, "new": "新的密码-2026", "again": "新的密码-2026"},
                      headers={"origin": BASE}).status_code == 403
    changed = post(clerk, mine, change, {"current": PASSWORD, "new": "新的密码-2026", "again": "新的密码-2026"})
    assert changed.headers["location"] == "/account?done=changed"
    assert "密码已修改" in clerk.get(changed.headers["location"]).text
    assert elsewhere.get("/", follow_redirects=False).status_code == 303
    assert sign_in(TestClient(clerk.app, base_url=BASE), "张经办", "新的密码-2026").status_code == 303
    assert "<td>修改密码</td>" not in clerk.get(f"/c/{GAOMIDIAN}/register").text   # not a contract's step


@pytest.mark.parametrize(("typed", "said"), [
    ("2025-02-30", "2025-02-30 不是有效日期"),           # a day February does not have
    ("2025/12/03", "请填写日期，写作 YYYY-MM-DD"),       # written another way
    ("", "请填写日期，写作 YYYY-MM-DD"),
])
def test_the_event_form_says_what_is_wrong_with_a_date(tmp_path, typed, said):
    """A clerk's date for 高米店 第 2 期: a day the calendar has not is named as such, a date
    written another way is asked for as YYYY-MM-DD; nothing is written either way."""
    from compliance.app import facts_entry
    from compliance.engine.loading import load_contract
    from compliance.model.contract import resolve_contract_path
    from compliance.model.facts import load_facts

    folder = tmp_path / "facts"
    shutil.copytree(EXAMPLES / "gaomidian-2025", folder)
    before = (folder / "period-02.yaml").read_bytes()
    loaded = load_contract(resolve_contract_path("gaomidian-2025"))
    entry = facts_entry.enter(loaded, load_facts(folder, loaded), folder,
                              {"period": "2", "type": "zero_point_order", "date": typed}, "张经办")
    assert said in entry.errors["date"]
    assert (folder / "period-02.yaml").read_bytes() == before
