"""What vendors and finance clerks run beside `settle`: the what-if preview, the diff of two
statements, and the contract-to-date ledger (table, JSON, CSV, Excel)."""
import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from conftest import EXAMPLES, run_cli
from openpyxl import load_workbook

GAOMIDIAN = str(EXAMPLES / "gaomidian-2025")


def test_preview_adds_events_without_touching_the_facts(capsys):
    before = {p.name: p.read_bytes() for p in (EXAMPLES / "gaomidian-2025").iterdir()}
    code, out, _ = run_cli(capsys, "preview", "gaomidian-2025", GAOMIDIAN, "--period", "2",
                           "--add", "zero_point_order=2", "--add", "dispatch_timeout=1")
    assert code == 0
    assert "4.6.1  zero_point_order  10,000.00  20,000.00  +10,000.00" in out
    assert "4.6.4  dispatch_timeout   2,000.00   3,000.00   +1,000.00" in out
    assert "净额：339,600.00 → 328,600.00" in out     # a month of 高米店 is paid with its cycle
    assert "+ 新增 [4.6.4] 暂停支付" in out             # the 5th failure suspends the cycle's payment
    assert "假设：本月不单独付款：净额 328,600.00 元" in out
    assert "[4.6.4] ！已达到 本支付周期热线未响应、派单超时、案件回访遗漏 5/5（原为 4）" in out
    assert "[4.6.5] 本月第 4.6 条扣款 31,000.00 / 71,920.00 元（超过即触发）（原为 20,000.00）" in out
    assert "[4.6.3] 合同期内对乙方的投诉累计 0/3" in out
    assert {p.name: p.read_bytes() for p in (EXAMPLES / "gaomidian-2025").iterdir()} == before


def test_preview_json_holds_both_statements_and_the_hypothetical_facts_are_traced(capsys):
    code, out, _ = run_cli(capsys, "preview", "gaomidian-2025", GAOMIDIAN, "--period", "2",
                           "--add", "obligation_delay=3", "--json")
    document = json.loads(out)
    assert code == 0
    assert document["recorded"]["net"] == "339600.00"
    assert document["preview"]["net"] == "-307680.00"
    assert document["preview"]["owed_by_vendor"] == "0.00"       # judged on the cycle (6.6)
    assert document["preview"]["settled_in"] == "第 1 支付周期"
    delay = next(line for line in document["preview"]["deductions"] if line["clause"] == "6.1")
    events = {event["id"]: event for event in document["preview"]["events"]}
    assert events[delay["trace_v1"]["facts"][0]]["source"] == "假设 --add obligation_delay=3"
    assert delay["amount"] == "647280.00"
    kinds = {(f["clause"], f["kind"]) for f in document["changes"]["flags_added"]}
    assert kinds == {("6.1", "termination_right")}


def test_preview_of_a_month_not_yet_recorded_starts_from_nothing(capsys):
    code, out, _ = run_cli(capsys, "preview", "gaomidian-2025", GAOMIDIAN, "--period", "5",
                           "--add", "advance_payment=1500.5")
    assert code == 0
    assert "5.7   advance_payment_surcharge       —    450.15    +450.15" in out
    assert "扣款合计：0.00 → 1,950.65" in out


@pytest.mark.parametrize(("arguments", "message"), [
    (["--add", "bogus=1"], "--add: 没有这种事件类型：'bogus'（可用：zero_point_order (0分工单)"),
    (["--add", "zero_pint=2"], "--add: 没有这种事件类型：'zero_pint'；您是不是要写 zero_point_order？"
                               "（可用：zero_point_order (0分工单)"),
    (["--add", "zero_point_order"], "参数 --add：'zero_point_order' 不是“类型=数量”（可用：事件类型和"),
    (["--add", "zero_point_order=0"], "--add: zero_point_order=0：超出范围（可用：1 至 100,000 的整数）"),
    (["--add", "zero_point_order=1.5"], "--add: zero_point_order=1.5：0分工单应为整数"),
    (["--add", "zero_point_order=100001"], "--add: zero_point_order=100001：超出范围"),
    (["--add", "zero_point_order=" + "9" * 40], "不是“类型=数量”"),
    (["--add", "zero_point_order=²"], "不是“类型=数量”"),
    (["--rating", "很好"], "--rating: 没有这个评价等级：'很好'（可用：优秀 | 良好 | 待提升）"),
    (["--rating", "优"], "--rating: 没有这个评价等级：'优'；您是不是要写 优秀？（可用：优秀 | 良好 | 待提升）"),
])
def test_preview_refuses_what_it_cannot_add(capsys, arguments, message):
    code, _, err = run_cli(capsys, "preview", "gaomidian-2025", GAOMIDIAN, "--period", "2", *arguments)
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_preview_refuses_an_event_that_needs_more_than_a_number(capsys):
    code, _, err = run_cli(capsys, "preview", "yangfangdian-2026", str(EXAMPLES / "yangfangdian-2026"),
                           "--period", "2", "--add", "payment_made=1")
    assert code == 2
    assert "payment_made（甲方付款）还须写明 tranche，请记入事实文件" in err


def _settled(capsys, facts, out) -> str:
    code, _, _ = run_cli(capsys, "settle", "gaomidian-2025", str(facts), "--period", "2", "--out", str(out))
    assert code == 0
    return str(out / "gaomidian-2025" / "period-02.json")


