"""`compliance new`'s draft encoding (legal/scaffold.py), from a signed text.

For each bundled contract the draft built from its text alone has every clause the finished
encoding has, in the same numbering, each clause text a verbatim excerpt of the signed text;
its header says what the finished one says wherever the text states it; and what it leaves
open fails to load on exactly those lines, so ``compliance lint`` lists what is left.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from conftest import CONTRACTS, TEXTS
from test_clause_coverage import REDACTED, personal_data, seed_clause_ids

from compliance.engine.loading import load_contract
from compliance.errors import UserError
from compliance.legal.scaffold import PLACEHOLDER, scaffold, scan
from compliance.model import sourceyaml
from compliance.model.numbering import CLAUSE_ID

TEXT_FILES = sorted(TEXTS.glob("*.txt"))


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(params=TEXT_FILES, ids=lambda path: path.stem)
def drafted(request, tmp_path):
    """(the bundled encoding, the draft's YAML document, the draft's file)."""
    text_path = request.param
    draft = tmp_path / f"{text_path.stem}.yaml"
    draft.write_text(scaffold(text_path, text_path.stem), "utf-8")
    return load_contract(CONTRACTS / f"{text_path.stem}.yaml"), sourceyaml.load(draft), draft


def test_the_draft_has_every_clause_of_the_finished_encoding_in_reading_order(drafted):
    bundled, document, _ = drafted
    encoded = [clause.id for clause in bundled.contract.clauses]
    ids = [clause["id"] for clause in document["clauses"]]
    assert [i for i in ids if i in encoded] == encoded
    assert len(ids) == len(set(ids)) and all(re.match(CLAUSE_ID, i) for i in ids)


def test_the_draft_has_every_numbered_clause_the_coverage_gate_looks_for(drafted):
    bundled, document, _ = drafted
    seed = (bundled.path.parent / bundled.contract.seed).read_text("utf-8")
    assert seed_clause_ids(seed) <= {clause["id"] for clause in document["clauses"]}


def test_each_clause_text_is_verbatim_from_the_signed_text(drafted):
    bundled, document, _ = drafted
    seed = (bundled.path.parent / bundled.contract.seed).read_text("utf-8")
    lines = {line.strip().lstrip("#").strip() for line in seed.splitlines()}
    for clause in document["clauses"]:
        assert all(_squash(piece) in _squash(seed) for piece in clause["text"].split(REDACTED))
        assert set(clause["text"].split("\n")) <= lines, clause["id"]  # whole lines, as written
        assert not personal_data(clause["text"]), clause["id"]


def test_the_draft_is_yaml_with_the_schema_modeline_and_literal_texts(drafted):
    _, _, draft = drafted
    source = draft.read_text("utf-8")
    assert source.startswith("# yaml-language-server: $schema=../docs/schema/contract.schema.json\n")
    assert isinstance(yaml.safe_load(source), dict)
    assert source.count("  text: |-\n") == source.count("\n- id: ")


def test_the_header_says_what_the_finished_encoding_says_where_the_text_states_it(drafted):
    bundled, document, _ = drafted
    contract = bundled.contract
    assert document["id"] == contract.id and document["seed"] == contract.seed
    assert document["title"] == contract.title
    assert document["parties"] == {"buyer": contract.parties.buyer, "vendor": contract.parties.vendor}
    assert document["term"] == {"start": contract.term.start, "end": contract.term.end,
                                "clause": contract.term.clause}
    assert Decimal(str(document["total_price"]["amount"])) == contract.total_price.amount
    assert document["total_price"]["clause"] == contract.total_price.clause
    assert document["signed"] in (contract.signed, PLACEHOLDER)  # 城北, 酒仙桥 write no date
    assert document["short_name"] in (contract.short_name, None)  # 规自委朝阳 is no 街道
    assert document["event_types"] == {}
    assert all(clause["rules"] == [] for clause in document["clauses"])


def test_what_is_left_to_fill_in_fails_to_load_on_its_own_line(drafted):
    """``compliance lint`` reports the draft as unloadable, naming every 待填写 line."""
    _, document, draft = drafted
    lines = draft.read_text("utf-8").splitlines()
    with pytest.raises(UserError) as refused:
        load_contract(draft)
    named = [int(n) for n in re.findall(rf"{re.escape(str(draft))}:(\d+):", str(refused.value))]
    left = [n for n, line in enumerate(lines, 1) if re.search(rf": (?:{PLACEHOLDER}|null)  #", line)]
    assert named and sorted(named) == left
    open_effects = [c for c in document["clauses"] if c["effect"] == PLACEHOLDER]
    assert str(refused.value).count(f"effect: 不是可用的值：'{PLACEHOLDER}'") == len(open_effects)


def test_once_filled_in_the_draft_loads(drafted):
    """Nothing but the placeholders stands between the draft and a contract that loads: every
    bare heading is already informational, and the header's figures make a valid contract."""
    bundled, _, draft = drafted
    source = draft.read_text("utf-8").replace(
        f"effect: {PLACEHOLDER}", "effect: informational\n  reason: 测试")
    source = re.sub(rf"^signed: {PLACEHOLDER}.*$", f"signed: {bundled.contract.signed}", source, flags=re.M)
    source = re.sub(r"^short_name: null.*$", "short_name: 测试", source, flags=re.M)
    draft.write_text(source, "utf-8")
    loaded = load_contract(draft)
    headings = [c for c in loaded.contract.clauses if c.reason and c.reason != "测试"]
    assert headings and all(c.effect == "informational" for c in headings)


