"""Every clause accounted for: in the YAML, verbatim from the signed text, and exercised.

* each contract's signed text is in the repository (contracts/texts/<id>.txt, its ``seed``),
  with personal data redacted as 〔…〕 and otherwise identical to the signed original;
* each article and numbered sub-clause of the seed appears in the contract YAML;
* each YAML clause text is a verbatim excerpt of the seed (whitespace aside; 〔…〕 marks
  an omission such as bank details);
* each clause that moves money, sets a date or gives a right has a scenario tagged
  @clause-<id> in features/<contract>.feature (and the suite runs those scenarios);
* each tag names a clause that exists, so a typo does not count as coverage.
"""
from __future__ import annotations

import json
import re
from html import escape

import pytest
from conftest import CONTRACTS, FEATURES, SHARED_SEEDS, TEXTS, run_cli

from compliance.engine.loading import load_contract
from compliance.legal.coverage import ScenarioRun, contract_coverage
from compliance.model.numbering import TAG_ID

CONTRACT_FILES = sorted(CONTRACTS.glob("*.yaml"))
CN_NUMBERS = "一二三四五六七八九十"


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _article_number(numeral: str) -> int:
    if numeral == "十":
        return 10
    if numeral.startswith("十"):
        return 10 + CN_NUMBERS.index(numeral[1]) + 1
    return CN_NUMBERS.index(numeral) + 1


def seed_clause_ids(text: str) -> set[str]:
    """Clause numbers that start a line of the signed text: articles (第N条, or 五、), dotted
    numbers (4.6.1), Chinese sections under an article (五(一)), attachments (附件2) and the
    headings inside them (附件2.三), where numbering starts again."""
    ids: set[str] = set()
    article = attachment = None
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if match := re.match(r"^附件\s*(\d*)[：:]", line):
            attachment, article = f"附件{match.group(1)}", None
            ids.add(attachment)
        elif match := re.match(rf"^([{CN_NUMBERS}]+)、", line):
            article = match.group(1)
            ids.add(f"{attachment}.{article}" if attachment else article)
        elif attachment:
            continue
        elif match := re.match(r"^第([一二三四五六七八九十]+)条", line):
            ids.add(str(_article_number(match.group(1))))
        elif match := re.match(r"^(\d+(?:\.\d+)+)", line):
            ids.add(match.group(1))
        elif article and (match := re.match(rf"^(?:- )?[（(]([{CN_NUMBERS}]+)[)）]", line)):
            ids.add(f"{article}({match.group(1)})")
    return ids


def _tags(contract_id: str) -> set[str]:
    feature = FEATURES / f"{contract_id}.feature"
    return set(re.findall(rf"@clause-({TAG_ID})", feature.read_text("utf-8"))) if feature.exists() else set()


@pytest.fixture(params=CONTRACT_FILES, ids=lambda path: path.stem)
def loaded(request):
    return load_contract(request.param)


@pytest.fixture
def seed_text(loaded) -> str:
    """The signed text (personal data redacted), in the repository beside the contract."""
    return (loaded.path.parent / loaded.contract.seed).read_text("utf-8")


REDACTED = "〔…〕"
TEXT_FILES = sorted(TEXTS.glob("*.txt"))
_USCC = re.compile(r"(?<![0-9A-Z])[0-9A-HJ-NPQRTUWXY]{18}(?![0-9A-Z])")
"""A unified social credit code (纳税人识别号) of a company or an office: public, kept."""
_LABELLED_PERSON = re.compile(
    r"(联系人|法定代表人|负责人|授权代表|委托人|经办人|签名|签字|签章)[^：:\n]{0,12}[：:](?P<value>.*)$")
PERSONAL = {
    "mobile number": re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)"),
    "account number or bank code": re.compile(r"(?<!\d)\d{9,}(?!\d)"),
    "spaced account number": re.compile(r"(?<!\d)\d{3,4}(?:[ -]\d{3,4}){3,}(?!\d)"),
    "phone number": re.compile(r"(?<!\d)(?:\(\+?86-\d{2,3}\)|0\d{2,3}-)\s*\d{7,8}(?!\d)"
                               r"|(?:电话|联系方式|手机|传真).*?(?<!\d)\d{7,8}(?!\d)"),
    "e-mail address": re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
}


