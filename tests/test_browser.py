"""End to end in a real headless browser (issue 16): the three parties on one page.

A clerk (张经办) signs in, uploads 高米店's month 3 and issues it; a reviewer (李复核) approves;
the vendor (高米店乙方) signs in, sees only its contract, objects to line 1 of the statement;
the clerk answers; the vendor confirms; another vendor (羊坊店乙方) asking for 高米店's
statement gets 403. Each page is saved as a screenshot under ``reports/screenshots/``. A
vendor also previews a month with two more 0-point orders and one more timeout, and mistypes
a count; a clerk enters one event in the facts page's form.

Debian's chromium and chromedriver drive it (``.ci/run`` installs them). Without the browser
the test is skipped with the reason, unless COMPLIANCE_REQUIRE_BROWSER is set (as ``.ci/run``
sets it): then a missing browser is a failure, so CI never skips it.
"""
from __future__ import annotations

import os
import shutil
import socket
import threading
import time

import pytest
import uvicorn
from conftest import EXAMPLES, ROOT
from web_client import PASSWORD, account

from compliance.app.web import create_app

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
SCREENSHOTS = ROOT / "reports" / "screenshots"
GAOMIDIAN = "gaomidian-2025"


def _browser_missing() -> str | None:
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not os.path.exists(path)]
    return f"{' and '.join(missing)} not installed (apt-get install chromium chromium-driver)" \
        if missing else None


@pytest.fixture
def facts_root(tmp_path):
    """高米店 with months 1 and 2 recorded (month 3 is uploaded in the test), and 羊坊店."""
    root = tmp_path / "facts"
    shutil.copytree(EXAMPLES / GAOMIDIAN, root / GAOMIDIAN)
    (root / GAOMIDIAN / "period-03.yaml").unlink()
    shutil.copytree(EXAMPLES / "yangfangdian-2026", root / "yangfangdian-2026")
    return root


@pytest.fixture
def site(facts_root, tmp_path, monkeypatch):
    """The web page on a free localhost port, with an account for each party."""
    monkeypatch.setenv("COMPLIANCE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("COMPLIANCE_DB", raising=False)
    account("张经办", "经办")
    account("李复核", "复核")
    account("高米店乙方", "乙方", (GAOMIDIAN,))
    account("羊坊店乙方", "乙方", ("yangfangdian-2026",))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(facts_root), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the web server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser():
    reason = _browser_missing()
    if reason:
        if os.environ.get("COMPLIANCE_REQUIRE_BROWSER"):
            pytest.fail(f"COMPLIANCE_REQUIRE_BROWSER is set but {reason}")
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1280,900", "--lang=zh-CN"):
        options.add_argument(argument)
    chinese = {**os.environ, "LANGUAGE": "zh_CN"}    # the browser's own words (file and date inputs)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER, env=chinese), options=options)
    driver.implicitly_wait(10)
    yield driver
    driver.quit()


def by_id(browser, element_id: str):
    from selenium.webdriver.common.by import By

    return browser.find_element(By.ID, element_id)


def submit(browser, button: str) -> None:
    """Press a form's button and wait until its page has gone (the button no longer belongs to
    the document: chromedriver says so as a stale element or as a node of another document)."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    pressed = by_id(browser, button)
    pressed.click()

    def gone(_browser) -> bool:
        try:
            pressed.is_enabled()
        except WebDriverException:
            return True
        return False

    WebDriverWait(browser, 20).until(gone)


def screenshot(browser, name: str) -> None:
    """The whole page, as tall as it is, once its fonts have loaded."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.execute_script("return document.fonts.ready")
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1280, min(max(height, 700), 4000))
    browser.save_screenshot(str(SCREENSHOTS / f"{name}.png"))
    browser.set_window_size(1280, 900)


def sign_in(browser, site: str, name: str, shot: str | None = None) -> None:
    browser.get(site + "/login")
    by_id(browser, "name").send_keys(name)
    by_id(browser, "password").send_keys(PASSWORD)
    if shot:
        screenshot(browser, shot)
    submit(browser, "login")
    assert by_id(browser, "who").text.startswith(name)


def sign_out(browser) -> None:
    submit(browser, "logout")
    by_id(browser, "login-form")


