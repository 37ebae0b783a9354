"""``compliance import``: the month's facts from the platform's exports (issue 17).

The bundled export (``imports/exports/高米店-2026年2月-工单考核明细.csv``, GBK, made by
``benchmarks/synthetic_export.py``) holds 300 work orders of 高米店's month 4 (2026-01-28 to
2026-02-27) under two title rows and a header (row 3), two blank lines, a totals row (row 324)
and a note (row 325), 12 rows of another street and 6 of the months around it. Of the month's
rows, two score 0 (rows 218 and 273), three were dispatched after more than 30 minutes and one
callback was missed. Worked by hand: 4.6.1 2 × 5,000.00 = 10,000.00; 4.6.4 (3 + 1) × 1,000.00
= 4,000.00; deductions 14,000.00; net 359,600.00 − 14,000.00 = 345,600.00.
"""
from __future__ import annotations

import json
from datetime import date
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, run_cli

from compliance.engine.loading import load_contract
from compliance.imports import events, reading
from compliance.imports.aggregate import Table, column_of
from compliance.imports.mapping import load_mapping, mapping_path
from compliance.imports.rows import find_header
from compliance.model.contract import resolve_contract_path

sys.path.insert(0, str(ROOT / "benchmarks"))
import synthetic_export  # noqa: E402
from synthetic_export import HEADER, Plan  # noqa: E402

BUNDLED = ROOT / "imports" / "exports" / "高米店-2026年2月-工单考核明细.csv"
BUNDLED_PLAN = Plan(300, zero=2, timeouts=3, missed_callbacks=1, other_street=12, other_months=6)
TITLE = ["北京市12345市民服务热线 高米店街道工单考核明细"] + [""] * (len(HEADER) - 1)


def imported(capsys, facts: Path, *files: Path, period: int = 4, contract: str = "gaomidian-2025",
             extra: tuple[str, ...] = ()) -> tuple[int, str, str]:
    return run_cli(capsys, "import", contract, *map(str, files), "--period", str(period),
                   "--facts", str(facts), *extra)


def events_of(facts: Path, period: int = 4) -> list[dict]:
    return yaml.safe_load((facts / f"period-{period:02d}.yaml").read_text("utf-8"))["events"]


def counts(facts: Path, period: int = 4) -> dict[str, int]:
    found: dict[str, int] = {}
    for event in events_of(facts, period):
        found[event["type"]] = found.get(event["type"], 0) + event.get("count", 1)
    return found


def order(number: int, score: str = "100", minutes: str = "10", day: str = "2026-02-03 09:00",
          street: str = "高米店街道", callback: str = "已回访", ref: str | None = None) -> list[str]:
    """One work-order row of the export's columns."""
    return [str(number), f"GMD-2602-{number:06d}" if ref is None else ref, street, "环境卫生", day, day,
            minutes, "已响应", callback, "已办结", score, ""]


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    return synthetic_export.write_csv(rows, path, encoding)


def test_the_bundled_export_settles_to_the_amounts_worked_by_hand(tmp_path, capsys):
    facts = tmp_path / "gaomidian"
    code, out, _ = imported(capsys, facts, BUNDLED)
    assert code == 0, out
    assert "（GBK/GB18030）：表头在第 3 行" in out
    assert counts(facts) == {"zero_point_order": 2, "dispatch_timeout": 3, "callback_missed": 1}
    code, out, _ = run_cli(capsys, "settle", "gaomidian-2025", str(facts), "--period", "4", "--json",
                           "--out", str(tmp_path / "out"))
    statement = json.loads(out[out.index("{"):out.rindex("}") + 1])
    assert [(line["clause"], line["amount"]) for line in statement["deductions"]] == [
        ("4.6.1", "10000.00"), ("4.6.4", "1000.00"), ("4.6.4", "3000.00")]
    assert (statement["deductions_total"], statement["net"]) == ("14000.00", "345600.00")


