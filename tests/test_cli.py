"""The command line: statements written atomically and identically; bad input refused cleanly."""
import json
import shutil
import re

import pytest
from conftest import CONTRACTS, EXAMPLES, run_cli
from pypdf import PdfReader

from compliance.app import cli
from compliance.render import pdf

GAOMIDIAN = str(CONTRACTS / "gaomidian-2025.yaml")



def test_settle_writes_json_and_pdf_and_says_where(tmp_path, capsys):
    code, out, _ = run_cli(capsys, "settle", GAOMIDIAN, str(EXAMPLES / "gaomidian-2025"),
                        "--period", "2", "--out", str(tmp_path))
    assert code == 0
    folder = tmp_path / "gaomidian-2025"
    assert f"已写出 {folder / 'period-02.json'}" in out
    statement = json.loads((folder / "period-02.json").read_text("utf-8"))
    assert statement["period"] == {"index": 2, "start": "2025-11-28", "end": "2025-12-27", "cycle": 1}
    assert statement["gross"] == "359600.00"
    assert statement["net"] == "339600.00"
    assert statement["settled_in"] == "第 1 支付周期"       # 高米店 3.2: paid every 3 months
    assert statement["payable"] == statement["owed_by_vendor"] == "0.00"
    assert statement["amount_in_words"] == "人民币叁拾叁万玖仟陆佰元整"
    assert all(line["clause"] and line["explanation"] for line in statement["deductions"])
    assert len(statement["fingerprint"]["sha256"]) == 64


def test_json_flag_prints_the_statement(tmp_path, capsys):
    code, out, err = run_cli(capsys, "settle", "gaomidian-2025", str(EXAMPLES / "gaomidian-2025"),
                          "--cycle", "1", "--json", "--out", str(tmp_path))
    assert code == 0
    statement = json.loads(out)
    assert statement["cycle"]["periods"] == [1, 2, 3]
    assert "cycle-1.pdf" in err


def test_same_inputs_give_the_same_bytes(tmp_path, capsys):
    outputs = []
    for run in ("a", "b"):
        run_cli(capsys, "settle", GAOMIDIAN, str(EXAMPLES / "gaomidian-2025"), "--period", "3",
             "--out", str(tmp_path / run))
        folder = tmp_path / run / "gaomidian-2025"
        outputs.append(((folder / "period-03.json").read_bytes(), (folder / "period-03.pdf").read_bytes()))
    assert outputs[0] == outputs[1]


def test_pdf_embeds_the_cjk_font_and_shows_the_numbers(tmp_path, capsys):
    run_cli(capsys, "settle", GAOMIDIAN, str(EXAMPLES / "gaomidian-2025"), "--period", "3",
         "--out", str(tmp_path))
    reader = PdfReader(tmp_path / "gaomidian-2025" / "period-03.pdf")
    text = "".join(page.extract_text() for page in reader.pages)
    for expected in ("结算单", "北京兴众联城信息技术有限公司", "431,520.00", "85,920.00", "甲方审核", "乙方确认"):
        assert expected in text
    fonts = [font for page in reader.pages
             for font in page["/Resources"]["/Font"].values()]
    descriptors = [f.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                   if "/DescendantFonts" in f.get_object() else f.get_object().get("/FontDescriptor")
                   for f in fonts]
    assert any(d is not None and "/FontFile2" in d.get_object() for d in descriptors)


def test_nothing_is_written_when_the_pdf_fails(tmp_path, capsys, monkeypatch):
    def broken(statement, contract):
        raise RuntimeError("renderer broke")
    monkeypatch.setattr(pdf, "render", broken)
    with pytest.raises(RuntimeError):
        cli.main(["settle", GAOMIDIAN, str(EXAMPLES / "gaomidian-2025"), "--period", "1",
                  "--out", str(tmp_path)])
    assert not list(tmp_path.rglob("*.json"))


def test_periods_lists_months_and_cycles(capsys):
    code, out, _ = run_cli(capsys, "periods", "gaomidian-2025")
    assert code == 0
    assert "   1  2025-10-28  2025-11-27  1" in out
    assert "支付周期 4: 2026-07-28 至 2026-10-27（第 10,11,12 期）" in out


