"""Messages for the people who read them, in Chinese: a misspelt name is answered with the name
meant (您是不是要写 X？), a clause is accepted as the contract writes it (第4.6.1条, ４.６.１,
五（二）1), and the spaces around what is typed by hand (full-width ones too) are not part of it."""
import json
import re
import shutil

import pytest
from conftest import CONTRACTS, EXAMPLES, run_cli

from compliance.app.web import create_app
from compliance.engine.loading import load_contract
from compliance.errors import UserError
from compliance.model.facts import load_facts
from compliance.model.numbering import chinese_number, chinese_numeral, normalise_clause_id
from compliance.model.suggest import did_you_mean, nearest


# --- did you mean --------------------------------------------------------------------------

@pytest.mark.parametrize(("word", "choices", "expected"), [
    ("zero_pint", ["zero_point_order", "dispatch_timeout", "payment_made"], "zero_point_order"),
    ("Zero_Point_Order", ["zero_point_order", "dispatch_timeout"], "zero_point_order"),
    ("dispatch_timeuot", ["zero_point_order", "dispatch_timeout"], "dispatch_timeout"),
    ("4.6.l", ["4.6", "4.6.1", "4.6.10", "4.6.4"], "4.6.1"),       # l typed for 1
    ("4.6.O", ["4.6.0", "4.6.1"], "4.6.0"),
    ("gaomidan-2025", ["chengbei-2025", "gaomidian-2025", "yangfangdian-2026"], "gaomidian-2025"),
    ("优", ["优秀", "良好", "待提升"], "优秀"),
    ("很好", ["优秀", "良好", "待提升"], None),                      # another word, not a slip
    ("9.9", ["4.6.4", "5.7", "6.1"], None),
    ("6.6", ["6.2", "6.3", "6.4", "6.5"], None),                    # four equally near: no guess
])
def test_the_nearest_name_is_suggested_only_when_one_stands_out(word, choices, expected):
    assert nearest(word, choices) == expected


def test_did_you_mean_is_one_sentence_or_nothing():
    assert did_you_mean("zero_pint", ["zero_point_order"]) == "您是不是要写 zero_point_order？"
    assert did_you_mean("zero_pint", ["zero_point_order"], "；") == "；您是不是要写 zero_point_order？"
    assert did_you_mean("bogus", ["zero_point_order"], "；") == ""
    assert did_you_mean("zero_point_order", ["zero_point_order"]) == ""


# --- clause ids as the contract writes them ----------------------------------------------------

GAOMIDIAN = [c.id for c in load_contract(CONTRACTS / "gaomidian-2025.yaml").contract.clauses]
CHENGBEI = [c.id for c in load_contract(CONTRACTS / "chengbei-2025.yaml").contract.clauses]
YANGFANGDIAN = [c.id for c in load_contract(CONTRACTS / "yangfangdian-2026.yaml").contract.clauses]


@pytest.mark.parametrize(("written", "known", "expected"), [
    ("4.6.1", GAOMIDIAN, "4.6.1"),
    ("第4.6.1条", GAOMIDIAN, "4.6.1"),
    ("4.6.1条", GAOMIDIAN, "4.6.1"),
    ("第 4.6.1 条", GAOMIDIAN, "4.6.1"),
    ("４.６.１", GAOMIDIAN, "4.6.1"),
    ("４．６．１", GAOMIDIAN, "4.6.1"),
    ("4。6。1", GAOMIDIAN, "4.6.1"),                      # a Chinese input method's full stop
    (" 4.6.1\u3000", GAOMIDIAN, "4.6.1"),
    ("2.3.2（1）", GAOMIDIAN, "2.3.2(1)"),
    ("第四条", GAOMIDIAN, "4"),                           # the article, in the contract's numbering
    ("五（二）1", CHENGBEI, "五(二)1"),
    ("五(二)1", CHENGBEI, "五(二)1"),
    ("第五条（二）1", CHENGBEI, "五(二)1"),
    ("5（二）1", CHENGBEI, "五(二)1"),
    ("六（三）2（1）", CHENGBEI, "六(三)2(1)"),
    ("附件２．三", CHENGBEI, "附件2.三"),
    ("第十一条", YANGFANGDIAN, "11"),
    ("9.2（5）", YANGFANGDIAN, "9.2(5)"),
    ("附件．四（1）", YANGFANGDIAN, "附件.四(1)"),
    ("4.6.l", GAOMIDIAN, "4.6.l"),                        # not a clause: left for the caller to refuse
    ("第一二条", CHENGBEI, "一二"),
])
def test_a_clause_id_is_normalised_to_the_contracts_own(written, known, expected):
    assert normalise_clause_id(written, known) == expected