def test_clerk_reviewer_and_vendors_in_the_browser(site, browser, tmp_path):
    from selenium.webdriver.support.ui import Select

    statement = f"{site}/c/{GAOMIDIAN}/s/高米店-2026-结-001"
    sign_in(browser, site, "张经办", "01-登录")
    screenshot(browser, "02-经办-合同列表")
    by_id(browser, f"contract-{GAOMIDIAN}").click()
    by_id(browser, "facts-link").click()
    month = tmp_path / "period-03.yaml"
    shutil.copy(EXAMPLES / GAOMIDIAN / "period-03.yaml", month)
    by_id(browser, "facts-file").send_keys(str(month))
    submit(browser, "upload-button")
    assert "事实文件已保存" in by_id(browser, "done").text
    assert "period-03.yaml" in by_id(browser, "files").text
    screenshot(browser, "03-经办-上传事实")
    by_id(browser, "ledger-link").click()
    assert by_id(browser, "deductions-total").text == "472,520.00"
    screenshot(browser, "04-经办-台账")
    by_id(browser, "register-link").click()
    Select(by_id(browser, "span")).select_by_value("period-3")
    submit(browser, "issue-button")
    assert by_id(browser, "number").text == "高米店-2026-结-001"
    assert by_id(browser, "status").text == "已出具（待复核）"
    screenshot(browser, "05-经办-出具结算单")
    sign_out(browser)

    sign_in(browser, site, "李复核")
    browser.get(statement)
    submit(browser, "approve")
    assert by_id(browser, "status").text == "已出具（待审核）"
    screenshot(browser, "06-复核-审批")
    sign_out(browser)

    sign_in(browser, site, "高米店乙方")
    contracts = by_id(browser, "who").find_element("xpath", "//main").text
    assert "高米店" in contracts and "羊坊店" not in contracts
    screenshot(browser, "07-乙方-只见本方合同")
    by_id(browser, f"contract-{GAOMIDIAN}").click()
    by_id(browser, "register-link").click()
    by_id(browser, "statement-高米店-2026-结-001").click()
    Select(by_id(browser, "line")).select_by_value("1")
    by_id(browser, "objection-text").send_keys("1 月 9 日热线未响应系系统故障，已报备，请核减。")
    submit(browser, "object")
    assert by_id(browser, "objection-1-status").text == "待甲方答复"
    screenshot(browser, "08-乙方-提出异议")
    sign_out(browser)

    sign_in(browser, site, "张经办")
    browser.get(statement)
    Select(by_id(browser, "decision-1")).select_by_value("rejected")
    by_id(browser, "answer-1").send_keys("经核实当日系统运行正常，维持扣款。")
    submit(browser, "answer-button-1")
    assert by_id(browser, "objection-1-status").text == "未采纳"
    screenshot(browser, "09-经办-答复异议")
    sign_out(browser)

    sign_in(browser, site, "高米店乙方")
    browser.get(statement)
    assert "维持扣款" in by_id(browser, "objections").text
    submit(browser, "confirm")
    assert "高米店乙方" in by_id(browser, "vendor-confirmation").text
    screenshot(browser, "10-乙方-确认结算单")
    sign_out(browser)

    sign_in(browser, site, "羊坊店乙方")
    browser.get(statement)
    assert by_id(browser, "error").text == "您的账户无权查看此合同"
    assert "高米店" not in browser.page_source
    screenshot(browser, "11-另一乙方-无权访问")


def test_a_vendor_previews_a_month_in_the_browser(site, browser):
    from selenium.webdriver.support.ui import Select

    sign_in(browser, site, "高米店乙方")
    by_id(browser, f"contract-{GAOMIDIAN}").click()
    assert "高米店" in by_id(browser, "ledger-link").find_element("xpath", "//h1").text
    by_id(browser, "preview-link").click()
    Select(by_id(browser, "period")).select_by_value("2")
    by_id(browser, "add_zero_point_order").send_keys("2")
    by_id(browser, "add_dispatch_timeout").send_keys("1")
    submit(browser, "submit")

    assert by_id(browser, "preview-payable").text == "0.00"
    assert "暂停支付" in by_id(browser, "flags-added").text
    changes = by_id(browser, "changes").text
    assert "20,000.00" in changes and "+10,000.00" in changes
    assert "本月第 4.6 条扣款 31,000.00 / 71,920.00 元" in by_id(browser, "headroom").text
    screenshot(browser, "12-乙方-预览扣款")

    field = by_id(browser, "add_zero_point_order")
    field.clear()
    field.send_keys("-3")
    submit(browser, "submit")
    assert by_id(browser, "error-add_zero_point_order").text == "应为 0 或 1 至 100,000 的整数"
    assert "Traceback" not in browser.page_source
    assert by_id(browser, "add_zero_point_order").get_attribute("value") == "-3"


def test_a_clerk_enters_an_event_in_the_browser(site, browser, facts_root):
    """On 事实文件 the clerk picks month 2 and 甲方先行垫付 by its Chinese label, types an amount
    with three decimals (answered beside the field, what was typed kept), corrects it, and the
    event is the month's last line."""
    from selenium.webdriver.support.ui import Select

    sign_in(browser, site, "张经办")
    by_id(browser, f"contract-{GAOMIDIAN}").click()
    by_id(browser, "facts-link").click()
    Select(by_id(browser, "choose-period")).select_by_value("2")
    Select(by_id(browser, "choose-type")).select_by_visible_text("甲方先行垫付")
    submit(browser, "choose-button")
    assert by_id(browser, "event-heading").text == "第 2 期（2025-11-28 至 2025-12-27）· 甲方先行垫付"
    browser.execute_script("arguments[0].value = '2025-12-20'", by_id(browser, "event-date"))
    by_id(browser, "event-ref").send_keys("DF-2512-01")
    by_id(browser, "event-amount").send_keys("1,234.567")
    by_id(browser, "event-note").send_keys("乙方人员受伤，甲方先行垫付医药费")
    submit(browser, "enter-button")
    assert by_id(browser, "error-amount").text.startswith("金额应为大于 0 的元数，至多两位小数")
    assert by_id(browser, "event-amount").get_attribute("value") == "1,234.567"
    field = by_id(browser, "event-amount")
    field.clear()
    field.send_keys("1,234.50")
    submit(browser, "enter-button")
    assert "事件已录入第 2 期的事实文件" in by_id(browser, "done").text
    by_id(browser, "recorded").click()
    assert "DF-2512-01" in by_id(browser, "recorded").text
    browser.execute_script("window.scrollTo(0, 0)")
    screenshot(browser, "13-经办-录入事件")
    assert (facts_root / GAOMIDIAN / "period-02.yaml").read_text("utf-8").endswith(
        '  - {type: advance_payment, date: 2025-12-20, ref: "DF-2512-01", amount: 1234.50, '
        'note: "乙方人员受伤，甲方先行垫付医药费"}\n')
