"""End to end in a real headless browser: a vendor opens the local page, picks 高米店, reads
the ledger, previews a month with two more 0-point orders and one more timeout, and mistypes
a count. Debian's chromium and chromedriver drive it (``.ci/run`` installs them).

Without the browser the test is skipped with the reason, unless COMPLIANCE_REQUIRE_BROWSER is
set (as ``.ci/run`` sets it): then a missing browser is a failure, so CI never skips it.
"""
from __future__ import annotations

import os
import shutil
import socket
import threading
import time

import pytest
import uvicorn
from conftest import EXAMPLES

from compliance.app.web import create_app

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


def _browser_missing() -> str | None:
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not os.path.exists(path)]
    return f"{' and '.join(missing)} not installed (apt-get install chromium chromium-driver)" \
        if missing else None


@pytest.fixture
def site(tmp_path):
    """The web page on a free localhost port, serving a copy of the bundled examples."""
    root = tmp_path / "facts"
    shutil.copytree(EXAMPLES / "gaomidian-2025", root / "gaomidian-2025")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(root), host="127.0.0.1", port=port,
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
                     "--window-size=1280,1600"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(10)
    yield driver
    driver.quit()


def test_a_vendor_previews_a_month_in_the_browser(site, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(site + "/")
    browser.find_element(By.ID, "contract-gaomidian-2025").click()
    assert "高米店" in browser.find_element(By.TAG_NAME, "h1").text
    assert browser.find_element(By.ID, "deductions-total").text == "472,520.00"

    browser.find_element(By.ID, "preview-link").click()
    Select(browser.find_element(By.ID, "period")).select_by_visible_text("第 2 期")
    browser.find_element(By.ID, "add_zero_point_order").send_keys("2")
    browser.find_element(By.ID, "add_dispatch_timeout").send_keys("1")
    browser.find_element(By.ID, "submit").click()

    assert browser.find_element(By.ID, "preview-payable").text == "0.00"
    assert "暂停支付" in browser.find_element(By.ID, "flags-added").text
    changes = browser.find_element(By.ID, "changes").text
    assert "20,000.00" in changes and "+10,000.00" in changes
    assert "本月第 4.6 条扣款 31,000.00 / 71,920.00 元" in browser.find_element(By.ID, "headroom").text

    field = browser.find_element(By.ID, "add_zero_point_order")
    field.clear()
    field.send_keys("-3")
    browser.find_element(By.ID, "submit").click()
    assert browser.find_element(By.ID, "error-add_zero_point_order").text == "应为 0 或 1 至 100,000 的整数"
    assert "Traceback" not in browser.page_source
    assert browser.find_element(By.ID, "add_zero_point_order").get_attribute("value") == "-3"
