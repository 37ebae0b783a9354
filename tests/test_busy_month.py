"""A month of any size settles: 10,000 work orders give a JSON that lists each event once and a
PDF a clerk can read — counts and amounts on the statement, every work-order ref in the
扣款明细 of the 附件：计算依据, which flows across pages — and one line of 300 long refs lays out too."""
from __future__ import annotations

import json
import random
import re
import shutil
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import EXAMPLES
from pypdf import PdfReader

from compliance.app import cli
from compliance.engine.outcome import TRACE_KEY
from compliance.views.statement import traces

MIX = (("response_missed", 30), ("dispatch_timeout", 30), ("callback_missed", 25),
       ("zero_point_order", 10), ("complaint", 4), ("false_record", 1))
"""A busy 高米店 month: mostly the 1,000-yuan failures of 4.6.4, a tenth 0-point orders."""
UNIT = {"zero_point_order": Decimal("5000"), "response_missed": Decimal("1000"),
        "dispatch_timeout": Decimal("1000"), "callback_missed": Decimal("1000"),
        "false_record": Decimal("3000")}
"""高米店 4.6.1, 4.6.4 and 4.6.6, per occurrence, as the contract's text says."""
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
EVENTS = 10_000


def long_ref(rng: random.Random, number: int) -> str:
    """A 60-character work-order ref with no space to break at."""
    return f"GMD-2512-{number:05d}-" + "".join(rng.choice(ALPHABET) for _ in range(45))


def write_month(folder: Path, events: list[dict]) -> None:
    """高米店's example facts, with month 2 replaced by ``events``."""
    folder.mkdir(parents=True)
    for path in sorted((EXAMPLES / "gaomidian-2025").glob("*.yaml")):
        shutil.copy(path, folder / path.name)
    lines = ["contract: gaomidian-2025", "period: 2", "rating: 良好", "events:"]
    lines += ["  - {" + ", ".join(f"{key}: {json.dumps(value, ensure_ascii=False)}"
                                   if key in ("ref", "note") else f"{key}: {value}"
                                   for key, value in event.items()) + "}" for event in events]
    (folder / "period-02.yaml").write_text("\n".join(lines) + "\n", "utf-8")


def busy_events(count: int, seed: int = 2512) -> list[dict]:
    rng = random.Random(seed)
    kinds = [kind for kind, weight in MIX for _ in range(weight)]
    start = date(2025, 11, 28)
    events = []
    for number in range(count):
        event = {"type": rng.choice(kinds), "date": start + timedelta(days=rng.randrange(30)),
                 "ref": long_ref(rng, number)}
        if event["type"] == "dispatch_timeout" and rng.random() < 0.1:
            event["count"] = 2
        events.append(event)
    events.append({"type": "advance_payment", "date": date(2025, 12, 3), "amount": "1234.56",
                   "ref": "DF-2512-01"})
    events.append({"type": "obligation_delay", "date": date(2025, 12, 20), "days": 1})
    return events


def settle(folder: Path, out: Path) -> tuple[dict, Path]:
    assert cli.main(["settle", "gaomidian-2025", str(folder), "--period", "2", "--out", str(out)]) == 0
    stem = out / "gaomidian-2025" / "period-02"
    return json.loads(stem.with_suffix(".json").read_text("utf-8")), stem.with_suffix(".pdf")