def personal_data(text: str) -> list[str]:
    """What a signed text must not hold (contracts/texts/README.md): "line N: kind" per finding."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        if "识别号" in line or "信用代码" in line:
            line = _USCC.sub("", line)
        found += [f"line {number}: {kind}" for kind, pattern in PERSONAL.items() if pattern.search(line)]
        if (match := _LABELLED_PERSON.search(line)) and re.sub(
                r"[\s【】（）()，,、：:]", "", match.group("value").replace(REDACTED, "")):
            found.append(f"line {number}: name after {match.group(1)}")
    return found


def test_every_contract_names_its_text_in_the_repository(loaded):
    assert loaded.contract.seed == f"texts/{loaded.contract.id}.txt"
    assert (loaded.path.parent / loaded.contract.seed).is_file()


def test_every_text_belongs_to_a_contract():
    assert {path.stem for path in TEXT_FILES} == {path.stem for path in CONTRACT_FILES}


@pytest.mark.parametrize("path", TEXT_FILES, ids=lambda path: path.stem)
def test_the_signed_texts_hold_no_personal_data(path):
    found = personal_data(path.read_text("utf-8"))
    assert not found, f"{path.name}: replace with {REDACTED} (contracts/texts/README.md): {found}"


def test_no_clause_text_quotes_redacted_data(loaded):
    found = {clause.id: personal_data(clause.text) for clause in loaded.contract.clauses}
    assert not {k: v for k, v in found.items() if v}, f"write {REDACTED} in these clause texts: {found}"


def _original_of(text: str):
    """The unredacted original beside the clone whose title (first non-blank line) is the text's."""
    title = next((line for line in text.splitlines() if line.strip()), None)
    for seed in sorted(SHARED_SEEDS.glob("*.txt")):
        original = seed.read_text("utf-8")
        if next((line for line in original.splitlines() if line.strip()), None) == title:
            return seed, original
    return None, None


@pytest.mark.parametrize("path", TEXT_FILES, ids=lambda path: path.stem)
def test_the_signed_texts_differ_from_the_originals_only_where_redacted(path):
    """Line for line the original, except that each 〔…〕 stands for something (never nothing)."""
    if not SHARED_SEEDS.is_dir():
        pytest.skip(f"no unredacted originals beside this clone ({SHARED_SEEDS} is absent)")
    text = path.read_text("utf-8")
    seed, original = _original_of(text)
    if seed is None:
        pytest.skip(f"no original in {SHARED_SEEDS} has the title of {path.name}")
    ours, theirs = text.split("\n"), original.split("\n")
    assert len(ours) == len(theirs), f"{path.name} has {len(ours)} lines, {seed.name} {len(theirs)}"
    differing = [number for number, (line, signed) in enumerate(zip(ours, theirs), 1)
                 if not re.fullmatch(".+?".join(map(re.escape, line.split(REDACTED))), signed)]
    assert not differing, f"{path.name} differs from {seed.name} outside {REDACTED} at lines {differing}"


def test_the_personal_data_scanner():
    assert personal_data("联系人：张三\n电话：13912345678\n账号：6222020200112233445\n"
                         "银行代码：104100004177\n账号：110 952 630 510 601\n"
                         "联系方式：010-68915728\n联系人及联系电话：【某某，(86-10) 53896000】\n"
                         "地址、电话：北京市海淀区某路 6 号，68160593\n邮箱【someone@example.com】\n"
                         "法定代表人或授权代表(签名): 李四") == [
        "line 1: name after 联系人", "line 2: mobile number", "line 2: account number or bank code",
        "line 3: account number or bank code", "line 4: account number or bank code",
        "line 5: spaced account number", "line 6: phone number", "line 7: phone number",
        "line 7: name after 联系人", "line 8: phone number", "line 9: e-mail address",
        "line 10: name after 法定代表人"]
    assert personal_data("联系人：〔…〕\n电话：〔…〕\n联系人及联系电话：【〔…〕】\n法定代表人：\n"
                         "统一社会信用代码：91110108078528585H\n纳税人识别号：111101080000583680\n"
                         "合同价款总额为人民币 1,924,530 元，2,664,000 元；1596000 元\n"
                         "法定代表人/负责人或经办人（签章）：\n双方法定代表人或授权代表签字并盖章\n"
                         "做到12345系统值守7*24小时运转\n2023 5 22") == []


def test_every_numbered_clause_of_the_seed_is_encoded(loaded, seed_text):
    seed = seed_text
    encoded = {clause.id for clause in loaded.contract.clauses}
    missing = seed_clause_ids(seed) - encoded
    assert not missing, f"clauses in the signed text but not in the YAML: {sorted(missing)}"