def test_each_deduction_traces_back_to_its_row_in_the_statement_and_in_explain(tmp_path, capsys):
    """The two 0-point orders are rows 218 and 273 of the export (``iconv -f gbk`` shows
    ``213,GMD-2602-000213,…,0,`` on line 218: 序号 + 3 header rows + 2 blank lines)."""
    facts = tmp_path / "gaomidian"
    imported(capsys, facts, BUNDLED)
    code, out, _ = run_cli(capsys, "settle", "gaomidian-2025", str(facts), "--period", "4", "--json",
                           "--out", str(tmp_path / "out"))
    events = json.loads(out[out.index("{"):out.rindex("}") + 1])["events"]
    zero = [event for event in events if event["type"] == "zero_point_order"]
    assert [(e["ref"], e["origin"]) for e in zero] == [
        ("GMD-2602-000213", {"file": BUNDLED.name, "row": 218}),
        ("GMD-2602-000268", {"file": BUNDLED.name, "row": 273})]
    lines = BUNDLED.read_text("gbk").splitlines()
    assert lines[217].startswith("213,GMD-2602-000213,") and lines[217].endswith(",0,")
    timeouts = [event for event in events if event["type"] == "dispatch_timeout"]
    assert all(len(e["origin"]["refs"]) == e["count"] for e in timeouts)
    code, out, _ = run_cli(capsys, "explain", "gaomidian-2025", str(facts), "--period", "4", "--line", "1")
    assert code == 0
    assert (f"0分工单 2026-02-17 单号 GMD-2602-000213 来源：导出文件 {BUNDLED.name} 第 218 行"
            in out)


def test_rows_left_out_are_reported_with_their_row_numbers(tmp_path, capsys):
    code, out, _ = imported(capsys, tmp_path / "f", BUNDLED)
    assert f"跳过合计行：{BUNDLED.name} 第 324 行" in out
    assert f"跳过无工单编号和日期的行 1 行：{BUNDLED.name} 第 325 行" in out
    assert "其他合同的行 12 行，未导入" in out
    assert "属于第 3 期的行 3 行，未导入（请以相应的 --period 导入）" in out
    assert "属于第 5 期的行 3 行，未导入" in out
    assert "本合同第 4 期的工单 300 行" in out


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "xlsx"])
def test_every_encoding_and_xlsx_gives_the_same_events(tmp_path, capsys, encoding):
    rows = list(synthetic_export.export_rows("gaomidian-2025", 4, BUNDLED_PLAN))
    if encoding == "gb18030":  # a character GBK does not have (U+20BB7), in a note
        rows[10][-1] = "𠮷"
    path = tmp_path / f"export.{'xlsx' if encoding == 'xlsx' else 'csv'}"
    if encoding == "xlsx":
        synthetic_export.write_xlsx(rows, path)
    else:
        write_csv(path, rows, encoding)
    code, out, _ = imported(capsys, tmp_path / "f", path)
    assert code == 0, out
    assert counts(tmp_path / "f") == {"zero_point_order": 2, "dispatch_timeout": 3, "callback_missed": 1}
    zero = [e["origin"] for e in events_of(tmp_path / "f") if e["type"] == "zero_point_order"]
    assert [origin["row"] for origin in zero] == [218, 273]  # an xlsx shows blank lines as rows too
    if encoding == "xlsx":
        assert zero[0]["sheet"] == "工单明细" and "工作表 工单明细" in out


def test_full_width_digits_merged_titles_and_blank_lines(tmp_path, capsys):
    """``０`` is 0 and ``４５`` is 45; the header is found under two title rows; the row after
    a blank line keeps the number a spreadsheet shows (row 7)."""
    rows = [TITLE, ["统计区间：2026-01-28 至 2026-02-27"], [], HEADER, order(1, score="０"),
            [], order(2, minutes="４５"), ["合　计", "", "", "", "", "", "", "", "", "", "", "2 件"]]
    code, out, _ = imported(capsys, tmp_path / "f", write_csv(tmp_path / "e.csv", rows))
    assert code == 0, out
    assert "表头在第 4 行" in out and "跳过合计行：e.csv 第 8 行" in out
    assert events_of(tmp_path / "f") == [
        {"type": "zero_point_order", "date": date(2026, 2, 3),
         "ref": "GMD-2602-000001", "origin": {"file": "e.csv", "row": 5}},
        {"type": "dispatch_timeout", "date": date(2026, 2, 3), "count": 1,
         "origin": {"file": "e.csv", "rows": "7", "refs": ["GMD-2602-000002"]}}]


