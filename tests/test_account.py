"""The account: every view is the account as of a day, and the views agree on who owes whom.

Each test here failed before the account existed (issue "Money that adds up"): facts from
after the as-of day counted, deadlines were judged before they came, a late invoice never
lifted a hold, the as-of day followed the machine's time zone, and the ledger left out
payments after the term and the buyer's interest."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from decimal import Decimal

from conftest import CONTRACTS, EXAMPLES, run_cli

from compliance.account.build import contract_account
from compliance.engine.loading import load_contract
from compliance.model.facts import load_facts
from compliance.model.workdays import calendar
from compliance.views.ledger import ledger
from compliance.views.schedule_view import schedule_listing
from compliance.views.statement import (cycle_statement, events_by_id, period_statement, trace_facts,
                                         tranche_statement)

ZERO = Decimal("0")


def _book(contract_id: str, folder=None):
    loaded = load_contract(CONTRACTS / f"{contract_id}.yaml")
    return loaded, load_facts(folder or EXAMPLES / contract_id, loaded)


def test_every_view_agrees_with_the_account_on_the_balance():
    """earned + instalment interest − deductions − penalties + interest − paid to the vendor +
    paid by the vendor = the balance, and the ledger shows the same account."""
    for contract_id, day in [("chengbei-2025", "2026-09-01"), ("yangfangdian-2026", "2026-12-31"),
                             ("ghzrzw-chaoyang-2023", "2023-12-31"), ("gaomidian-2025", "2026-02-01"),
                             ("jiuxianqiao-2025", "2025-09-01"), ("zhishiku-2026", "2026-09-30")]:
        loaded, book = _book(contract_id)
        as_of = date.fromisoformat(day)
        account = contract_account(loaded, book, as_of, calendar())
        totals = {kind: account.total(kind) for kind in
                  ("earned", "unearned", "deduction", "penalty", "waived", "interest", "buyer_penalty",
                   "paid_to_vendor", "paid_by_vendor", "interest_paid", "instalment_interest")}
        expected = (totals["earned"] - totals["unearned"] + totals["interest"] + totals["buyer_penalty"]
                    + totals["paid_by_vendor"] + totals["waived"] + totals["instalment_interest"]
                    - totals["deduction"] - totals["penalty"] - totals["paid_to_vendor"]
                    - totals["interest_paid"])
        assert account.balance == expected, contract_id
        assert ledger(loaded, book, as_of, calendar())["account"] == account.to_json(), contract_id


def test_chengbei_account_holds_the_payment_after_the_term_and_the_buyers_interest():
    loaded, book = _book("chengbei-2025")
    account = contract_account(loaded, book, date(2026, 9, 1), calendar()).to_json()
    payments = [e for e in account["entries"] if e["kind"] == "paid_to_vendor"]
    assert [(p["arose"], p["amount"]) for p in payments] == [
        ("2025-07-08", "957600.00"), ("2026-08-20", "628824.00")]
    assert account["totals"]["interest"] == "114912.00"
    assert account["buyer_owes"] == "114912.00"


def test_the_account_as_of_a_day_leaves_out_what_came_after(write_facts):
    """羊坊店: a loss dated 07-20 is not in the account, nor on the tranche, as of 07-15."""
    folder = write_facts("yangfangdian-2026", 5, [
        {"type": "property_loss", "date": "2026-07-20", "amount": Decimal("8000.00"), "ref": "损失-01"}])
    loaded, book = _book("yangfangdian-2026", folder)
    before = contract_account(loaded, book, date(2026, 7, 15), calendar())
    after = contract_account(loaded, book, date(2026, 7, 20), calendar())
    assert before.total("deduction") == ZERO
    assert after.total("deduction") == Decimal("8000.00")
    statement = tranche_statement(loaded, book, 2, date(2026, 7, 15), calendar())
    assert statement["deductions"] == []


def test_an_amount_threshold_right_arises_on_its_day_not_before(write_facts):
    """羊坊店 9.2(3): losses of 31,000 reached on 09-10 give no right on a 09-07 statement."""
    write_facts("yangfangdian-2026", 6, [
        {"type": "property_loss", "date": "2026-08-20", "amount": Decimal("20000.00")}])
    folder = write_facts("yangfangdian-2026", 7, [
        {"type": "property_loss", "date": "2026-09-10", "amount": Decimal("11000.00")}])
    loaded, book = _book("yangfangdian-2026", folder)
    early = tranche_statement(loaded, book, 1, date(2026, 9, 7), calendar())
    late = tranche_statement(loaded, book, 1, date(2026, 9, 10), calendar())
    assert [f for f in early["flags"] if f["clause"] == "9.2(3)"] == []
    assert [f["kind"] for f in late["flags"] if f["clause"] == "9.2(3)"] == ["termination_right"]


def test_a_monthly_minimum_is_judged_only_once_the_month_is_over(write_facts):
    """城北 附件2.三: 900 cases by mid-month is no shortfall yet; at the month's end it is."""
    folder = write_facts("chengbei-2025", 3, [
        {"type": "cases_handled", "date": "2025-08-10", "count": 900}])
    loaded, book = _book("chengbei-2025", folder)
    period = period_statement(loaded, book, 3, as_of=date(2025, 8, 15))
    assert period["interim"] and not period["over"]
    assert [f for f in period["flags"] if f["clause"] == "附件2.三"] == []
    whole = period_statement(loaded, book, 3)
    assert [f["clause"] for f in whole["flags"]].count("附件2.三") == 1


