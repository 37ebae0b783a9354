"""The quick ways of issue 13 give what the plain ways give: a scope's traces joined from each
month's lists, refs sorted as bytes, each fact of a statement listed once by file and line,
and the ``compliance`` program ending without the interpreter's teardown."""
from __future__ import annotations

import json
import subprocess
import sys

from conftest import CONTRACTS, EXAMPLES, ROOT

from compliance.engine.loading import load_contract
from compliance.engine.outcome import TRACE_KEY
from compliance.engine.tally import Tally, _in_text_order
from compliance.model.facts import load_facts
from compliance.model.periods import period
from compliance.views.statement import with_events


def test_a_scope_lists_the_traces_of_its_events_in_the_order_they_were_written(write_facts):
    """Month 1 records a timeout, then a missed callback; month 2 a missed callback, a 0-point
    order, then a timeout. Over the payment cycle (months 1–3), timeouts and missed callbacks
    together are, in file and line order: period-01 line 4 (timeout), line 7 (callback),
    period-02 line 4 (callback), line 10 (timeout): the types interleaved as written, not
    grouped by type. Timeouts alone in month 2: line 10 only."""
    def event(kind: str, day: str, ref: str) -> dict:
        return {"type": kind, "date": day, "ref": ref}

    write_facts("gaomidian-2025", 1, [event("dispatch_timeout", "2025-11-03", "T-1"),
                                      event("callback_missed", "2025-11-04", "C-1")])
    folder = write_facts("gaomidian-2025", 2, [event("callback_missed", "2025-12-01", "C-2"),
                                               event("zero_point_order", "2025-12-02", "Z-2"),
                                               event("dispatch_timeout", "2025-12-03", "T-2")])
    loaded = load_contract(CONTRACTS / "gaomidian-2025.yaml")
    month = period(loaded.contract, 2)
    tally = Tally(loaded.contract, load_facts(folder, loaded).events_through(2), month, month.end)

    both = tally.traces_in_scope(("dispatch_timeout", "callback_missed"), "cycle")
    assert [(fact["source"], fact["type"], fact["ref"]) for fact in both] == [
        ("period-01.yaml:4", "dispatch_timeout", "T-1"), ("period-01.yaml:7", "callback_missed", "C-1"),
        ("period-02.yaml:4", "callback_missed", "C-2"), ("period-02.yaml:10", "dispatch_timeout", "T-2")]
    assert both == tally.traces(tally.in_scope(("dispatch_timeout", "callback_missed"), "cycle"))
    alone = tally.traces_in_scope(("dispatch_timeout",), "period")
    assert [fact["source"] for fact in alone] == ["period-02.yaml:10"]
    assert tally.traces_in_scope(("dispatch_timeout",), "period") is alone  # made once
    assert tally.refs(("dispatch_timeout", "callback_missed")) == ["C-2", "T-2"]


def test_refs_are_in_the_order_of_their_characters_whatever_the_script():
    """Character by character, as ``sorted`` orders text: A-10 before A-2, capitals before small
    letters, Latin before 工 (U+5DE5), and 工单-乙 (U+4E59) before 工单-甲 (U+7532). A ref
    holding a lone surrogate (no UTF-8 for it) is still ordered, after the text it extends."""
    refs = ["工单-甲", "b-1", "A-2", "工单-乙", "A-10"]
    assert _in_text_order(refs) == ["A-10", "A-2", "b-1", "工单-乙", "工单-甲"] == sorted(refs)
    assert _in_text_order(["b", "a\udc80", "a"]) == ["a", "a\udc80", "b"]


def test_each_fact_is_listed_once_by_file_and_line_whoever_cites_it():
    """Two deduction lines share one list of facts: a complaint on line 12 and one on line 3 of
    period-02.yaml, and a 0-point order on line 9 of period-01.yaml. A flag cites the month's
    rating (read from no line), a copy of the line-3 complaint (another dict, the same
    content) and an id written before. Listed by file, then line as a number (3 before 12),
    then what no file holds: E1 line 9 of period-01, E2 line 3, E3 line 12, E4 the rating. The
    lines cite E3, E2, E1; the flag E4, E2 (the copy is the same fact) and E9 as it was."""
    late = {"type": "complaint", "source": "period-02.yaml:12"}
    early = {"type": "complaint", "source": "period-02.yaml:3"}
    first_month = {"type": "zero_point_order", "source": "period-01.yaml:9"}
    rating = {"t": "rating", "period": 2, "tier": "良好"}
    shared = [late, early, first_month]
    statement = {"deductions": [{TRACE_KEY: {"facts": shared}}, {TRACE_KEY: {"facts": shared}}],
                 "flags": [{"refs": ["R-1", "R-2"], TRACE_KEY: {"facts": [rating, dict(early), "E9"]}}]}

    listed = with_events(statement)

    assert listed["events"] == [{"id": "E1", **first_month}, {"id": "E2", **early},
                                {"id": "E3", **late}, {"id": "E4", **rating}]
    assert [line[TRACE_KEY]["facts"] for line in listed["deductions"]] == [["E3", "E2", "E1"]] * 2
    assert listed["flags"][0][TRACE_KEY]["facts"] == ["E4", "E2", "E9"]
    assert shared == [late, early, first_month]  # the engine's own list is not touched


def test_the_program_ends_with_its_files_written_and_its_output_whole(tmp_path):
    """``compliance settle … --json`` into a pipe ends the process as soon as the command is
    done (no interpreter teardown), yet what it printed is all there: the JSON on stdout is the
    JSON file written, byte for byte, the PDF is beside it, and the status is 0. A refusal
    still ends with status 2 and its Chinese message."""
    command = [sys.executable, "-m", "compliance.app.program", "settle", "gaomidian-2025",
               str(EXAMPLES / "gaomidian-2025"), "--period", "2", "--json", "--out", str(tmp_path)]
    done = subprocess.run(command, capture_output=True, cwd=ROOT)
    written = tmp_path / "gaomidian-2025"
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout == (written / "period-02.json").read_bytes()
    assert json.loads(done.stdout)["period"]["index"] == 2
    assert (written / "period-02.pdf").read_bytes().startswith(b"%PDF")
    assert done.stderr.decode().count("已写出") == 2

    refused = subprocess.run(command[:5] + [str(tmp_path / "无此目录")] + command[6:],
                             capture_output=True, cwd=ROOT)
    assert refused.returncode == 2
    assert "找不到事实目录" in refused.stderr.decode()
