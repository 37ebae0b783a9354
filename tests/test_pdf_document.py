"""The settlement PDF a finance clerk signs and files (issue 15): a header with the 结算单编号,
issue date and 合同编号 (blanks to fill on a draft), 第 X 页 共 Y 页 on every page, the 合计
with the 大写 of every amount that moves money kept on one page with the approval block, no
technical identifiers before the 附件：计算依据, the 更正说明 of a corrective statement, a
watermark per status, and one embedded font."""
from __future__ import annotations

import io
import json
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from conftest import CONTRACTS, EXAMPLES, run_cli
from pypdf import PdfReader

from compliance.engine.loading import load_contract
from compliance.render.pdf import render
from compliance.render.stamp import Approval, Stamp

ISSUED = Stamp("高米店-2025-结-002", date(2026, 1, 5), "approved",
               approvals=(Approval("经办", "王小明", date(2026, 1, 5)),
                          Approval("复核", "李芳", date(2026, 1, 6))),
               vendor_confirmation=Approval("乙方确认", "赵强", date(2026, 1, 7)))
CORRECTION = {
    "original": "高米店-2025-结-001", "original_issued_on": "2026-01-05",
    "reason": "复核发现第 2 期 0分工单漏记 1 件",
    "changes": [{"clause": "4.6.1", "label": "0分工单", "before": "10000.00", "after": "15000.00",
                 "difference": "5000.00", "effect": "补扣"}],
    "payable_before": "339600.00", "payable_after": "334600.00", "payable_difference": "-5000.00",
    "totals": [{"label": "扣款合计", "before": "20000.00", "after": "25000.00", "difference": "5000.00"}],
}
"""As the register builds it: one more 0分工单 (高米店 4.6.1, 5,000.00 each) found after
statement 001 was issued deducts 5,000.00 more, so the payable falls from 339,600.00 to
334,600.00."""


def settled(capsys, tmp_path: Path, contract: str, *args: str, folder: Path | None = None) -> dict:
    """The statement ``compliance settle`` (or ``terminate``) writes, read back from its JSON."""
    command = "terminate" if "--on" in args else "settle"
    code, out, err = run_cli(capsys, command, contract, str(folder or EXAMPLES / contract), *args,
                             "--out", str(tmp_path))
    assert code == 0, err
    [written] = [line.removeprefix("已写出 ") for line in out.splitlines()
                 if line.startswith("已写出 ") and line.endswith(".json")]
    return json.loads(Path(written).read_text("utf-8"))


def contract_of(name: str, number: str | None = None):
    contract = load_contract(CONTRACTS / f"{name}.yaml").contract
    return contract.model_copy(update={"number": number}) if number else contract