def test_a_quoted_line_break_keeps_the_row_numbers_a_spreadsheet_shows(tmp_path, capsys):
    rows = [HEADER, order(1), [], order(2), order(3, score="0")]
    rows[1][-1] = "第一行\n第二行"  # a 备注 typed with Alt+Enter
    code, out, _ = imported(capsys, tmp_path / "f", write_csv(tmp_path / "e.csv", rows))
    assert code == 0, out
    assert events_of(tmp_path / "f")[0]["origin"] == {"file": "e.csv", "row": 5}


def test_an_export_with_many_blank_lines_keeps_the_row_numbers_a_spreadsheet_shows(tmp_path, capsys):
    """A blank line after every work order (more runs of them than are counted as rows are
    read): order 150, the 0-point one, is on row 2 × 150 = 300 (the header, then an order and
    a blank line each)."""
    rows = [HEADER]
    for number in range(1, 201):
        rows += [order(number, score="0" if number == 150 else "100"), []]
    code, out, _ = imported(capsys, tmp_path / "f", write_csv(tmp_path / "e.csv", rows))
    assert code == 0, out
    assert events_of(tmp_path / "f")[0]["origin"] == {"file": "e.csv", "row": 300}


def test_importing_the_same_export_twice_adds_nothing(tmp_path, capsys):
    facts = tmp_path / "f"
    imported(capsys, facts, BUNDLED)
    before = {path.name: path.read_bytes() for path in facts.iterdir()}
    code, out, _ = imported(capsys, facts, BUNDLED)
    assert code == 0
    assert "新增 0 行，与此前导入相同 300 行" in out and "无变化" in out
    assert {path.name: path.read_bytes() for path in facts.iterdir()} == before


def test_a_changed_row_is_a_correction_to_review_then_accepted(tmp_path, capsys):
    """Row 5 scored 100 when first imported, 0 in the new export: listed, not written (status
    1); with --accept-changes it becomes a third 0-point order."""
    facts = tmp_path / "f"
    first = write_csv(tmp_path / "a.csv", [HEADER, order(1), order(2, score="0")])
    imported(capsys, facts, first)
    written = (facts / "period-04.yaml").read_bytes()
    again = write_csv(tmp_path / "b.csv", [HEADER, order(1, score="0"), order(2, score="0"), order(3)])
    code, out, _ = imported(capsys, facts, again)
    assert code == 1
    assert "待复核的更正 1 行" in out
    assert "GMD-2602-000001（b.csv 第 2 行）：考核得分 100 → 0；事件 无 → 0分工单" in out
    assert "新增 1 行，与此前导入相同 1 行" in out
    assert counts(facts) == {"zero_point_order": 1}
    assert (facts / "period-04.yaml").read_bytes() == written  # the new row 3 is no event
    code, out, _ = imported(capsys, facts, again, extra=("--accept-changes",))
    assert code == 0 and "已按 --accept-changes 写入的更正 1 行" in out
    assert counts(facts) == {"zero_point_order": 2}
    assert [e["origin"] for e in events_of(facts)] == [{"file": "a.csv", "row": 3},
                                                      {"file": "b.csv", "row": 2}]


def test_malformed_rows_are_all_reported_with_their_row_numbers_and_nothing_is_written(tmp_path, capsys):
    rows = [HEADER, order(1, score="abc"), order(2), order(3, score="九十"), order(4, day="2026-02-31"),
            order(5, ref=""), order(6), order(6, ref="GMD-2602-000006")]
    code, _, err = imported(capsys, tmp_path / "f", write_csv(tmp_path / "e.csv", rows))
    assert code == 2
    for expected in ("e.csv:2: 考核得分: 第 2、4 行：考核得分 不是数字（如 'abc'）",
                     "e.csv:5: 受理时间: 第 5 行：日期无法识别（如 '2026-02-31'）",
                     "e.csv:6: 工单编号: 第 6 行：缺少工单编号",
                     "e.csv:7: 工单编号: 第 7–8 行：工单编号 GMD-2602-000006 重复"):
        assert expected in err, err
    assert not (tmp_path / "f").exists()


