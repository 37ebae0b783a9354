"""The ``compliance`` command: settle a month or a payment cycle, list periods.

Bad input (facts, contracts, arguments) prints one clear error naming the file,
the line and the field, exits with status 2, and writes nothing.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Sequence

from . import output, pdf
from .pdf import FLAG_LABELS, span_label
from .contract import LoadedContract, load_contract, resolve_contract_path
from .errors import UserError
from .facts import load_facts
from .periods import all_periods, cycle, cycle_count
from .statement import cycle_statement, period_statement

EXIT_USER_ERROR = 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports errors like every other user error here."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise SystemExit(self._fail(message))

    def _fail(self, message: str) -> int:
        print(f"compliance: error: {message}", file=sys.stderr)
        return EXIT_USER_ERROR


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be 1 or more")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="compliance", description="Settle 12345 (接诉即办) service contracts "
                                                    "clause by clause.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    settle = commands.add_parser("settle", help="settle a contract month or a payment cycle")
    settle.add_argument("contract", metavar="CONTRACT", help="contract YAML file, or its id")
    settle.add_argument("facts", metavar="FACTS_DIR", type=Path, help="folder of monthly facts")
    span = settle.add_mutually_exclusive_group(required=True)
    span.add_argument("--period", type=_positive, help="contract month number (1 = first month)")
    span.add_argument("--cycle", type=_positive, help="payment cycle number")
    settle.add_argument("--json", action="store_true", help="also print the statement JSON")
    settle.add_argument("--out", type=Path, default=Path("reports"),
                        help="output folder (default: reports/)")

    listing = commands.add_parser("periods", help="list the contract months and payment cycles")
    listing.add_argument("contract", metavar="CONTRACT", help="contract YAML file, or its id")
    return parser


def _load(argument: str) -> LoadedContract:
    return load_contract(resolve_contract_path(argument))


def _settle(args: argparse.Namespace) -> int:
    loaded = _load(args.contract)
    book = load_facts(args.facts, loaded)
    if args.period is not None:
        statement = period_statement(loaded, book, args.period)
        stem = f"period-{args.period:02d}"
    else:
        statement = cycle_statement(loaded, book, args.cycle)
        stem = f"cycle-{args.cycle}"
    folder = args.out / loaded.contract.id
    json_bytes = output.statement_json(statement)
    files = {folder / f"{stem}.json": json_bytes, folder / f"{stem}.pdf": pdf.render(statement)}
    output.write_all(files)
    if args.json:
        sys.stdout.write(json_bytes.decode("utf-8"))
    else:
        _summary(statement)
    for path in files:
        print(f"wrote {path}", file=sys.stderr if args.json else sys.stdout)
    return 0


def _summary(statement: dict) -> None:
    print(f"{statement['contract_title']}  {span_label(statement)}")
    print(f"  应结算 {statement['gross']}  扣款 {statement['deductions_total']}  "
          f"净额 {statement['net']}  本期应付 {statement['payable']}（{statement['amount_in_words']}）")
    for line in statement["deductions"]:
        print(f"  - {_where(line)}[{line['clause']}] {line['explanation']}")
    for flag in statement["flags"]:
        print(f"  ! {_where(flag)}[{flag['clause']}] {FLAG_LABELS[flag['kind']]}：{flag['message']}")


def _where(item: dict) -> str:
    """In a cycle statement, the month a line or flag belongs to."""
    return f"第 {item['period']} 期 " if "period" in item else ""


def _periods(args: argparse.Namespace) -> int:
    loaded = _load(args.contract)
    contract = loaded.contract
    print(f"{contract.title}  {contract.term.start} 至 {contract.term.end}")
    print(f"{'期':>4}  {'开始':10}  {'结束':10}  支付周期")
    for period in all_periods(contract):
        print(f"{period.index:>4}  {period.start}  {period.end}  {period.cycle}")
    for index in range(1, cycle_count(contract) + 1):
        c = cycle(contract, index)
        months = ",".join(str(p.index) for p in c.periods)
        print(f"支付周期 {index}: {c.start} 至 {c.end}（第 {months} 期）")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    handler = {"settle": _settle, "periods": _periods}[args.command]
    try:
        return handler(args)
    except UserError as error:
        print(f"compliance: error: {error}", file=sys.stderr)
        return EXIT_USER_ERROR
    except BrokenPipeError:  # output piped into head or less, closed early: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