def pages(data: bytes) -> list[str]:
    """Each page's text without spaces or line breaks (pypdf splits table cells by both)."""
    return ["".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def signed(texts: list[str]) -> str:
    """The pages before the 附件：计算依据: what the parties sign."""
    annex = next(n for n, text in enumerate(texts) if "附件：计算依据" in text)
    return "".join(texts[:annex])


@pytest.fixture(scope="module")
def month_two(tmp_path_factory) -> dict:
    """高米店 month 2 (README): 4 deductions of 20,000.00 in all, net 339,600.00, paid with
    payment cycle 1."""
    from compliance.app import cli
    out = tmp_path_factory.mktemp("m2")
    assert cli.main(["settle", "gaomidian-2025", str(EXAMPLES / "gaomidian-2025"), "--period", "2",
                     "--out", str(out)]) == 0
    return json.loads((out / "gaomidian-2025" / "period-02.json").read_text("utf-8"))


def test_a_draft_has_blanks_for_number_date_and_contract_number(month_two):
    texts = pages(render(month_two, contract_of("gaomidian-2025")))
    head = texts[0]
    assert "结算单编号__________出具日期_____年___月___日" in head
    assert "合同编号__________" in head
    assert "状态草稿（未出具，不作为结算依据）" in head
    assert "结算期间第2期（2025-11-28至2025-12-27，第1支付周期）" in head


def test_an_issued_statement_prints_its_number_issue_day_and_contract_number(month_two):
    texts = pages(render(month_two, contract_of("gaomidian-2025", "GMD-CG-2025-017"), ISSUED))
    head = texts[0]
    assert "结算单编号高米店-2025-结-002出具日期2026年1月5日" in head
    assert "合同编号GMD-CG-2025-017" in head
    assert "合同名称“接诉即办”热线和网格巡查服务其他服务采购项目合同" in head
    assert "甲方北京市大兴区高米店街道办事处" in head and "状态已审批" in head
    assert all(text.endswith(f"第高米店-2025-结-002号结算单第{n}页共{len(texts)}页")
               for n, text in enumerate(texts, start=1))


def test_every_page_says_which_of_how_many_it_is(month_two):
    texts = pages(render(month_two, contract_of("gaomidian-2025")))
    assert len(texts) >= 3                                   # signed pages, then the annex
    for number, text in enumerate(texts, start=1):
        assert f"第{number}页共{len(texts)}页" in text, number


def test_totals_with_their_words_and_the_approval_block_share_one_page(month_two):
    """Month 2 is paid with its cycle (高米店 3.2): the 合计 says so with the net's 大写,
    339,600.00 = 人民币叁拾叁万玖仟陆佰元整, on the page the parties sign."""
    texts = pages(render(month_two, contract_of("gaomidian-2025"), ISSUED))
    [page] = [text for text in texts if "、合计项目金额（元）大写" in text]
    for expected in ("应结算服务费359,600.00", "扣款合计20,000.00", "净额（应结算−扣款）339,600.00",
                     "乙方应补足0.00人民币零元整",
                     "结算方式本月不单独付款：净额339,600.00元（人民币叁拾叁万玖仟陆佰元整）计入第1支付周期结算",
                     "计算依据见附件", "甲方审核乙方确认", "经办王小明2026年1月5日确认赵强2026年1月7日",
                     "复核李芳2026年1月6日", "审核_____年___月___日", "负责人_____年___月___日",
                     "甲方（盖章）乙方（盖章）"):
        assert expected in page, expected


def test_what_the_vendor_makes_up_is_written_in_words(write_facts, capsys, tmp_path):
    """高米店 6.6: a 6-day delay in month 3 costs 6 × 215,760.00 = 1,294,560.00 under 6.1,
    more than cycle 1's fees of 3 × 359,600.00 = 1,078,800.00; the vendor makes up
    215,760.00 — 人民币贰拾壹万伍仟柒佰陆拾元整."""
    write_facts("gaomidian-2025", 1)
    write_facts("gaomidian-2025", 2)
    folder = write_facts("gaomidian-2025", 3, [{"type": "obligation_delay", "date": "2026-01-21", "days": 6}])
    statement = settled(capsys, tmp_path, "gaomidian-2025", "--cycle", "1", folder=folder)
    text = signed(pages(render(statement, contract_of("gaomidian-2025"))))
    assert "乙方应补足215,760.00人民币贰拾壹万伍仟柒佰陆拾元整" in text
    assert "本期应付0.00人民币零元整" in text


def test_the_buyers_interest_on_a_tranche_is_written_in_words(capsys, tmp_path):
    """城北 五(二)1: the 尾款 paid 36 days late owes 36 × 3,192.00 = 114,912.00."""
    statement = settled(capsys, tmp_path, "chengbei-2025", "--tranche", "2", "--as-of", "2026-11-21")
    text = signed(pages(render(statement, contract_of("chengbei-2025"))))
    assert "甲方应付迟延付款违约金（另行支付）114,912.00人民币壹拾壹万肆仟玖佰壹拾贰元整" in text


def test_a_termination_gives_each_partys_balance_in_words(capsys, tmp_path):
    """规自委 6.1 on 2023-08-31 (README): earned 275,112.92, paid 800,000.00, penalty
    99,203.28, deductions 111,156.47 — the vendor refunds 735,246.83, the buyer pays nothing."""
    statement = settled(capsys, tmp_path, "ghzrzw-chaoyang-2023", "--on", "2023-08-31", "--reason", "6.1")
    text = signed(pages(render(statement, contract_of("ghzrzw-chaoyang-2023"))))
    assert "解除结算单" in text
    assert "甲方应支付0.00人民币零元整" in text
    assert "乙方应退还735,246.83人民币柒拾叁万伍仟贰佰肆拾陆元捌角叁分" in text
    assert "期限2023-10-07前" in text


def test_the_signed_pages_carry_no_technical_identifiers(capsys, tmp_path):
    """Fingerprints, rule and event ids and file:line belong to the 附件：计算依据 (高米店
    month 3 and cycle 1 raise payment_suspension and read three facts files)."""
    for args in (("--period", "3"), ("--cycle", "1")):
        statement = settled(capsys, tmp_path, "gaomidian-2025", *args)
        texts = pages(render(statement, contract_of("gaomidian-2025")))
        front, annex = signed(texts), "".join(texts)[len(signed(texts)):]
        for technical in ("sha256", "withheld", "payment_suspension", ".yaml:", "gaomidian-2025",
                          "compliance", statement["fingerprint"]["sha256"]):
            assert technical not in front, (args, technical)
        assert statement["fingerprint"]["sha256"] in annex and "period-03.yaml:" in annex


def test_a_corrective_statement_says_what_it_corrects_and_by_how_much(month_two):
    stamp = Stamp("高米店-2025-结-005", date(2026, 1, 20))
    corrective = {**month_two, "correction": CORRECTION}
    text = signed(pages(render(corrective, contract_of("gaomidian-2025"), stamp)))
    assert "更正说明本结算单更正第高米店-2025-结-001号结算单（2026年1月5日出具）。更正原因：复核发现第2期0分工单漏记1件" in text
    assert "条款情形原结算（元）更正后（元）差额（元）补扣或退还4.6.10分工单10,000.0015,000.005,000.00补扣" in text
    assert "项目原结算（元）更正后（元）差额（元）扣款合计20,000.0025,000.005,000.00" in text
    assert "原结算本期应付339,600.00更正后本期应付334,600.00差额（更正后−原结算）-5,000.00人民币负伍仟元整" in text


def test_a_corrected_cycle_names_the_month_of_each_change(month_two):
    """On a cycle statement the register names the month a change is in: it leads its row."""
    change = {**CORRECTION["changes"][0], "period": 2}
    corrective = {**month_two, "correction": {**CORRECTION, "changes": [change]}}
    stamp = Stamp("高米店-2025-结-005", date(2026, 1, 20))
    text = signed(pages(render(corrective, contract_of("gaomidian-2025"), stamp)))
    assert "期条款情形原结算（元）更正后（元）差额（元）补扣或退还24.6.10分工单10,000.0015,000.00" in text


@pytest.mark.parametrize("stamp, mark, header", [
    (None, "草稿", "状态草稿（未出具，不作为结算依据）"),
    (Stamp("高米店-2025-结-001", date(2026, 1, 5), "voided", void_reason="事实文件录入错误"),
     "已作废", "状态已作废（作废原因：事实文件录入错误）"),
    (Stamp("高米店-2025-结-001", date(2026, 1, 5), "superseded", superseded_by="高米店-2025-结-005"),
     "已更正", "状态已更正（已由第高米店-2025-结-005号结算单更正）"),
])
def test_a_statement_not_to_be_paid_on_is_marked_across_every_page(month_two, stamp, mark, header):
    texts = pages(render(month_two, contract_of("gaomidian-2025"), stamp))
    assert header in texts[0]
    assert all(text.startswith(mark) for text in texts)


@pytest.mark.parametrize("status", ["issued", "approved"])
def test_an_issued_statement_has_no_watermark(month_two, status):
    stamp = Stamp("高米店-2025-结-002", date(2026, 1, 5), status)
    texts = pages(render(month_two, contract_of("gaomidian-2025"), stamp))
    assert not any(word in "".join(texts) for word in ("草稿", "已作废", "已更正"))
    assert texts[0].startswith("结算单结算单编号")


def test_one_font_embedded_and_no_helvetica(month_two, tmp_path):
    data = render(month_two, contract_of("gaomidian-2025"))
    assert b"/Helvetica" not in data and b"/BaseFont /Times" not in data
    if shutil.which("pdffonts"):
        (tmp_path / "s.pdf").write_bytes(data)
        rows = subprocess.run(["pdffonts", str(tmp_path / "s.pdf")], capture_output=True, text=True,
                              check=True).stdout.splitlines()[2:]
        assert rows and all("WenQuanYiMicroHei" in row and row.split()[-5:-2] == ["yes", "yes", "yes"]
                            for row in rows)


def test_the_same_statement_and_stamp_give_the_same_bytes(month_two):
    contract = contract_of("gaomidian-2025")
    assert render(month_two, contract) == render(month_two, contract)
    assert render(month_two, contract, ISSUED) == render(month_two, contract, ISSUED)
    assert render(month_two, contract, ISSUED) != render(month_two, contract)


def test_a_stamp_refuses_an_unknown_status_or_role():
    with pytest.raises(ValueError, match="没有这种结算单状态"):
        Stamp("高米店-2025-结-001", date(2026, 1, 5), "paid")
    with pytest.raises(ValueError, match="没有这种签字角色"):
        Approval("会计", "王小明", date(2026, 1, 5))