def test_a_late_invoice_lifts_the_hold_and_moves_the_due_date(write_facts):
    """规自委 3.3: an invoice of 12-04, after the 11-30 date, ends the suspension."""
    folder = write_facts("ghzrzw-chaoyang-2023", 7, [
        {"type": "invoice_received", "date": "2023-12-04", "tranche": 2}])
    loaded, book = _book("ghzrzw-chaoyang-2023", folder)
    before = tranche_statement(loaded, book, 2, date(2023, 12, 2), calendar())
    after = tranche_statement(loaded, book, 2, date(2023, 12, 5), calendar())
    assert before["tranche"]["status"] == "suspended"
    assert [c["status"] for c in after["checks"] if c["clause"] == "3.3"] == ["met_late"]
    assert not [f for f in after["flags"] if f["kind"] == "payment_suspension"]
    assert after["tranche"]["due"]["date"] == "2023-12-04"
    assert "未记录" not in json.dumps(after["checks"], ensure_ascii=False)


def test_a_rejected_or_short_invoice_meets_no_condition(write_facts):
    """羊坊店 3.4 正规足额: an invoice rejected, or for less than the payment, does not count."""
    folder = write_facts("yangfangdian-2026", 9, [
        {"type": "invoice_received", "date": "2026-11-10", "tranche": 2, "accepted": False},
        {"type": "invoice_received", "date": "2026-11-12", "tranche": 2, "amount": Decimal("700000.00")}])
    loaded, book = _book("yangfangdian-2026", folder)
    statement = tranche_statement(loaded, book, 2, date(2026, 11, 20), calendar())
    assert [c["status"] for c in statement["checks"] if c["clause"] == "3.4"] == ["missing"]
    assert statement["withheld"] == "741240.00"


def test_a_cycle_and_its_months_agree_on_who_owes_what():
    """高米店: months say their net goes to the cycle; only the cycle says what is paid,
    withheld or made good, and its deductions are the sum of its months'."""
    loaded, book = _book("gaomidian-2025")
    cycle = cycle_statement(loaded, book, 1)
    months = [period_statement(loaded, book, n) for n in (1, 2, 3)]
    assert sum(Decimal(m["deductions_total"]) for m in months) == Decimal(cycle["deductions_total"])
    assert all(m["owed_by_vendor"] == m["payable"] == "0.00" for m in months)
    assert {m["settled_in"] for m in months} == {"第 1 支付周期"}
    account = contract_account(loaded, book, date(2026, 1, 27), calendar())
    assert account.balance == Decimal(cycle["net"])


def test_the_default_as_of_day_is_the_beijing_date_whatever_the_machines_zone():
    """At 07:00 Beijing time a UTC machine's own date is still yesterday."""
    code = ("import os,time; from compliance.model.today import beijing_today;"
            "import pendulum; print(beijing_today() == pendulum.now('Asia/Shanghai').date())")
    for zone in ("UTC", "America/Los_Angeles", "Asia/Shanghai"):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             env={**os.environ, "TZ": zone}, check=True).stdout
        assert out.strip() == "True", zone


def test_account_command_prints_who_owes_whom(capsys):
    code, out, _ = run_cli(capsys, "account", "chengbei-2025", str(EXAMPLES / "chengbei-2025"),
                           "--as-of", "2026-09-01")
    assert code == 0
    assert "截至 2026-09-01：甲方尚欠乙方 114,912.00 元（人民币壹拾壹万肆仟玖佰壹拾贰元整）" in out
    code, out, _ = run_cli(capsys, "account", "chengbei-2025", str(EXAMPLES / "chengbei-2025"),
                           "--as-of", "2026-09-01", "--json")
    assert json.loads(out)["balance"] == "114912.00"


