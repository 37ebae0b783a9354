"""The statement register (issue 15): numbers gapless per contract and year, issued
statements immutable, corrections by corrective statement, voids with a reason, approvals in
turn, a hash-chained audit log, and ``verify`` catching what was changed behind its back —
each on SQLite and on a real PostgreSQL server.

The facts are 高米店's bundled months, copied so a test can change them. Month 1 has one
0-point order (4.6.1: 5,000 yuan each); adding one more is a correction of +5,000.00 (补扣).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from conftest import EXAMPLES, ROOT, run_cli

CONTRACT = "gaomidian-2025"
ISSUE_DAY = "2026-01-05"
EXTRA_ORDER = '  - {type: zero_point_order, date: 2025-11-07, ref: "GMD-2511-0099"}\n'


@pytest.fixture
def facts(tmp_path: Path) -> Path:
    folder = tmp_path / "facts"
    shutil.copytree(EXAMPLES / CONTRACT, folder)
    return folder


def issue(capsys, facts: Path, *span: str, day: str = ISSUE_DAY, name: str = "张经办"):
    return run_cli(capsys, "issue", CONTRACT, str(facts), *span, "--name", name, "--date", day)


def listing(capsys) -> list[dict]:
    code, out, _ = run_cli(capsys, "register", CONTRACT, "--json")
    assert code == 0
    return json.loads(out)["statements"]


def audit_count(url: str) -> int:
    with create_engine(_driver(url)).connect() as connection:
        return connection.execute(text("SELECT count(*) FROM audit")).scalar_one()


def _driver(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def test_issued_statements_are_numbered_without_gaps_and_same_facts_give_the_same_number(
        register_database, facts, capsys):
    """Month 2, then month 1: 高米店-2026-结-001 and -002 (numbered in issue order, by the
    year of issue). Issuing month 2 again on the same facts gives back 001 and adds nothing
    to the register or the log."""
    code, out, _ = issue(capsys, facts, "--period", "2")
    assert code == 0 and "高米店-2026-结-001" in out
    assert issue(capsys, facts, "--period", "1")[0] == 0
    code, out, _ = issue(capsys, facts, "--period", "2")
    assert code == 0 and "高米店-2026-结-001" in out and "未重复出具" in out
    rows = listing(capsys)
    assert [(r["number"], r["span"], r["status"]) for r in rows] == [
        ("高米店-2026-结-001", "period-02", "issued"), ("高米店-2026-结-002", "period-01", "issued")]
    assert audit_count(register_database) == 2


def test_the_issued_json_names_its_number_and_is_kept_byte_for_byte(register_database, facts,
                                                                   capsys, tmp_path):
    """The statement JSON carries its number, issue date and issuer; ``print`` writes back
    exactly the bytes issued, and the amounts are those ``settle`` computes (month 2:
    deductions 20,000.00)."""
    code, out, _ = run_cli(capsys, "issue", CONTRACT, str(facts), "--period", "2", "--name",
                           "张经办", "--date", ISSUE_DAY, "--json")
    issued = json.loads(out)
    assert issued["register"] == {"number": "高米店-2026-结-001", "issued_on": ISSUE_DAY,
                                  "issued_by": "张经办"}
    assert issued["deductions_total"] == "20000.00"
    assert run_cli(capsys, "print", "高米店-2026-结-001", "--out", str(tmp_path / "out"))[0] == 0
    kept = tmp_path / "out" / CONTRACT / "高米店-2026-结-001.json"
    assert kept.read_text("utf-8") == out
    assert (tmp_path / "out" / CONTRACT / "高米店-2026-结-001.pdf").read_bytes().startswith(b"%PDF")


def test_different_facts_for_an_issued_span_are_refused_with_a_pointer_to_correct(
        register_database, facts, capsys):
    issue(capsys, facts, "--period", "1")
    with open(facts / "period-01.yaml", "a", encoding="utf-8") as stream:
        stream.write(EXTRA_ORDER)
    code, _, err = issue(capsys, facts, "--period", "1")
    assert code == 2
    assert "已出具结算单 高米店-2026-结-001" in err and "compliance correct 高米店-2026-结-001" in err
    assert len(listing(capsys)) == 1


def test_a_month_not_yet_over_or_without_facts_is_not_issued(register_database, facts, capsys):
    """Month 3 ends on 2026-01-27: not on 2026-01-05. Month 4 has no facts file."""
    code, _, err = issue(capsys, facts, "--period", "3")
    assert code == 2 and "2026-01-27 才结束" in err
    code, _, err = issue(capsys, facts, "--period", "4", day="2026-03-01")
    assert code == 2 and "没有第 4 期的事实文件" in err
    assert listing(capsys) == []


def test_a_closed_month_changed_since_must_be_corrected_before_a_later_month_is_issued(
        register_database, facts, capsys):
    """Month 1 issued, then its facts changed: month 2 (which counts month 1's complaints
    toward 4.6.3) is refused until month 1 is corrected; then it is issued."""
    issue(capsys, facts, "--period", "1")
    with open(facts / "period-01.yaml", "a", encoding="utf-8") as stream:
        stream.write(EXTRA_ORDER)
    code, _, err = issue(capsys, facts, "--period", "2")
    assert code == 2 and "第 1 期已由结算单 高米店-2026-结-001 结清" in err
    code, _, _ = run_cli(capsys, "correct", "高米店-2026-结-001", "--reason", "补录工单",
                         "--name", "张经办", "--date", ISSUE_DAY)
    assert code == 0
    code, out, _ = issue(capsys, facts, "--period", "2")
    assert code == 0 and "高米店-2026-结-003" in out


def test_a_correction_names_the_original_shows_each_change_and_supersedes_it(
        register_database, facts, capsys, tmp_path):
    """One more 0-point order in month 1: 4.6.1 goes from 5,000.00 to 10,000.00, +5,000.00
    补扣; the original is superseded by the corrective statement and cannot be corrected or
    approved again."""
    issue(capsys, facts, "--period", "1")
    with open(facts / "period-01.yaml", "a", encoding="utf-8") as stream:
        stream.write(EXTRA_ORDER)
    code, out, _ = run_cli(capsys, "correct", "高米店-2026-结-001", "--reason", "补录工单",
                           "--name", "张经办", "--date", "2026-01-06")
    assert code == 0 and "高米店-2026-结-002" in out
    run_cli(capsys, "print", "高米店-2026-结-002", "--out", str(tmp_path))
    corrected = json.loads((tmp_path / CONTRACT / "高米店-2026-结-002.json").read_text("utf-8"))
    correction = corrected["correction"]
    assert correction["original"] == "高米店-2026-结-001" and correction["reason"] == "补录工单"
    assert correction["changes"] == [{"clause": "4.6.1", "label": "0分工单", "before": "5000.00",
                                      "after": "10000.00", "difference": "5000.00", "effect": "补扣"}]
    assert corrected["register"]["corrects"] == "高米店-2026-结-001"
    assert {"label": "扣款合计", "before": "7000.00", "after": "12000.00",
            "difference": "5000.00"} in correction["totals"]
    rows = {r["number"]: r for r in listing(capsys)}
    assert rows["高米店-2026-结-001"]["status"] == "superseded"
    assert rows["高米店-2026-结-001"]["superseded_by"] == "高米店-2026-结-002"
    code, _, err = run_cli(capsys, "correct", "高米店-2026-结-001", "--reason", "再改",
                           "--name", "张经办")
    assert code == 2 and "已更正" in err and "请更正结算单 高米店-2026-结-002" in err
    code, _, err = run_cli(capsys, "approve", "高米店-2026-结-001", "--role", "复核", "--name", "李复核")
    assert code == 2 and "不能再审批" in err


def test_a_correction_without_changed_facts_is_refused(register_database, facts, capsys):
    issue(capsys, facts, "--period", "1")
    code, _, err = run_cli(capsys, "correct", "高米店-2026-结-001", "--reason", "无",
                           "--name", "张经办", "--date", ISSUE_DAY)
    assert code == 2 and "没有改动，无需更正" in err


def test_approvals_go_in_turn_and_the_last_makes_it_approved(register_database, facts, capsys):
    issue(capsys, facts, "--period", "1")
    code, _, err = run_cli(capsys, "approve", "高米店-2026-结-001", "--role", "审核", "--name", "王审核")
    assert code == 2 and "应先由复核审批" in err
    for role, name in (("复核", "李复核"), ("审核", "王审核"), ("负责人", "赵负责")):
        code, out, _ = run_cli(capsys, "approve", "高米店-2026-结-001", "--role", role,
                               "--name", name, "--date", "2026-01-07")
        assert code == 0
    assert "状态：已审批" in out
    row = listing(capsys)[0]
    assert row["status"] == "approved"
    assert [(a["role"], a["name"]) for a in row["approvals"]] == [
        ("经办", "张经办"), ("复核", "李复核"), ("审核", "王审核"), ("负责人", "赵负责")]
    code, _, err = run_cli(capsys, "approve", "高米店-2026-结-001", "--role", "复核", "--name", "李复核")
    assert code == 2 and "已审批完毕" in err


def test_a_voided_statement_keeps_its_number_and_frees_its_span(register_database, facts, capsys):
    """Voided with a reason, 001 stays in the register; month 1 issued again is 002."""
    issue(capsys, facts, "--period", "1")
    code, _, err = run_cli(capsys, "void", "高米店-2026-结-001", "--reason", " ", "--name", "王审核")
    assert code == 2 and "须说明理由" in err
    assert run_cli(capsys, "void", "高米店-2026-结-001", "--reason", "期间选错", "--name", "王审核")[0] == 0
    code, _, err = run_cli(capsys, "void", "高米店-2026-结-001", "--reason", "再作废", "--name", "王审核")
    assert code == 2 and "已作废，不能作废" in err
    code, out, _ = issue(capsys, facts, "--period", "1")
    assert "高米店-2026-结-002" in out
    rows = listing(capsys)
    assert [(r["number"], r["status"], r["void_reason"]) for r in rows] == [
        ("高米店-2026-结-001", "voided", "期间选错"), ("高米店-2026-结-002", "issued", None)]


def test_an_issue_date_before_the_last_issued_one_is_refused(register_database, facts, capsys):
    """Numbers follow issue dates: after 001 on 2026-01-05, nothing is issued as of 01-04."""
    issue(capsys, facts, "--period", "2")
    code, _, err = issue(capsys, facts, "--period", "1", day="2026-01-04")
    assert code == 2 and "早于" in err and "2026-01-05" in err


def test_verify_finds_changed_bytes_and_a_broken_audit_chain(register_database, facts, capsys):
    issue(capsys, facts, "--period", "1")
    issue(capsys, facts, "--period", "2")
    run_cli(capsys, "approve", "高米店-2026-结-001", "--role", "复核", "--name", "李复核",
            "--date", ISSUE_DAY)
    code, out, _ = run_cli(capsys, "verify")
    assert code == 0 and "核对结算单 2 张、审计记录 3 条" in out and "全部相符" in out
    engine = create_engine(_driver(register_database))
    with engine.begin() as connection:
        digest = connection.execute(text(
            "SELECT json_sha256 FROM statement WHERE number = '高米店-2026-结-002'")).scalar_one()
        connection.execute(text("UPDATE blob SET content = :c WHERE sha256 = :d"),
                           {"c": b'{"payable": "999999.00"}', "d": digest})
        connection.execute(text("UPDATE audit SET actor = '某人' WHERE sequence = 3"))
    code, out, _ = run_cli(capsys, "verify")
    assert code == 1
    assert "结算单 高米店-2026-结-002：JSON 与登记时的 sha256 不符" in out
    assert "审计日志第 3 条：内容与其哈希不符" in out
    engine.dispose()


def test_a_statement_that_fails_to_be_stored_leaves_no_gap(register_database, facts, capsys,
                                                           monkeypatch):
    """A PDF that cannot be rendered: nothing stored, and the next statement is still 001."""
    from compliance.render import pdf

    def broken(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patched, pytest.raises(OSError):
        patched.setattr(pdf, "render", broken)
        issue(capsys, facts, "--period", "1")
    assert listing(capsys) == []
    code, out, _ = issue(capsys, facts, "--period", "1")
    assert code == 0 and "高米店-2026-结-001" in out


def test_eight_issuers_at_once_get_unique_gapless_numbers(register_database, tmp_path):
    """Eight processes issue months 1–8 of one contract at the same moment: the numbers are
    001–008, each once, and the audit chain holds."""
    folder = tmp_path / "busy"
    folder.mkdir()
    for month in range(1, 9):
        (folder / f"period-{month:02d}.yaml").write_text(
            f"contract: {CONTRACT}\nperiod: {month}\nrating: 良好\nevents: []\n", "utf-8")
    compliance = Path(sys.executable).parent / "compliance"
    run = [str(compliance), "verify"]  # migrate once, as a first user would
    subprocess.run(run, check=True, capture_output=True, env=os.environ.copy())
    issuers = [subprocess.Popen([str(compliance), "issue", CONTRACT, str(folder), "--period",
                                 str(month), "--name", f"经办{month}", "--date", "2026-07-01"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ.copy())
               for month in range(1, 9)]
    results = [issuer.communicate() + (issuer.returncode,) for issuer in issuers]
    assert all(code == 0 for _, _, code in results), [err.decode() for _, err, _ in results]
    engine = create_engine(_driver(register_database))
    with engine.connect() as connection:
        numbers = sorted(connection.execute(text("SELECT number FROM statement")).scalars())
    engine.dispose()
    assert numbers == [f"高米店-2026-结-{n:03d}" for n in range(1, 9)]
    verified = subprocess.run(run, capture_output=True, env=os.environ.copy())
    assert verified.returncode == 0, verified.stdout.decode()


def test_the_migrations_create_exactly_the_tables_the_model_declares(register_database, capsys):
    """Alembic's autogenerate comparison finds nothing to add, drop or change."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from compliance.register.tables import Base

    run_cli(capsys, "verify")
    engine = create_engine(_driver(register_database))
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []


