"""The register's commands: ``issue``, ``correct``, ``void``, ``approve``, ``register``,
``print``, ``verify`` and ``user`` (the web page's accounts, issue 16). Each imports the register (SQLAlchemy, Alembic) only when it runs."""
from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Callable

from compliance.errors import UserError
from compliance.render.stamp import ROLES

NAME_HELP = "签署人姓名（记入登记簿和审计日志）"
DATE_HELP = "签署日期 YYYY-MM-DD（默认：今天，北京时间）"


def add_commands(command: Callable[[str, str], argparse.ArgumentParser], day, positive,
                 contract_and_facts, span_options, calendar_help: str) -> None:
    """The register's sub-commands, added to the ``compliance`` parser by ``command``."""
    issue = command("issue", "出具结算单：编号、存入登记簿，不可再改；同一事实再次出具得到同一编号")
    contract_and_facts(issue)
    span = span_options(issue)
    span.add_argument("--termination", metavar="CLAUSE",
                      help="合同解除的结算单：所援引的条款（须同时给出 --terminated-on）")
    issue.add_argument("--terminated-on", type=day, metavar="YYYY-MM-DD", help="合同终止之日")
    issue.add_argument("--by", choices=["vendor", "buyer"], default=None, help="由哪一方解除")
    _signer(issue, "经办人姓名（记入登记簿和审计日志）", day)
    issue.add_argument("--calendar", type=Path, default=None, metavar="FILE", help=calendar_help)
    issue.add_argument("--json", action="store_true", help="输出出具的结算单 JSON")

    correct = command("correct", "更正已出具的结算单：按现在的事实重新结算，出具更正结算单，原结算单标为已更正")
    correct.add_argument("number", metavar="NUMBER", help="要更正的结算单编号")
    correct.add_argument("--reason", required=True, metavar="TEXT", help="更正的理由")
    correct.add_argument("--facts", type=Path, default=None, metavar="FACTS_DIR",
                         help="事实目录（默认：原结算单出具时读取的目录）")
    _signer(correct, "经办人姓名", day)
    correct.add_argument("--calendar", type=Path, default=None, metavar="FILE", help=calendar_help)

    void = command("void", "作废已出具的结算单（须说明理由）；编号不再使用")
    void.add_argument("number", metavar="NUMBER", help="结算单编号")
    void.add_argument("--reason", required=True, metavar="TEXT", help="作废的理由")
    void.add_argument("--name", required=True, metavar="NAME", help=NAME_HELP)

    approve = command("approve", "审批结算单：复核、审核、负责人依次签署")
    approve.add_argument("number", metavar="NUMBER", help="结算单编号")
    approve.add_argument("--role", required=True, choices=ROLES[1:], help="签署的角色")
    _signer(approve, NAME_HELP, day)

    register = command("register", "列出登记簿中的结算单及其状态")
    register.add_argument("contract", metavar="CONTRACT", nargs="?", default=None,
                          help="合同 id（默认：全部合同）")
    register.add_argument("--json", action="store_true", help="以 JSON 输出")

    printing = command("print", "写出登记簿中某张结算单现在的 PDF（含至今的审批签署与水印）和出具时的 JSON")
    printing.add_argument("number", metavar="NUMBER", help="结算单编号")
    printing.add_argument("--out", type=Path, default=Path("reports"), metavar="DIR",
                          help="输出目录（默认：reports/）")

    command("verify", "核对登记簿：每张结算单的字节与登记的哈希，审计日志的哈希链")

    _user_commands(command("user", "网页的用户：财务（经办、复核、审核、负责人）、法务（只读）、乙方（只看自己的合同）"))


