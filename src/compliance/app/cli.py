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
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, NoReturn, Sequence

from compliance.app import register_commands
from compliance.render import output
from compliance.render import terminal
from compliance.model.contract import resolve_contract_path
from compliance.engine.loading import LoadedContract, load_contract
from compliance.engine.outcome import CHECK_MARKS
from compliance.errors import UserError
from compliance.model.facts import FactsBook, load_facts
from compliance.model.numbering import normalise_clause_id
from compliance.model.fieldtypes import FLAG_LABELS
from compliance.paths import CONTRACTS_DIR, REPORTS_DIR
from compliance.model.periods import all_periods, cycle, cycle_count
from compliance.views.spans import Span, span_statement
from compliance.views.statement import payable_sentence, span_label
from compliance.model.today import beijing_today
from compliance.model.workdays import WorkCalendar, calendar

if TYPE_CHECKING:  # what-ifs are read only by preview's --add: not imported for every command
    from compliance.views.whatif import Addition

EXIT_USER_ERROR = 2


ERROR_PREFIX = "compliance：错误："
"""How every refusal starts, argparse's and the commands' alike."""

ARGPARSE_MESSAGES = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "one of the arguments %s is required": "须给出 %s 中的一个",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "expected one argument": "后面须跟一个值",
    "expected at most one argument": "后面至多跟一个值",
    "expected at least one argument": "后面至少跟一个值",
    "expected %s argument": "后面须跟 %s 个值",
    "expected %s arguments": "后面须跟 %s 个值",
    "invalid choice: %(value)r (choose from %(choices)s)": "没有这个选项：%(value)r（可用：%(choices)s）",
    "invalid %(type)s value: %(value)r": "不是有效的 %(type)s 值：%(value)r",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是 %(matches)s",
    "ignored explicit argument %r": "该选项不带值：%r",
    "unexpected option string: %s": "多余的选项：%s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "没有这个命令：%(parser_name)r（可用：%(choices)s）",
    "can't open '%(filename)s': %(error)s": "无法打开 '%(filename)s'：%(error)s",
}
"""argparse's own words (its usage line, its errors, the headings of ``--help``) in Chinese.

argparse looks every message up through gettext as it writes it (``from gettext import gettext
as _, ngettext``), which is how its documentation says it is translated. Rather than a compiled
catalogue, found only under a zh_CN locale, :func:`_argparse_in_chinese` answers those look-ups
(``argparse._``, ``argparse.ngettext``) from this table while the command line is read; a
message not in it stays as argparse writes it."""


@contextmanager
def _argparse_in_chinese() -> Iterator[None]:
    """argparse speaks Chinese while the parser is built and the arguments are read (the help's
    headings are looked up when the parser is built, the errors when they occur); restored after,
    so other users of argparse in the process (pytest) are not touched."""
    gettext, ngettext = argparse._, argparse.ngettext  # type: ignore[attr-defined]

    def chinese(message: str) -> str:
        return ARGPARSE_MESSAGES.get(message) or gettext(message)

    def chinese_plural(one: str, many: str, count: int) -> str:
        return ARGPARSE_MESSAGES.get(one if count == 1 else many) or ngettext(one, many, count)

    argparse._, argparse.ngettext = chinese, chinese_plural  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = gettext, ngettext  # type: ignore[attr-defined]


