"""The ``compliance`` command: settle a month, a payment cycle or a tranche; list the payment
schedule and the periods; work out a termination.

Each command imports what only it needs when it runs, so ``settle`` does not pay for the
spreadsheet, coverage and lint machinery at start-up.

Bad input (facts, contracts, arguments) prints one clear error naming the file,
the line and the field, exits with status 2, and writes nothing.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import re
import sys
from datetime import date
from pathlib import Path
from typing import Sequence

from compliance.render import output
from compliance.render.statement_files import write_statement
from compliance.render import terminal
from compliance.model.contract import resolve_contract_path
from compliance.engine.loading import LoadedContract, load_contract
from compliance.engine.outcome import CHECK_MARKS
from compliance.errors import UserError
from compliance.model.facts import FactsBook, load_facts
from compliance.model.fieldtypes import FLAG_LABELS
from compliance.paths import CONTRACTS_DIR, REPORTS_DIR
from compliance.render.pdf import span_label
from compliance.views.whatif import Addition, parse_addition
from compliance.model.periods import all_periods, cycle, cycle_count
from compliance.views.statement import (cycle_statement, payable_sentence, period_statement,
                                         tranche_statement)
from compliance.model.today import beijing_today
from compliance.model.workdays import WorkCalendar, calendar

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
    _contract_and_facts_arguments(settle)
    _span_options(settle)
    settle.add_argument("--json", action="store_true", help="print the statement JSON instead of "
                                                            "the summary")
    settle.add_argument("--out", type=Path, default=REPORTS_DIR,
                        help="output folder (default: reports/)")
    _judgement_options(settle)

    explain = commands.add_parser("explain", help="why each number of a statement: clause, rule, "
                                                  "facts and arithmetic, as a tree")
    _contract_and_facts_arguments(explain)
    _span_options(explain)
    which = explain.add_mutually_exclusive_group()
    which.add_argument("--line", type=_positive, metavar="K",
                       help="only deduction line K, numbered as on the statement")
    which.add_argument("--clause", metavar="ID", help="only the lines and flags of this clause")
    _judgement_options(explain)

    schedule = commands.add_parser("schedule", help="every tranche or cycle: due date and status")
    _contract_and_facts_arguments(schedule)
    schedule.add_argument("--json", action="store_true", help="print the schedule as JSON")
    _judgement_options(schedule)

    terminate = commands.add_parser("terminate", help="what each side owes if the contract ends "
                                                      "on a day under a clause")
    _contract_and_facts_arguments(terminate)
    terminate.add_argument("--on", type=_day, required=True, metavar="YYYY-MM-DD",
                           help="the day the contract ends (the last day served)")
    terminate.add_argument("--reason", required=True, metavar="CLAUSE",
                           help="the clause invoked, in the contract's numbering (e.g. 6.3)")
    terminate.add_argument("--by", choices=["vendor", "buyer"], default=None,
                           help="who terminates, where either party may invoke the clause")
    terminate.add_argument("--json", action="store_true", help="print the statement JSON")
    terminate.add_argument("--out", type=Path, default=REPORTS_DIR,
                           help="output folder (default: reports/)")
    terminate.add_argument("--calendar", type=Path, default=None, metavar="FILE",
                           help="extra working-day calendar YAML: adds or replaces years")

    preview = commands.add_parser("preview", help="for vendors: a month with hypothetical events "
                                                  "added, beside the recorded one (nothing written)")
    _contract_and_facts_arguments(preview)
    preview.add_argument("--period", type=_positive, required=True,
                         help="contract month number (1 = first month)")
    preview.add_argument("--add", action="append", default=[], type=_addition, metavar="TYPE=N",
                         help="add N events of TYPE (N days or N yuan for types recorded so); "
                              "repeatable")
    preview.add_argument("--rating", default=None, help="the month's rating instead of the recorded one")
    preview.add_argument("--json", action="store_true", help="print both statements and the changes")

    ledger_ = commands.add_parser("ledger", help="for finance staff: every month to date, running "
                                                 "totals, deductions by clause, payments due")
    _contract_and_facts_arguments(ledger_)
    form = ledger_.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="print the ledger as JSON")
    form.add_argument("--csv", action="store_true", help="print the months as CSV")
    ledger_.add_argument("--xlsx", action="store_true",
                         help="also write <out>/<contract>/ledger.xlsx (months; deductions with refs)")
    ledger_.add_argument("--out", type=Path, default=REPORTS_DIR,
                         help="output folder for --xlsx (default: reports/)")
    _judgement_options(ledger_)

    account = commands.add_parser("account", help="the contract's account as of a day: every amount "
                                                  "with its clause, date and source, and who owes whom")
    _contract_and_facts_arguments(account)
    account.add_argument("--json", action="store_true", help="print the account as JSON")
    _judgement_options(account)

    diff = commands.add_parser("diff", help="what changed between two statements of the same span")
    diff.add_argument("before", metavar="A.json", type=Path, help="the statement issued first")
    diff.add_argument("after", metavar="B.json", type=Path, help="the statement settled again")
    diff.add_argument("--json", action="store_true", help="print the changes as JSON")

    serve = commands.add_parser("serve", help="the local web page: ledgers, statements, PDF "
                                              "downloads and the what-if preview")
    serve.add_argument("--facts-root", type=Path, default=Path("examples"), metavar="DIR",
                       help="folder holding one facts folder per contract, named by its id "
                            "(default: examples/)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=_positive, default=8000, help="port (default: 8000)")
    serve.add_argument("--workers", type=_positive, default=os.cpu_count() or 1, metavar="N",
                       help="worker processes answering requests (default: one per core)")

    closing = commands.add_parser("close", help="for finance staff: month-end close, every "
                                                "contract's month settled in parallel")
    closing.add_argument("--month", required=True, metavar="YYYY-MM",
                         help="the calendar month whose contract months are closed")
    closing.add_argument("--facts-root", type=Path, default=Path("examples"), metavar="DIR",
                         help="folder holding one facts folder per contract, named by its id "
                              "(default: examples/)")
    closing.add_argument("--out", type=Path, default=REPORTS_DIR,
                         help="output folder (default: reports/)")
    closing.add_argument("--workers", type=_positive, default=None, metavar="N",
                         help="worker processes (default: one per core)")

    coverage = commands.add_parser("coverage", help="for lawyers: every clause, its encoding, the "
                                                    "scenarios that exercise it, pass or fail")
    coverage.add_argument("contracts", metavar="CONTRACT", nargs="*",
                          help="contract YAML files or ids (default: every contract)")
    coverage.add_argument("--json", action="store_true", help="print the report as JSON")
    coverage.add_argument("--out", type=Path, default=REPORTS_DIR,
                          help="folder for coverage.html (default: reports/)")

    linting = commands.add_parser("lint", help="check an encoding against itself and the figures "
                                               "its text writes")
    linting.add_argument("contracts", metavar="CONTRACT", nargs="*",
                         help="contract YAML files or ids (default: every contract)")
    linting.add_argument("--json", action="store_true", help="print the findings as JSON")

    showing = commands.add_parser("show", help="for lawyers: the contract clause by clause, the "
                                               "original text above its encoding")
    showing.add_argument("contract", metavar="CONTRACT", help="contract YAML file, or its id")
    showing.add_argument("--clause", metavar="ID", help="only this clause and the clauses under it")

    new = commands.add_parser("new", help="for authors: a first draft of contracts/<id>.yaml from the "
                                        "signed text, every clause numbered, what is left marked 待填写")
    new.add_argument("text", metavar="TEXT_FILE", type=Path, help="the signed text (UTF-8)")
    new.add_argument("--id", dest="contract_id", metavar="ID", default=None,
                     help="the contract's id (default: the text file's name without .txt)")
    new.add_argument("--out", type=Path, metavar="FILE", default=None,
                     help="where to write the draft (default: contracts/<id>.yaml); never overwritten")

    schema = commands.add_parser("schema", help="for authors: write the JSON Schemas of contract and "
                                              "facts files into docs/schema/ (editors check as one types)")
    schema.add_argument("--check", action="store_true",
                        help="write nothing; status 1 when docs/schema/ is stale")

    listing = commands.add_parser("periods", help="list the contract months and payment cycles")
    listing.add_argument("contract", metavar="CONTRACT", help="contract YAML file, or its id")
    return parser


def _contract_and_facts_arguments(parser: argparse.ArgumentParser) -> None:
    """CONTRACT FACTS_DIR, as every command that settles something takes them."""
    parser.add_argument("contract", metavar="CONTRACT", help="contract YAML file, or its id")
    parser.add_argument("facts", metavar="FACTS_DIR", type=Path, help="folder of monthly facts")


def _span_options(parser: argparse.ArgumentParser) -> None:
    span = parser.add_mutually_exclusive_group(required=True)
    span.add_argument("--period", type=_positive, help="contract month number (1 = first month)")
    span.add_argument("--cycle", type=_positive, help="payment cycle number")
    span.add_argument("--tranche", type=_positive, help="payment tranche number (第 N 次付款)")


def _judgement_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-of", type=_day, default=None, metavar="YYYY-MM-DD",
                        help="judge due dates and lateness as of this day (default: today)")
    parser.add_argument("--calendar", type=Path, default=None, metavar="FILE",
                        help="extra working-day calendar YAML: adds or replaces years")


def _addition(text: str) -> Addition:
    try:
        return parse_addition(text)
    except UserError as error:
        raise argparse.ArgumentTypeError(f"{error.message} (valid: {error.valid})") from None


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a calendar date written YYYY-MM-DD") from None


def _load(argument: str) -> LoadedContract:
    return load_contract(resolve_contract_path(argument))


def _contract_and_facts(args: argparse.Namespace) -> tuple[LoadedContract, FactsBook]:
    """The contract named by CONTRACT (refused while lint finds errors in it) and its facts from
    FACTS_DIR, both checked."""
    from compliance.legal.lint import refuse_if_unsound

    loaded = refuse_if_unsound(_load(args.contract))
    return loaded, load_facts(args.facts, loaded)


def _statement(args: argparse.Namespace, loaded: LoadedContract,
               book: FactsBook) -> tuple[str, dict]:
    """The statement the span options ask for, and the stem of its file names."""
    if args.period is not None:
        return f"period-{args.period:02d}", period_statement(loaded, book, args.period)
    if args.cycle is not None:
        _require(loaded.contract.payment is not None, "--cycle", "this contract is paid in "
                 "tranches, not cycles", "--tranche N or --period N")
        return f"cycle-{args.cycle}", cycle_statement(loaded, book, args.cycle)
    _require(bool(loaded.tranches), "--tranche", "this contract has no payment tranches",
             "--period N or --cycle N")
    calendar, digest = _calendar(args)
    return f"tranche-{args.tranche}", tranche_statement(loaded, book, args.tranche, _as_of(args),
                                                         calendar, digest)


def _settle(args: argparse.Namespace) -> int:
    loaded, book = _contract_and_facts(args)
    stem, statement = _statement(args, loaded, book)
    _write(args, loaded, stem, statement, _summary)
    return 0


def _explain(args: argparse.Namespace) -> int:
    from compliance.legal.explain import explain

    loaded, book = _contract_and_facts(args)
    _, statement = _statement(args, loaded, book)
    print(f"{statement['contract_title']}  {span_label(statement)}")
    for node in explain(statement, loaded.contract, line=args.line, clause=args.clause):
        print("\n".join(node.lines()))
    return 0


def _write(args: argparse.Namespace, loaded: LoadedContract, stem: str, statement: dict,
           summary) -> None:
    """Write the statement's JSON and PDF together (both or neither), then print it."""
    files = write_statement(args.out, loaded.contract, stem, statement)
    if args.json:
        sys.stdout.write(output.statement_json(statement).decode("utf-8"))
    else:
        summary(statement)
    for path in files:
        print(f"wrote {path}", file=sys.stderr if args.json else sys.stdout)