def test_the_fingerprint_covers_the_software_version_and_the_calendar(capsys, monkeypatch):
    """Two statements of the same facts by different versions of the software differ in
    their fingerprint, which names the version and the bundled calendar's digest."""
    from compliance import views
    from compliance.engine.loading import load_contract
    from compliance.model.contract import resolve_contract_path
    from compliance.model.facts import load_facts
    from compliance.views.statement import period_statement

    loaded = load_contract(resolve_contract_path(CONTRACT))
    book = load_facts(EXAMPLES / CONTRACT, loaded)
    before = period_statement(loaded, book, 2)["fingerprint"]
    monkeypatch.setattr(views.statement, "__version__", "9.9.9")
    after = period_statement(loaded, book, 2)["fingerprint"]
    assert before["software_version"] != after["software_version"] == "9.9.9"
    assert len(before["bundled_calendar_sha256"]) == 64
    assert before["sha256"] != after["sha256"]


def test_the_package_version_is_the_one_pyproject_declares():
    import tomllib

    import compliance

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    assert compliance.__version__ == declared


def test_the_ledger_workbook_shows_each_month_s_statement_number_and_status(
        register_database, facts, capsys, tmp_path):
    """Month 2 issued: the workbook's 月度结算 row for month 2 carries 高米店-2026-结-001 and
    已出具（待复核）; month 1, not issued, says 未出具."""
    from openpyxl import load_workbook

    issue(capsys, facts, "--period", "2")
    code, _, _ = run_cli(capsys, "ledger", CONTRACT, str(facts), "--xlsx", "--out", str(tmp_path),
                         "--as-of", "2026-01-05")
    assert code == 0
    sheet = load_workbook(tmp_path / CONTRACT / "ledger.xlsx")["月度结算"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    header = list(rows[0])
    by_month = {row[header.index("期")]: row for row in rows[1:] if isinstance(row[0], int)}
    number, status = header.index("结算单编号"), header.index("状态")
    assert (by_month[2][number], by_month[2][status]) == ("高米店-2026-结-001", "已出具（待复核）")
    assert by_month[1][status] == "未出具"


def test_a_termination_and_a_tranche_are_issued_with_what_they_settle(register_database, capsys):
    """规自委 terminated on 2023-08-31 under 6.1: the vendor refunds 735,246.83 (README's
    worked termination); its first tranche as of 2023-09-05 asks the vendor to make good
    39,681.32. Each is numbered in turn for the contract and year."""
    facts = str(EXAMPLES / "ghzrzw-chaoyang-2023")
    code, out, err = run_cli(capsys, "issue", "ghzrzw-chaoyang-2023", facts, "--termination", "第6.1条",
                             "--terminated-on", "2023-08-31", "--name", "张经办", "--date", "2023-09-05")
    assert code == 0, err
    assert "规自委朝阳-2023-结-001" in out and "乙方应退 735,246.83" in out
    code, out, _ = run_cli(capsys, "issue", "ghzrzw-chaoyang-2023", facts, "--tranche", "1",
                           "--name", "张经办", "--date", "2023-09-05")
    assert code == 0 and "规自委朝阳-2023-结-002" in out and "乙方应补足 39,681.32" in out
    code, _, err = run_cli(capsys, "issue", "ghzrzw-chaoyang-2023", facts, "--termination", "6.1",
                           "--name", "张经办", "--date", "2023-09-05")
    assert code == 2 and "--terminated-on" in err
