"""The statement JSON lists each fact once, under ``events``, and every trace — on lines, flags,
payment conditions, in months, cycles and tranches — names its facts by id; ``compliance
explain`` and the PDF resolve them, and ``compliance diff`` still reads a statement kept from
the earlier layout."""
from __future__ import annotations

import json
from datetime import date

from conftest import CONTRACTS, EXAMPLES, run_cli

from compliance.engine.loading import load_contract
from compliance.engine.outcome import TRACE_KEY
from compliance.model.facts import load_facts
from compliance.model.workdays import calendar
from compliance.views.statement import (SCHEMA, cycle_statement, events_by_id, period_statement, traces,
                                        trace_facts, tranche_statement)


def assert_each_fact_once(statement: dict) -> None:
    """Ids E1, E2 … once each, every trace citing only ids the statement lists, and no fact
    written twice."""
    events = statement["events"]
    assert statement["schema"] == SCHEMA == "compliance.statement/3"
    assert [event["id"] for event in events] == [f"E{n}" for n in range(1, len(events) + 1)]
    bare = [json.dumps({k: v for k, v in event.items() if k != "id"}, sort_keys=True,
                       ensure_ascii=False) for event in events]
    assert len(bare) == len(set(bare))
    cited = {fact for trace in traces(statement) for fact in trace["facts"]}
    assert cited == {event["id"] for event in events}


def test_a_month_cites_its_facts_by_id_and_flags_reach_back_to_earlier_months():
    loaded = load_contract(CONTRACTS / "gaomidian-2025.yaml")
    statement = period_statement(loaded, load_facts(EXAMPLES / "gaomidian-2025", loaded), 3)
    assert_each_fact_once(statement)
    assert statement["events"][0] == {"id": "E1", "type": "dispatch_timeout", "date": "2025-11-14",
                                      "count": 2, "source": "period-01.yaml:8"}
    suspension = next(flag for flag in statement["flags"] if flag["kind"] == "payment_suspension")
    events = events_by_id(statement)
    assert [fact["source"] for fact in trace_facts(suspension[TRACE_KEY], events)] == [
        "period-01.yaml:8", "period-02.yaml:9", "period-03.yaml:7"]
    recovery, surcharge = [line for line in statement["deductions"] if line["clause"] == "5.7"]
    assert recovery[TRACE_KEY]["facts"] == surcharge[TRACE_KEY]["facts"]   # one event, two lines
    assert recovery["refs"] == ["DF-2601-01"]


def test_a_cycle_and_a_tranche_list_each_fact_once():
    loaded = load_contract(CONTRACTS / "gaomidian-2025.yaml")
    cycle = cycle_statement(loaded, load_facts(EXAMPLES / "gaomidian-2025", loaded), 1)
    assert_each_fact_once(cycle)
    assert len([e for e in cycle["events"] if e.get("source") == "period-01.yaml:8"]) == 1
    loaded = load_contract(CONTRACTS / "chengbei-2025.yaml")
    tranche = tranche_statement(loaded, load_facts(EXAMPLES / "chengbei-2025", loaded), 2,
                                date(2026, 8, 1), calendar())
    assert_each_fact_once(tranche)
    events = events_by_id(tranche)
    check = trace_facts(tranche["checks"][0][TRACE_KEY], events)
    assert {fact.get("type") for fact in check} >= {"invoice_received"}
    interest = trace_facts(tranche["owed_by_buyer_lines"][0][TRACE_KEY], events)
    assert interest[0]["tranche"]["label"] == "尾款"                      # a derived fact, by id too


def test_explain_resolves_the_ids_against_the_events(capsys):
    code, out, _ = run_cli(capsys, "explain", "gaomidian-2025", str(EXAMPLES / "gaomidian-2025"),
                           "--period", "3", "--clause", "4.6.4")
    assert code == 0
    assert "[E3] 热线未响应 2026-01-09 单号 GMD-2601-0088  ← period-03.yaml:7" in out
    assert "[E1] 派单超时 2025-11-14 × 2  ← period-01.yaml:8" in out      # the flag's facts
    assert "事件表" not in out                                            # every id resolved


def test_a_statement_of_the_earlier_layout_is_still_compared(tmp_path, capsys):
    """A /2 statement kept by hand (facts written out in every trace, no ``events``) is read by
    ``compliance diff``; one of a layout this version does not know is refused in Chinese."""
    run_cli(capsys, "settle", "gaomidian-2025", str(EXAMPLES / "gaomidian-2025"), "--period", "2",
            "--out", str(tmp_path))
    path = tmp_path / "gaomidian-2025" / "period-02.json"
    statement = json.loads(path.read_text("utf-8"))
    del statement["seal_sha256"]  # statements were sealed after /3
    events = {event.pop("id"): event for event in statement.pop("events")}
    for trace in traces(statement):
        trace["facts"] = [events[fact] for fact in trace["facts"]]
    zero = next(line for line in statement["deductions"] if line["clause"] == "4.6.1")
    zero.update(quantity="1", amount="5000.00", refs=zero["refs"][:1])
    old = tmp_path / "old.json"
    old.write_text(json.dumps({**statement, "schema": "compliance.statement/2"}, ensure_ascii=False), "utf-8")
    code, out, err = run_cli(capsys, "diff", str(old), str(path))
    assert code == 0, err
    assert "4.6.1  zero_point_order  5,000.00  10,000.00  +5,000.00" in out
    older = tmp_path / "older.json"
    older.write_text(json.dumps({**statement, "schema": "compliance.statement/1"}), "utf-8")
    code, _, err = run_cli(capsys, "diff", str(older), str(path))
    assert code == 2
    assert "不是本版本能读取的结算单" in err and "compliance.statement/2" in err