BAD_FACTS = [
    ("events:\n  - {type: zero_point_order, date: 2026-01-03}\n",
     ["p.yaml:4", "events[0].date", "不在第 2 期内", "2025-11-28..2025-12-27"]),
    ("events:\n  - {type: zero_pint, date: 2025-12-03}\n",
     ["p.yaml:4", "没有这种事件类型：'zero_pint'；您是不是要写 zero_point_order？", "zero_point_order (0分工单)"]),
    ("events:\n  - {type: zero_point_order, date: 2025-12-03, count: 0}\n",
     ["p.yaml:4", "events[0].count", "须不小于 1（此处为 0）"]),
    ("events:\n  - {type: zero_point_order, date: 2025-12-03, count: -2}\n",
     ["events[0].count"]),
    ("rating: 很好\n", ["p.yaml:3", "rating", "优秀 | 良好 | 待提升"]),
    ("events: [\n", ["YAML 格式错误"]),
    ("colour: red\n", ["p.yaml:3", "colour: 未知的键", "contract, period, rating, events"]),
    ("events:\n  - {type: zero_point_order, date: 2025-12-32}\n", ["p.yaml:4", "不是有效日期"]),
    ("events:\n  - {type: obligation_delay, date: 2025-12-03}\n", ["obligation_delay（逾期履行）须写明 days"]),
    ("events:\n  - {type: advance_payment, date: 2025-12-03, amount: 100.005}\n",
     ["events[0].amount", "小数超过两位"]),
    # numbers as a person means them: no NaN, infinity, hex or sexagesimal, nothing absurd
    ("events:\n  - {type: advance_payment, date: 2025-12-03, amount: .nan}\n",
     ["p.yaml:4", ".nan 不是数"]),
    ("events:\n  - {type: advance_payment, date: 2025-12-03, amount: -.inf}\n", ["-.inf 不是数"]),
    ("events:\n  - {type: advance_payment, date: 2025-12-03, amount: 1.0e+30}\n",
     ["p.yaml:4", "数字 1.0e+30 超出可读范围"]),
    ("events:\n  - {type: advance_payment, date: 2025-12-03, amount: 10000000000}\n",
     ["events[0].amount", "金额过大（至多 9,999,999,999.99 元）"]),
    ("events:\n  - {type: advance_payment, date: 2025-12-03, amount: 1234567890123456789012345678.5}\n",
     ["p.yaml:4", "超出可读范围"]),
    ("events:\n  - {type: dispatch_timeout, date: 2025-12-03, count: " + "1" * 40 + "}\n",
     ["p.yaml:4", "位数过多"]),
    ("events:\n  - {type: dispatch_timeout, date: 2025-12-03, count: 100001}\n",
     ["events[0].count", "须不大于 100000（此处为 100001）"]),
    ("events:\n  - {type: advance_payment, date: 2025-12-03, amount: 0x10}\n",
     ["events[0].amount", "须是数字"]),
    ("events:\n  - {type: advance_payment, date: 2025-12-03, amount: 1:30}\n",
     ["events[0].amount", "须是数字"]),
    ("events:\n  - {type: obligation_delay, date: 2025-12-03, days: 4000}\n",
     ["events[0].days", "须不大于 3660（此处为 4000）"]),
    ("events:\n" + "  " + "[" * 100_000 + "]" * 100_000 + "\n", ["嵌套超过 64 层"]),
    ("events:\n  - !!python/object/apply:os.system [echo]\n", ["不支持的 YAML 标签"]),
    ("events:\n  - {type: zero_point_order, date: 2025-12-03, ref: A1}\n"
     "  - {type: dispatch_timeout, date: 2025-12-04}\n"
     "  - {type: zero_point_order, date: 2025-12-03, ref: A1}\n",
     ["p.yaml:6", "同一事件记录了两次", "zero_point_order A1 2025-12-03 已记录于 p.yaml:4"]),
]


@pytest.mark.parametrize("body, expected", BAD_FACTS)
def test_bad_facts_are_refused_with_file_line_and_field(tmp_path, capsys, body, expected):
    facts = tmp_path / "facts"
    facts.mkdir()
    (facts / "p.yaml").write_text(f"contract: gaomidian-2025\nperiod: 2\n{body}", "utf-8")
    code, out, err = run_cli(capsys, "settle", GAOMIDIAN, str(facts), "--period", "2",
                          "--out", str(tmp_path / "out"))
    assert code == 2
    for fragment in expected:
        assert fragment in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("header, expected", [
    ("contract: other-2025\nperiod: 2\n", "这是合同 'other-2025' 的事实"),
    ("contract: gaomidian-2025\nperiod: 13\n", "第 13 期不在合同期内（可用：1..12，或 after（合同期满之后））"),
])
def test_facts_for_another_contract_or_period_are_refused(tmp_path, capsys, header, expected):
    facts = tmp_path / "facts"
    facts.mkdir()
    (facts / "p.yaml").write_text(header, "utf-8")
    code, _, err = run_cli(capsys, "settle", GAOMIDIAN, str(facts), "--period", "2",
                        "--out", str(tmp_path / "out"))
    assert (code, expected in err) == (2, True)