def test_without_the_contract_only_the_writing_is_normalised():
    assert normalise_clause_id("第十一条") == "十一"
    assert normalise_clause_id("第 4.6.1 条") == "4.6.1"


def test_chinese_numerals_both_ways():
    assert [chinese_numeral(n) for n in (1, 10, 11, 20, 23, 99)] == ["一", "十", "十一", "二十", "二十三",
                                                                     "九十九"]
    assert all(chinese_number(chinese_numeral(n)) == n for n in range(1, 100))


# --- facts: clause, trimming, did you mean -----------------------------------------------------

def _facts(tmp_path, contract, period, body):
    folder = tmp_path / "facts"
    folder.mkdir(exist_ok=True)
    (folder / f"period-{period:02d}.yaml").write_text(
        f"contract: {contract}\nperiod: {period}\n{body}", "utf-8")
    return folder


@pytest.mark.parametrize("clause", ["' 6.7 '", "'6.7'", "第6.7条", "'６.７'", "'\u30006.7\u3000'",
                                    "6.7条"])
def test_a_claim_names_its_clause_as_the_contract_writes_it(tmp_path, capsys, clause):
    folder = _facts(tmp_path, "jiuxianqiao-2025", 5,
                    "events:\n- {type: work_standard_unmet, date: 2025-08-10}\n"
                    f"- {{type: penalty_claimed, date: 2025-08-15, clause: {clause}}}\n")
    code, out, err = run_cli(capsys, "settle", "jiuxianqiao-2025", str(folder), "--period", "5",
                             "--out", str(tmp_path / "out"), "--json")
    assert (code, err.startswith("已写出")) == (0, True), err
    statement = json.loads(out)
    assert [(line["clause"], line["amount"]) for line in statement["deductions"]] == [("6.7", "577359.00")]


@pytest.mark.parametrize("clause", ["五(一)1", "五（一）1", "第五条（一）1", "5（一）1", "' 五(一)1　'"])
def test_a_chinese_numbered_clause_is_read_as_the_contract_writes_it(tmp_path, clause):
    loaded = load_contract(CONTRACTS / "chengbei-2025.yaml")
    folder = _facts(tmp_path, "chengbei-2025", 3, "events:\n- {type: claim_waived, date: 2025-08-01, "
                                                  f"clause: {clause}, note: 甲方放弃}}\n")
    book = load_facts(folder, loaded)
    assert book.files[3].events[0].event.clause == "五(一)1"


@pytest.mark.parametrize(("body", "expected"), [
    ("events:\n- {type: zero_pint, date: 2025-12-03}\n",
     "p.yaml:4: events[0].type: 没有这种事件类型：'zero_pint'；您是不是要写 zero_point_order？可用的类型："),
    ("rating: 优\n", "p.yaml:3: rating: 没有这个评价等级：'优'；您是不是要写 优秀？可用：优秀 | 良好 | 待提升"),
])
def test_a_misspelt_name_in_the_facts_is_answered_with_the_name_meant(tmp_path, capsys, body, expected):
    folder = tmp_path / "facts"
    folder.mkdir()
    (folder / "p.yaml").write_text(f"contract: gaomidian-2025\nperiod: 2\n{body}", "utf-8")
    code, _, err = run_cli(capsys, "settle", "gaomidian-2025", str(folder), "--period", "2",
                           "--out", str(tmp_path / "out"))
    assert code == 2
    assert expected in err


