"""Benchmark: ``compliance import`` of a 1,000,000-row export against DuckDB's own read and
group-by of the same file (issue 17: goal ≤ 2×).

  export   a synthetic 高米店 export of month 4 (``synthetic_export.py``: title rows, blank
           lines, full-width digits, totals row, note), UTF-8, 1,000,000 work orders of the
           month plus 1,000 of another street and 1,000 of other months; 1,000 0-point orders,
           20,000 dispatch timeouts, 500 unanswered calls, 2,000 missed callbacks.
  duckdb   a fresh ``python`` reading the file with DuckDB (``read_csv``, every column as text,
           title rows skipped), keeping the street's rows and grouping them by day: rows,
           distinct 工单编号, and the rows meeting each of the mapping's four conditions.
  import   a fresh ``compliance import gaomidian-2025 FILE --period 4 --facts DIR`` into an
           empty folder: the facts file and the record of imported rows written.

Runs are paired (A, B, A, B …); the ratio is of the medians of wall time, the CPU seconds
(user and system, every thread) beside them, since the machine is shared: the load average
over the runs is printed too. The import's events are checked against the plan (the counts of
each type), and its peak memory (maximum resident set) is reported beside the file's size. GBK
is measured apart: transcoding is work DuckDB's reader cannot do here (its encodings are a
downloadable extension).

Run:  .venv/bin/python benchmarks/bench_import.py [--rows N] [--runs K] [--gbk]
Not a test: speed is measured and judged against the goal here, never asserted.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic_export  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
COMPLIANCE = str(Path(PYTHON).with_name("compliance"))
BASELINE = """
import sys, duckdb
rows = duckdb.connect().execute(
    "select substr(受理时间, 1, 10) as day, count(*), count(*) filter (where 考核得分 = '0'),"
    " count(*) filter (where try_cast(派单时长（分钟） as integer) > 30),"
    " count(*) filter (where 响应情况 = '未响应'), count(*) filter (where 回访情况 = '遗漏'),"
    " count(distinct 工单编号)"
    " from read_csv(?, skip = 2, header = true, all_varchar = true, null_padding = true)"
    " where 工单编号 is not null and 所属街道 = '高米店街道' group by day order by day",
    [sys.argv[1]]).fetchall()
print(len(rows), sum(row[1] for row in rows))
"""


def plan(rows: int) -> synthetic_export.Plan:
    return synthetic_export.Plan(rows, zero=rows // 1000, timeouts=rows // 50, unanswered=rows // 2000,
                                 missed_callbacks=rows // 500, other_street=rows // 1000,
                                 other_months=rows // 1000)


def timed(command: list[str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system, all threads) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return seconds, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def imported(export: Path, work: Path, run: int) -> tuple[tuple[float, float], Path]:
    facts = work / f"facts-{run}"
    seconds = timed([COMPLIANCE, "import", "gaomidian-2025", str(export), "--period", "4",
                     "--facts", str(facts)])
    return seconds, facts / "period-04.yaml"


def check(facts_file: Path, expected: synthetic_export.Plan) -> None:
    """The events imported are the ones planned, type by type."""
    import yaml

    counts: dict[str, int] = {}
    for event in yaml.safe_load(facts_file.read_text("utf-8"))["events"]:
        counts[event["type"]] = counts.get(event["type"], 0) + event.get("count", 1)
    wanted = {"zero_point_order": expected.zero, "dispatch_timeout": expected.timeouts,
              "response_missed": expected.unanswered, "callback_missed": expected.missed_callbacks}
    assert counts == {k: v for k, v in wanted.items() if v}, (counts, wanted)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--gbk", action="store_true", help="另测 GBK 编码的同一导出文件")
    args = parser.parse_args()
    expected = plan(args.rows)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        export = synthetic_export.write_csv(
            synthetic_export.export_rows("gaomidian-2025", 4, expected), work / "export.csv", "utf-8")
        print(f"export: {args.rows:,} 行，{export.stat().st_size / 2**20:.0f} MiB（UTF-8）")
        duck, ours, loads = [], [], [os.getloadavg()[0]]
        for run in range(args.runs):
            duck.append(timed([PYTHON, "-c", BASELINE, str(export)]))
            seconds, facts_file = imported(export, work, run)
            ours.append(seconds)
            check(facts_file, expected)
            loads.append(os.getloadavg()[0])
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        ratio = _median(ours, 0) / _median(duck, 0)
        print(f"duckdb read + group by  {_median(duck, 0):.2f} s，CPU {_median(duck, 1):.2f} s"
              f"（中位数，{args.runs} 次）")
        print(f"compliance import       {_median(ours, 0):.2f} s，CPU {_median(ours, 1):.2f} s"
              f"（中位数，{args.runs} 次）")
        print(f"ratio {ratio:.1f}×（目标 ≤ 2×）{'达到' if ratio <= 2 else '未达到'}；CPU 之比 "
              f"{_median(ours, 1) / _median(duck, 1):.1f}×；子进程峰值内存 {peak:.0f} MiB；"
              f"负载（1 分钟平均）{min(loads):.1f}–{max(loads):.1f}")
        if args.gbk:
            gbk = synthetic_export.write_csv(
                synthetic_export.export_rows("gaomidian-2025", 4, expected), work / "gbk.csv", "gbk")
            (seconds, cpu), facts_file = imported(gbk, work, args.runs)
            check(facts_file, expected)
            print(f"compliance import (GBK) {seconds:.2f} s，CPU {cpu:.2f} s")


def _median(runs: list[tuple[float, float]], which: int) -> float:
    """The median of the runs' wall (0) or CPU (1) seconds."""
    return statistics.median(run[which] for run in runs)


if __name__ == "__main__":
    main()
