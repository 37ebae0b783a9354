"""Benchmark: what vendors and finance staff wait for on a busy 高米店 year (400 events a month):
the ledger of the whole year (JSON and the Excel workbook), a what-if preview of one month,
and a web page request (ledger page and preview form, through the ASGI app, signed in as an
经办 account made in a temporary register: ``signed_in``).
Run:  .venv/bin/python benchmarks/bench_vendor.py [--events-per-month 400]
Not a test: speed is measured here, never asserted.
"""
from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_settlement import generate_year  # noqa: E402
from signed_in import account_here, sign_in_client  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from compliance.engine.loading import load_contract  # noqa: E402
from compliance.model.facts import load_facts  # noqa: E402
from compliance.views.ledger import ledger  # noqa: E402
from compliance.render.ledger_output import ledger_xlsx  # noqa: E402
from compliance.app.web import create_app  # noqa: E402
from compliance.views.whatif import Addition, preview  # noqa: E402
from compliance.model.workdays import calendar  # noqa: E402


def timed(action, repeat: int = 5) -> tuple[float, float]:
    """Median and max seconds of ``repeat`` runs."""
    values = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        values.append(time.perf_counter() - started)
    return statistics.median(values), max(values)


def page(client: TestClient, path: str, **query: str) -> None:
    """A page as a signed-in user gets it (anything but 200 stops the benchmark)."""
    answer = client.get(path, params=query, follow_redirects=False)
    if answer.status_code != 200:
        raise SystemExit(f"{path}: HTTP {answer.status_code}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events-per-month", type=int, default=400)
    args = parser.parse_args()
    loaded = load_contract(ROOT / "contracts" / "gaomidian-2025.yaml")
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        folder = root / loaded.contract.id
        folder.mkdir()
        generate_year(folder, loaded.contract, args.events_per_month, 2025)
        book = load_facts(folder, loaded)
        as_of = date(2026, 11, 21)
        item = ledger(loaded, book, as_of, calendar())
        additions = [Addition("zero_point_order", 2), Addition("dispatch_timeout", 1)]
        account_here(root / ".register")
        client = TestClient(create_app(root), base_url="http://127.0.0.1")
        sign_in_client(client)
        results = {
            "ledger, 12 months (JSON)": timed(lambda: ledger(loaded, book, as_of, calendar()), 3),
            "ledger workbook (.xlsx) from the ledger": timed(lambda: ledger_xlsx(item, loaded.contract)),
            "preview of one month (two statements + comparison)": timed(
                lambda: preview(loaded, book, 6, additions, "待提升")),
            "web: ledger page (facts cached until a file changes)": timed(
                lambda: page(client, f"/c/{loaded.contract.id}"), 3),
            "web: preview form submitted": timed(lambda: page(
                client, f"/c/{loaded.contract.id}/preview", period="6", add_zero_point_order="2")),
        }
    for label, (median, worst) in results.items():
        print(f"  {label:52} median {median * 1000:8.1f} ms  (max {worst * 1000:.1f} ms)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak memory (max RSS): {peak:.0f} MiB  on Python {sys.version.split()[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