MIXED = """\
# 某某服务合同
甲方：北京市东城区东华门街道办事处（以下简称甲方）
乙方：北京某某科技有限公司
签订日期：2025年1月1日

第1条 总则
1.1 服务期限：自 2025 年 1 月 1 日起至 2025 年 12 月 31 日止。
1.2 合同价款总额为人民币 120,000 元（大写：壹拾贰万元整）。
## 第二条 服务内容
1、乙方提供热线值守服务。
第一条约定的期限内不得中断。
2、乙方提供数据分析服务：
(1) 每月一次；
（2）每季度一次。
第三条 违约责任
3.1 乙方有下列情形之一的，甲方有权解除合同：
1. 逾期三日以上；
2) 不是条款：前面没有 1)
2. 缺员。
2025.1.1 不是条款
第四条 其他
- 本合同一式两份。
- 自签字盖章之日起生效。
（以下无正文）
甲方（盖章）：
一、 签章页上的文字不是条款
附件 1：《服务清单》
一、热线
（一）附件中的（一）不是条款
1. 值守
2. 回访
二、分析
"""

CHINESE = """\
某某咨询服务协议
甲方：北京市昌平区某某镇人民政府
乙方：某某公司

一、 总则
（一）期限
1. 项目期限：2025 年 6 月 1 日起至 2026 年 5 月 31 日止。
 - 1) 甲方可延长；
 - 2) 乙方可顺延。
(二) 价款
- 本项目协议价款总金额为人民币 50000 元。
- 分两次付清。
一、 重复的编号不是条款
三、 其他（缺了“二、”的原文，其后的条仍然读出）
"""


def _draft(tmp_path: Path, text: str, name: str = "mixed-2025") -> dict:
    path = tmp_path / f"{name}.txt"
    path.write_text(text, "utf-8")
    return yaml.safe_load(scaffold(path, None))


def test_mixed_numbering_gives_the_ids_a_lawyer_would_cite(tmp_path):
    document = _draft(tmp_path, MIXED)
    assert [c["id"] for c in document["clauses"]] == [
        "1", "1.1", "1.2", "2", "2.1", "2.2", "2.2(1)", "2.2(2)", "3", "3.1", "3.1(1)", "3.1(2)",
        "4", "4(1)", "4(2)", "附件1", "附件1.一", "附件1.一(1)", "附件1.一(2)", "附件1.二"]
    texts = {c["id"]: c["text"] for c in document["clauses"]}
    assert texts["3.1(1)"] == "1. 逾期三日以上；\n2) 不是条款：前面没有 1)"
    assert texts["3.1(2)"] == "2. 缺员。\n2025.1.1 不是条款"
    assert texts["4(2)"] == "- 自签字盖章之日起生效。"  # the signature page is no clause's text
    assert texts["2"] == "第二条 服务内容" and texts["附件1.一"].endswith("（一）附件中的（一）不是条款")
    assert texts["2.1"] == "1、乙方提供热线值守服务。\n第一条约定的期限内不得中断。"  # a reference, not 第一条
    titles = {c["id"]: c["title"] for c in document["clauses"]}
    assert (titles["1"], titles["1.1"], titles["附件1"]) == ("总则", "服务期限", "服务清单")
    effects = {c["id"]: c["effect"] for c in document["clauses"]}
    assert effects["1"] == effects["2"] == effects["附件1"] == "informational"  # bare headings
    assert effects["3"] == "informational" and effects["3.1"] == effects["2.2"] == PLACEHOLDER
    assert (document["signed"], document["term"]) == (
        date(2025, 1, 1), {"start": date(2025, 1, 1), "end": date(2025, 12, 31), "clause": "1.1"})
    assert document["total_price"] == {"amount": 120000, "clause": "1.2"}
    assert document["parties"] == {"buyer": "北京市东城区东华门街道办事处", "vendor": "北京某某科技有限公司"}
    assert (document["title"], document["short_name"], document["seed"]) == (
        "某某服务合同", "东华门", "texts/mixed-2025.txt")