@pytest.mark.parametrize(("contract", "period", "event", "expected"), [
    ("jiuxianqiao-2025", 5, "{type: penalty_claimed, date: 2025-08-15, clause: 6.l}",
     "第 6.l 条没有甲方可主张的违约金；可用：6.7、6.2、6.3、6.4"),
    ("jiuxianqiao-2025", 5, "{type: penalty_claimed, date: 2025-08-15, clause: '6.71'}",
     "第 6.71 条没有甲方可主张的违约金；您是不是要写 6.7？可用：6.7、6.2、6.3、6.4"),
    ("chengbei-2025", 3, "{type: claim_waived, date: 2025-08-01, clause: 五（一）l, note: 甲方放弃}",
     "第 五(一)l 条不产生可放弃的扣款；您是不是要写 五(一)1？可用："),
    ("ghzrzw-chaoyang-2023", 3, "{type: contract_terminated, date: 2023-08-31, clause: '6.l'}",
     "contract_terminated（合同因乙方违约解除）须写明所依据的条款 clause；您是不是要写 6.1？"
     "可用条款：5.5、6.1、6.2"),
    ("ghzrzw-chaoyang-2023", 3, "{type: quality_nonconformity, date: 2023-08-05, clause: '6.1'}",
     "quality_nonconformity（服务质量不符合甲方要求）不带 clause"),
])
def test_a_misspelt_clause_in_the_facts_is_refused_with_the_clause_meant(tmp_path, contract, period,
                                                                         event, expected):
    loaded = load_contract(CONTRACTS / f"{contract}.yaml")
    folder = _facts(tmp_path, contract, period, f"events:\n- {event}\n")
    with pytest.raises(UserError) as refused:
        load_facts(folder, loaded)
    assert expected in str(refused.value)


def test_the_names_in_a_facts_file_are_read_without_the_spaces_around_them(tmp_path):
    folder = tmp_path / "facts"
    folder.mkdir()
    (folder / "period-02.yaml").write_text(
        "contract: ' gaomidian-2025\u3000'\nperiod: 2\nrating: '\u3000良好 '\nevents:\n"
        "- {type: ' zero_point_order\u3000', date: 2025-12-03, ref: ' GMD-1\u3000'}\n", "utf-8")
    book = load_facts(folder, load_contract(CONTRACTS / "gaomidian-2025.yaml"))
    facts = book.files[2]
    event = facts.events[0].event
    assert (facts.facts.contract, facts.facts.rating) == ("gaomidian-2025", "良好")
    assert (event.type, event.ref) == ("zero_point_order", "GMD-1")


# --- the command line ------------------------------------------------------------------------

@pytest.mark.parametrize("clause", ["第4.6.4条", "４.６.４", " 4.6.4\u3000", "4.6.4条"])
def test_explain_takes_a_clause_as_the_contract_writes_it(capsys, clause):
    code, out, err = run_cli(capsys, "explain", "gaomidian-2025", str(EXAMPLES / "gaomidian-2025"),
                             "--period", "3", "--clause", clause)
    assert (code, err) == (0, "")
    assert "扣款第 1 行 [4.6.4]：1,000.00 元" in out


def test_explain_suggests_the_clause_meant(capsys):
    code, _, err = run_cli(capsys, "explain", "gaomidian-2025", str(EXAMPLES / "gaomidian-2025"),
                           "--period", "2", "--clause", "4.6.l")
    assert code == 2
    assert "--clause: 本结算单没有依第 4.6.l 条的扣款或标记；您是不是要写 4.6.1？" in err


@pytest.mark.parametrize("reason", ["第6.3条", "６．３", " 6.3 "])
def test_terminate_takes_the_reason_as_the_contract_writes_it(tmp_path, capsys, reason):
    code, out, err = run_cli(capsys, "terminate", "jiuxianqiao-2025", str(EXAMPLES / "jiuxianqiao-2025"),
                             "--on", "2025-08-31", "--reason", reason, "--out", str(tmp_path))
    assert code == 0, err
    assert (tmp_path / "jiuxianqiao-2025" / "termination-6.3-2025-08-31.json").is_file()


def test_terminate_suggests_the_ground_meant(tmp_path, capsys):
    code, _, err = run_cli(capsys, "terminate", "ghzrzw-chaoyang-2023", str(EXAMPLES / "ghzrzw-chaoyang-2023"),
                           "--on", "2023-08-31", "--reason", "8.22", "--out", str(tmp_path))
    assert code == 2
    assert "--reason: 第 8.22 条不是规自委朝阳（ghzrzw-chaoyang-2023）可据以解除合同的条款；您是不是要写 8.2？" in err


# --- the web page --------------------------------------------------------------------------

ENGLISH = re.compile(r"\b[A-Za-z]{3,}( [A-Za-z]{2,}){2,}\b")
"""Three English words in a row: a sentence a visitor would have to read in English."""