def _user_commands(user: argparse.ArgumentParser) -> None:
    from compliance.register.roles import ROLES

    actions = user.add_subparsers(dest="user_action", required=True, metavar="操作")
    add = actions.add_parser("add", help="添加用户（密码经 argon2 散列后存入登记簿）",
                             description="添加网页用户；密码从提示中输入两遍，或用 --password-stdin 从标准输入读一行。")
    add.add_argument("name", metavar="NAME", help="用户名（即签署时的姓名）")
    add.add_argument("--role", required=True, choices=ROLES, help="角色")
    add.add_argument("--contract", action="append", default=[], metavar="ID",
                     help="乙方可查看的合同 id（可重复；乙方必填）")
    _password_option(add)
    actions.add_parser("list", help="列出用户、角色、可查看的合同，以及锁定或停用的状态",
                       description="列出网页用户。")
    passwd = actions.add_parser("passwd", help="重设用户的密码（同时解除锁定，该用户已登录的会话全部结束）",
                                description="重设密码；新密码从提示中输入两遍，或用 --password-stdin 从标准输入读一行。")
    passwd.add_argument("name", metavar="NAME", help="用户名")
    _password_option(passwd)
    unlock = actions.add_parser("unlock", help="解除因连续输错密码而锁定的账户", description="解除锁定。")
    unlock.add_argument("name", metavar="NAME", help="用户名")
    remove = actions.add_parser("remove", help="停用用户：不能再登录，已登录的会话立即结束；其签署、异议与审计记录保留",
                                description="停用用户（不删除：其姓名仍留在结算单、异议与审计日志中）。")
    remove.add_argument("name", metavar="NAME", help="用户名")
    enable = actions.add_parser("enable", help="重新启用已停用的用户（沿用原密码；必要时再用 passwd 重设）",
                                description="重新启用已停用的用户。")
    enable.add_argument("name", metavar="NAME", help="用户名")


def _password_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（供脚本使用）")


def _signer(parser: argparse.ArgumentParser, name_help: str, day) -> None:
    parser.add_argument("--name", required=True, metavar="NAME", help=name_help)
    parser.add_argument("--date", type=day, default=None, metavar="YYYY-MM-DD", help=DATE_HELP)


def _signed_on(args: argparse.Namespace):
    from compliance.model.today import beijing_today

    return args.date or beijing_today()


def _issue(args: argparse.Namespace, context) -> int:
    from compliance.register.issuing import Request, issue
    from compliance.views.spans import Span

    if args.termination and args.terminated_on is None:
        raise UserError("合同解除的结算单须给出终止之日", field="--terminated-on", valid="YYYY-MM-DD")
    loaded, book = context.contract_and_facts(args)
    span = (Span("termination", on=args.terminated_on, by=args.by,
                 reason=context.clause(loaded, args.termination))
            if args.termination else context.span(args))
    calendar_, digest = context.calendar(args)
    issued = issue(Request(loaded, book, args.facts, span, args.name, _signed_on(args),
                           calendar_, digest))
    _report(issued, "出具" if issued.created else "已出具过（事实相同，未重复出具）", args.json)
    return 0


def _correct(args: argparse.Namespace, context) -> int:
    from compliance.register import records
    from compliance.register.correction import correct
    from compliance.register.database import session
    from compliance.register.issuing import Request
    from compliance.views.spans import Span

    with session() as opened:
        original = records.by_number(opened, args.number)
        span = Span.of(records.statement_json(opened, original))
        contract, folder = original.contract, Path(original.facts_folder)
    loaded, book = context.contract_and_facts(argparse.Namespace(contract=contract,
                                                                 facts=args.facts or folder))
    calendar_, digest = context.calendar(args)
    issued = correct(args.number, Request(loaded, book, args.facts or folder, span, args.name,
                                          _signed_on(args), calendar_, digest), args.reason)
    _report(issued, f"出具更正结算单（更正 {args.number}）", False)
    for warning in issued.warnings:
        print(f"  ！{warning}")
    return 0


def _report(issued, what: str, as_json: bool) -> None:
    from compliance.register import blobs
    from compliance.register.database import session

    row = issued.statement
    if as_json:
        with session() as opened:
            sys.stdout.write(blobs.get(opened, row.json_sha256).decode("utf-8"))
        return
    print(f"{what}：结算单 {row.number}  {row.span_label}  出具日期 {row.issued_on}  "
          f"经办 {row.issued_by}  {row.summary}")