def test_schedule_as_of_a_day_before_a_deadline_shows_nothing_breached(write_facts):
    """羊坊店 3.4 on 11-05: the invoice deadline (11-17) has not come; nothing is withheld."""
    folder = write_facts("yangfangdian-2026", 9, [])
    loaded, book = _book("yangfangdian-2026", folder)
    listing = schedule_listing(loaded, book, date(2026, 11, 5), calendar())
    second = next(row for row in listing["tranches"] if row["number"] == 2)
    assert second["withheld"] == "0.00" and second["status"] != "suspended"


def test_a_late_invoices_new_due_date_ending_on_a_day_off_moves_to_the_next_working_day(write_facts):
    """羊坊店 3.4 with 《民法典》第二百零三条: an invoice of 2026-11-25, after the 11-17 deadline,
    makes tranche 2 fall due ten days later, on Saturday 12-05, so on Monday 12-07."""
    folder = write_facts("yangfangdian-2026", 9, [
        {"type": "invoice_received", "date": "2026-11-25", "tranche": 2}])
    loaded, book = _book("yangfangdian-2026", folder)
    statement = tranche_statement(loaded, book, 2, date(2026, 12, 10), calendar())
    [condition] = [c for c in statement["checks"] if c["clause"] == "3.4"]
    assert condition["status"] == "met_late" and condition["postpones_to"] == "2026-12-07"
    assert "第二百零三条" in condition["message"]
    assert statement["tranche"]["due"]["date"] == "2026-12-07"


def _chengbei_with(tmp_path, *lines: str):
    """城北's example facts with more events after the term."""
    import shutil
    folder = tmp_path / "chengbei"
    shutil.copytree(EXAMPLES / "chengbei-2025", folder)
    after = folder / "after-term.yaml"
    after.write_text(after.read_text("utf-8") + "".join(f"- {line}\n" for line in lines), "utf-8")
    return _book("chengbei-2025", folder)


def test_a_funding_delay_excuses_interest_while_it_lasts_and_moves_the_due_date_when_it_ends(tmp_path):
    """城北 四(六) 相应支付期限顺延 with 五(二)1: the 尾款 due 07-15 and paid 08-20. While the
    funding delay lasts no interest runs; once funds arrive on 08-10 the payment falls due that
    day, and the 10 days to 08-20 cost 10 × 3,192.00 = 31,920.00 (not 36 days, 114,912.00)."""
    lasting = _chengbei_with(tmp_path, "{type: fiscal_delay, date: 2026-07-10, tranche: 2}")
    statement = tranche_statement(*lasting, 2, date(2026, 9, 1), calendar())
    assert statement["owed_by_buyer"] == "0.00"
    (tmp_path / "chengbei").rename(tmp_path / "lasting")
    ended = _chengbei_with(tmp_path, "{type: fiscal_delay, date: 2026-07-10, tranche: 2, ended: 2026-08-10}")
    statement = tranche_statement(*ended, 2, date(2026, 9, 1), calendar())
    assert statement["tranche"]["due"]["date"] == "2026-08-10"
    assert [c["status"] for c in statement["checks"] if c["clause"] == "四(六)"] == ["met", "postponed"]
    assert statement["owed_by_buyer"] == "31920.00"
    assert contract_account(*ended, date(2026, 9, 1), calendar()).total("interest") == Decimal("31920.00")


def _gaomidian_waiving(write_facts, *waivers: dict):
    """高米店 with a 0-point order GMD-1 and GMD-2 in month 1 (2 × 5,000.00) and waivers in month 2."""
    write_facts("gaomidian-2025", 1, [
        {"type": "zero_point_order", "date": "2025-11-05", "ref": "GMD-1"},
        {"type": "zero_point_order", "date": "2025-11-06", "ref": "GMD-2"}])
    folder = write_facts("gaomidian-2025", 2, list(waivers))
    return _book("gaomidian-2025", folder)