def _terminate(args: argparse.Namespace) -> int:
    from compliance.views.termination import print_termination, termination_statement

    loaded, book = _contract_and_facts(args)
    calendar_, digest = _calendar(args)
    statement = termination_statement(loaded, book, args.reason, args.on, args.by, calendar_, digest)
    clause = re.sub(r"[^0-9A-Za-z.]+", "_", args.reason).strip("_") or "clause"
    _write(args, loaded, f"termination-{clause}-{args.on}", statement, print_termination)
    return 0


def _require(condition: bool, field: str, message: str, valid: str) -> None:
    if not condition:
        raise UserError(message, field=field, valid=valid)


def _as_of(args: argparse.Namespace) -> date:
    return args.as_of or beijing_today()


def _calendar(args: argparse.Namespace) -> tuple[WorkCalendar, str | None]:
    """The working-day calendar, with the user's file added, and that file's digest."""
    if args.calendar is None:
        return calendar(), None
    if not args.calendar.is_file():
        raise UserError("calendar file not found", file=args.calendar, field="--calendar",
                        valid="a YAML file in the format of src/compliance/data/calendar-cn.yaml")
    return calendar(args.calendar), hashlib.sha256(args.calendar.read_bytes()).hexdigest()


def _summary(statement: dict) -> None:
    print(f"{statement['contract_title']}  {span_label(statement)}")
    if "tranche" in statement:
        _tranche_summary(statement)
    for key in ("estimated", "interim"):
        if statement.get(key):
            print(f"  ！{statement[key]}")
    if "period" in statement and not statement["fees"]:
        print(f"  本合同按分期付款，本期扣款 {statement['deductions_total']} 在下一次应付款中抵扣"
              "（见 compliance schedule）")
    else:
        print(f"  应结算 {statement['gross']}  扣款 {statement['deductions_total']}  净额 "
              f"{statement['net']}  {payable_sentence(statement)}")
    if statement.get("owed_by_buyer", "0.00") != "0.00":
        print(f"  甲方应付迟延付款违约金 {statement['owed_by_buyer']}")
    for line in statement["deductions"] + statement.get("owed_by_buyer_lines", []):
        print(f"  - {_where(line)}[{line['clause']}] {line['explanation']}")
    for flag in statement["flags"]:
        print(f"  ! {_where(flag)}[{flag['clause']}] {FLAG_LABELS[flag['kind']]}：{flag['message']}")
    if statement.get("exposure_total", "0.00") != "0.00":
        print(f"  甲方可主张而尚未主张的违约金合计 {statement['exposure_total']}（主张后方扣除）")
    _progress_summary(statement)