def test_a_hand_typed_event_is_not_imported_twice(tmp_path, capsys):
    facts = tmp_path / "f"
    facts.mkdir()
    (facts / "period-04.yaml").write_text(
        "contract: gaomidian-2025\nperiod: 4\nrating: 良好\nevents:\n"
        "  - {type: zero_point_order, date: 2026-02-03, ref: GMD-2602-000002}  # 电话记录\n", "utf-8")
    code, out, _ = imported(capsys, facts, write_csv(tmp_path / "e.csv",
                                                     [HEADER, order(1, score="0"), order(2, score="0")]))
    assert code == 0, out
    assert "已手工记录、未重复导入：0分工单 1 件 GMD-2602-000002 2026-02-03" in out
    text = (facts / "period-04.yaml").read_text("utf-8")
    assert text.startswith("contract: gaomidian-2025\nperiod: 4\nrating: 良好\nevents:\n"
                           "  - {type: zero_point_order, date: 2026-02-03, ref: GMD-2602-000002}  # 电话记录\n"
                           "# ==== compliance import：")
    assert [e["ref"] for e in events_of(facts)] == ["GMD-2602-000002", "GMD-2602-000001"]


def test_a_dry_run_writes_nothing(tmp_path, capsys):
    code, out, _ = imported(capsys, tmp_path / "f", BUNDLED, extra=("--dry-run",))
    assert code == 0 and "--dry-run：未写出任何文件" in out
    assert not (tmp_path / "f").exists()


@pytest.mark.parametrize(("unfinished", "flagged"), [(0, False), (40, True)])
def test_chengbei_counts_its_cases_handled_from_the_rows(tmp_path, capsys, unfinished, flagged):
    """城北 附件2.三: at least 1,500 cases a month. 1,520 rows of month 2, of which 0 or 40 are
    still 办理中: 1,520 handled (met) or 1,480 (a shortfall of 20, flagged)."""
    path = write_csv(tmp_path / "cb.csv", list(synthetic_export.export_rows(
        "chengbei-2025", 2, Plan(1520, unfinished=unfinished, other_street=5))), "gbk")
    facts = tmp_path / "chengbei"
    code, out, _ = imported(capsys, facts, path, period=2, contract="chengbei-2025")
    assert code == 0, out
    assert counts(facts, 2) == {"cases_handled": 1520 - unfinished}
    code, out, _ = run_cli(capsys, "settle", "chengbei-2025", str(facts), "--period", "2", "--json",
                           "--out", str(tmp_path / "out"))
    statement = json.loads(out[out.index("{"):out.rindex("}") + 1])
    assert any(flag["kind"] == "shortfall" for flag in statement["flags"]) == flagged


def test_a_mapping_that_does_not_fit_its_contract_is_refused_naming_its_line(tmp_path, capsys):
    mapping = tmp_path / "m.yaml"
    mapping.write_text("contract: gaomidian-2025\nref: 工单编号\ndate: 受理时间\ncolumns:\n"
                       "  考核得分: {type: number}\nevents:\n  zero_point_order: {when: 得分 = 0}\n"
                       "  advance_payment: {when: 考核得分 = \"零\"}\n", "utf-8")
    code, _, err = imported(capsys, tmp_path / "f", BUNDLED, extra=("--mapping", str(mapping)))
    assert code == 2
    assert "m.yaml:7: events.zero_point_order.when: 条件 得分 = 0中的 得分 不是可用的名称" in err
    assert "m.yaml:8: events.advance_payment: advance_payment（甲方先行垫付）须写明 amount" in err


