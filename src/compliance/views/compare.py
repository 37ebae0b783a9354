"""Two versions of one statement side by side: the lines that changed, the totals, the flags that
appear or disappear and where each threshold now stands.

``compliance preview`` compares the recorded month with a what-if; ``compliance diff`` compares
a statement issued earlier with one settled after the facts were corrected.

Lines are compared by amount, quantity and work-order ``refs``, never by their traces: the
facts behind a trace are ids into the statement's own ``events`` (``E1``… numbered afresh in
each statement), so an id means nothing across two statements, and a statement of the earlier
layout (facts written out in every trace) compares the same way.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from compliance.model import money
from compliance.render import textable
from compliance.model.fieldtypes import FLAG_LABELS

TOTALS = (("gross", "应结算"), ("deductions_total", "扣款合计"), ("net", "净额"),
          ("payable", "本期应付"), ("withheld", "暂停支付"), ("owed_by_vendor", "乙方应补足"),
          ("exposure_total", "可主张违约金"), ("owed_by_buyer", "甲方迟延付款违约金"))


def _line_key(line: dict[str, Any]) -> tuple:
    return (line.get("period"), line.get("tranche"), line["clause"], line["type"])


def _flag_key(flag: dict[str, Any]) -> tuple:
    return (flag.get("period"), flag.get("tranche"), flag["clause"], flag["kind"], flag["message"])


def compare(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """What differs between two statements of the same span, in reading order."""
    return {"lines": _lines(before["deductions"], after["deductions"]),
            "totals": [{"key": key, "label": label, "before": before[key], "after": after[key]}
                       for key, label in TOTALS if key in before and key in after
                       and before[key] != after[key]],
            "flags_added": [_flag(f) for f in _only(after["flags"], before["flags"], _flag_key)],
            "flags_removed": [_flag(f) for f in _only(before["flags"], after["flags"], _flag_key)],
            "counters": _counters(before.get("counters", []), after.get("counters", []))}


def _lines(before: list[dict], after: list[dict]) -> list[dict[str, Any]]:
    old = {_line_key(line): line for line in before}
    new = {_line_key(line): line for line in after}
    changed = []
    for key in list(old) + [k for k in new if k not in old]:
        a, b = old.get(key), new.get(key)
        if a and b and (a["amount"], a["quantity"], a["refs"]) == (b["amount"], b["quantity"], b["refs"]):
            continue
        line = b or a
        changed.append({"period": key[0], "tranche": key[1], "clause": key[2], "type": key[3],
                        "before": a["amount"] if a else None, "after": b["amount"] if b else None,
                        "before_explanation": a["explanation"] if a else None,
                        "after_explanation": b["explanation"] if b else None,
                        "delta": money.as_json(_amount(b) - _amount(a)),
                        "refs_added": sorted(set(b["refs"] if b else []) - set(a["refs"] if a else [])),
                        "refs_removed": sorted(set(a["refs"] if a else []) - set(b["refs"] if b else [])),
                        "explanation": line["explanation"]})
    return changed


def _amount(line: dict | None) -> Decimal:
    return Decimal(line["amount"]) if line else Decimal("0")


def _only(items: list[dict], others: list[dict], key) -> list[dict]:
    present = {key(item) for item in others}
    return [item for item in items if key(item) not in present]


def _flag(flag: dict[str, Any]) -> dict[str, Any]:
    return {key: flag[key] for key in ("period", "tranche", "clause", "kind", "message") if key in flag}


def _counters(before: list[dict], after: list[dict]) -> list[dict[str, Any]]:
    old = {c["rule"]: c["count"] for c in before}
    return [{"clause": c["clause"], "rule": c["rule"], "before": old.get(c["rule"]),
             "after": c["count"], "threshold": c["threshold"], "text": c["text"],
             "reached": c["reached"]} for c in after]


def print_comparison(comparison: dict[str, Any], before_label: str, after_label: str,
                     lines_shown: bool = True) -> None:
    """The comparison as a finance clerk reads it: changed lines (unless already shown, as a
    month's are before its cycle's), totals, flags, thresholds."""
    if lines_shown:
        _print_lines(comparison["lines"], before_label, after_label)
    for total in comparison["totals"]:
        print(f"{total['label']}：{_yuan(total['before'])} → {_yuan(total['after'])}")
    for flag in comparison["flags_added"]:
        print(f"+ 新增 {_where(flag)}[{flag['clause']}] {FLAG_LABELS[flag['kind']]}：{flag['message']}")
    for flag in comparison["flags_removed"]:
        print(f"− 消失 {_where(flag)}[{flag['clause']}] {FLAG_LABELS[flag['kind']]}：{flag['message']}")


def _print_lines(lines: list[dict[str, Any]], before_label: str, after_label: str) -> None:
    if not lines:
        print("扣款没有变化。")
        return
    rows = [[_where(c) + c["clause"], c["type"], _yuan(c["before"]), _yuan(c["after"]),
             _signed(c["delta"])] for c in lines]
    print(textable.render(["条款", "情形", before_label, after_label, "变化"], rows, right={2, 3, 4}))
    for change in lines:
        refs = [f"+{r}" for r in change["refs_added"]] + [f"−{r}" for r in change["refs_removed"]]
        print(f"  [{change['clause']}] {change['after_explanation'] or '（取消）'}"
              + (f"  单号 {' '.join(refs)}" if refs else ""))


def print_headroom(comparison: dict[str, Any]) -> None:
    """Where each threshold stands after the change, and before it where that differs."""
    if comparison["counters"]:
        print("距各项阈值：")
    for counter in comparison["counters"]:
        was = (f"（原为 {_count(counter['before'])}）"
               if counter["before"] not in (None, counter["after"]) else "")
        mark = "！已达到 " if counter["reached"] else ""
        print(f"  [{counter['clause']}] {mark}{counter['text']}{was}")


def _where(item: dict[str, Any]) -> str:
    if item.get("period") is not None:
        return f"第 {item['period']} 期 "
    if item.get("tranche") is not None:
        return f"第 {item['tranche']} 次付款 "
    return ""


def _count(value: int | str) -> str:
    """A counter's value: a count (4), or an amount ("20000.00") written as money."""
    return money.grouped(Decimal(value)) if isinstance(value, str) else str(value)


def _yuan(amount: str | None) -> str:
    return "—" if amount is None else money.grouped(Decimal(amount))


def _signed(amount: str) -> str:
    value = Decimal(amount)
    return ("+" if value > 0 else "") + money.grouped(value)