def _progress_summary(statement: dict) -> None:
    """Deliverable quotas and counters, as a period statement shows them."""
    if statement.get("deliverables"):
        print("  成果交付（应交/已交/共计）：")
    for item in statement.get("deliverables", []):
        print(f"    [{item['clause']}] {item['label']}（{item['cadence_label']}）"
              f" {item['due_so_far']}/{item['delivered']}/{item['total']}")
        for name in item["late"] + item["overdue"] + item["rejected"]:
            print(f"      逾期：{name}")
    for counter in statement.get("counters", []):
        print(f"  # [{counter['clause']}] {counter['text']}")


def _tranche_summary(statement: dict) -> None:
    tranche = statement["tranche"]
    due = tranche["due"]
    print(f"  状态 {tranche['status_label']}（截至 {statement['as_of']}）  "
          + (f"付款期限 {due['how']}" if due else f"待：{'、'.join(tranche['trigger']['awaiting'])}"))
    for check in statement["checks"]:
        print(f"  {CHECK_MARKS[check['status']]} [{check['clause']}] {check['message']}")


def _schedule(args: argparse.Namespace) -> int:
    from compliance.views.schedule_view import print_schedule, schedule_listing

    loaded, book = _contract_and_facts(args)
    calendar_, _ = _calendar(args)
    listing = schedule_listing(loaded, book, _as_of(args), calendar_)
    if args.json:
        sys.stdout.write(output.statement_json(listing).decode("utf-8"))
    else:
        print_schedule(listing)
    return 0