def test_chinese_numbering_sections_items_and_unnumbered_list_items(tmp_path):
    document = _draft(tmp_path, CHINESE, "chinese-2025")
    assert [c["id"] for c in document["clauses"]] == [
        "一", "一(一)", "一(一)1", "一(一)1(1)", "一(一)1(2)", "一(二)", "一(二)1", "一(二)2", "三"]
    assert document["clauses"][-2]["text"] == "- 分两次付清。\n一、 重复的编号不是条款"
    assert document["term"] == {"start": date(2025, 6, 1), "end": date(2026, 5, 31), "clause": "一(一)1"}
    assert document["total_price"] == {"amount": 50000, "clause": "一(二)1"}
    assert (document["signed"], document["short_name"]) == (PLACEHOLDER, "某某")


def test_scan_reads_the_bundled_texts_clause_for_clause():
    """The scanner alone, on 城北 (Chinese, lists, attachments) and 规自委朝阳 (1、 items)."""
    chengbei = scan((TEXTS / "chengbei-2025.txt").read_text("utf-8"))
    by_id = {clause.id: clause for clause in chengbei}
    assert by_id["六(三)2(1)"].text == "- 1) 双方确认在协议发生争议时其有效的通知送达地址为本协议明示的通讯地址。"
    assert by_id["六(六)"].text.endswith("签字并盖章当日起生效。")  # (以下无正文) ends it
    assert by_id["附件1"].text.splitlines()[-1].startswith("总价")
    ghzrzw = {c.id: c for c in scan((TEXTS / "ghzrzw-chaoyang-2023.txt").read_text("utf-8"))}
    assert ghzrzw["10.2"].text == "2、本合同附件与本合同具有同等法律效力。"  # not the signature block


def test_a_draft_is_refused_with_a_reason(tmp_path):
    with pytest.raises(UserError, match="小写字母"):
        scaffold(TEXTS / "gaomidian-2025.txt", "高米店")
    latin1 = tmp_path / "x-2025.txt"
    latin1.write_bytes("第一条 总则".encode("gb18030"))
    with pytest.raises(UserError, match="UTF-8"):
        scaffold(latin1, None)
    blank = tmp_path / "y-2025.txt"
    blank.write_text("甲方：某某\n没有编号的文字\n", "utf-8")
    with pytest.raises(UserError, match="没有找到条款编号"):
        scaffold(blank, None)
    with pytest.raises(UserError, match="读不到原文"):
        scaffold(tmp_path / "absent.txt", None)


def test_what_is_no_numeral_stays_text():
    clauses = scan("一、 总则\n一二、 不是编号\n十十、 也不是\n第一百条 超出\n二、 其他\n十一、 跳号的条\n二十三、 再跳")
    assert [c.id for c in clauses] == ["一", "二", "十一", "二十三"]
    assert clauses[0].text == "一、 总则\n一二、 不是编号\n十十、 也不是\n第一百条 超出"


def test_compliance_new_writes_the_draft_once_and_never_overwrites(tmp_path, capsys):
    from conftest import run_cli

    target = tmp_path / "demo-2025.yaml"
    text = str(TEXTS / "gaomidian-2025.txt")
    code, out, err = run_cli(capsys, "new", text, "--id", "demo-2025", "--out", str(target))
    assert code == 0 and f"已写出 {target}" in out
    assert "contracts/texts/demo-2025.txt" in err          # where the text must be copied
    draft = target.read_text("utf-8")
    assert "id: demo-2025" in draft and "effect: 待填写" in draft
    code, _, err = run_cli(capsys, "new", text, "--id", "demo-2025", "--out", str(target))
    assert code == 2 and "文件已存在，不覆盖" in err
    assert target.read_text("utf-8") == draft