def test_two_files_for_one_period_are_refused(tmp_path, capsys):
    facts = tmp_path / "facts"
    shutil.copytree(EXAMPLES / "gaomidian-2025", facts)
    shutil.copy(facts / "period-02.yaml", facts / "period-02-copy.yaml")
    code, _, err = run_cli(capsys, "settle", GAOMIDIAN, str(facts), "--period", "2",
                        "--out", str(tmp_path / "out"))
    assert code == 2
    assert "第 2 期已由 period-02-copy.yaml 给出" in err or "已由 period-02.yaml 给出" in err


def test_missing_facts_for_the_settled_period_is_refused(tmp_path, capsys):
    code, _, err = run_cli(capsys, "settle", GAOMIDIAN, str(EXAMPLES / "gaomidian-2025"),
                        "--period", "7", "--out", str(tmp_path))
    assert code == 2
    assert "没有第 7 期的事实文件" in err


@pytest.mark.parametrize("args, expected", [
    (["settle", GAOMIDIAN, "x", "--period", "0"], "compliance：错误：参数 --period：'0' 须不小于 1"),
    (["settle", GAOMIDIAN, "x", "--period", "two"], "compliance：错误：参数 --period：'two' 不是整数"),
    (["settle", GAOMIDIAN, "x"], "compliance：错误：须给出 --period --cycle --tranche 中的一个"),
    (["settle", GAOMIDIAN, "x", "--period", "1", "--cycle", "1"],
     "compliance：错误：参数 --cycle：不能与参数 --period 同时使用"),
    (["settle", GAOMIDIAN], "compliance：错误：缺少必需的参数：FACTS_DIR"),
    (["settle", GAOMIDIAN, "x", "--period"], "compliance：错误：参数 --period：后面须跟一个值"),
    (["setle"], "compliance：错误：参数 命令：没有这个选项：'setle'（可用：'settle', 'explain'"),
    (["terminate", GAOMIDIAN, "x", "--on", "2025-12-01", "--reason", "6.1", "--by", "甲方"],
     "compliance：错误：参数 --by：没有这个选项：'甲方'（可用：'vendor', 'buyer'）"),
    (["settle", GAOMIDIAN, "x", "--period", "1", "--colour", "red"], "compliance：错误：无法识别的参数：--colour red"),
    ([], "compliance：错误：缺少必需的参数：命令"),
])
def test_bad_arguments_exit_2_with_usage_and_a_message_in_chinese(capsys, args, expected):
    with pytest.raises(SystemExit) as caught:
        cli.main(args)
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("用法：compliance")
    assert expected in err
    assert "usage:" not in err and "error:" not in err


def test_argparse_speaks_chinese_only_while_the_command_line_is_read(capsys):
    import argparse
    with pytest.raises(SystemExit):
        cli.main(["settle"])
    capsys.readouterr()
    assert argparse.ArgumentParser(prog="x").format_usage() == "usage: x [-h]\n"


@pytest.mark.parametrize("args", [["--help"], ["settle", "--help"], ["terminate", "-h"], ["preview", "-h"]])
def test_help_is_in_chinese(capsys, args):
    with pytest.raises(SystemExit) as caught:
        cli.main(args)
    assert caught.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("用法：compliance")
    assert "显示本帮助并退出" in out and "选项" in out
    for english in ("usage:", "show this help", "positional arguments", "options:", "default:"):
        assert english not in out
    helps = [line.split(None, 1)[-1] for line in out.splitlines() if line.startswith("  ")]
    assert helps and all(not re.search(r"\b[a-z]+ [a-z]+ [a-z]+\b", text) for text in helps), helps


def test_the_top_level_help_lists_every_command_in_chinese(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    assert "按条款结算北京 12345（接诉即办）服务合同。" in out
    assert "settle    结算一个合同月、一个支付周期或一次付款" in out
    assert "供律师使用：逐条列出合同，原文在上、编码在下" in out


def test_unknown_contract_suggests_the_id_meant_and_lists_known_ones(tmp_path, capsys):
    code, _, err = run_cli(capsys, "settle", "gaomidan-2025", str(tmp_path), "--period", "1")
    assert code == 2
    assert "CONTRACT: 没有合同文件 'gaomidan-2025'；您是不是要写 gaomidian-2025？" in err
    known = sorted(path.stem for path in CONTRACTS.glob("*.yaml"))
    assert "或以下合同 id 之一：" + "、".join(known) in err


def test_arguments_are_read_without_the_spaces_around_them(tmp_path, capsys):
    code, out, err = run_cli(capsys, "settle", "\u3000gaomidian-2025 ", f" {EXAMPLES / 'gaomidian-2025'}\u3000",
                             "--period", " 2 ", "--out", str(tmp_path))
    assert (code, err) == (0, "")
    assert (tmp_path / "gaomidian-2025" / "period-02.json").is_file()