def pages(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def annex_text(texts: list[str]) -> str:
    """The annex of a statement's PDF, wrapped cells joined again (a ref has no spaces)."""
    start = annex_start(texts)
    return "".join("".join(text.split()) for text in texts[start:])


def annex_start(texts) -> int:
    return next(n for n, text in enumerate(texts) if "扣款明细\n正文扣款表" in text)


class Pdf:
    """A long PDF read quickly: a page's text only when asked for, and the Latin strings
    each page draws. ``pypdf`` needs ~40 ms a page to extract text; the annex of a
    10,000-event month has hundreds of pages, so its refs are read from the strings the
    pages draw (the bundled font's subset keeps ASCII as ASCII; a test of a short PDF below
    extracts the text in full)."""

    def __init__(self, path: Path) -> None:
        self.reader = PdfReader(path)

    def __len__(self) -> int:
        return len(self.reader.pages)

    def text(self, number: int) -> str:
        return self.reader.pages[number].extract_text()

    def drawn(self, number: int) -> str:
        """The literal strings page ``number`` draws, joined: a ref wrapped over two lines
        of its cell is drawn as two consecutive strings."""
        data = self.reader.pages[number].get_contents().get_data()
        return b"".join(re.findall(rb"\(((?:[^()\\]|\\.)*)\) Tj", data)).decode("latin-1")


@pytest.fixture(scope="module")
def busy(tmp_path_factory):
    """The busy month's generated events, and its statement settled to JSON and PDF."""
    root = tmp_path_factory.mktemp("busy")
    events = busy_events(EVENTS)
    write_month(root / "facts", events)
    statement, pdf = settle(root / "facts", root / "out")
    return events, statement, pdf


def test_a_month_of_ten_thousand_events_settles_to_json_and_pdf(busy):
    events, statement, pdf = busy
    assert pdf.read_bytes().startswith(b"%PDF")
    counted = Counter()
    for event in events:
        counted[event["type"]] += event.get("count", 1)
    lines = {line["type"]: line for line in statement["deductions"] if line["type"] in UNIT}
    for kind, unit in UNIT.items():
        line = lines[kind]
        assert Decimal(line["quantity"]) == counted[kind], kind
        assert Decimal(line["unit_amount"]) == unit
        assert Decimal(line["amount"]) == counted[kind] * unit
    for line in statement["deductions"]:
        assert Decimal(line["quantity"]) * Decimal(line["unit_amount"]) == Decimal(line["amount"])
    total = sum((Decimal(line["amount"]) for line in statement["deductions"]), Decimal("0"))
    assert f"{total:.2f}" == statement["deductions_total"]


def test_the_json_lists_each_event_once_and_every_trace_cites_it_by_id(busy):
    events, statement, _ = busy
    listed = statement["events"]
    assert [event["id"] for event in listed] == [f"E{n}" for n in range(1, len(listed) + 1)]
    sources = [event["source"] for event in listed if "source" in event]
    assert len(sources) == len(set(sources))                      # each event once
    month = [event for event in listed if event.get("source", "").startswith("period-02.yaml:")]
    assert len(month) == len(events)                              # and every one of the month
    lines = [int(event["source"].split(":")[1]) for event in month]
    assert lines == sorted(lines)                                 # in source order
    refs = {event["ref"] for event in events if "ref" in event}
    assert refs <= {event.get("ref") for event in listed}
    ids = {event["id"] for event in listed}
    cited = [fact for trace in traces(statement) for fact in trace["facts"]]
    assert cited and all(isinstance(fact, str) and fact in ids for fact in cited)
    assert ids == set(cited)                                      # nothing listed for nothing
    zero = next(line for line in statement["deductions"] if line["type"] == "zero_point_order")
    by_id = {event["id"]: event for event in listed}
    assert sorted(by_id[i]["ref"] for i in zero[TRACE_KEY]["facts"]) == sorted(zero["refs"])


def test_the_pdf_body_is_short_and_every_ref_is_in_the_flowing_annex(busy):
    events, statement, path = busy
    pdf = Pdf(path)
    texts = []
    while not texts or "扣款明细\n正文扣款表" not in texts[-1]:
        texts.append(pdf.text(len(texts)))
    body = next(n for n, text in enumerate(texts) if "附件：计算依据" in text)
    assert body <= 4                                              # the statement itself
    front = "".join(texts[:body])
    zero = next(line for line in statement["deductions"] if line["type"] == "zero_point_order")
    assert f"0分工单 {zero['quantity']} 件 × 5,000.00 元" in front
    assert zero["refs"][0] not in "".join(front.split())          # refs are in the annex
    start = len(texts) - 1
    rows = sum(len(line[TRACE_KEY]["facts"]) for line in statement["deductions"])
    assert f"共{rows}条" in "".join(texts[start].split())
    annex = "".join(pdf.drawn(n) for n in range(start, len(pdf)))
    missing = [event["ref"] for event in events if "ref" in event and event["ref"] not in annex]
    assert missing == []
    for number in (start, start + 1, (start + len(pdf)) // 2, len(pdf) - 1):
        text = pdf.text(number)                                   # the header on every page
        assert "序号" in text and "来源（文件:行）" in text and "工单号" in text, number
    assert str(rows) in pdf.text(len(pdf) - 1).split()            # the last row is the last fact


def test_one_line_of_300_long_refs_renders_and_the_same_facts_give_the_same_bytes(tmp_path):
    rng = random.Random(300)
    events = [{"type": "zero_point_order", "date": date(2025, 12, 1) + timedelta(days=n % 27),
               "ref": long_ref(rng, n)} for n in range(300)]
    write_month(tmp_path / "facts", events)
    statement, pdf = settle(tmp_path / "facts", tmp_path / "a")
    line = next(line for line in statement["deductions"] if line["clause"] == "4.6.1")
    assert (line["quantity"], line["amount"]) == ("300", "1500000.00")
    annex = annex_text(pages(pdf))
    assert [event["ref"] for event in events if event["ref"] not in annex] == []
    _, again = settle(tmp_path / "facts", tmp_path / "b")
    assert again.read_bytes() == pdf.read_bytes()
    assert again.with_suffix(".json").read_bytes() == pdf.with_suffix(".json").read_bytes()


def test_a_ref_longer_than_a_page_continues_on_the_rows_below(tmp_path):
    rng = random.Random(5000)
    ref = "GMD-2512-" + "".join(rng.choice(ALPHABET) for _ in range(5000))
    write_month(tmp_path / "facts", [{"type": "zero_point_order", "date": date(2025, 12, 2), "ref": ref}])
    statement, pdf = settle(tmp_path / "facts", tmp_path / "out")
    assert statement["deductions_total"] == "5000.00"
    annex = annex_text(pages(pdf))
    # what the reader passes on the way: the row's other cells, and on a new page its footer,
    # the draft's watermark and the repeated header
    for passed in (r"1period-02\.yaml:5", r"结算单草稿（未出具，未编号）第\d+页共\d+页", "草稿",
                   r"序号行条款类型日期工单号数量/金额来源（文件:行）"):
        annex = re.sub(passed, "", annex)
    assert ref in annex
