"""The coverage page a lawyer reads (``reports/coverage.html``): a summary per contract, then each
contract article by article, each clause with its verbatim text, the Chinese gloss of its
encoding, its scenarios and a status; filters by contract, clause and status; printable;
escaped; the same bytes for the same reports.

The reports are built from the contracts with scenario runs made up here, so these tests do not
run the features (``test_clause_coverage`` runs ``compliance coverage`` end to end)."""
from __future__ import annotations

import copy
import re

import pytest
from conftest import CONTRACTS
from markupsafe import escape
import test_browser

from compliance.engine.loading import load_contract
from compliance.legal.coverage import ScenarioRun, contract_coverage
from compliance.legal.coverage_report import article_heading, article_of, html
from compliance.legal.literate import encoding_lines

CONTRACT_FILES = sorted(CONTRACTS.glob("*.yaml"))
browser = test_browser.browser
"""The fixture of the web page's browser test: headless Chromium, or a skip saying why not."""
ZERO_POINT = "每件 0 分工单扣 5,000 元"


def _runs(passed: bool = True) -> list[ScenarioRun]:
    return [ScenarioRun("gaomidian-2025.feature", ZERO_POINT, 34, ("clause-4.6.1",), passed),
            ScenarioRun("gaomidian-2025.feature", "月度评价待提升的约谈", 60,
                        ("clause-4.6.2", "clause-4.1"), True)]


@pytest.fixture(scope="module")
def loaded():
    return {path.stem: load_contract(path) for path in CONTRACT_FILES}


@pytest.fixture(scope="module")
def reports(loaded):
    return [contract_coverage(contract, _runs()) for contract in loaded.values()]


@pytest.fixture(scope="module")
def page(reports) -> str:
    return html(reports).decode("utf-8")


def _articles(page: str) -> dict[str, str]:
    return dict(re.findall(r'<section class="article" id="([^"]+)">(.*?)</section>', page, re.S))


def _row(page: str, contract: str, clause_id: str) -> str:
    match = re.search(rf'<tr class="clause [a-z_]+" id="{re.escape(contract)}-{re.escape(clause_id)}"'
                      r'.*?</tr>', page, re.S)
    assert match, f"no row for {contract} {clause_id}"
    return match.group(0)


def test_the_article_of_a_clause_and_its_heading():
    assert [article_of(cid) for cid in ("4.6.1", "4", "9.2(3)", "11(2)", "五(二)1", "五",
                                        "六(三)2(1)", "附件2.三", "附件.四(1)", "附件1")] == [
        "4", "4", "9", "11", "五", "五", "六", "附件2", "附件", "附件1"]
    assert article_heading("11", "附则") == "第十一条 附则"
    assert article_heading("五", "违约责任") == "五、违约责任"
    assert article_heading("附件2", "项目计划书") == "附件2 项目计划书"
    assert article_heading("7", None) == "第七条"


def test_one_section_per_article_with_every_clause_and_its_verbatim_text(loaded, page):
    sections = _articles(page)
    for contract_id, contract in loaded.items():
        clauses = contract.contract.clauses
        articles = {article_of(clause.id) for clause in clauses}
        assert {anchor for anchor in sections if anchor.startswith(f"{contract_id}--")} == {
            f"{contract_id}--{article}" for article in articles}
        for clause in clauses:
            body = sections[f"{contract_id}--{article_of(clause.id)}"]
            assert f'id="{escape(contract_id)}-{escape(clause.id)}"' in body, clause.id
            assert f'<p class="text">{escape(clause.text)}</p>' in body, clause.id
            assert f"<br>{escape(clause.title)}</td>" in body, clause.id
    gaomidian, chengbei = sections["gaomidian-2025--4"], sections["chengbei-2025--五"]
    assert "<h3>第四条 甲方权利和义务</h3>" in gaomidian and 'id="gaomidian-2025-4.6.1"' in gaomidian
    assert "<h3>五、违约责任</h3>" in chengbei and 'id="chengbei-2025-五(二)1"' in chengbei
    assert "<h3>附件2 项目计划书</h3>" in sections["chengbei-2025--附件2"]
    order = [page.index(f'<section class="contract" id="{contract_id}"') for contract_id in loaded]
    assert order == sorted(order)


def test_a_covered_clause_shows_its_gloss_its_scenario_and_its_status(loaded, page):
    row = _row(page, "gaomidian-2025", "4.6.1")
    clause = next(c for c in loaded["gaomidian-2025"].contract.clauses if c.id == "4.6.1")
    gloss = "\n".join(line.removeprefix("    ") for line in encoding_lines(loaded["gaomidian-2025"], clause))
    assert gloss.startswith("规则 4.6.1#1 按次扣款（per_occurrence）")
    assert f'<p class="gloss">{escape(gloss)}</p>' in row
    assert "unit_amount = 5000  — 每次扣除的金额（元）" in row
    assert "<td>金钱</td>" in row and escape(clause.interpretation) in row
    assert f'✓ 通过</span> <span class="where">features/gaomidian-2025.feature:34</span><br>{ZERO_POINT}' in row
    assert '<td class="status">已覆盖</td>' in row and 'data-status="covered"' in row
    term = _row(page, "gaomidian-2025", "1.2")
    assert "由合同结构执行：服务期限（term）" in term


