"""Benchmark: the speed targets of the issue, each measured as a ratio (or a bound) side by side.

  cold        a fresh ``compliance settle gaomidian-2025 examples/gaomidian-2025 --period 2``
              (JSON and PDF written) against a fresh bare ``python -c "import durable.lang,
              pydantic, yaml, pendulum, reportlab"``: runs paired A, B, A, B …, ratio of the
              medians; target ≤ 3×.
  evaluation  settling a generated 高米店 month of 10,000 events (``period_statement``, facts
              already loaded) against a hand-coded Decimal settlement of the same facts
              (``hand_ledger.settle_month``), which must agree on deductions_total and net;
              paired runs, ratio of the medians; target ≤ 10×.
  ledger      ``compliance ledger gaomidian-2025 DIR --json --as-of 2026-03-01`` on 3 generated
              months of 1,500 events against ``python benchmarks/hand_ledger.py DIR``, both fresh
              processes (start-up included), both checked to agree on every month's and the
              total deductions; paired runs, ratio of the medians; target ≤ 4×.
  load        ``load_facts`` of a folder with one 100,000-event month; target ≤ 3 s.
  serve       ``compliance serve --facts-root examples`` (with ``--workers N`` when the command
              offers it) under a mix of pages, signed in as an 经办 account made in a temporary
              register (``signed_in``; every page checked to answer 200, not a redirect to the
              sign-in form): requests/s of 8 concurrent clients against 1 client, target
              ≥ 1.6×; then 10,000 requests with the resident memory of the server's process
              tree read from /proc after warm-up and at the end, target: flat (growth ≤ 10 %).
  all         every one of the above, then a summary.

Events are generated with a seeded random (same facts every run) in a temporary folder that is
removed afterwards: a realistic mix of the contract's event types, long work-order refs
(40–60 characters), a few counts above 1, notes, amounts in fen.
Run:  .venv/bin/python benchmarks/bench_ratios.py all [--quick]
      .venv/bin/python benchmarks/bench_ratios.py cold|evaluation|ledger|load|serve [--quick]
Not a test: speed is measured and judged against the targets here, never asserted; only the
agreement of the engine and the hand-coded settlement is asserted.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

import hand_ledger  # noqa: E402
from signed_in import account_in, session_cookie  # noqa: E402

PYTHON = Path(sys.executable)
COMPLIANCE = PYTHON.parent / "compliance"
CONTRACT = ROOT / "contracts" / "gaomidian-2025.yaml"
CONTRACT_ID = "gaomidian-2025"
BARE_IMPORT = "import durable.lang, pydantic, yaml, pendulum, reportlab"

# ── generated facts ──────────────────────────────────────────────────────────────────────────

WEIGHTS = {  # per 10,000 events: mostly the counted failures of 4.6, a few larger facts
    "zero_point_order": 1500, "complaint": 900, "response_missed": 2000, "dispatch_timeout": 2600,
    "callback_missed": 2000, "false_record": 700, "advance_payment": 80, "loss_compensation": 80,
    "obligation_delay": 20, "invoice_invalid": 10, "instruction_refused": 5,
    "unauthorized_subcontract": 5,
}
CODES = {"zero_point_order": "LFGD", "complaint": "TSJB", "response_missed": "WXY",
         "dispatch_timeout": "PDCS", "callback_missed": "HFYL", "false_record": "XJJL",
         "advance_payment": "XXDF", "loss_compensation": "SSPC", "obligation_delay": "YQLX",
         "invoice_invalid": "FPBH", "instruction_refused": "BATZ", "unauthorized_subcontract": "ZFB",
         "uncured_breach": "TZWL", "contract_terminated": "JCHT"}
TAILS = ["", "", "-市民热线工单", "-网格巡查上报事项", "-接诉即办复核-区级", "-扬言紧急诉求", "-A1", "-回访录音抽查"]
NOTES = ["日常案件超过30分钟派单", "回访遗漏，已补回访", "市民不满意，0分", "抽查巡查台账发现补记",
         "系统值守日志缺记", "乙方人员工伤，甲方先行垫付医药费"]
COUNTED = ("zero_point_order", "complaint", "response_missed", "dispatch_timeout",
           "callback_missed", "false_record")


def month_events(period, count: int, rng: random.Random, *, breach: bool = False) -> list[dict]:
    """``count`` events spread over the contract month, the mix of ``WEIGHTS``; with ``breach``,
    one notice left uncured (6.2) and the termination it leads to (6.5, waived: not twice)."""
    days = (period.end - period.start).days + 1
    kinds = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()), k=count)
    if breach:
        kinds[-2:] = ["uncured_breach", "contract_terminated"]
    events = []
    for n, kind in enumerate(kinds):
        day = period.start + timedelta(days=rng.randrange(days))
        event: dict = {"type": kind, "date": day}
        ref = (f"BJ12345-DX-GMD-{day:%Y%m%d}-{CODES[kind]}-{period.index:02d}{n:06d}-"
               f"{rng.getrandbits(32):08x}{rng.choice(TAILS)}")
        if kind == "obligation_delay":
            event["days"] = rng.randint(1, 3)
        elif kind in ("advance_payment", "loss_compensation"):
            event["amount"] = Decimal(rng.randrange(5_000, 2_000_000)).scaleb(-2)
            event["ref"] = ref
        else:
            event["ref"] = ref
            if kind in COUNTED and rng.random() < 0.05:
                event["count"] = rng.randint(2, 3)
        if rng.random() < 0.1:
            event["note"] = rng.choice(NOTES)
        events.append(event)
    return events


def write_month(folder: Path, period, rating: str, events: list[dict]) -> None:
    lines = [f"# 生成的高米店第 {period.index} 期（{period.start} 至 {period.end}）",
             f"contract: {CONTRACT_ID}", f"period: {period.index}", f"rating: {rating}", "events:"]
    for event in events:
        parts = [f"{key}: {_yaml(value)}" for key, value in event.items()]
        lines.append("  - {" + ", ".join(parts) + "}")
    (folder / f"period-{period.index:02d}.yaml").write_text("\n".join(lines) + "\n", "utf-8")


def _yaml(value) -> str:
    if isinstance(value, str) and not value.isidentifier():
        return f'"{value}"'
    return str(value)


def generate(folder: Path, contract, sizes: dict[int, int], seed: int,
             breach_in: int | None = None) -> dict[int, list[dict]]:
    """One facts file per month in ``sizes`` (index → events); the events, as YAML reads them."""
    from compliance.model.periods import period as period_of

    rng = random.Random(seed)
    months = {}
    for index, count in sizes.items():
        period = period_of(contract, index)
        events = month_events(period, count, rng, breach=index == breach_in)
        write_month(folder, period, rng.choice(contract.ratings), events)
        months[index] = events
    return months


# ── measuring ────────────────────────────────────────────────────────────────────────────────


@dataclass
class Result:
    name: str
    passed: bool
    line: str


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def seconds(value: float) -> str:
    return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"


def paired(first, second, pairs: int) -> tuple[list[float], list[float]]:
    """Run ``first`` and ``second`` alternately ``pairs`` times; the seconds each took."""
    a, b = [], []
    for _ in range(pairs):
        for action, into in ((first, a), (second, b)):
            started = time.perf_counter()
            action()
            into.append(time.perf_counter() - started)
    return a, b


def run(command: list, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run([str(part) for part in command], cwd=ROOT, capture_output=True, **kwargs)
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(map(str, command))}\n"
                         + done.stderr.decode("utf-8", "replace")[-2000:])
    return done


def spread(values: list[float]) -> str:
    return f"min {min(values):.3f}, max {max(values):.3f}, n={len(values)}"


# ── 1. cold settle ───────────────────────────────────────────────────────────────────────────


def bench_cold(args) -> Result:
    pairs = args.pairs or (5 if args.quick else 11)
    with tempfile.TemporaryDirectory(prefix="bench-cold-") as out:
        settle = [COMPLIANCE, "settle", CONTRACT_ID, f"examples/{CONTRACT_ID}", "--period", "2",
                  "--out", out]
        bare = [PYTHON, "-c", BARE_IMPORT]
        # bytecode compiled once, as a non-editable install does (an editable install with
        # PYTHONDONTWRITEBYTECODE set would otherwise compile the package's sources every run)
        run([PYTHON, "-m", "compileall", "-q", str(ROOT / "src")])
        run(settle), run(bare)  # once each, untimed: the files in the OS cache, as on any 2nd run
        written = [Path(out) / CONTRACT_ID / f"period-02.{ext}" for ext in ("json", "pdf")]
        a, b = paired(lambda: run(settle), lambda: run(bare), pairs)
        assert all(path.stat().st_size > 0 for path in written), written
    ratio = statistics.median(a) / statistics.median(b)
    ok = ratio <= 3
    line = (f"cold settle: {seconds(statistics.median(a))} vs bare import "
            f"{seconds(statistics.median(b))} → {ratio:.1f}× (target ≤ 3×) {verdict(ok)}")
    print(line)
    print(f"  settle ({spread(a)}); bare import ({spread(b)}); {pairs} pairs, medians")
    print(f"  A: {COMPLIANCE.name} settle {CONTRACT_ID} examples/{CONTRACT_ID} --period 2 --out TMP")
    print(f"  B: {PYTHON.name} -c \"{BARE_IMPORT}\"")
    return Result("cold", ok, line)


# ── 2. evaluation of a 10,000-event month ────────────────────────────────────────────────────


def bench_evaluation(args) -> Result:
    from compliance.engine.evaluation import settle_period_outcome
    from compliance.engine.loading import load_contract
    from compliance.model.facts import load_facts
    from compliance.model.periods import period as period_of
    from compliance.views.statement import period_statement

    events = args.events or 10_000
    pairs = args.pairs or (3 if args.quick else 5)
    index = 2
    loaded = load_contract(CONTRACT)
    terms = hand_ledger.contract_terms(_plain_yaml(CONTRACT))
    with tempfile.TemporaryDirectory(prefix="bench-evaluation-") as temporary:
        folder = Path(temporary)
        generate(folder, loaded.contract, {1: 300, index: events}, args.seed, breach_in=index)
        book = load_facts(folder, loaded)
        months, _ = hand_ledger.read_months(folder)  # the same facts as plain YAML, loaded too
        assert sum(len(f.events) for f in book.files.values()) == sum(map(len, months.values()))

        # each timed run settles facts loaded afresh (loading not timed), as a new process
        # would: the evaluator remembers its last tally for the same facts objects
        fresh = [load_facts(folder, loaded) for _ in range(2 * pairs)]

        def engine():
            return period_statement(loaded, fresh.pop() if fresh else book, index)

        def by_hand():
            by_clause = hand_ledger.settle_month(terms, months, index)
            total = sum(by_clause.values(), Decimal("0"))
            return by_clause, total, terms["monthly_fee"] - total

        statement = engine()  # compiles the contract's rules once per process: not timed
        by_clause, total, net = by_hand()
        engine_by_clause: dict[str, Decimal] = {}
        for line in statement["deductions"]:
            clause = line["clause"]
            engine_by_clause[clause] = engine_by_clause.get(clause, Decimal("0")) + Decimal(line["amount"])
        assert statement["deductions_total"] == f"{total:.2f}", (statement["deductions_total"], total)
        assert statement["net"] == f"{net:.2f}", (statement["net"], net)
        assert engine_by_clause == by_clause, (engine_by_clause, by_clause)

        a, b = paired(engine, by_hand, pairs)
        low, _ = paired(lambda: settle_period_outcome(loaded, fresh.pop() if fresh else book,
                                                      period_of(loaded.contract, index)),
                        lambda: None, max(1, pairs - 2))
    ratio = statistics.median(a) / statistics.median(b)
    ok = ratio <= 10
    line = (f"evaluation ({events:,} events): period_statement {seconds(statistics.median(a))} vs "
            f"hand-coded {statistics.median(b) * 1000:.1f} ms → {ratio:,.0f}× (target ≤ 10×) "
            f"{verdict(ok)}")
    print(line)
    print(f"  both: deductions_total {statement['deductions_total']}, net {statement['net']} "
          f"({len(statement['deductions'])} lines over {len(by_clause)} clauses, agreed clause by clause)")
    print(f"  engine ({spread(a)}); hand-coded ({spread(b)}); {pairs} pairs, medians")
    print(f"  of which the rules alone (settle_period_outcome): {seconds(statistics.median(low))} "
          f"→ {statistics.median(low) / statistics.median(b):,.0f}× the hand-coded settlement")
    return Result("evaluation", ok, line)


def _plain_yaml(path: Path):
    import yaml

    return yaml.load(path.read_text("utf-8"), Loader=hand_ledger.LOADER)


# ── 3. ledger of 3 months, fresh processes ───────────────────────────────────────────────────


def bench_ledger(args) -> Result:
    from compliance.engine.loading import load_contract

    per_month = args.events or 1_500
    pairs = args.pairs or (3 if args.quick else 7)
    loaded = load_contract(CONTRACT)
    with tempfile.TemporaryDirectory(prefix="bench-ledger-") as temporary:
        folder = Path(temporary) / CONTRACT_ID
        folder.mkdir()
        generate(folder, loaded.contract, {1: per_month, 2: per_month, 3: per_month}, args.seed)
        engine = [COMPLIANCE, "ledger", CONTRACT_ID, folder, "--json", "--as-of", "2026-03-01"]
        by_hand = [PYTHON, ROOT / "benchmarks" / "hand_ledger.py", folder]
        outputs: dict[str, list[bytes]] = {"engine": [], "hand": []}
        a, b = paired(lambda: outputs["engine"].append(run(engine).stdout),
                      lambda: outputs["hand"].append(run(by_hand).stdout), pairs)
    for first, second in zip(outputs["engine"], outputs["hand"]):
        _same_ledger(json.loads(first), json.loads(second))
    ledger = json.loads(outputs["engine"][0])
    ratio = statistics.median(a) / statistics.median(b)
    ok = ratio <= 4
    line = (f"ledger (3 × {per_month:,} events): compliance ledger {seconds(statistics.median(a))} vs "
            f"hand_ledger.py {seconds(statistics.median(b))} → {ratio:.1f}× (target ≤ 4×) {verdict(ok)}")
    print(line)
    print(f"  both: deductions {ledger['totals']['deductions_total']} over 3 months "
          f"({', '.join(row['deductions_total'] for row in ledger['periods'])}), agreed month by "
          f"month and clause by clause in every run")
    print(f"  engine ({spread(a)}); hand-coded ({spread(b)}); {pairs} pairs, medians")
    print(f"  A: {COMPLIANCE.name} ledger {CONTRACT_ID} DIR --json --as-of 2026-03-01")
    print(f"  B: {PYTHON.name} benchmarks/hand_ledger.py DIR")
    return Result("ledger", ok, line)


def _same_ledger(engine: dict, hand: dict) -> None:
    rows = [(r["period"], r["gross"], r["deductions_total"], r["net"]) for r in engine["periods"]]
    expected = [(r["period"], r["gross"], r["deductions_total"], r["net"]) for r in hand["periods"]]
    assert rows == expected, (rows, expected)
    assert engine["totals"]["deductions_total"] == hand["totals"]["deductions_total"]
    assert engine["totals"]["gross"] == hand["totals"]["gross"]
    assert engine["deductions_by_clause"] == hand["deductions_by_clause"], (
        engine["deductions_by_clause"], hand["deductions_by_clause"])


# ── 4. loading a 100,000-event month ─────────────────────────────────────────────────────────


def bench_load(args) -> Result:
    from compliance.engine.loading import load_contract
    from compliance.model.facts import load_facts

    events = args.events or 100_000
    repeats = args.pairs or (1 if args.quick else 3)
    loaded = load_contract(CONTRACT)
    with tempfile.TemporaryDirectory(prefix="bench-load-") as temporary:
        folder = Path(temporary)
        generate(folder, loaded.contract, {2: events}, args.seed)
        size = sum(path.stat().st_size for path in folder.glob("*.yaml"))
        timings = []
        for _ in range(repeats):
            started = time.perf_counter()
            book = load_facts(folder, loaded)
            timings.append(time.perf_counter() - started)
            assert len(book.files[2].events) == events
            del book
    taken = statistics.median(timings)
    ok = taken <= 3
    line = (f"load ({events:,} events, {size / 2**20:.1f} MiB of YAML): load_facts {seconds(taken)} "
            f"= {events / taken:,.0f} events/s (target ≤ 3 s) {verdict(ok)}")
    print(line)
    print(f"  load_facts ({spread(timings)}), median")
    return Result("load", ok, line)


# ── 5. the web server under 1 and 8 clients ──────────────────────────────────────────────────

PAGES = ["/", f"/c/{CONTRACT_ID}", f"/c/{CONTRACT_ID}/period/2",
         f"/c/{CONTRACT_ID}/preview?period=2&add_zero_point_order=1", f"/c/{CONTRACT_ID}/period/3",
         "/c/chengbei-2025"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _tree_rss_kib(root: int) -> tuple[int, int]:
    """Resident memory (VmRSS, KiB) summed over ``root`` and its descendants; how many processes."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parents[int(entry)] = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier += children
    total = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/status") as status:
                total += next(int(row.split()[1]) for row in status if row.startswith("VmRSS:"))
        except (OSError, StopIteration):
            pass
    return total, len(tree)


