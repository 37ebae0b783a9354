"""Benchmark: one process settling statements without end, as ``compliance serve`` does.

Settles 城北's month 12 and tranche 2 and 高米店's cycle 1 over and over in one process and
reports the resident memory (max RSS) after a warm-up and at the end, and the time per
statement. durable-rules holds at most 1,024 session states per contract; before states
were reused (``engine/rete.py``) the 1,025th settlement of a contract raised MemoryError.
Run:  .venv/bin/python benchmarks/bench_long_running.py [--statements 10000]
Not a test: memory and speed are measured here, never asserted.
"""
from __future__ import annotations

import argparse
import resource
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from compliance.engine.loading import load_contract  # noqa: E402
from compliance.model.facts import load_facts  # noqa: E402
from compliance.model.workdays import calendar  # noqa: E402
from compliance.views.statement import cycle_statement, period_statement, tranche_statement  # noqa: E402


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--statements", type=int, default=10000)
    args = parser.parse_args()
    chengbei = load_contract(ROOT / "contracts" / "chengbei-2025.yaml")
    gaomidian = load_contract(ROOT / "contracts" / "gaomidian-2025.yaml")
    books = {c.contract.id: load_facts(ROOT / "examples" / c.contract.id, c) for c in (chengbei, gaomidian)}
    work = [lambda: period_statement(chengbei, books["chengbei-2025"], 12),
            lambda: tranche_statement(chengbei, books["chengbei-2025"], 2, date(2026, 9, 1), calendar()),
            lambda: cycle_statement(gaomidian, books["gaomidian-2025"], 1)]
    first = [settle() for settle in work]
    for n in range(300):
        work[n % len(work)]()
    warm = rss_mib()
    start = time.perf_counter()
    for n in range(args.statements):
        result = work[n % len(work)]()
        assert result == first[n % len(work)], n
    elapsed = time.perf_counter() - start
    print(f"statements settled in one process   {args.statements}")
    print(f"max RSS after 300 warm-up statements  {warm:.1f} MiB")
    print(f"max RSS at the end                    {rss_mib():.1f} MiB (growth {rss_mib() - warm:.1f} MiB)")
    print(f"mean time per statement               {elapsed / args.statements * 1000:.1f} ms")


if __name__ == "__main__":
    main()