def _void(args: argparse.Namespace, _context) -> int:
    from compliance.register.approving import void

    row = void(args.number, args.reason.strip(), args.name)
    print(f"已作废：结算单 {row.number}（{row.span_label}），理由：{row.void_reason}")
    return 0


def _approve(args: argparse.Namespace, _context) -> int:
    from compliance.register.approving import approve
    from compliance.register.lifecycle import status_text

    row = approve(args.number, args.role, args.name, _signed_on(args))
    print(f"结算单 {row.number} {args.role} {args.name} 已签署；状态：{status_text(row)}")
    return 0


def _register(args: argparse.Namespace, context) -> int:
    from compliance.register.listing import listing, print_listing

    contract = context.load(args.contract).contract.id if args.contract else None
    rows = listing(contract)
    if args.json:
        from compliance.render import output

        sys.stdout.write(output.statement_json({"schema": "compliance.register/1",
                                                "statements": rows}).decode("utf-8"))
    else:
        print_listing(rows)
    return 0


def _print(args: argparse.Namespace, context) -> int:
    from compliance.register import blobs, records
    from compliance.register.database import session
    from compliance.render import output

    with session() as opened:
        row = records.by_number(opened, args.number)
        contract = context.load(row.contract).contract
        folder = args.out / row.contract
        files = {folder / f"{row.number}.json": blobs.get(opened, row.json_sha256),
                 folder / f"{row.number}.pdf": records.current_pdf(opened, row, contract)}
    output.write_all(files)
    for path in files:
        print(f"已写出 {path}")
    return 0


def _verify(_args: argparse.Namespace, _context) -> int:
    """Status 0 when every statement and the chain hold, 1 when anything does not."""
    from compliance.register.database import where
    from compliance.register.verification import verify

    statements, records, problems = verify()
    print(f"登记簿 {where()}：核对结算单 {statements} 张、审计记录 {records} 条")
    for problem in problems:
        print(f"  ✗ {problem.where}：{problem.problem}")
    print("全部相符" if not problems else f"发现 {len(problems)} 处不符")
    return 1 if problems else 0


def _user(args: argparse.Namespace, context) -> int:
    from compliance.register import users

    actor = f"命令行（{getpass.getuser()}）"
    if args.user_action == "list":
        for item in users.accounts():
            print(f"{item.name}  {item.role}  {'、'.join(item.contracts) or '全部合同'}"
                  + (f"  锁定至 {users.moment_text(item.locked_until)}" if item.locked_until else "")
                  + (f"  已停用（{users.moment_text(item.disabled_at)}）" if item.disabled_at else ""))
    elif args.user_action == "add":
        contracts = [context.load(contract).contract.id for contract in args.contract]
        added = users.add_user(args.name, args.role, _password(args.password_stdin), contracts, actor)
        print(f"已添加用户 {added.name}（{added.role}）：可查看 {'、'.join(added.contracts) or '全部合同'}")
    elif args.user_action == "passwd":
        users.reset_password(args.name, _password(args.password_stdin), actor)
        print(f"已重设用户 {args.name.strip()} 的密码；其已登录的会话均已结束")
    elif args.user_action == "unlock":
        print(f"已解除用户 {args.name.strip()} 的锁定" if users.unlock(args.name, actor)
              else f"用户 {args.name.strip()} 未被锁定，无需解除")
    elif args.user_action == "enable":
        users.enable(args.name, actor)
        print(f"已重新启用用户 {args.name.strip()}：可用原密码登录")
    else:
        users.remove(args.name, actor)
        print(f"已停用用户 {args.name.strip()}：不能再登录，已登录的会话已结束；其签署与审计记录保留")
    return 0


def _password(from_stdin: bool) -> str:
    """The new password: one line of standard input, or typed twice at a prompt that does not
    echo it."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("密码：")
    if getpass.getpass("再输入一遍：") != first:
        raise UserError("两次输入的密码不一致", field="密码")
    return first


HANDLERS = {"issue": _issue, "correct": _correct, "void": _void, "approve": _approve,
            "register": _register, "print": _print, "verify": _verify, "user": _user}