def test_diff_shows_what_a_corrected_fact_changed(tmp_path, capsys):
    facts = tmp_path / "facts"
    shutil.copytree(EXAMPLES / "gaomidian-2025", facts)
    first = _settled(capsys, facts, tmp_path / "a")
    path = facts / "period-02.yaml"
    text = path.read_text("utf-8")
    path.write_text(text.replace('  - {type: zero_point_order, date: 2025-12-19, ref: "GMD-2512-0107"}\n', ""),
                    "utf-8")
    second = _settled(capsys, facts, tmp_path / "b")
    code, out, _ = run_cli(capsys, "diff", first, second)
    assert code == 0
    assert "4.6.1  zero_point_order  10,000.00  5,000.00  -5,000.00" in out
    assert "单号 −GMD-2512-0107" in out
    assert "净额：339,600.00 → 344,600.00" in out
    code, out, _ = run_cli(capsys, "diff", first, first, "--json")
    assert json.loads(out)["changes"]["lines"] == []


def test_diff_refuses_statements_of_different_months_and_files_that_are_not_statements(tmp_path, capsys):
    run_cli(capsys, "settle", "gaomidian-2025", GAOMIDIAN, "--period", "1", "--out", str(tmp_path))
    run_cli(capsys, "settle", "gaomidian-2025", GAOMIDIAN, "--period", "2", "--out", str(tmp_path))
    folder = tmp_path / "gaomidian-2025"
    code, _, err = run_cli(capsys, "diff", str(folder / "period-01.json"), str(folder / "period-02.json"))
    assert code == 2
    assert "这张结算单结算的是 gaomidian-2025 第 2 期（2025-11-28 至 2025-12-27，第 1 支付周期），" \
           "第一张结算的是 gaomidian-2025 第 1 期" in err
    assert "（可用：同一合同、同一期间的两张结算单）" in err
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema": "compliance.statement/2",\n  "contract": }', "utf-8")
    code, _, err = run_cli(capsys, "diff", str(broken), str(folder / "period-02.json"))
    assert code == 2
    assert f"{broken}:2: 不是有效的 JSON（第 15 列）：此处缺少值" in err
    code, _, err = run_cli(capsys, "diff", str(folder / "period-02.pdf"), str(folder / "period-02.json"))
    assert code == 2 and "不是 UTF-8 文本文件" in err


def test_diff_refuses_a_statement_edited_by_hand(tmp_path, capsys):
    """Month 2's deductions changed from 20000.00 to 2000.00 in the written JSON: the seal no
    longer matches and diff refuses to compare it, naming the file and the field."""
    first = _settled(capsys, GAOMIDIAN, tmp_path / "a")
    edited = tmp_path / "edited.json"
    text = Path(first).read_text("utf-8")
    assert '"deductions_total": "20000.00"' in text and '"seal_sha256"' in text
    edited.write_text(text.replace('"deductions_total": "20000.00"', '"deductions_total": "2000.00"'),
                      "utf-8")
    code, _, err = run_cli(capsys, "diff", first, str(edited))
    assert code == 2
    assert f"{edited}: seal_sha256: 结算单写出后被改动过" in err


def test_ledger_runs_totals_and_lists_payments_due(capsys):
    code, out, _ = run_cli(capsys, "ledger", "gaomidian-2025", GAOMIDIAN, "--as-of", "2026-02-01", "--json")
    item = json.loads(out)
    assert code == 0
    assert [row["period"] for row in item["periods"]] == [1, 2, 3]
    assert [row["running"]["deductions_total"] for row in item["periods"]] == \
        ["7000.00", "27000.00", "472520.00"]
    assert item["deductions_by_clause"]["6.1"] == "431520.00"
    assert item["totals"]["deductions_share"] == "10.95%"
    assert item["payments_due"][0]["label"] == "第 1 支付周期（2025-10-28 至 2026-01-27）"
    assert {c["clause"] for c in item["counters"]} == {"4.6.3", "4.6.4", "4.6.5"}


def test_ledger_marks_months_without_facts_and_counts_payments(capsys):
    code, out, _ = run_cli(capsys, "ledger", "chengbei-2025", str(EXAMPLES / "chengbei-2025"),
                           "--as-of", "2026-11-21", "--csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0
    assert len(rows) == 12
    assert rows[1]["已付"] == "957600.00" and rows[2]["有事实记录"] == "否"
    assert rows[7]["扣款 五(一)1"] == "9576.00" and rows[7]["乙方应补足"] == "0.00"
    assert rows[-1]["累计已付"] == "957600.00"


def test_ledger_workbook_has_months_and_deductions_and_is_byte_identical(tmp_path, capsys):
    for run in ("one", "two"):
        code, out, _ = run_cli(capsys, "ledger", "gaomidian-2025", GAOMIDIAN, "--as-of", "2026-02-01",
                               "--xlsx", "--out", str(tmp_path / run))
        assert code == 0
    first, second = (tmp_path / run / "gaomidian-2025" / "ledger.xlsx" for run in ("one", "two"))
    assert first.read_bytes() == second.read_bytes()
    assert f"已写出 {first}" not in out and f"已写出 {second}" in out
    book = load_workbook(first)
    assert book.sheetnames[:3] == ["月度结算", "支付周期", "扣款明细"]     # row 1: the title
    months = [[cell.value for cell in row] for row in book["月度结算"].iter_rows()]
    assert months[1][:4] == ["期", "开始", "结束", "应结算"]
    assert months[4][4] == 445520          # a number, so Excel adds it up
    lines = [[cell.value for cell in row] for row in book["扣款明细"].iter_rows()]
    assert ["期", "条款", "情形", "数量", "金额", "单号", "计算"] == lines[1]
    assert [2, "4.6.1", "0分工单", 2, 10000, "GMD-2512-0031、GMD-2512-0107"] == lines[4][:6]
