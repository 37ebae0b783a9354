"""Benchmark: settle a generated busy year of 高米店 (hundreds of events a month).

Settles all 12 periods and 4 payment cycles, each statement with and without its
PDF, and reports the median time per statement and the peak memory of the process.
Run:  .venv/bin/python benchmarks/bench_settlement.py [--events-per-month 400]
Not a test: speed is measured here, never asserted.
"""
from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from compliance.render import pdf  # noqa: E402
from compliance.engine.loading import load_contract  # noqa: E402
from compliance.model.facts import load_facts  # noqa: E402
from compliance.render.output import statement_json  # noqa: E402
from compliance.model.periods import all_periods, cycle_count  # noqa: E402
from compliance.views.statement import cycle_statement, period_statement  # noqa: E402

COUNTED = ["zero_point_order", "complaint", "response_missed", "dispatch_timeout",
           "callback_missed", "false_record"]


def generate_year(folder: Path, contract, events_per_month: int, seed: int) -> None:
    """One facts file per month, each with ``events_per_month`` events spread over the month."""
    rng = random.Random(seed)
    for period in all_periods(contract):
        days = (period.end - period.start).days + 1
        lines = [f"contract: {contract.id}", f"period: {period.index}",
                 f"rating: {rng.choice(['优秀', '良好', '待提升'])}", "events:"]
        for n in range(events_per_month):
            day = period.start.toordinal() + rng.randrange(days)
            date = type(period.start).fromordinal(day).isoformat()
            kind = rng.choice(COUNTED)
            lines.append(f"  - {{type: {kind}, date: {date}, ref: \"B-{period.index:02d}-{n:04d}\"}}")
        lines.append(f"  - {{type: advance_payment, date: {period.start}, amount: 1234.56}}")
        lines.append(f"  - {{type: obligation_delay, date: {period.end}, days: {rng.randint(1, 3)}}}")
        (folder / f"period-{period.index:02d}.yaml").write_text("\n".join(lines) + "\n", "utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events-per-month", type=int, default=400)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()

    loaded = load_contract(ROOT / "contracts" / "gaomidian-2025.yaml")
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        generate_year(folder, loaded.contract, args.events_per_month, args.seed)
        started = time.perf_counter()
        book = load_facts(folder, loaded)
        load_seconds = time.perf_counter() - started

        spans = [(period_statement, p.index) for p in all_periods(loaded.contract)]
        spans += [(cycle_statement, k) for k in range(1, cycle_count(loaded.contract) + 1)]
        timings: dict[str, list[float]] = {"json": [], "json+pdf": []}
        for build, index in spans:
            started = time.perf_counter()
            statement_json(build(loaded, book, index))
            timings["json"].append(time.perf_counter() - started)
            started = time.perf_counter()
            statement = build(loaded, book, index)
            statement_json(statement)
            pdf.render(statement, loaded.contract)
            timings["json+pdf"].append(time.perf_counter() - started)

    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"busy year: 12 periods × {args.events_per_month + 2} events, {len(spans)} statements "
          f"(12 periods + 4 cycles); loading and validating the facts: {load_seconds * 1000:.0f} ms")
    for label, values in timings.items():
        print(f"  median per statement, {label:8}: {statistics.median(values) * 1000:7.1f} ms"
              f"  (max {max(values) * 1000:.1f} ms)")
    print(f"  peak memory (max RSS): {peak_mib:.0f} MiB  on Python {sys.version.split()[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