def _where(item: dict) -> str:
    """In a cycle statement, the month a line or flag belongs to."""
    return f"第 {item['period']} 期 " if "period" in item else ""


def _preview(args: argparse.Namespace) -> int:
    """The recorded month and the what-if, compared; nothing is written."""
    from compliance.views.compare import print_comparison, print_headroom
    from compliance.views.whatif import preview

    loaded, book = _contract_and_facts(args)
    result = preview(loaded, book, args.period, args.add, args.rating)
    if args.json:
        sys.stdout.write(output.statement_json({"schema": "compliance.preview/1", **result})
                         .decode("utf-8"))
        return 0
    what_if, changes = result["preview"], result["changes"]
    added = "、".join(a.text for a in args.add) + (f" 评价={args.rating}" if args.rating else "")
    print(f"{what_if['contract_title']}  {span_label(what_if)}  假设：{added or '无'}")
    print_comparison(changes, "已记录", "假设")
    print(f"假设：{payable_sentence(what_if)}")
    cycle = result.get("cycle")
    if cycle and "awaiting" in cycle:
        print(f"本月计入第 {cycle['number']} 支付周期；该周期尚待{'、'.join(cycle['awaiting'])}，暂无法结算周期")
    elif cycle:
        print(f"本月计入第 {cycle['number']} 支付周期：")
        print_comparison(cycle["changes"], "已记录", "假设", lines_shown=False)
        print(f"假设：第 {cycle['number']} 支付周期{payable_sentence(cycle['preview'])}")
    print_headroom(changes)
    return 0