def test_a_waived_claim_is_given_back_once_on_its_day_and_no_more_than_was_charged(write_facts):
    """A waiver of one of two 0-point orders (4.6.1) gives back its 5,000.00 on 12-10, not
    before; a second waiver of the same order gives back nothing more; a waiver of the whole
    clause for 20,000.00 gives back only the 5,000.00 still charged."""
    loaded, book = _gaomidian_waiving(
        write_facts,
        {"type": "claim_waived", "date": "2025-12-10", "clause": "4.6.1", "ref": "GMD-1",
         "note": "复核为重复诉求"},
        {"type": "claim_waived", "date": "2025-12-12", "clause": "4.6.1", "ref": "GMD-1",
         "note": "重复登记"},
        {"type": "claim_waived", "date": "2025-12-15", "clause": "4.6.1", "amount": Decimal("20000.00"),
         "note": "协商放弃"})
    month = period_statement(loaded, book, 2)
    events = events_by_id(month)
    credits = sorted((line for line in month["deductions"] if line["type"] == "claim_waived"),
                     key=lambda line: trace_facts(line["trace_v1"], events)[0]["date"])
    assert [c["amount"] for c in credits] == ["-5000.00", "0.00", "-5000.00"]
    assert "理由：复核为重复诉求" in credits[0]["explanation"]
    assert month["deductions_total"] == "-10000.00"
    before = contract_account(loaded, book, date(2025, 12, 9), calendar())
    after = contract_account(loaded, book, date(2025, 12, 31), calendar())
    assert before.total("waived") == ZERO
    assert after.total("waived") == Decimal("10000.00")
    assert after.total("deduction") - after.total("waived") == ZERO
    interim = period_statement(loaded, book, 2, as_of=date(2025, 12, 11))
    assert [line["amount"] for line in interim["deductions"]] == ["-5000.00"]


def test_a_waiver_must_name_a_clause_that_charges_and_give_its_reason(write_facts, capsys):
    for waiver, message in [
        ({"type": "claim_waived", "date": "2025-12-10", "clause": "4.6.1"}, "须在 note 中写明放弃或撤回的理由"),
        ({"type": "claim_waived", "date": "2025-12-10", "clause": "3.1", "note": "x"},
         "第 3.1 条不产生可放弃的扣款"),
    ]:
        folder = write_facts("gaomidian-2025", 2, [waiver])
        code, out, err = run_cli(capsys, "settle", "gaomidian-2025", str(folder), "--period", "2")
        assert code != 0 and message in err and "period-02.yaml" in err, err


def test_the_ledger_of_a_cycle_contract_shows_what_each_cycle_pays_and_withholds(capsys):
    """高米店 4.6.4 suspends cycle 1: its months say their net goes to the cycle, not 暂停支付
    0.00 each; the cycle row withholds 606,280.00."""
    loaded, book = _book("gaomidian-2025")
    item = ledger(loaded, book, date(2026, 2, 1), calendar())
    assert {row["settled_in"] for row in item["periods"]} == {"第 1 支付周期"}
    [cycle] = [c for c in item["cycles"] if c["payable"] is not None]
    assert (cycle["payable"], cycle["withheld"], cycle["status_label"]) == ("0.00", "606280.00", "暂停支付")
    code, out, _ = run_cli(capsys, "ledger", "gaomidian-2025", str(EXAMPLES / "gaomidian-2025"),
                           "--as-of", "2026-02-01")
    assert code == 0 and "第 1 周期  2025-10-28~2026-01-27  606,280.00      0.00  606,280.00" in out


def test_a_preview_of_a_month_paid_with_its_cycle_shows_the_cycle_it_changes(capsys):
    """One more 0-point order in 高米店 month 2 lowers what cycle 1 withholds by 5,000.00."""
    code, out, _ = run_cli(capsys, "preview", "gaomidian-2025", str(EXAMPLES / "gaomidian-2025"),
                           "--period", "2", "--add", "zero_point_order=1", "--json")
    cycle = json.loads(out)["cycle"]
    assert (cycle["recorded"]["withheld"], cycle["preview"]["withheld"]) == ("606280.00", "601280.00")


def test_a_termination_settles_in_the_account_as_it_does_on_its_statement(write_facts):
    """羊坊店 3.7: tranche 1 (1,235,400.00) paid net of an 8,000.00 loss; terminated 09-28. The
    vendor has earned 207/365 of the price (1,401,248.22), owes the loss and has been paid
    1,227,400.00: the buyer owes 165,848.22 — on the schedule and in the account alike. (The
    loss is not credited back to the vendor for having been netted from the payment.)"""
    write_facts("yangfangdian-2026", 1, [
        {"type": "invoice_received", "date": "2026-03-10", "tranche": 1},
        {"type": "property_loss", "date": "2026-03-15", "amount": Decimal("8000.00")},
        {"type": "payment_made", "date": "2026-03-26", "tranche": 1, "amount": Decimal("1227400.00")}])
    folder = write_facts("yangfangdian-2026", 7, [
        {"type": "contract_terminated", "date": "2026-09-28", "clause": "3.7"}])
    loaded, book = _book("yangfangdian-2026", folder)
    day = date(2026, 10, 1)
    [settled] = schedule_listing(loaded, book, day, calendar())["termination"]
    assert (settled["earned"], settled["deductions"], settled["buyer_pays"]) == (
        "1401248.22", "8000.00", "165848.22")
    account = contract_account(loaded, book, day, calendar())
    assert account.balance == Decimal("165848.22")
    assert account.total("earned") == Decimal("1401248.22")