def _clients(port: int, cookie: str, clients: int, requests: int, offset: int = 0) -> float:
    """``requests`` GETs cycling through ``PAGES`` with the session ``cookie``, shared by
    ``clients`` threads, each with its own keep-alive connection; the requests per second."""
    errors: list[str] = []

    def client(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            for n in range(number, requests, clients):
                path = PAGES[(n + offset) % len(PAGES)]
                connection.request("GET", path, headers={"Cookie": cookie})
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    errors.append(f"{path}: {response.status}")
        except Exception as error:  # noqa: BLE001 — reported below
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise SystemExit(f"serve: {len(errors)} requests failed, e.g. {errors[:3]}")
    return requests / elapsed


def _serve_help_has_workers() -> bool:
    return "--workers" in run([COMPLIANCE, "serve", "--help"]).stdout.decode()


def bench_serve(args) -> Result:
    rounds = args.pairs or (2 if args.quick else 3)
    batch = 120 if args.quick else 300
    long_run = args.requests or (2_000 if args.quick else 10_000)
    port = _free_port()
    command = [COMPLIANCE, "serve", "--facts-root", ROOT / "examples", "--port", str(port)]
    workers = None
    if _serve_help_has_workers():
        workers = args.workers or os.cpu_count() or 2
        command += ["--workers", str(workers)]
    with tempfile.TemporaryFile() as log, tempfile.TemporaryDirectory() as register:
        server = subprocess.Popen([str(part) for part in command], cwd=ROOT, stdout=log,
                                  stderr=subprocess.STDOUT, start_new_session=True,
                                  env=account_in(Path(register)))
        try:
            _wait_until_up(server, port, log)
            cookie = session_cookie(port)
            _clients(port, cookie, 8, 8 * len(PAGES) * 3)  # every page rendered by every worker at least once
            one, eight = [], []
            for n in range(rounds):  # paired: 1 client, 8 clients, 1, 8 …
                one.append(_clients(port, cookie, 1, batch, n))
                eight.append(_clients(port, cookie, 8, batch, n))
            warm_requests = 500
            _clients(port, cookie, 8, warm_requests)
            warm, processes = _tree_rss_kib(server.pid)
            started = time.perf_counter()
            peak = warm
            done = 0
            while done < long_run:
                step = min(1_000, long_run - done)
                _clients(port, cookie, 8, step, done)
                done += step
                peak = max(peak, _tree_rss_kib(server.pid)[0])
            long_seconds = time.perf_counter() - started
            end, _ = _tree_rss_kib(server.pid)
        finally:
            _stop(server)
    ratio = statistics.median(eight) / statistics.median(one)
    growth = (end - warm) / warm
    ok_ratio, ok_memory = ratio >= 1.6, growth <= 0.10
    line = (f"serve: 8 clients {statistics.median(eight):.1f} req/s vs 1 client "
            f"{statistics.median(one):.1f} req/s → {ratio:.2f}× (target ≥ 1.6×) {verdict(ok_ratio)}; "
            f"RSS {warm / 1024:.1f} → {end / 1024:.1f} MiB over {long_run:,} requests "
            f"({growth:+.1%}, target ≤ +10%) {verdict(ok_memory)}")
    print(line)
    print("  server: compliance serve --facts-root examples"
          + (f" --workers {workers}" if workers else " (no --workers option: one process)")
          + f"; {processes} process(es) in its tree; every request signed in (session cookie)")
    print(f"  pages, in turn: {', '.join(PAGES)}")
    print(f"  1 client: {', '.join(f'{v:.1f}' for v in one)} req/s; 8 clients: "
          f"{', '.join(f'{v:.1f}' for v in eight)} req/s "
          f"({rounds} paired rounds of {batch} requests, medians)")
    print(f"  long run: {long_run:,} requests with 8 clients in {long_seconds:.0f} s "
          f"({long_run / long_seconds:.1f} req/s); RSS summed over the process tree after "
          f"{warm_requests} warm-up requests {warm / 1024:.1f} MiB, peak {peak / 1024:.1f} MiB, "
          f"end {end / 1024:.1f} MiB")
    return Result("serve", ok_ratio and ok_memory, line)


def _wait_until_up(server: subprocess.Popen, port: int, log) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log.seek(0)
            raise SystemExit(f"serve: the server exited ({server.returncode}):\n"
                             + log.read().decode("utf-8", "replace")[-2000:])
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/login")
            if connection.getresponse().status == 200:
                connection.close()
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("serve: the server did not answer within 60 s")


def _stop(server: subprocess.Popen) -> None:
    """Stop the server this benchmark started (its own session: workers go with it)."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


# ── main ─────────────────────────────────────────────────────────────────────────────────────

BENCHES = {"cold": bench_cold, "evaluation": bench_evaluation, "ledger": bench_ledger,
           "load": bench_load, "serve": bench_serve}


def _load_average() -> str:
    """The 1-minute load average: above the CPU count, other work shares the machine."""
    return f"{os.getloadavg()[0]:.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("which", choices=[*BENCHES, "all"])
    parser.add_argument("--quick", action="store_true", help="fewer pairs and requests (a few minutes)")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--pairs", type=int, default=None,
                        help="paired runs (rounds for serve, repeats for load) instead of the default")
    parser.add_argument("--events", type=int, default=None,
                        help="events in the generated month (evaluation 10,000; ledger 1,500 a "
                             "month; load 100,000)")
    parser.add_argument("--requests", type=int, default=None,
                        help="requests in serve's long run (default 10,000; --quick 2,000)")
    parser.add_argument("--workers", type=int, default=None,
                        help="serve: --workers N, when compliance serve offers it (default: CPUs)")
    args = parser.parse_args()
    names = list(BENCHES) if args.which == "all" else [args.which]
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {_load_average()} "
          f"before, seed {args.seed}" + (", quick" if args.quick else ""))
    results = []
    started = time.perf_counter()
    for name in names:
        results.append(BENCHES[name](args))
        sys.stdout.flush()
    if len(results) > 1:
        print(f"\nsummary ({time.perf_counter() - started:.0f} s, load average {_load_average()} "
              f"after): {sum(r.passed for r in results)}/{len(results)} targets met")
        for result in results:
            print(f"  {verdict(result.passed)}  {result.line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