def test_every_clause_text_is_verbatim_from_the_seed(loaded, seed_text):
    seed = _squash(seed_text)
    reworded = [clause.id for clause in loaded.contract.clauses
                if not all(_squash(piece) in seed for piece in clause.text.split("〔…〕"))]
    assert not reworded, f"clause texts that are not verbatim excerpts of the seed: {reworded}"


def test_every_money_date_or_right_clause_has_a_tagged_scenario(loaded):
    needed = {c.id for c in loaded.contract.clauses if c.effect in ("money", "date", "right")}
    uncovered = needed - _tags(loaded.contract.id)
    assert not uncovered, f"clauses with no @clause- scenario: {sorted(uncovered)}"


def test_every_tag_names_an_existing_clause(loaded):
    unknown = _tags(loaded.contract.id) - {clause.id for clause in loaded.contract.clauses}
    assert not unknown, f"tags naming no clause of {loaded.contract.id}: {sorted(unknown)}"


def test_the_seed_scanner_finds_articles_and_sub_clauses():
    ids = seed_clause_ids("第十一条 附则\n11.1 本合同\n## 第二条 x\n#### 2.2.4 提供\n1. 巡查")
    assert ids == {"11", "11.1", "2", "2.2.4"}
    chinese = seed_clause_ids("五、 违约责任\n（一）工作延期\n1. 因乙方\n- (二) 甲方\n"
                              "附件 2：《项目计划书》\n一、项目背景\n（一）不是条款")
    assert chinese == {"五", "五(一)", "五(二)", "附件2", "附件2.一"}


def test_the_coverage_command_runs_the_scenarios_and_finds_every_clause_covered(tmp_path, capsys):
    """`compliance coverage` end to end: it runs the features with pytest-bdd, and every
    money/date/right clause of every contract has a passing scenario; the HTML report holds
    the verbatim text and the interpretation of each clause."""
    code, out, err = run_cli(capsys, "coverage", "--json", "--out", str(tmp_path))
    report = json.loads(out)
    assert code == 0, [r["summary_text"] for r in report["contracts"]]
    by_id = {r["contract"]: r for r in report["contracts"]}
    assert set(by_id) == {path.stem for path in CONTRACT_FILES}
    gaomidian = by_id["gaomidian-2025"]
    assert gaomidian["summary_text"] == "高米店：共 76 条，涉及金钱、期限或权利 21 条，已覆盖 21 条，未通过 0 条"
    clause = next(c for c in gaomidian["clauses"] if c["id"] == "4.6.1")
    assert clause["status"] == "covered" and clause["scenarios"]
    assert clause["encoding"][0]["kind"] == "per_occurrence"
    assert clause["encoding"][0]["params"]["unit_amount"] == "5000"
    page = (tmp_path / "coverage.html").read_text("utf-8")
    assert "4.6.1 工单：每出现1次0分工单，甲方有权扣除乙方服务费5000元。" in page
    assert escape(by_id["chengbei-2025"]["summary_text"]) in page
    assert f"已写出 {tmp_path / 'coverage.html'}" in err


def _run(tags, passed=True):
    return ScenarioRun("gaomidian-2025.feature", "场景", 1, tuple(tags), passed)


def test_coverage_counts_a_failing_scenario_and_never_a_typo():
    loaded = load_contract(CONTRACTS / "gaomidian-2025.yaml")
    needed = [c.id for c in loaded.contract.clauses if c.effect in ("money", "date", "right")]
    runs = [_run([f"clause-{cid}"]) for cid in needed if cid != "4.6.1"]
    runs += [_run(["clause-4.6.1", "clause-4.6.99"], passed=False), _run(["clause-6.2"], passed=False)]
    report = contract_coverage(loaded, runs)
    status = {c["id"]: c["status"] for c in report["clauses"]}
    assert status["4.6.1"] == "failing" and status["6.2"] == "failing"
    assert report["unknown_tags"] == [{"tag": "@clause-4.6.99", "scenario": "场景"}]
    assert not report["complete"]
    assert report["summary_text"] == ("高米店：共 76 条，涉及金钱、期限或权利 21 条，已覆盖 19 条，"
                                      "未通过 2 条，1 个标签不指向任何条款")
    untested = contract_coverage(loaded, [])
    assert untested["summary"]["uncovered"] == 21 and not untested["complete"]
