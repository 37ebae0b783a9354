"""Deliverable quotas, staffing, penalty exposure and terminations from the command line and
in the schema: the bundled examples settle, terminations print and write their statement,
bad claims, contracts and arguments are refused with the file, the field and what is valid."""
import json

import pytest
from conftest import EXAMPLES, edited_contract, pdf_text, run_cli

from compliance.engine.loading import load_contract
from compliance.errors import UserError


def test_period_statement_shows_deliverable_progress_and_the_late_one(tmp_path, capsys):
    code, out, _ = run_cli(capsys, "settle", "jiuxianqiao-2025", str(EXAMPLES / "jiuxianqiao-2025"),
                        "--period", "4", "--out", str(tmp_path))
    assert code == 0
    assert "[2.2.3] 协助新机制实施和完善（每季度） 1/1/4" in out
    assert "2025-07-03 交付，逾期 1 日" in out
    statement = json.loads((tmp_path / "jiuxianqiao-2025" / "period-04.json").read_text("utf-8"))
    assert statement["exposure_total"] == "577359.00"
    assert statement["deductions_total"] == "0.00"
    text = pdf_text(tmp_path / "jiuxianqiao-2025" / "period-04.pdf")
    for expected in ("服务成果交付进度", "协助新机制实施和完善", "甲方可主张而尚未主张的违约金合计 577,359.00"):
        assert expected in text


def test_exposure_total_counts_each_clause_once(tmp_path, write_facts, capsys):
    events = [{"type": "work_standard_unmet", "date": "2025-08-10"},
              {"type": "other_breach", "date": "2025-08-12"}]
    folder = write_facts("jiuxianqiao-2025", 5, events)
    code, _, _ = run_cli(capsys, "settle", "jiuxianqiao-2025", str(folder), "--period", "5",
                         "--out", str(tmp_path / "out"), "--json")
    statement = json.loads((tmp_path / "out" / "jiuxianqiao-2025" / "period-05.json").read_text("utf-8"))
    assert code == 0
    exposures = {(f["clause"], f["amount"]) for f in statement["flags"] if f["kind"] == "penalty_exposure"}
    assert exposures == {("6.7", "577359.00")}
    assert len([f for f in statement["flags"] if f["kind"] == "penalty_exposure"]) > 1
    assert statement["exposure_total"] == "577359.00"


def test_counters_stand_on_every_statement(tmp_path, capsys):
    code, out, _ = run_cli(capsys, "settle", "ghzrzw-chaoyang-2023", str(EXAMPLES / "ghzrzw-chaoyang-2023"),
                        "--period", "3", "--out", str(tmp_path))
    assert code == 0
    assert "合同期内甲方要求整改 3/10" in out
    assert "驻场人员至少 4 人：本月缺员 0 人日，合同期内累计 2 人日" in out


def test_terminate_writes_the_statement_and_prints_what_is_owed(tmp_path, capsys):
    code, out, _ = run_cli(capsys, "terminate", "ghzrzw-chaoyang-2023", str(EXAMPLES / "ghzrzw-chaoyang-2023"),
                        "--on", "2023-08-31", "--reason", "6.1", "--out", str(tmp_path))
    assert code == 0
    assert "结算依据：第 6.8 条" in out
    assert "乙方应退还 735246.83" in out
    folder = tmp_path / "ghzrzw-chaoyang-2023"
    statement = json.loads((folder / "termination-6.1-2023-08-31.json").read_text("utf-8"))
    item = statement["termination"]
    assert (item["earned"], item["penalty"]["amount"], item["deductions"]) == (
        "275112.92", "99203.28", "111156.47")
    # 30 日 after 2023-08-31 is 2023-09-30, in 国庆 2023: moved to the make-up Saturday 10-07
    assert item["due"] == {"date": "2023-10-07", "provisional": False,
                           "note": "期限末日 2023-09-30 为法定休假日，依《民法典》第二百零三条顺延至 2023-10-07"}
    text = pdf_text(folder / "termination-6.1-2023-08-31.pdf")
    for expected in ("解除结算单", "735,246.83", "人员数量与服务质量"):
        assert expected in text


def test_terminate_output_is_byte_identical(tmp_path, capsys):
    args = ["terminate", "jiuxianqiao-2025", str(EXAMPLES / "jiuxianqiao-2025"), "--on", "2025-08-31",
            "--reason", "6.3"]
    run_cli(capsys, *args, "--out", str(tmp_path / "a"))
    run_cli(capsys, *args, "--out", str(tmp_path / "b"))
    name = "jiuxianqiao-2025/termination-6.3-2025-08-31"
    for suffix in (".json", ".pdf"):
        assert (tmp_path / "a" / f"{name}{suffix}").read_bytes() == (tmp_path / "b" / f"{name}{suffix}").read_bytes()


