"""Baseline for bench_ratios.py: a hand-coded 高米店 ledger, with yaml and decimal only.

Reads the contract YAML (fees, total price and the parameters of its money clauses) and every
facts file of FACTS_DIR, settles each month's deductions the way clauses 4.6.1, 4.6.3, 4.6.4,
4.6.6, 5.7, 6.1, 6.2, 6.4 and 6.5 say, and prints per-month and total gross, deductions and
net as JSON. It is what someone would write by hand for this one contract: no rule engine,
no validation, no traces, no PDF; YAML parsed by libyaml (CSafeLoader) when PyYAML has it.
Flag-only clauses (3.4, 4.6.2, 4.6.5, 5.6, 6.3, 6.6 and the suspension of 4.6.4) move no
money and are left out. Waivers (claim_waived) are not handled.
Run:  .venv/bin/python benchmarks/hand_ledger.py FACTS_DIR [--contract contracts/gaomidian-2025.yaml]
Not a test: bench_ratios.py times it against ``compliance ledger`` and checks both agree.
"""
from __future__ import annotations

import json
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's loader when PyYAML has it, as anyone timing a script would use (the engine does too)."""
FEN = Decimal("0.01")
ZERO = Decimal("0")


def fen(amount) -> Decimal:
    return Decimal(amount).quantize(FEN, rounding=ROUND_HALF_UP)


def dec(value) -> Decimal:
    """A YAML number as Decimal from its written form (YAML 1.1 gives floats: 0.3, 1234.56)."""
    return Decimal(str(value))


def contract_terms(document: dict) -> dict:
    """What the money clauses need: the monthly fee, the total price, and each rule's
    parameters, by kind. A kind that moves money and is not handled here is refused."""
    monthly = sum((dec(fee["monthly"]) for fee in document["fees"]), ZERO)
    bases = {"total_price": dec(document["total_price"]["amount"]), "monthly_fee": monthly}
    terms = {"monthly_fee": monthly, "bases": bases, "per_occurrence": [], "every_nth": [],
             "advance": [], "per_day": [], "one_off": [], "claimed": []}
    flag_only = {"event_right", "consecutive_periods", "count_threshold", "ratio_threshold", "netting"}
    for clause in document["clauses"]:
        for rule in clause.get("rules") or []:
            kind, params, cid = rule["kind"], rule["params"], clause["id"]
            if kind == "per_occurrence":
                terms["per_occurrence"].append((cid, params["event_types"], dec(params["unit_amount"])))
            elif kind == "per_block" and params.get("per") == "period":  # 4.6.3: 每累计 3 次
                if (params["scope"], params["units"], params["rounding"]) != ("term", "次数", "down"):
                    raise SystemExit(f"hand_ledger: {cid}: only whole groups over the term are coded")
                terms["every_nth"].append((cid, params["event_types"], params["block"],
                                           dec(params["per_block_amount"])))
            elif kind == "advance_surcharge":
                terms["advance"].append((cid, params["event_type"], dec(params["surcharge_rate"])))
            elif kind == "per_block":  # 6.1: 每逾期一日按合同总价款的 5%
                if (params["units"], params["block"]) != ("天数", 1):
                    raise SystemExit(f"hand_ledger: {cid}: only a block of one day is coded")
                daily = fen(_share_of_price(params["per_block_amount"], bases["total_price"]))
                [name] = params["event_types"]
                terms["per_day"].append((cid, name, daily))
            elif kind == "one_off_penalty":
                unit = fen(dec(params["rate"]) * bases[params["base"]])
                terms["one_off"].append((cid, params["event_types"], unit,
                                         params.get("waived_if") or []))
            elif kind == "formula" and params["amount"] == "金额":  # 6.4: as claimed
                terms["claimed"].append((cid, params["event_types"]))
            elif kind not in flag_only:
                raise SystemExit(f"hand_ledger: {cid}: kind {kind} is not coded")
    return terms


def _share_of_price(formula: str, price: Decimal) -> Decimal:
    """``合同总价款 × 5%``, the one formula shape 高米店 writes for a rate of the price."""
    name, _, percent = formula.partition(" × ")
    if name != "合同总价款" or not percent.endswith("%"):
        raise SystemExit(f"hand_ledger: formula {formula!r} is not coded")
    return price * Decimal(percent[:-1]) / 100