def _ledger(args: argparse.Namespace) -> int:
    from compliance.render.ledger_output import ledger_csv, ledger_xlsx, print_ledger
    from compliance.views.ledger import ledger

    loaded, book = _contract_and_facts(args)
    calendar_, _ = _calendar(args)
    item = ledger(loaded, book, _as_of(args), calendar_)
    if args.xlsx:
        target = args.out / loaded.contract.id / "ledger.xlsx"
        output.write_all({target: ledger_xlsx(item)})
    if args.json:
        sys.stdout.write(output.statement_json(item).decode("utf-8"))
    elif args.csv:
        sys.stdout.write(ledger_csv(item))
    else:
        print_ledger(item)
    if args.xlsx:
        print(f"wrote {target}", file=sys.stderr if args.json or args.csv else sys.stdout)
    return 0


def _account(args: argparse.Namespace) -> int:
    from compliance.account.build import contract_account
    from compliance.render.account_text import print_account

    loaded, book = _contract_and_facts(args)
    calendar_, _ = _calendar(args)
    item = contract_account(loaded, book, _as_of(args), calendar_).to_json()
    if args.json:
        sys.stdout.write(output.statement_json(item).decode("utf-8"))
    else:
        print(f"{loaded.contract.title}  账户（截至 {item['as_of']}）")
        print_account(item)
    return 0


def _diff(args: argparse.Namespace) -> int:
    from compliance.views.compare import compare, print_comparison
    from compliance.views.statement_file import read_statement, same_span

    before, after = read_statement(args.before), read_statement(args.after)
    same_span(before, after, args.after)
    changes = compare(before, after)
    if args.json:
        sys.stdout.write(output.statement_json({"schema": "compliance.diff/1",
                                                "before": str(args.before), "after": str(args.after),
                                                "changes": changes}).decode())
        return 0
    print(f"{after['contract_title']}  {span_label(after)}")
    print(f"{args.before} → {args.after}")
    print_comparison(changes, "原", "新")
    return 0


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from compliance.app.web import FACTS_ROOT_VARIABLE, create_app

    if not args.facts_root.is_dir():
        raise UserError("facts root not found", file=args.facts_root, field="--facts-root",
                        valid="a folder with one facts folder per contract, e.g. examples/")
    print(f"compliance: serving http://{args.host}:{args.port}/ (facts from {args.facts_root}, "
          f"{args.workers} worker process(es)); Ctrl-C to stop")
    if args.workers == 1:
        uvicorn.run(create_app(args.facts_root), host=args.host, port=args.port, log_level="warning")
        return 0
    os.environ[FACTS_ROOT_VARIABLE] = str(args.facts_root.absolute())
    uvicorn.run("compliance.app.web:app_from_environment", factory=True, workers=args.workers,
                host=args.host, port=args.port, log_level="warning")
    return 0


def _close(args: argparse.Namespace) -> int:
    """Status 0 when every contract closed; 2 when a contract's contract or facts are wrong
    (the others are still closed); 1 when a settlement failed on a bug."""
    from compliance.app.close import close_month, month_of, print_close

    month_of(args.month)
    contracts = [CONTRACTS_DIR / f"{name}.yaml" for name in _contract_names(argparse.Namespace(contracts=[]))]
    rows = close_month(args.month, args.facts_root, contracts, args.out, args.workers)
    print_close(args.month, rows)
    if any(row.crashed for row in rows):
        return 1
    return EXIT_USER_ERROR if any(row.failure for row in rows) else 0


