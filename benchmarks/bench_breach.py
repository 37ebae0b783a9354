"""Benchmark: a generated busy 规自委朝阳分局 year and a full 酒仙桥 delivery plan.

For ghzrzw-chaoyang-2023, every month gets staffing shortfalls, rectification demands,
other breaches and absences; the benchmark times the 12 period statements (counters
over the term), both tranche statements (every month's deductions allocated) and a
termination statement. For jiuxianqiao-2025 it times the 12 period statements with
every deliverable delivered (progress of 13 quotas each month).
Run:  .venv/bin/python benchmarks/bench_breach.py [--events-per-month 60]
Not a test: speed is measured here, never asserted.
"""
from __future__ import annotations

import argparse
import random
import resource
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from compliance.engine.loading import load_contract  # noqa: E402
from compliance.model.facts import load_facts  # noqa: E402
from compliance.engine.kinds import deliverable_quota  # noqa: E402
from compliance.model.periods import all_periods, period_holding  # noqa: E402
from compliance.views.statement import period_statement, tranche_statement  # noqa: E402
from compliance.views.termination import termination_statement  # noqa: E402
from compliance.model.workdays import calendar  # noqa: E402

KINDS = ["staff_shortfall", "quality_nonconformity", "rectification_demanded",
         "rectification_failed", "other_breach", "replacement_overdue"]
EXTRA = {"staff_shortfall": ", staff: 1, days: 2", "replacement_overdue": ", days: 1"}


def _write(folder: Path, contract_id: str, index: int, events: list[str]) -> None:
    body = "\n".join([f"contract: {contract_id}", f"period: {index}", "events:", *events]) + "\n"
    (folder / f"period-{index:02d}.yaml").write_text(body, "utf-8")


def busy_staffing_year(folder: Path, contract, per_month: int, seed: int) -> None:
    rng = random.Random(seed)
    for period in all_periods(contract):
        days = (period.end - period.start).days + 1
        events = []
        for n in range(per_month):
            day = date.fromordinal(period.start.toordinal() + rng.randrange(days))
            kind = rng.choice(KINDS)
            events.append(f"  - {{type: {kind}, date: {day}{EXTRA.get(kind, '')}, ref: G-{period.index:02d}-{n:04d}}}")
        _write(folder, contract.id, period.index, events)


def full_delivery_plan(folder: Path, loaded) -> None:
    by_period: dict[int, list[str]] = {p.index: [] for p in all_periods(loaded.contract)}
    for rule in loaded.rules:
        if rule.kind == "deliverable_quota":
            for slot in deliverable_quota.slots(rule, [], loaded.contract.term.end):
                index = period_holding(loaded.contract, slot.deadline).index
                by_period[index].append(f"  - {{type: deliverable_delivered, date: {slot.deadline}, "
                                        f"deliverable: {rule.params.deliverable}}}")
    for index, events in by_period.items():
        _write(folder, loaded.contract.id, index, events)


def _timed(action) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events-per-month", type=int, default=60)
    parser.add_argument("--seed", type=int, default=2023)
    args = parser.parse_args()
    work_calendar = calendar()
    staffing = load_contract(ROOT / "contracts" / "ghzrzw-chaoyang-2023.yaml")
    plan = load_contract(ROOT / "contracts" / "jiuxianqiao-2025.yaml")
    with tempfile.TemporaryDirectory() as first, tempfile.TemporaryDirectory() as second:
        busy_staffing_year(Path(first), staffing.contract, args.events_per_month, args.seed)
        full_delivery_plan(Path(second), plan)
        book = load_facts(Path(first), staffing)
        plan_book = load_facts(Path(second), plan)
        periods = [_timed(lambda n=n: period_statement(staffing, book, n)) for n in range(1, 13)]
        tranches = [_timed(lambda n=n: tranche_statement(staffing, book, n, date(2024, 6, 1), work_calendar))
                    for n in (1, 2)]
        ended = _timed(lambda: termination_statement(staffing, book, "6.1", date(2024, 3, 31), None,
                                                     work_calendar))
        plans = [_timed(lambda n=n: period_statement(plan, plan_book, n)) for n in range(1, 13)]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"规自委 {args.events_per_month} events/month: period statement median "
          f"{statistics.median(periods):.1f} ms (max {max(periods):.1f})")
    print(f"规自委 tranche statement (12 months allocated): {min(tranches):.1f}–{max(tranches):.1f} ms")
    print(f"规自委 termination statement: {ended:.1f} ms")
    print(f"酒仙桥 13 quotas fully delivered: period statement median {statistics.median(plans):.1f} ms "
          f"(max {max(plans):.1f})")
    print(f"peak memory (max RSS): {peak:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
