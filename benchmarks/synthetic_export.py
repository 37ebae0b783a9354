"""A synthetic 12345 work-order export, with the quirks of a real one, for ``compliance import``.

The platform's 工单考核明细 as a street office downloads it: two merged title rows above the
header, the header, one row per work order (工单编号, 所属街道, 受理时间, 派单时长（分钟）,
响应情况, 回访情况, 办理状态, 考核得分 …), a few blank lines, some cells typed with full-width
digits (``９０``), a totals row (合计) and a note under the table; saved as xlsx (merged cells)
or as CSV in GBK, GB18030, UTF-8 or UTF-8 with BOM, with CRLF line ends as Excel writes them.

Which rows are events is chosen, not drawn: ``--zero``, ``--timeouts``, ``--unanswered`` and
``--missed-callbacks`` rows of the month (0 分, 派单超过 30 分钟, 未响应, 回访遗漏), the rest
ordinary (得分 60–100, 派单 1–30 分钟); ``--other-street`` rows of another street and
``--other-months`` rows dated in the months around it. The same arguments give the same file.

Run:  .venv/bin/python benchmarks/synthetic_export.py gaomidian-2025 --period 4 --rows 300 \\
          --zero 2 --timeouts 3 --missed-callbacks 1 --other-street 12 --other-months 6 \\
          --encoding gbk --out imports/exports/高米店-2026年2月-工单考核明细.csv
"""
from __future__ import annotations

import argparse
import csv
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Iterable, Iterator

from compliance.engine.loading import load_contract
from compliance.model.contract import resolve_contract_path
from compliance.model.periods import period as period_of

HEADER = ["序号", "工单编号", "所属街道", "诉求类别", "受理时间", "派单时间", "派单时长（分钟）",
          "响应情况", "回访情况", "办理状态", "考核得分", "备注"]
STREETS = {"gaomidian-2025": ("高米店街道", "GMD"), "chengbei-2025": ("城北街道", "CB")}
"""Each contract's street as the export names it, and the prefix of its 工单编号."""
OTHER_STREET = "旧宫镇"
TOPICS = ["环境卫生", "市政设施", "噪声扰民", "停车管理", "物业服务", "供暖", "园林绿化"]
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@dataclass(frozen=True)
class Plan:
    """How many rows of each kind the export holds."""

    rows: int
    zero: int = 0
    timeouts: int = 0
    unanswered: int = 0
    missed_callbacks: int = 0
    other_street: int = 0
    other_months: int = 0
    unfinished: int = 0
    """Rows not yet 已办结 (办理中): not counted as cases handled."""


def export_rows(contract_id: str, index: int, plan: Plan, seed: int = 17) -> Iterator[list[str]]:
    """Every row of the export, the title rows and the totals row included (a blank line as
    ``[]``), one at a time: a million rows are never all held."""
    rng = random.Random(seed)
    contract = load_contract(resolve_contract_path(contract_id)).contract
    month = period_of(contract, index)
    street, prefix = STREETS[contract_id]
    kinds = _kinds(plan, rng)
    pad = [""] * (len(HEADER) - 1)
    yield [f"北京市12345市民服务热线 {street}工单考核明细", *pad]
    yield [f"统计区间：{month.start} 至 {month.end}    导出时间：{month.end + timedelta(days=2)} 09:00", *pad]
    yield HEADER
    days = (month.end - month.start).days + 1
    for number, kind in enumerate(kinds, start=1):
        start = month.start + timedelta(days=(number - 1) * days // len(kinds))
        if kind == "other_month":
            start += timedelta(days=days if number % 2 else -days)
        yield _row(number, f"{prefix}-{start:%y%m}-{number:06d}", street, start, kind, rng)
        if len(kinds) >= 100 and number in (len(kinds) // 3, 2 * len(kinds) // 3):
            yield []
    yield ["合计", *[""] * (len(HEADER) - 2), f"共 {len(kinds)} 件"]
    yield ["注：考核得分为 0 的为 0 分工单；派单时长超过 30 分钟的为派单超时。"]


def _kinds(plan: Plan, rng: random.Random) -> list[str]:
    """The kind of each work-order row, in order: the planned ones at random places."""
    planned = (["zero"] * plan.zero + ["timeout"] * plan.timeouts + ["unanswered"] * plan.unanswered
               + ["callback"] * plan.missed_callbacks + ["other_street"] * plan.other_street
               + ["other_month"] * plan.other_months + ["unfinished"] * plan.unfinished)
    total = plan.rows + plan.other_street + plan.other_months
    kinds = ["ordinary"] * total
    for place, kind in zip(rng.sample(range(total), len(planned)), planned):
        kinds[place] = kind
    return kinds


def _row(number: int, ref: str, street: str, day, kind: str, rng: random.Random) -> list[str]:
    received = datetime(day.year, day.month, day.day, 8 + number % 10, number % 60)
    minutes = rng.randint(31, 90) if kind == "timeout" else rng.randint(1, 30)
    score = "0" if kind == "zero" else str(rng.choice([60, 80, 90, 100, 100, 100]))
    if number % 25 == 0:  # typed with an input method's full-width digits
        score, minutes_text = score.translate(FULL_WIDTH), str(minutes).translate(FULL_WIDTH)
    else:
        minutes_text = str(minutes)
    return [str(number), ref, OTHER_STREET if kind == "other_street" else street, rng.choice(TOPICS),
            f"{received:%Y-%m-%d %H:%M}", f"{received + timedelta(minutes=minutes):%Y-%m-%d %H:%M}",
            minutes_text, "未响应" if kind == "unanswered" else "已响应",
            "遗漏" if kind == "callback" else "已回访",
            "办理中" if kind == "unfinished" else "已办结", score, ""]


def write_csv(rows: Iterable[list[str]], path: Path, encoding: str) -> Path:
    """The rows as CSV in ``encoding`` (``utf-8-sig`` for a BOM), CRLF line ends, a blank line
    where a row is ``[]``."""
    with open(path, "w", encoding=encoding, newline="") as stream:
        writer = csv.writer(stream, lineterminator="\r\n")
        for row in rows:
            if row:
                writer.writerow(row)
            else:
                stream.write("\r\n")
    return path


def write_xlsx(rows: Iterable[list[str]], path: Path) -> Path:
    """The rows as an xlsx sheet 工单明细, the two title rows merged across the table."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "工单明细"
    for row in rows:
        sheet.append(row)
    for line in (1, 2):
        sheet.merge_cells(start_row=line, start_column=1, end_row=line, end_column=len(HEADER))
    book.save(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description="生成带有真实导出文件特征的 12345 工单导出表")
    parser.add_argument("contract", choices=sorted(STREETS))
    parser.add_argument("--period", type=int, required=True)
    parser.add_argument("--rows", type=int, required=True, help="本合同本月的工单行数")
    for name in ("zero", "timeouts", "unanswered", "missed-callbacks", "other-street",
                 "other-months", "unfinished"):
        parser.add_argument(f"--{name}", type=int, default=0)
    parser.add_argument("--encoding", default="gbk", help="gbk、gb18030、utf-8、utf-8-sig 或 xlsx")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    plan = Plan(args.rows, args.zero, args.timeouts, args.unanswered, args.missed_callbacks,
                args.other_street, args.other_months, args.unfinished)
    rows = export_rows(args.contract, args.period, plan, args.seed)
    if args.encoding == "xlsx":
        write_xlsx(rows, args.out)
    else:
        write_csv(rows, args.out, args.encoding)
    print(f"已写出 {args.out}")


if __name__ == "__main__":
    main()