def _coverage(args: argparse.Namespace) -> int:
    """Run the scenarios, report every clause; status 1 when a clause that moves money, sets a
    date or gives a right lacks a passing scenario, or a tag names no clause."""
    from compliance.legal import coverage_report
    from compliance.legal.coverage import contract_coverage, run_scenarios

    contracts = [_load(name) for name in _contract_names(args)]
    runs = run_scenarios()
    reports = [contract_coverage(loaded, runs) for loaded in contracts]
    target = args.out / "coverage.html"
    output.write_all({target: coverage_report.html(reports)})
    if args.json:
        sys.stdout.write(output.statement_json({"schema": "compliance.coverage/1",
                                                "contracts": reports}).decode("utf-8"))
    else:
        coverage_report.print_coverage(reports)
    print(f"wrote {target}", file=sys.stderr if args.json else sys.stdout)
    return 0 if all(report["complete"] for report in reports) else 1


def _lint(args: argparse.Namespace) -> int:
    """Status 1 when any contract has an error finding; warnings are reported, status 0."""
    from compliance.legal import lint

    reports = []
    for name in _contract_names(args):
        path = resolve_contract_path(name)
        try:
            reports.append(lint.lint(load_contract(path)))
        except UserError as error:
            reports.append(lint.unloadable(path.stem, error))
    if args.json:
        sys.stdout.write(output.statement_json({"schema": "compliance.lint/1",
                                                "contracts": reports}).decode("utf-8"))
    else:
        lint.print_lint(reports)
    return 1 if any(report["errors"] for report in reports) else 0


def _contract_names(args: argparse.Namespace) -> list[str]:
    """The contracts named on the command line, or every contract in contracts/."""
    return args.contracts or sorted(path.stem for path in CONTRACTS_DIR.glob("*.yaml"))


def _show(args: argparse.Namespace) -> int:
    from compliance.legal.literate import show

    print("\n".join(show(_load(args.contract), args.clause)))
    return 0


def _new(args: argparse.Namespace) -> int:
    """Write the draft encoding of a signed text; an existing file is never overwritten."""
    from compliance.legal.scaffold import scaffold

    contract_id = args.contract_id or args.text.stem
    draft = scaffold(args.text, contract_id)
    target = args.out or CONTRACTS_DIR / f"{contract_id}.yaml"
    try:
        with open(target, "x", encoding="utf-8") as stream:
            stream.write(draft)
    except FileExistsError:
        raise UserError("文件已存在，不覆盖", file=target, field="--out", valid="另一个文件名") from None
    except OSError as error:
        raise UserError(f"无法写出文件：{error.strerror}", file=target, field="--out") from None
    print(f"wrote {target}")
    expected = CONTRACTS_DIR / "texts" / f"{contract_id}.txt"
    if args.text.resolve() != expected.resolve():
        print(f"请把原文复制到 {expected}（草稿的 seed 指向那里），并把个人信息替换为 〔…〕",
              file=sys.stderr)
    return 0


def _schema(args: argparse.Namespace) -> int:
    """Write docs/schema/*.json from the models; with --check, status 1 if they are stale."""
    from compliance.legal import json_schema

    stale = json_schema.stale_files()
    if args.check:
        for path in stale:
            print(f"过期：{path}（请运行 compliance schema）")
        return 1 if stale else 0
    for path, content in json_schema.schema_files().items():
        if path in stale:
            output.write_all({path: content})
        print(f"{'wrote' if path in stale else 'unchanged'} {path}")
    return 0


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
    """Run one command; every line it prints passes through ``terminal.visible``."""
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = terminal.VisibleStream(sys.stdout), terminal.VisibleStream(sys.stderr)
    try:
        return _run(argv)
    finally:
        sys.stdout, sys.stderr = streams


def _run(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    handler = {"settle": _settle, "explain": _explain, "schedule": _schedule, "terminate": _terminate,
               "periods": _periods, "coverage": _coverage,
               "lint": _lint, "show": _show,
               "preview": _preview, "diff": _diff, "ledger": _ledger, "account": _account,
               "serve": _serve, "close": _close, "schema": _schema,
               "new": _new}[args.command]
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