def test_statuses_failing_uncovered_and_no_scenario_needed(loaded):
    gaomidian = loaded["gaomidian-2025"]
    page = html([contract_coverage(gaomidian, _runs(passed=False))]).decode("utf-8")
    failing = _row(page, "gaomidian-2025", "4.6.1")
    assert '<td class="status">有失败</td>' in failing and 'data-status="failing"' in failing
    assert "✗ 未通过</span>" in failing and ZERO_POINT in failing
    assert '<td class="status">未覆盖</td>' in _row(page, "gaomidian-2025", "4.6.3")
    informational = _row(page, "gaomidian-2025", "1")
    assert '<td class="status">无需场景</td>' in informational
    assert "不计金额：" in informational and "<td>说明</td>" in informational
    exercised = _row(page, "gaomidian-2025", "4.1")   # needs none, has a passing one
    assert '<td class="status">已覆盖</td>' in exercised


def test_a_summary_per_contract_at_the_top(reports, page):
    summary = page[:page.index('<section class="contract"')]
    for heading in ("条款总数", "需场景的条款", "已覆盖", "未通过", "未覆盖"):
        assert f"<th>{heading}</th>" in summary
    gaomidian = next(r for r in reports if r["contract"] == "gaomidian-2025")
    row = re.search(r'<tr class="failing">\s*<td><a href="#gaomidian-2025">高米店</a>.*?</tr>',
                    summary, re.S).group(0)
    assert re.findall(r'<td class="n">(\d+)</td>', row)[:5] == ["76", "21", "2", "0", "19"]
    assert "有缺口" in row
    assert f"<strong>{escape(gaomidian['summary_text'])}</strong>" in page


def test_filters_and_a_print_stylesheet_in_one_offline_file(reports, page):
    assert '<select name="contract" id="filter-contract">' in page
    for report in reports:
        assert f'<option value="{report["contract"]}">{report["short_name"]}</option>' in page
    assert '<input type="search" name="text" id="filter-text"' in page
    for key, label in {"covered": "已覆盖", "uncovered": "未覆盖", "failing": "有失败",
                       "not_required": "无需场景"}.items():
        assert f'<option value="{key}">{label}</option>' in page
    assert page.count("<script") == 1 and "<script>" in page and " src=" not in page
    assert not re.search(r'(href|src)="(https?:)?//', page) and "<link" not in page
    assert "@media screen { .filtered-out { display: none; } }" in page
    printing = page[page.index("@media print"):page.index("</style>")]
    assert ".filters" in printing and "display: none !important" in printing
    assert "break-inside: avoid" in printing and "break-after: avoid" in printing
    assert "table-header-group" in printing


def test_every_text_is_escaped(reports):
    hostile = copy.deepcopy(reports[:1])
    clause = hostile[0]["clauses"][0]
    clause["text"] = '<script>alert("原文")</script>'
    clause["title"] = "<b>标题</b>"
    clause["scenarios"] = [{"name": "<img src=x onerror=alert(1)>", "line": 1, "passed": False}]
    hostile[0]["short_name"] = "<i>高米店</i>"
    page = html(hostile).decode("utf-8")
    assert page.count("<script") == 1
    assert "&lt;script&gt;alert(&#34;原文&#34;)&lt;/script&gt;" in page
    assert "&lt;b&gt;标题&lt;/b&gt;" in page and "<b>" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "<img" not in page
    assert "<i>" not in page and "&lt;i&gt;高米店&lt;/i&gt;" in page


def test_the_same_reports_give_the_same_bytes(loaded, reports):
    again = [contract_coverage(contract, _runs()) for contract in loaded.values()]
    first = html(reports)
    assert html(copy.deepcopy(reports)) == first == html(again)
    assert first.endswith(b"</html>\n") and first.decode("utf-8")


def test_the_filters_work_from_a_file_url(reports, tmp_path, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    target = tmp_path / "coverage.html"
    target.write_bytes(html([r for r in reports if r["contract"] in ("chengbei-2025", "gaomidian-2025")]))
    browser.get(target.as_uri())

    def shown() -> list[str]:
        return [row.get_attribute("id") for row in browser.find_elements(By.CSS_SELECTOR, "tr.clause")
                if row.is_displayed()]

    everything = len(shown())
    assert everything == 60 + 76
    assert browser.find_element(By.ID, "shown").text == f"显示 {everything} / {everything} 条"
    Select(browser.find_element(By.ID, "filter-contract")).select_by_visible_text("高米店")
    browser.find_element(By.ID, "filter-text").send_keys("第4.6.1条")
    assert shown() == ["gaomidian-2025-4.6.1"]
    browser.find_element(By.ID, "filter-text").clear()
    Select(browser.find_element(By.ID, "filter-contract")).select_by_visible_text("全部合同")
    Select(browser.find_element(By.ID, "filter-status")).select_by_visible_text("已覆盖")
    assert shown() == ["gaomidian-2025-4.1", "gaomidian-2025-4.6.1", "gaomidian-2025-4.6.2"]
    articles = [s.get_attribute("id") for s in browser.find_elements(By.CSS_SELECTOR, "section.article")
                if s.is_displayed()]
    assert articles == ["gaomidian-2025--4"]