def _visible(html: str) -> str:
    """The text of a page, without its tags, styles and scripts."""
    html = re.sub(r"<(style|script)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.fixture
def client(tmp_path, monkeypatch):
    from web_client import signed_in

    monkeypatch.setenv("COMPLIANCE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("COMPLIANCE_DB", raising=False)
    root = tmp_path / "facts"
    shutil.copytree(EXAMPLES / "gaomidian-2025", root / "gaomidian-2025")
    return signed_in(create_app(root), "张经办", "经办", raise_server_exceptions=False)


@pytest.mark.parametrize(("method", "path", "status", "message"), [
    ("get", "/no/such/page", 404, "没有这个页面：/no/such/page"),
    ("get", "/c/gaomidan-2025", 404, "没有这个合同：gaomidan-2025；您是不是要写 gaomidian-2025？"),
    ("get", "/c/gaomidian-2025/period/40", 404, "高米店没有第 40 期：合同共 12 期"),
    ("get", "/c/gaomidian-2025/period/x", 404, "没有这个页面：/c/gaomidian-2025/period/x"),
    ("post", "/c/gaomidian-2025", 405, "本页面不接受这种请求方式：/c/gaomidian-2025"),
    ("get", "/c/gaomidian-2025/preview?period=2&rating=优", 400, "评价应为 优秀 / 良好 / 待提升 之一；您是不是要写 优秀？"),
    ("get", "/c/gaomidian-2025/preview?period=99", 400, "期次应为 1 至 12 的整数"),
])
def test_every_page_a_visitor_is_refused_with_is_in_chinese(client, method, path, status, message):
    response = getattr(client, method)(path)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert message in response.text
    assert not ENGLISH.search(_visible(response.text)), ENGLISH.search(_visible(response.text))
    assert "Not Found" not in response.text and "detail" not in response.text


def test_a_broken_facts_file_and_a_crash_are_pages_in_chinese(client, tmp_path, monkeypatch):
    facts = tmp_path / "facts" / "gaomidian-2025" / "period-02.yaml"
    facts.write_text(facts.read_text("utf-8").replace("良好", "很好").replace("待提升", "很好"), "utf-8")
    response = client.get("/c/gaomidian-2025")
    assert response.status_code == 422 and "没有这个评价等级：&#39;很好&#39;" in response.text
    assert not ENGLISH.search(_visible(response.text))
    from compliance.app import web
    monkeypatch.setattr(web, "ledger", lambda *args: 1 / 0)
    facts.write_text(facts.read_text("utf-8").replace("很好", "良好"), "utf-8")
    response = client.get("/c/gaomidian-2025")
    assert response.status_code == 500
    assert "处理此请求时程序出错，请报告维护人员。" in response.text
    assert "ZeroDivisionError" not in response.text and "Internal Server Error" not in response.text


def test_the_pages_of_a_contract_have_no_english_sentences(client):
    for path in ("/", "/c/gaomidian-2025", "/c/gaomidian-2025/period/3",
                 "/c/gaomidian-2025/preview?period=2&add_zero_point_order=%E3%80%801%20"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert not ENGLISH.search(_visible(response.text)), (path, ENGLISH.search(_visible(response.text)))
        assert "· 接诉即办合同结算</title>" in response.text


# --- a facts file mistyped: YAML's problems told in Chinese ------------------------------------

@pytest.mark.parametrize(("change", "line", "meaning"), [
    (("rating: 待提升", "rating: 待提升: 良好"), 5, "冒号后须有空格，含冒号的文字须加引号"),
    (("  - {type: zero_point_order, date: 2025-12-03",
      "\t- {type: zero_point_order, date: 2025-12-03"), 7, "缩进请用空格"),
    (('ref: "TS-2512-01"}', 'ref: "TS-2512-01}'), 11, "花括号未闭合"),
    (("events:", "events: ["), 7, "此处缺少值"),
    (("GMD-2512-0031", "GMD\x1b[31m-0031"), 7, "含不可打印的控制字符 U+001B"),
])
def test_a_mistyped_facts_file_is_explained_in_chinese_at_its_line(tmp_path, capsys, change,
                                                                   line, meaning):
    """A clerk's typing slip in 高米店's 第 2 期 file: what is wrong, in Chinese, on the line it
    is on (PyYAML's English kept after it); a control character is named, never printed raw."""
    folder = tmp_path / "facts"
    shutil.copytree(EXAMPLES / "gaomidian-2025", folder)
    target = folder / "period-02.yaml"
    old, new = change
    target.write_text(target.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    code, _, error = run_cli(capsys, "settle", "gaomidian-2025", str(folder), "--period", "2",
                             "--out", str(tmp_path / "out"))
    assert code == 2
    assert f"period-02.yaml:{line}: YAML 格式错误：" in error
    assert meaning in error
    assert "\x1b" not in error
    assert not (tmp_path / "out").exists()
