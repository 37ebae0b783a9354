"""Tranches from the command line and the facts that feed them: the bundled examples settle
and schedule, bad tranche facts and arguments are refused with file, line and field."""
import json
import shutil

import pytest
from conftest import EXAMPLES, dump_facts, pdf_text, run_cli

from compliance.app import cli


def test_chengbei_final_tranche_nets_the_delay_and_shows_interest_owed(tmp_path, capsys):
    code, out, _ = run_cli(capsys, "settle", "chengbei-2025", str(EXAMPLES / "chengbei-2025"),
                        "--tranche", "2", "--as-of", "2026-11-21", "--out", str(tmp_path))
    assert code == 0
    statement = json.loads((tmp_path / "chengbei-2025" / "tranche-2.json").read_text("utf-8"))
    assert statement["tranche"]["due"]["date"] == "2026-07-15"
    assert statement["tranche"]["status"] == "paid_late"
    assert (statement["deductions_total"], statement["already_paid"], statement["owed_by_buyer"]) == (
        "9576.00", "628824.00", "114912.00")
    assert [m["accepted_on"] for m in statement["acceptance"]] == ["2026-01-29", "2026-06-03"]
    text = pdf_text(tmp_path / "chengbei-2025" / "tranche-2.pdf")
    for expected in ("尾款", "2026-07-15", "114,912.00", "逾期支付"):
        assert expected in text


def test_schedule_lists_every_tranche_with_status(capsys):
    code, out, _ = run_cli(capsys, "schedule", "yangfangdian-2026", str(EXAMPLES / "yangfangdian-2026"),
                        "--as-of", "2026-11-21", "--json")
    assert code == 0
    rows = json.loads(out)["tranches"]
    assert [(r["number"], r["status"], r["due"] and r["due"]["date"]) for r in rows] == [
        (1, "paid", "2026-03-27"), (2, "due", "2026-11-27"), (3, "not_yet_due", None)]
    assert rows[1]["payable"] == "733240.00"


def test_schedule_of_a_cycle_contract_lists_its_cycles(capsys):
    code, out, _ = run_cli(capsys, "schedule", "gaomidian-2025", str(EXAMPLES / "gaomidian-2025"),
                        "--as-of", "2026-02-01")
    assert code == 0
    assert "第 1 支付周期  2025-10-28 至 2026-01-27  暂停支付  应付 0.00  暂停支付 606,280.00" in out
    assert "第 2 支付周期  2026-01-28 至 2026-04-27  未到期" in out


@pytest.mark.parametrize("args, expected", [
    (["settle", "gaomidian-2025", "GAOMIDIAN", "--tranche", "1"], "--tranche: 本合同不分次付款（可用：--period N 或 --cycle N）"),
    (["settle", "chengbei-2025", "CHENGBEI", "--cycle", "1"], "--cycle: 本合同分次付款，不按支付周期结算（可用：--tranche N 或 --period N）"),
    (["settle", "chengbei-2025", "CHENGBEI", "--tranche", "3"], "合同没有第 3 次付款（可用：1, 2）"),
    (["schedule", "chengbei-2025", "CHENGBEI", "--as-of", "2026-02-30"], "参数 --as-of：'2026-02-30' 不是写作 YYYY-MM-DD 的日期"),
    (["schedule", "chengbei-2025", "CHENGBEI", "--calendar", "missing.yaml"], "--calendar: 找不到日历文件"),
])
def test_bad_tranche_arguments_are_refused(capsys, args, expected):
    folders = {"GAOMIDIAN": str(EXAMPLES / "gaomidian-2025"), "CHENGBEI": str(EXAMPLES / "chengbei-2025")}
    argv = [folders.get(a, a) for a in args]
    try:
        code = cli.main(argv)
    except SystemExit as exit_:
        code = exit_.code
    assert code == 2
    assert expected in capsys.readouterr().err


def _facts(tmp_path, events, period=2):
    folder = tmp_path / "facts"
    shutil.copytree(EXAMPLES / "chengbei-2025", folder)
    (folder / "period-02.yaml").write_text(dump_facts(
        {"contract": "chengbei-2025", "period": period, "events": events}), "utf-8")
    return folder


@pytest.mark.parametrize("events, expected", [
    ([{"type": "payment_made", "date": "2025-07-08", "tranche": 1, "amount": 957600},
      {"type": "payment_made", "date": "2025-07-08", "tranche": 1, "amount": 957600}],
     "period-02.yaml:8: events: 2025-07-08 第 1 次付款 957,600.00 元已记录于 period-02.yaml:4"),
    ([{"type": "payment_made", "date": "2025-07-08", "tranche": 1, "amount": 957600.01}],
     "第 1 次付款累计 957,600.01 元，超过该次应付的 957,600.00 元"),
    ([{"type": "payment_made", "date": "2025-07-08", "tranche": 3, "amount": 100}],
     "合同没有第 3 次付款；可用：1, 2"),
    ([{"type": "payment_made", "date": "2025-07-08", "amount": 100}], "payment_made（甲方付款）须写明 tranche"),
    ([{"type": "acceptance", "date": "2025-07-08", "deliverable": "2027"}], "没有这项服务成果：'2027'"),
    ([{"type": "cases_handled", "date": "2025-07-08", "count": 1500, "tranche": 1}],
     "cases_handled（办理案件）不带 tranche"),
])
def test_bad_tranche_facts_are_refused_with_file_line_and_field(tmp_path, capsys, events, expected):
    folder = _facts(tmp_path, events)
    code, out, err = run_cli(capsys, "schedule", "chengbei-2025", str(folder), "--as-of", "2026-11-21")
    assert code == 2
    assert expected in err


def test_after_term_facts_must_be_dated_after_the_term(tmp_path, capsys):
    folder = _facts(tmp_path, [{"type": "acceptance", "date": "2026-05-30", "deliverable": "2026"}],
                    period="after")
    (folder / "after-term.yaml").unlink()
    code, _, err = run_cli(capsys, "schedule", "chengbei-2025", str(folder), "--as-of", "2026-11-21")
    assert code == 2
    assert "事件日期 2026-05-30 不在第 13 期内（2026-05-31..9999-12-31）" in err


def test_a_calendar_file_adds_a_year_and_replaces_a_provisional_one(tmp_path, capsys):
    calendar = tmp_path / "calendar-2028.yaml"
    calendar.write_text("years:\n"
                        "  2027:\n    status: official\n    days_off:\n"
                        "    - {name: 元旦, from: 2027-01-01, to: 2027-01-03}\n"
                        "  2028:\n    status: official\n    days_off:\n"
                        "    - {name: 元旦, from: 2028-01-01, to: 2028-01-03}\n", "utf-8")
    folder = tmp_path / "facts"
    folder.mkdir()
    (folder / "after.yaml").write_text(dump_facts({"contract": "yangfangdian-2026", "period": "after",
        "events": [{"type": "acceptance", "date": "2027-12-20"}]}), "utf-8")
    code, out, err = run_cli(capsys, "schedule", "yangfangdian-2026", str(folder), "--as-of",
                          "2028-01-31", "--json")
    assert code == 2 and "没有 2028 年的工作日日历" in err
    code, out, _ = run_cli(capsys, "schedule", "yangfangdian-2026", str(folder), "--as-of",
                        "2028-01-31", "--json", "--calendar", str(calendar))
    third = json.loads(out)["tranches"][2]
    assert third["due"] == {"date": "2028-01-11", "provisional": False, "note": None,
                            "how": "2027-12-20 后 15 个工作日内：2028-01-11"}