class _Parser(argparse.ArgumentParser):
    """argparse that reports errors like every other user error here: the usage line, then
    ``compliance：错误：…``, status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{ERROR_PREFIX}{message}", file=sys.stderr)
        raise SystemExit(EXIT_USER_ERROR)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} 不是整数") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} 须不小于 1")
    return value


DEFAULT_OUT = "输出目录（默认：reports/）"
FACTS_ROOT_HELP = "每个合同一个事实目录（以合同 id 命名）的文件夹（默认：examples/）"
CONTRACT_HELP = "合同 YAML 文件，或合同 id（如 gaomidian-2025）"
CONTRACTS_HELP = "合同 YAML 文件或合同 id（默认：全部合同）"
CALENDAR_HELP = "补充的工作日日历 YAML：增加或替换年份"
WORKERS_HELP = "工作进程数（默认：每个 CPU 核一个）"


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="compliance", description="按条款结算北京 12345（接诉即办）服务合同。")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser,
                                     metavar="命令")

    def command(name: str, text: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=text, description=text + "。")

    settle = command("settle", "结算一个合同月、一个支付周期或一次付款")
    _contract_and_facts_arguments(settle)
    _span_options(settle)
    settle.add_argument("--json", action="store_true", help="输出结算单 JSON，而不是摘要")
    settle.add_argument("--out", type=Path, default=REPORTS_DIR, metavar="DIR", help=DEFAULT_OUT)
    _judgement_options(settle)

    explain = command("explain", "结算单上每个数从何而来：条款、规则、事实和计算，以树状列出")
    _contract_and_facts_arguments(explain)
    _span_options(explain)
    which = explain.add_mutually_exclusive_group()
    which.add_argument("--line", type=_positive, metavar="K",
                       help="只说明第 K 行扣款（按结算单上的编号）")
    which.add_argument("--clause", metavar="ID",
                       help="只说明依此条款的扣款和标记（按合同的编号，如 4.6.1、第4.6.1条、五（二）1）")
    _judgement_options(explain)

    schedule = command("schedule", "每次付款或每个支付周期：付款期限和状态")
    _contract_and_facts_arguments(schedule)
    schedule.add_argument("--json", action="store_true", help="以 JSON 输出付款计划")
    _judgement_options(schedule)

    terminate = command("terminate", "合同于某日依某条款解除时，双方各应支付多少")
    _contract_and_facts_arguments(terminate)
    terminate.add_argument("--on", type=_day, required=True, metavar="YYYY-MM-DD",
                           help="合同终止之日（提供服务的最后一天）")
    terminate.add_argument("--reason", required=True, metavar="CLAUSE",
                           help="所援引的条款，按合同的编号（如 6.3、第6.3条）")
    terminate.add_argument("--by", choices=["vendor", "buyer"], default=None,
                           help="由哪一方解除：vendor（乙方）或 buyer（甲方）；"
                                "双方均可援引该条款时须写明")
    terminate.add_argument("--json", action="store_true", help="输出结算单 JSON，而不是摘要")
    terminate.add_argument("--out", type=Path, default=REPORTS_DIR, metavar="DIR", help=DEFAULT_OUT)
    terminate.add_argument("--calendar", type=Path, default=None, metavar="FILE", help=CALENDAR_HELP)

    preview = command("preview", "供乙方使用：在已记录的事实上假设再发生若干事件，"
                                 "与已记录的月份对照（不写出任何文件）")
    _contract_and_facts_arguments(preview)
    preview.add_argument("--period", type=_positive, required=True, metavar="N",
                         help="合同月序号（1 = 第一个月）")
    preview.add_argument("--add", action="append", default=[], type=_addition, metavar="TYPE=N",
                         help="假设再发生 N 次 TYPE 类事件（按天数或金额记录的类型，N 为天数或元）；"
                              "可重复")
    preview.add_argument("--rating", default=None, metavar="TIER", help="以此评价代替当月记录的评价")
    preview.add_argument("--json", action="store_true", help="以 JSON 输出两张结算单及其变化")

    ledger_ = command("ledger", "供财务人员使用：截至今日的每个月、累计数、按条款的扣款、待付款项")
    _contract_and_facts_arguments(ledger_)
    form = ledger_.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="以 JSON 输出台账")
    form.add_argument("--csv", action="store_true", help="以 CSV 输出各月")
    ledger_.add_argument("--xlsx", action="store_true",
                         help="另写出 <DIR>/<合同 id>/ledger.xlsx（各月；扣款及其单号）")
    ledger_.add_argument("--out", type=Path, default=REPORTS_DIR, metavar="DIR",
                         help="--xlsx 的输出目录（默认：reports/）")
    _judgement_options(ledger_)

    account = command("account", "截至某日的合同账户：每笔金额及其条款、日期和来源，以及谁欠谁")
    _contract_and_facts_arguments(account)
    account.add_argument("--json", action="store_true", help="以 JSON 输出账户")
    _judgement_options(account)

    diff = command("diff", "同一期间的两张结算单之间有何变化")
    diff.add_argument("before", metavar="A.json", type=Path, help="先出具的结算单")
    diff.add_argument("after", metavar="B.json", type=Path, help="重新结算的结算单")
    diff.add_argument("--json", action="store_true", help="以 JSON 输出变化")

    serve = command("serve", "本地网页：台账、结算单、PDF 下载和假设预览")
    serve.add_argument("--facts-root", type=Path, default=Path("examples"), metavar="DIR",
                       help=FACTS_ROOT_HELP)
    serve.add_argument("--host", default="127.0.0.1", metavar="HOST", help="监听地址（默认：127.0.0.1）")
    serve.add_argument("--port", type=_positive, default=8000, metavar="PORT", help="端口（默认：8000）")
    serve.add_argument("--workers", type=_positive, default=os.cpu_count() or 1, metavar="N",
                       help="处理请求的" + WORKERS_HELP)
    serve.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                       help="浏览器地址栏中本网页的主机名（可重复；本机名称总是接受）")
    serve.add_argument("--certfile", type=Path, metavar="FILE", help="TLS 证书（PEM）")
    serve.add_argument("--keyfile", type=Path, metavar="FILE", help="TLS 私钥（PEM）")
    serve.add_argument("--behind-proxy", action="store_true",
                       help="在终止 TLS 的反向代理之后运行（Cookie 标为 Secure）")

    closing = command("close", "供财务人员使用：月结，各合同当月的结算并行完成")
    closing.add_argument("--month", required=True, metavar="YYYY-MM",
                         help="结算在此日历月内结束的合同月")
    closing.add_argument("--facts-root", type=Path, default=Path("examples"), metavar="DIR",
                         help=FACTS_ROOT_HELP)
    closing.add_argument("--out", type=Path, default=REPORTS_DIR, metavar="DIR", help=DEFAULT_OUT)
    closing.add_argument("--workers", type=_positive, default=None, metavar="N", help=WORKERS_HELP)

    coverage = command("coverage", "供律师使用：每个条款、其编码、检验它的场景及是否通过")
    coverage.add_argument("contracts", metavar="CONTRACT", nargs="*", help=CONTRACTS_HELP)
    coverage.add_argument("--json", action="store_true", help="以 JSON 输出报告")
    coverage.add_argument("--out", type=Path, default=REPORTS_DIR, metavar="DIR",
                          help="coverage.html 的输出目录（默认：reports/）")

    linting = command("lint", "检查编码自身是否一致，是否与条款文字写明的数字相符")
    linting.add_argument("contracts", metavar="CONTRACT", nargs="*", help=CONTRACTS_HELP)
    linting.add_argument("--json", action="store_true", help="以 JSON 输出检查结果")

    showing = command("show", "供律师使用：逐条列出合同，原文在上、编码在下")
    showing.add_argument("contract", metavar="CONTRACT", help=CONTRACT_HELP)
    showing.add_argument("--clause", metavar="ID",
                         help="只列出此条款及其下各款（按合同的编号，如 4.6、第四条、五（二））")

    new = command("new", "供编写者使用：据签署文本起草 contracts/<id>.yaml，每条条款编号，"
                         "待定之处标为 待填写")
    new.add_argument("text", metavar="TEXT_FILE", type=Path, help="签署文本（UTF-8 纯文本）")
    new.add_argument("--id", dest="contract_id", metavar="ID", default=None,
                     help="合同 id（默认：文本文件名去掉 .txt）")
    new.add_argument("--out", type=Path, metavar="FILE", default=None,
                     help="草稿写到哪里（默认：contracts/<id>.yaml）；从不覆盖已有文件")

    schema = command("schema", "供编写者使用：把合同文件和事实文件的 JSON Schema 写入 docs/schema/"
                               "（编辑器据此边输入边检查）")
    schema.add_argument("--check", action="store_true",
                        help="不写出文件；docs/schema/ 过期时以状态 1 退出")

    importing = command("import", "供财务人员使用：从平台导出的工单表（xlsx 或 CSV）得出当月事实，"
                                  "每个事件注明来源文件和行号")
    importing.add_argument("contract", metavar="CONTRACT", help=CONTRACT_HELP)
    importing.add_argument("files", metavar="FILE", nargs="+", type=Path,
                           help="平台导出的 .xlsx 或 .csv 文件（UTF-8、GBK 或 GB18030）")
    importing.add_argument("--period", type=_positive, required=True, metavar="N",
                           help="合同月序号（1 = 第一个月）")
    importing.add_argument("--mapping", type=Path, default=None, metavar="FILE",
                           help="映射文件（默认：imports/<合同 id>.yaml）")
    importing.add_argument("--facts", type=Path, default=None, metavar="DIR",
                           help="该合同的事实目录（默认：examples/<合同 id>）")
    importing.add_argument("--dry-run", action="store_true", help="只报告将导入什么，不写出任何文件")
    importing.add_argument("--accept-changes", action="store_true",
                           help="写入与此前导入不同的行（更正）；不加时只列出，留待复核")

    listing = command("periods", "列出合同月和支付周期")
    listing.add_argument("contract", metavar="CONTRACT", help=CONTRACT_HELP)
    register_commands.add_commands(command, _day, _positive, _contract_and_facts_arguments,
                                   _span_options, CALENDAR_HELP)
    return parser


def _contract_and_facts_arguments(parser: argparse.ArgumentParser) -> None:
    """CONTRACT FACTS_DIR, as every command that settles something takes them."""
    parser.add_argument("contract", metavar="CONTRACT", help=CONTRACT_HELP)
    parser.add_argument("facts", metavar="FACTS_DIR", type=Path, help="该合同的事实目录（每期一个 .yaml 文件）")


def _span_options(parser: argparse.ArgumentParser) -> argparse._MutuallyExclusiveGroup:
    """--period, --cycle or --tranche, exactly one; the group, for a command to add to."""
    span = parser.add_mutually_exclusive_group(required=True)
    span.add_argument("--period", type=_positive, metavar="N", help="合同月序号（1 = 第一个月）")
    span.add_argument("--cycle", type=_positive, metavar="K", help="支付周期序号")
    span.add_argument("--tranche", type=_positive, metavar="N", help="付款次序（第 N 次付款）")
    return span


def _judgement_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-of", type=_day, default=None, metavar="YYYY-MM-DD",
                        help="按此日判断付款期限和是否逾期（默认：今天，北京时间）")
    parser.add_argument("--calendar", type=Path, default=None, metavar="FILE", help=CALENDAR_HELP)


def _addition(text: str) -> Addition:
    from compliance.views.whatif import parse_addition

    try:
        return parse_addition(text)
    except UserError as error:
        raise argparse.ArgumentTypeError(f"{error.message}（可用：{error.valid}）") from None


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} 不是写作 YYYY-MM-DD 的日期") from None


def _load(argument: str) -> LoadedContract:
    return load_contract(resolve_contract_path(argument))


def _clause(loaded: LoadedContract, written: str | None) -> str | None:
    """A clause id as the user wrote it (``第4.6.1条``, ``五（二）1``), as the contract numbers it."""
    if written is None:
        return None
    return normalise_clause_id(written, [clause.id for clause in loaded.contract.clauses])


def _contract_and_facts(args: argparse.Namespace) -> tuple[LoadedContract, FactsBook]:
    """The contract named by CONTRACT (refused while lint finds errors in it) and its facts from
    FACTS_DIR, both checked."""
    from compliance.legal.lint import refuse_if_unsound

    loaded = refuse_if_unsound(_load(args.contract))
    return loaded, load_facts(args.facts, loaded)


def _span(args: argparse.Namespace) -> Span:
    """The span the options name: --period, --cycle or --tranche (or a termination's)."""
    for kind in ("period", "cycle", "tranche"):
        if getattr(args, kind, None) is not None:
            return Span(kind, getattr(args, kind))
    return Span("termination", on=args.on, reason=args.reason, by=args.by)


def _statement(args: argparse.Namespace, loaded: LoadedContract,
               book: FactsBook) -> tuple[str, dict]:
    """The statement the span options ask for, and the stem of its file names."""
    span = _span(args)
    calendar_, digest = _calendar(args) if span.kind in ("tranche", "termination") else (None, None)
    return span.stem, span_statement(loaded, book, span, _as_of(args), calendar_, digest)


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
    for node in explain(statement, loaded.contract, line=args.line,
                        clause=_clause(loaded, args.clause)):
        print("\n".join(node.lines()))
    return 0


def _write(args: argparse.Namespace, loaded: LoadedContract, stem: str, statement: dict,
           summary) -> None:
    """Write the statement's JSON and PDF together (both or neither), then print it."""
    from compliance.render.statement_files import write_statement

    files = write_statement(args.out, loaded.contract, stem, statement)
    if args.json:
        sys.stdout.write(next(iter(files.values())).decode("utf-8"))
    else:
        summary(statement)
    for path in files:
        print(f"已写出 {path}", file=sys.stderr if args.json else sys.stdout)


def _terminate(args: argparse.Namespace) -> int:
    from compliance.views.termination import print_termination

    loaded, book = _contract_and_facts(args)
    args.reason = _clause(loaded, args.reason)
    stem, statement = _statement(args, loaded, book)
    _write(args, loaded, stem, statement, print_termination)
    return 0


def _as_of(args: argparse.Namespace) -> date:
    return getattr(args, "as_of", None) or beijing_today()


def _calendar(args: argparse.Namespace) -> tuple[WorkCalendar, str | None]:
    """The working-day calendar, with the user's file added, and that file's digest."""
    if args.calendar is None:
        return calendar(), None
    if not args.calendar.is_file():
        raise UserError("找不到日历文件", file=args.calendar, field="--calendar",
                        valid="格式同 src/compliance/data/calendar-cn.yaml 的 YAML 文件")
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
        from compliance.register.listing import by_span

        output.write_all({target: ledger_xlsx(item, loaded.contract, by_span(loaded.contract.id))})
    if args.json:
        sys.stdout.write(output.statement_json(item).decode("utf-8"))
    elif args.csv:
        sys.stdout.write(ledger_csv(item))
    else:
        print_ledger(item)
    if args.xlsx:
        print(f"已写出 {target}", file=sys.stderr if args.json or args.csv else sys.stdout)
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

    from compliance.app.close import FACTS_ROOT
    from compliance.app.web import FACTS_ROOT_VARIABLE, create_app
    from compliance.app.web_security import check_exposure, serving

    if not args.facts_root.is_dir():
        raise UserError("找不到事实根目录", file=args.facts_root, field="--facts-root",
                        valid=FACTS_ROOT)
    check_exposure(args.host, bool(args.certfile or args.keyfile), args.behind_proxy)
    settings, options = serving(args.host, args.allow_host, args.certfile, args.keyfile, args.behind_proxy)
    scheme = "https" if args.certfile else "http"
    print(f"compliance：网页在 {scheme}://{args.host}:{args.port}/（事实取自 {args.facts_root}，"
          f"{args.workers} 个工作进程）；按 Ctrl-C 停止")
    if args.workers == 1:
        uvicorn.run(create_app(args.facts_root, settings=settings), host=args.host, port=args.port,
                    log_level="warning", **options)
        return 0
    os.environ[FACTS_ROOT_VARIABLE] = str(args.facts_root.absolute())
    settings.to_environment()
    uvicorn.run("compliance.app.web:app_from_environment", factory=True, workers=args.workers,
                host=args.host, port=args.port, log_level="warning", **options)
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
    print(f"已写出 {target}", file=sys.stderr if args.json else sys.stdout)
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

    loaded = _load(args.contract)
    print("\n".join(show(loaded, _clause(loaded, args.clause))))
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
    print(f"已写出 {target}")
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
        print(f"{'已写出' if path in stale else '未变'} {path}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from compliance.imports.command import run

    return run(args)


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
    """Run one command; every line it prints passes through ``terminal.visible``. As the
    ``compliance`` program (``argv`` not given), one of ``ENDS_AT_ONCE`` ends the process when
    it is done (:func:`_end_at_once`)."""
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = terminal.VisibleStream(sys.stdout), terminal.VisibleStream(sys.stderr)
    try:
        code = _run(argv)
    finally:
        sys.stdout, sys.stderr = streams
    if argv is None and sys.argv[1:2] and sys.argv[1].strip() in ENDS_AT_ONCE:
        _end_at_once(code)
    return code


ENDS_AT_ONCE = frozenset({"settle", "terminate", "explain", "schedule", "periods", "preview"})
"""Commands that only print, or write their files through ``render.output`` (each written,
fsynced and closed before the command returns), and start no thread, process or server."""


def _end_at_once(code: int) -> NoReturn:
    """End the process without the interpreter's teardown: freeing every object of every module
    one by one and a last garbage collection, about 60 ms of a cold ``settle`` (issue 13) that
    change nothing outside the process. Safe once one of ``ENDS_AT_ONCE`` has returned: its
    files are on disk and closed, no thread or child process runs, and the exit handlers
    registered by then (``logging.shutdown`` with no handler configured, Pillow's image cache)
    have nothing to write. What is still buffered for stdout and stderr is flushed first."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # output piped into head or less, closed early: as ``_run`` says
        pass
    os._exit(code)


def _run(argv: Sequence[str] | None) -> int:
    """Parse (every argument without the spaces around it, full-width ones included: a contract
    id or a clause pasted from a document), then run the command."""
    arguments = [argument.strip() for argument in (sys.argv[1:] if argv is None else argv)]
    with _argparse_in_chinese():
        args = _parser().parse_args(arguments)
    handler = {"settle": _settle, "explain": _explain, "schedule": _schedule, "terminate": _terminate,
               "periods": _periods, "coverage": _coverage,
               "lint": _lint, "show": _show,
               "preview": _preview, "diff": _diff, "ledger": _ledger, "account": _account,
               "serve": _serve, "close": _close, "schema": _schema,
               "new": _new, "import": _import}.get(args.command)
    try:
        return handler(args) if handler else register_commands.HANDLERS[args.command](args, _CONTEXT)
    except UserError as error:
        print(f"{ERROR_PREFIX}{error}", file=sys.stderr)
        return EXIT_USER_ERROR
    except BrokenPipeError:  # output piped into head or less, closed early: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


_CONTEXT = SimpleNamespace(contract_and_facts=_contract_and_facts, span=_span, calendar=_calendar,
                           load=_load, clause=_clause)
"""What the register's commands read their arguments with, as every other command does."""


if __name__ == "__main__":
    raise SystemExit(main())
