"""What an import did, in the clerk's words: what was read, what was left out and why, what was
added, what changed since the last import, and what was written. Every row left out is said,
with its row numbers (the first of them, for a long list: the counts are always whole)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from compliance.imports.rows import ranges

if TYPE_CHECKING:
    from compliance.imports.command import Result

SHOWN_RANGES = 30
"""How many runs of row numbers a line lists before it says how many more rows there are."""


def print_result(result: Result) -> None:
    contract, period = result.contract, result.period
    print(f"{contract.short_name} 第 {period.index} 期（{period.start} 至 {period.end}）："
          f"导入 {len(result.sources)} 个导出文件")
    for source, header in result.sources:
        sheet = f" 工作表 {source.sheet}" if source.sheet else ""
        print(f"  {source.name}（{source.encoding}{sheet}）：表头在第 {header} 行")
    print(f"  本合同第 {period.index} 期的工单 {result.in_scope} 行")
    _left_out(result)
    comparison = result.comparison
    print(f"  新增 {comparison.added} 行，与此前导入相同 {comparison.unchanged} 行")
    moved = [f"{contract.event_types[name].label} {result.before[name]} → {count}"
             for name, count in result.after.items() if count != result.before[name]]
    print(f"  事件（此前导入 → 本次之后）：{'；'.join(moved) or '无变化'}")
    _corrections(result)
    _by_hand(result)
    totals = "、".join(_count(contract, name, count) for name, count in result.totals.items() if count)
    print(f"  本期导入的事件合计：{totals or '无'}")
    _written(result)


def _count(contract, name: str, count: int) -> str:
    spec = contract.event_types[name]
    return f"{spec.label} {count} {spec.unit}"


def _rows(found: list[tuple[str, int]]) -> str:
    """``高米店.csv 第 5–7、12 行``, file by file, the first runs of a long list."""
    by_file: dict[str, list[int]] = {}
    for file, row in found:
        by_file.setdefault(file, []).append(row)
    parts = []
    for file, rows in by_file.items():
        runs = ranges(rows).split("、")
        shown = "、".join(runs[:SHOWN_RANGES]) + ("……" if len(runs) > SHOWN_RANGES else "")
        parts.append(f"{file} 第 {shown} 行")
    return "；".join(parts)


def _left_out(result: Result) -> None:
    skipped = result.skipped
    if skipped.get("blank"):
        print(f"  跳过空行 {len(skipped['blank'])} 行")
    if skipped.get("totals"):
        print(f"  跳过合计行：{_rows(skipped['totals'])}")
    if skipped.get("other"):
        print(f"  跳过无工单编号和日期的行 {len(skipped['other'])} 行：{_rows(skipped['other'])}")
    if result.other_contract:
        print(f"  其他合同的行 {len(result.other_contract)} 行，未导入：{_rows(result.other_contract)}")
    for label, found in result.other_periods.items():
        hint = "（请以相应的 --period 导入）" if label != "合同期外" else ""
        print(f"  属于{label}的行 {len(found)} 行，未导入{hint}：{_rows(found)}")
    for file, row, ref, month in result.comparison.elsewhere:
        print(f"  {ref}（{file} 第 {row} 行）已导入第 {month} 期，日期已改，未导入：请核对两期")


def _corrections(result: Result) -> None:
    corrections = result.comparison.corrections
    if not corrections:
        return
    if result.accepted:
        print(f"  已按 --accept-changes 写入的更正 {len(corrections)} 行：")
    else:
        print(f"  待复核的更正 {len(corrections)} 行（与此前导入的不同，未写入；"
              "复核无误后加 --accept-changes 再次导入）：")
    for correction in corrections:
        print(f"    {correction.ref}（{correction.file} 第 {correction.row} 行）："
              + "；".join(correction.changes))


def _by_hand(result: Result) -> None:
    for event in result.by_hand:
        print(f"  已手工记录、未重复导入：{_count(result.contract, event['type'], 1)} "
              f"{event['ref']} {event['date']}")
    for source in result.uncounted:
        print(f"  注意：{source} 手工记录的同类事件没有工单编号，可能与导入的事件重复计数，请核对")


def _written(result: Result) -> None:
    if not result.changed:
        print(f"  {result.target} 无变化：没有新的内容")
    elif result.dry_run:
        print(f"  --dry-run：未写出任何文件（将写出 {result.target}、{result.record}）")
    else:
        print(f"已写出 {result.target}")
        print(f"已写出 {result.record}")