def test_after_a_termination_unpaid_tranches_give_way_to_its_settlement(tmp_path):
    """规自委 6.1 termination on 2023-08-31: the 尾款 due 11-30 is no longer payable by itself;
    the account gives back what the days served do not earn of both tranches (earned on
    signing) and shows the vendor's refund."""
    import shutil
    folder = tmp_path / "ghzrzw"
    shutil.copytree(EXAMPLES / "ghzrzw-chaoyang-2023", folder)
    (folder / "period-04.yaml").write_text(
        "contract: ghzrzw-chaoyang-2023\nperiod: 4\nevents:\n"
        "- {type: contract_terminated, date: 2023-08-31, clause: '6.1'}\n", "utf-8")
    loaded, book = _book("ghzrzw-chaoyang-2023", folder)
    day = date(2023, 9, 5)
    statement = tranche_statement(loaded, book, 2, day, calendar())
    assert statement["tranche"]["status"] == "terminated" and statement["payable"] == "0.00"
    account = contract_account(loaded, book, day, calendar())
    assert account.total("unearned") == Decimal("992032.80") - Decimal("275112.92")
    assert account.to_json()["vendor_owes"] == "735246.83"
    [due] = ledger(loaded, book, day, calendar())["payments_due"]
    assert (due["amount"], due["due"]) == ("-735246.83", "2023-10-07")


def test_a_cycle_whose_deductions_exceed_its_fees_prints_its_make_good_on_the_pdf(write_facts, capsys, tmp_path):
    """高米店 6.6: a 6-day delay (6 × 215,760.00) exceeds cycle 1's fees; the cycle statement
    asks the vendor to make good the difference, and its PDF lists that flag as the cycle's
    (it used to fail with KeyError: 'period')."""
    write_facts("gaomidian-2025", 1)
    write_facts("gaomidian-2025", 2)
    folder = write_facts("gaomidian-2025", 3, [{"type": "obligation_delay", "date": "2026-01-21", "days": 6}])
    code, out, err = run_cli(capsys, "settle", "gaomidian-2025", str(folder), "--cycle", "1",
                             "--out", str(tmp_path / "out"))
    assert code == 0, err
    statement = json.loads((tmp_path / "out" / "gaomidian-2025" / "cycle-1.json").read_text("utf-8"))
    assert statement["owed_by_vendor"] == "215760.00"
    [make_good] = [flag for flag in statement["flags"] if "period" not in flag]
    assert make_good["clause"] == "6.6"
    from conftest import pdf_text
    assert make_good["message"][:12] in pdf_text(tmp_path / "out" / "gaomidian-2025" / "cycle-1.pdf")


def test_an_instalments_interest_is_booked_when_the_instalment_falls_due():
    """知识库 4.3: 360,000.00 in 6 monthly instalments of 60,000.00 from acceptance on 2026-06-20,
    each with 0.3% a month on the principal still owed. The principal is earned on acceptance;
    each interest on its instalment's due date: 360,000.00 × 0.3% = 1,080.00 on 07-20, 900.00 on
    08-20, 720.00 on 09-20 … 180.00 on 12-21 (12-20 is a Sunday). As of 09-30 three are owed and
    the buyer owes 301,620.00; once all six are due, 302,700.00, as much as before the fix booked
    all of it on the day of acceptance."""
    loaded, book = _book("zhishiku-2026")

    def booked(day: str):
        account = contract_account(loaded, book, date.fromisoformat(day), calendar())
        entries = account.to_json()["entries"]
        interest = [(e["arose"], e["amount"]) for e in entries if e["kind"] == "instalment_interest"]
        principal = [(e["arose"], e["amount"]) for e in entries
                     if e["kind"] == "earned" and e["clause"] == "4.3"]
        return interest, principal, account.balance

    interest, principal, _ = booked("2026-07-19")
    assert interest == [] and principal == [("2026-06-20", "60000.00")] * 6
    interest, _, balance = booked("2026-09-30")
    assert interest == [("2026-07-20", "1080.00"), ("2026-08-20", "900.00"), ("2026-09-20", "720.00")]
    assert balance == Decimal("301620.00")
    interest, _, balance = booked("2027-06-30")
    assert [amount for _, amount in interest] == ["1080.00", "900.00", "720.00", "540.00", "360.00",
                                                  "180.00"]
    assert interest[-1][0] == "2026-12-21"
    assert balance == Decimal("302700.00")