@pytest.mark.parametrize("extra, expected", [
    (["--reason", "6.6"], "--reason: 第 6.6 条不是酒仙桥（jiuxianqiao-2025）可据以解除合同的条款"
                          "（可用：6.2、6.3、6.4、6.5）"),
    (["--reason", "6.2"], "--by: 第 6.2 条甲乙双方均可援引：请用 --by 写明由哪一方解除"
                          "（可用：vendor（乙方）或 buyer（甲方））"),
    (["--reason", "6.3", "--on", "2026-05-01"], "--on: 2026-05-01 不在合同期内（可用：2025-04-03..2026-04-02）"),
])
def test_bad_termination_arguments_are_refused_and_nothing_is_written(tmp_path, capsys, extra, expected):
    args = ["terminate", "jiuxianqiao-2025", str(EXAMPLES / "jiuxianqiao-2025"), "--out", str(tmp_path)]
    if "--on" not in extra:
        args += ["--on", "2025-08-31"]
    code, _, err = run_cli(capsys, *args, *extra)
    assert code == 2
    assert expected in err
    assert not list(tmp_path.rglob("*.json"))


def test_a_claim_on_a_clause_without_a_penalty_names_file_line_and_valid_clauses(write_facts, tmp_path, capsys):
    folder = write_facts("ghzrzw-chaoyang-2023", 3, [
        {"type": "penalty_claimed", "date": "2023-08-05", "clause": "5.4"}])
    code, _, err = run_cli(capsys, "settle", "ghzrzw-chaoyang-2023", str(folder), "--period", "3",
                        "--out", str(tmp_path / "out"))
    assert code == 2
    assert "period-03.yaml:4: events[0]" in err
    assert "第 5.4 条没有甲方可主张的违约金；您是不是要写 6.4？可用：6.1、6.2、6.3、6.4、6.5、6.6、6.7" in err


def test_staff_is_refused_on_an_event_that_does_not_take_it(write_facts, tmp_path, capsys):
    folder = write_facts("ghzrzw-chaoyang-2023", 1, [
        {"type": "quality_nonconformity", "date": "2023-06-05", "staff": 2}])
    code, _, err = run_cli(capsys, "settle", "ghzrzw-chaoyang-2023", str(folder), "--period", "1",
                        "--out", str(tmp_path / "out"))
    assert code == 2
    assert "quality_nonconformity（服务质量不符合甲方要求）不带 staff" in err


def _rule(document: dict, clause: str, kind: str) -> dict:
    clause_doc = next(c for c in document["clauses"] if c["id"] == clause)
    return next(r for r in clause_doc["rules"] if r["kind"] == kind)


@pytest.mark.parametrize("clause, kind, change, expected", [
    ("2.2.2", "deliverable_quota", {"total": 5}, "5 deliveries cannot be spread evenly over 4 每季度 windows"),
    ("6.3", "event_right", {"flags": [{"kind": "penalty_exposure", "consequence": "x"}]},
     "penalty_exposure（甲方可主张违约金）标记须写明 rate 和 base"),
    ("6.3", "event_right", {"flags": [{"kind": "termination_right", "consequence": "x", "rate": 0.1,
                                       "base": "total_price"}]},
     "只有 penalty_exposure 标记带 rate 和 base，termination_right（甲方解除权）不带"),
    ("6.6(1)", "event_right", {"flags": [{"kind": "penalty_exposure", "consequence": "x", "rate": 0.3,
                                          "base": "total_price", "clause": "6.9"}]},
     "引用的第 6.9 条不在 clauses 中"),
    ("3.2.1", "tranche", {"due_by": "2025-05-01"}, "不能都写或都不写"),
])
def test_contract_encodings_that_cannot_be_executed_are_refused(tmp_path, clause, kind, change, expected):
    def edit(document):
        _rule(document, clause, kind)["params"].update(change)
    with pytest.raises(UserError) as refused:
        load_contract(edited_contract(tmp_path, "jiuxianqiao-2025", edit))
    assert expected in str(refused.value)


def test_a_termination_fact_must_name_its_clause_where_several_clauses_share_it(write_facts, tmp_path, capsys):
    folder = write_facts("ghzrzw-chaoyang-2023", 4, [{"type": "contract_terminated", "date": "2023-09-01"}])
    code, _, err = run_cli(capsys, "schedule", "ghzrzw-chaoyang-2023", str(folder), "--as-of", "2023-09-10")
    assert code == 2
    assert "contract_terminated（合同因乙方违约解除）须写明所依据的条款 clause；可用条款：" \
           "5.5、6.1、6.2、6.3、6.4、6.5、6.6、6.7" in err


def test_a_recorded_termination_is_settled_under_the_clause_it_names(write_facts, capsys):
    write_facts("jiuxianqiao-2025", 1, [{"type": "payment_made", "date": "2025-04-14",
                                         "amount": 1347171, "tranche": 1}])
    folder = write_facts("jiuxianqiao-2025", 5, [
        {"type": "contract_terminated", "date": "2025-08-31", "clause": "6.3"}])
    code, out, _ = run_cli(capsys, "schedule", "jiuxianqiao-2025", str(folder), "--as-of", "2025-09-10", "--json")
    assert code == 0
    [settled] = json.loads(out)["termination"]
    assert (settled["clause"], settled["vendor_refunds"], settled["due"]["date"]) == (
        "6.3", "1128354.58", "2025-09-03")
