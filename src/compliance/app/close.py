"""Month-end close (``compliance close --month YYYY-MM``): every contract's month settled at
once, in parallel worker processes, with a summary an operator can act on.

For each contract with a facts folder under the facts root, the contract months that end in
the calendar month are settled and written (JSON and PDF); where such a month also ends a
payment cycle (高米店 3.2), the cycle's statement is written too, since only the cycle says what
is paid. One contract's bad facts do not stop the others: its row says what is wrong.
"""
from __future__ import annotations

import calendar
import os
import re
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from tqdm import tqdm

from compliance.engine.loading import load_contract
from compliance.errors import UserError
from compliance.legal.lint import refuse_if_unsound
from compliance.model import money
from compliance.model.facts import load_facts
from compliance.model.periods import all_periods, cycle
from compliance.render.statement_files import write_statement
from compliance.render.textable import render
from compliance.views.statement import cycle_statement, period_statement, span_label

FACTS_ROOT = "每个合同一个事实目录（以合同 id 命名）的文件夹，如 examples/"
"""What ``--facts-root`` must name (``compliance close``, ``compliance serve``)."""
MONTH = re.compile(r"(?P<year>[1-9][0-9]{3})-(?P<month>0[1-9]|1[0-2])")


@dataclass
class Closed:
    """One statement the close wrote, or the reason a contract could not be closed."""

    contract: str
    statement: str = ""
    payable: str = ""
    flags: int = 0
    files: list[str] = field(default_factory=list)
    failure: str = ""
    note: str = ""
    crashed: bool = False
    """The failure is a bug in this program, not in the contract or its facts."""


def month_of(text: str) -> tuple[date, date]:
    """``2025-12`` → its first and last day; anything else is a UserError."""
    match = MONTH.fullmatch(text.strip())
    if not match:
        raise UserError(f"{text!r} 不是月份", field="--month", valid="YYYY-MM，如 2025-12")
    year, month = int(match["year"]), int(match["month"])
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def close_contract(contract_path: Path, facts: Path, out: Path, first: date, last: date) -> list[Closed]:
    """The statements of one contract for the month: each contract month ending in it, and
    each payment cycle ending with such a month."""
    try:
        loaded = refuse_if_unsound(load_contract(contract_path))
        contract = loaded.contract
        ending = [p for p in all_periods(contract) if first <= p.end <= last]
        if not ending:
            return [Closed(contract.id, note=f"本月无结算期（合同期 {contract.term.start} 至 "
                                            f"{contract.term.end}）")]
        book = load_facts(facts, loaded)
        rows = []
        for period in ending:
            statement = period_statement(loaded, book, period.index)
            rows.append(_closed(out, loaded, f"period-{period.index:02d}", statement))
            if contract.payment is not None and cycle(contract, period.cycle).end == period.end:
                statement = cycle_statement(loaded, book, period.cycle)
                rows.append(_closed(out, loaded, f"cycle-{period.cycle}", statement))
        return rows
    except UserError as error:
        return [Closed(contract_path.stem, failure=str(error))]


def _closed(out: Path, loaded, stem: str, statement: dict) -> Closed:
    files = write_statement(out, loaded.contract, stem, statement)
    return Closed(loaded.contract.id, span_label(statement), statement["payable"],
                  len(statement["flags"]), [str(path) for path in files])


def close_month(month: str, facts_root: Path, contracts: list[Path], out: Path,
                workers: int | None = None) -> list[Closed]:
    """Close ``month`` for every contract that has a facts folder under ``facts_root``, in
    worker processes; rows in the order of the contracts."""
    first, last = month_of(month)
    if not facts_root.is_dir():
        raise UserError("找不到事实根目录", file=facts_root, field="--facts-root",
                        valid=FACTS_ROOT)
    present = [path for path in contracts if (facts_root / path.stem).is_dir()]
    rows: dict[str, list[Closed]] = {path.stem: [Closed(path.stem, note="无事实目录，未结算")]
                                     for path in contracts if path not in present}
    workers = workers or min(len(present), os.cpu_count() or 1) or 1
    with ProcessPoolExecutor(max_workers=workers) as pool:
        jobs = {pool.submit(close_contract, path, facts_root / path.stem, out, first, last): path.stem
                for path in present}
        for job in tqdm(as_completed(jobs), total=len(jobs), desc=f"月结 {month}", unit="个合同",
                        leave=False, disable=not os.isatty(2)):
            try:
                rows[jobs[job]] = job.result()
            except Exception as crash:  # a bug in one contract's settlement must not hide the others
                rows[jobs[job]] = [Closed(jobs[job], failure=f"内部错误（请报告）：{crash!r}",
                                          crashed=True)]
    return [row for path in contracts for row in rows[path.stem]]


def print_close(month: str, rows: list[Closed]) -> None:
    """The summary table: contract, statement, payable, flags, and what failed."""
    table = [[row.contract, row.statement or row.note or "—",
              money.grouped(Decimal(row.payable)) if row.payable else "—",
              str(row.flags) if row.statement else "—",
              "失败" if row.failure else ("已结算" if row.statement else "跳过")] for row in rows]
    print(f"{month} 月结")
    print(render(["合同", "结算单", "本期应付", "提示", "状态"], table, right={2, 3}))
    failed = [row for row in rows if row.failure]
    settled = sum(1 for row in rows if row.statement)
    print(f"已结算 {settled} 张结算单；失败 {len({row.contract for row in failed})} 个合同")
    for row in failed:
        print(f"  ✗ {row.contract}：{row.failure}")