EVERY_KIND_OF_CONDITION = """\
contract: gaomidian-2025
ref: 工单编号
date: 受理时间
columns:
  所属街道: {}
  考核得分: {type: number}
  派单时长: {header: 派单时长（分钟）, type: number}
  响应情况: {}
  回访情况: {}
  受理: {header: 受理时间, type: time}
  派单: {header: 派单时间, type: time}
this_contract: 非 所属街道 ≠ "高米店街道"
events:
  zero_point_order: {when: 考核得分 ≤ 0 或 考核得分 = 0.0}
  complaint: {when: 考核得分 < 60% × 100 且 非 响应情况 = "已响应"}
  dispatch_timeout: {when: 派单时长 ≥ 30.5 或 派单时长 > 15 × 2}
  callback_missed: {when: 回访情况 ≠ "已回访" 或 考核得分 = 0}
  false_record: {when: 派单 > 受理 且 派单时长 = 0}
  uncured_breach: {when: 派单时长 × 2 > 60}
  invoice_invalid: {when: "分钟数(受理, 派单) > 30"}
"""
"""Comparisons of every kind, 且 或 非, constants worked out (60% × 100, 15 × 2), two times
compared; the last two conditions are not simple (arithmetic on a column, a function)."""


def _edge_rows() -> list[list[str]]:
    """Rows whose values sit on the conditions' edges, typed as clerks type them."""
    values = [("0", "10", "已响应"), ("０", "31", "未响应"), (" 0.0 ", "30", "已响应"),
              ("-0", "30.5", ""), ("", "", "未响应"), ("abc", "x", "已响应"), ("1,000", "２９", "未响应"),
              ("59.99", "60", "未响应"), ("60", "0", "已响应"), ("0.00000000001", "30.00", "未响应")]
    rows = [HEADER]
    for number, (score, minutes, answered) in enumerate(values, start=1):
        for street, callback in (("高米店街道", "已回访"), (" 高米店街道　", "遗漏"), ("旧宫镇", "")):
            row = order(len(rows), score=score, minutes=minutes, street=street, callback=callback)
            row[5] = f"2026-02-03 {9 + number % 2:02d}:{number:02d}"  # 派单时间: after or before 受理
            row[7] = answered
            rows.append(row)
    return rows


@pytest.mark.parametrize("mapping_text", [None, EVERY_KIND_OF_CONDITION], ids=["bundled", "every kind"])
@pytest.mark.parametrize("export", ["bundled", "edge values"])
def test_sql_and_the_formula_evaluator_classify_every_row_alike(tmp_path, mapping_text, export):
    """A simple condition is decided by DuckDB as it reads the rows; every row gets the verdict
    the formula evaluator gives it, the empty and unreadable values included."""
    contract = load_contract(resolve_contract_path("gaomidian-2025")).contract
    path = mapping_path(contract.id)
    if mapping_text:
        path = tmp_path / "every.yaml"
        path.write_text(mapping_text, "utf-8")
    mapping = load_mapping(path, contract)
    file = BUNDLED if export == "bundled" else write_csv(tmp_path / "edge.csv", _edge_rows())
    source = reading.open_export(file, None, tmp_path / "utf8.csv")
    headers = [mapping.ref, mapping.date, *(mapping.header_of(name) for name in mapping.columns)]
    layout = find_header(source.name, source.head, list(dict.fromkeys(headers)))

    def verdicts(compiled: bool) -> tuple[list[str], list[tuple]]:
        table = Table(tmp_path, mapping, compiled=compiled)
        try:
            table.add(source, layout)
            events.judge(table, mapping)
            columns = [column_of(what) for what in mapping.conditions()]
            rows = table.sql(f"select row, {', '.join(columns)} from judged order by row")
            return [what for what, sql in table.compiled.items() if sql is None], rows
        finally:
            table.close()

    not_compiled, by_sql = verdicts(compiled=True)
    assert not_compiled == (["uncured_breach", "invoice_invalid"] if mapping_text else [])
    _, by_evaluator = verdicts(compiled=False)
    assert by_sql == by_evaluator
    assert any(any(row[1:]) for row in by_sql) and not all(all(row[1:]) for row in by_sql)