def settle_month(terms: dict, months: dict[int, list[dict]], index: int) -> dict[str, Decimal]:
    """Deductions of contract month ``index`` by clause, given every month's events (lists of
    event mappings as YAML gives them; counts default to 1, amounts as numbers)."""
    counts: dict[str, int] = {}
    before: dict[str, int] = {}
    by_clause: dict[str, Decimal] = {}
    current = months.get(index, [])
    for event in current:
        counts[event["type"]] = counts.get(event["type"], 0) + event.get("count", 1)
    for earlier, events in months.items():
        if earlier < index:
            for event in events:
                before[event["type"]] = before.get(event["type"], 0) + event.get("count", 1)

    def add(clause: str, amount: Decimal) -> None:
        by_clause[clause] = by_clause.get(clause, ZERO) + amount

    for clause, types, unit in terms["per_occurrence"]:          # 4.6.1, 4.6.4, 4.6.6
        for name in types:
            if counts.get(name):
                add(clause, fen(unit * counts[name]))
    for clause, types, every, amount in terms["every_nth"]:        # 4.6.3, over the term
        now = sum(counts.get(name, 0) for name in types)
        earlier = sum(before.get(name, 0) for name in types)
        groups = (earlier + now) // every - earlier // every
        if now and groups:
            add(clause, fen(amount * groups))
    for clause, name, rate in terms["advance"]:                    # 5.7: amount + 30%
        for event in current:
            if event["type"] == name:
                advanced = fen(dec(event["amount"]))
                add(clause, advanced + fen(advanced * rate))
    for clause, name, daily in terms["per_day"]:                   # 6.1: 5% of the price a day
        for event in current:
            if event["type"] == name:
                add(clause, fen(daily * event["days"]))
    for clause, types, unit, waived_if in terms["one_off"]:        # 6.2, 6.5 (not twice)
        waived = any(counts.get(name) or before.get(name) for name in waived_if)
        if not waived:
            for event in current:
                if event["type"] in types:
                    add(clause, fen(unit * event.get("count", 1)))
    for clause, types in terms["claimed"]:                         # 6.4: as claimed
        for event in current:
            if event["type"] in types:
                add(clause, fen(dec(event["amount"])))
    return by_clause


def read_months(folder: Path) -> tuple[dict[int, list[dict]], dict[int, str | None]]:
    months, ratings = {}, {}
    for path in sorted(folder.glob("*.yaml")):
        document = yaml.load(path.read_text("utf-8"), Loader=LOADER)
        months[document["period"]] = document.get("events") or []
        ratings[document["period"]] = document.get("rating")
    return months, ratings


def ledger(terms: dict, months: dict[int, list[dict]]) -> dict:
    rows, total_gross, total_deductions, by_clause = [], ZERO, ZERO, {}
    for index in range(1, max(months, default=0) + 1):
        deductions = settle_month(terms, months, index)
        gross = terms["monthly_fee"]
        total = sum(deductions.values(), ZERO)
        rows.append({"period": index, "gross": f"{gross:.2f}", "deductions_total": f"{total:.2f}",
                     "net": f"{gross - total:.2f}",
                     "deductions": {clause: f"{amount:.2f}" for clause, amount in deductions.items()}})
        total_gross += gross
        total_deductions += total
        for clause, amount in deductions.items():
            by_clause[clause] = by_clause.get(clause, ZERO) + amount
    return {"periods": rows,
            "deductions_by_clause": {clause: f"{amount:.2f}" for clause, amount in by_clause.items()},
            "totals": {"gross": f"{total_gross:.2f}", "deductions_total": f"{total_deductions:.2f}",
                       "net": f"{total_gross - total_deductions:.2f}"}}


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv else 2
    folder = Path(argv[0])
    contract = ROOT / "contracts" / "gaomidian-2025.yaml"
    if "--contract" in argv:
        contract = Path(argv[argv.index("--contract") + 1])
    terms = contract_terms(yaml.load(contract.read_text("utf-8"), Loader=LOADER))
    months, _ = read_months(folder)
    json.dump(ledger(terms, months), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
