"""The local web page over the same engine: ledger, statements, downloads, and the what-if form
with bad input answered beside its field (never a stack trace)."""
import shutil
from html import unescape

import pytest
from conftest import EXAMPLES
from web_client import signed_in

from compliance.app.web import create_app


@pytest.fixture
def client(tmp_path, monkeypatch):
    """The page over two contracts' examples, signed in as a finance clerk (经办), who sees
    every contract."""
    monkeypatch.setenv("COMPLIANCE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("COMPLIANCE_DB", raising=False)
    root = tmp_path / "facts"
    for name in ("gaomidian-2025", "yangfangdian-2026"):
        shutil.copytree(EXAMPLES / name, root / name)
    return signed_in(create_app(root), "张经办", "经办")


def test_the_index_lists_contracts_that_have_facts(client):
    page = client.get("/").text
    assert "高米店" in page and "羊坊店" in page
    assert "城北" not in page


def test_the_contract_page_shows_the_ledger_with_the_same_numbers_as_the_cli(client):
    page = client.get("/c/gaomidian-2025").text
    assert 'id="deductions-total">472,520.00<' in page
    assert "/c/gaomidian-2025/period/3.pdf" in page
    assert "本月第 4.6 条扣款 1,000.00 / 71,920.00 元" in page


def test_a_statement_page_explains_each_line_and_downloads_as_pdf(client):
    page = client.get("/c/gaomidian-2025/period/3").text
    assert 'id="payable">0.00<' in page
    assert "合同总价款 × 5%（合同总价款 = 4,315,200.00） = 215,760.00 元" in page
    download = client.get("/c/gaomidian-2025/period/3.pdf")
    assert download.headers["content-type"] == "application/pdf"
    assert download.content.startswith(b"%PDF")
    workbook = client.get("/c/gaomidian-2025/ledger.xlsx")
    assert workbook.content.startswith(b"PK")


def test_the_preview_form_settles_the_what_if(client):
    page = client.get("/c/gaomidian-2025/preview", params={
        "period": "2", "add_zero_point_order": "2", "add_dispatch_timeout": "1", "rating": ""}).text
    assert 'id="preview-payable">0.00<' in page
    assert "[4.6.4] 暂停支付" in page
    assert "+10,000.00" in page
    assert "<strong>已达到</strong> 本支付周期热线未响应、派单超时、案件回访遗漏 5/5" in page


@pytest.mark.parametrize(("params", "field", "message"), [
    ({"period": "2", "add_zero_point_order": "-1"}, "add_zero_point_order", "应为 0 或 1 至 100,000 的整数"),
    ({"period": "2", "add_dispatch_timeout": "两次"}, "add_dispatch_timeout", "应为 0 或 1 至 100,000 的整数"),
    ({"period": "2", "add_zero_point_order": "1e999999999"}, "add_zero_point_order",
     "应为 0 或 1 至 100,000 的整数"),
    ({"period": "2", "add_zero_point_order": "100001"}, "add_zero_point_order",
     "超出范围；应为 0 或 1 至 100,000 的整数"),
    ({"period": "2", "add_advance_payment": "10.555"}, "add_advance_payment",
     "应为 0 或 0.01 至 9,999,999,999.99 的金额（元，最多两位小数）"),
    ({"period": "2", "add_advance_payment": "1e30"}, "add_advance_payment", "应为 0 或 0.01 至"),
    ({"period": "13"}, "period", "期次应为 1 至 12 的整数"),
    ({"period": "²"}, "period", "期次应为 1 至 12 的整数"),
    ({"period": "2", "rating": "很好"}, "rating", "评价应为 优秀 / 良好 / 待提升 之一"),
])
def test_bad_form_input_gets_a_message_beside_its_field(client, params, field, message):
    response = client.get("/c/gaomidian-2025/preview", params=params)
    assert response.status_code == 400
    assert f'id="error-{field}">{message}' in response.text
    assert "Traceback" not in response.text


def test_unknown_pages_and_broken_facts_are_pages_not_stack_traces(client, tmp_path):
    assert client.get("/c/nope").status_code == 404
    assert client.get("/c/gaomidian-2025/period/abc").status_code == 404
    assert client.get("/c/gaomidian-2025/period/40").status_code == 404
    (tmp_path / "facts" / "gaomidian-2025" / "period-02.yaml").write_text(
        "contract: gaomidian-2025\nperiod: 2\nrating: 很好\n", "utf-8")
    response = client.get("/c/gaomidian-2025")
    assert response.status_code == 422
    assert "gaomidian-2025/period-02.yaml:3: rating: 没有这个评价等级：'很好'" in unescape(response.text)
    assert str(tmp_path) not in response.text          # the server's own paths stay private


def test_a_corrected_facts_file_shows_on_the_next_request(client, tmp_path):
    assert 'id="deductions-total">472,520.00<' in client.get("/c/gaomidian-2025").text
    path = tmp_path / "facts" / "gaomidian-2025" / "period-03.yaml"
    path.write_text(path.read_text("utf-8").replace("days: 2", "days: 1"), "utf-8")
    assert 'id="deductions-total">256,760.00<' in client.get("/c/gaomidian-2025").text
