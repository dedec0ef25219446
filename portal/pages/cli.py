"""`portal staff add|disable USER`, `portal item-limit`, `portal stats-rebuild`: the pages'
administration commands,
added to the `portal` CLI by `add_commands` (so `portal/cli.py` needs one line)."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from pathlib import Path

from forms.text import Text
from portal.db import Database
from portal.errors import Invalid
from portal.pages import deadlines, deferrals, staff

AddParser = Callable[[str, str], argparse.ArgumentParser]
OpenDb = Callable[[argparse.Namespace], Database]


def _password(args: argparse.Namespace) -> str:
    """From stdin with --password-stdin or from a file with --password-file (scripts),
    else asked twice without echo; never from the command line, which every local
    account can read in the process list."""
    if args.password_file:
        try:
            return str(Path(args.password_file).read_text("utf-8").splitlines()[0])
        except (OSError, IndexError, UnicodeDecodeError):
            raise Invalid(
                Text(
                    f"无法从 {args.password_file} 读取密码。",
                    f"Cannot read a password from {args.password_file}.",
                )
            ) from None
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password / 密码: ")
    if getpass.getpass("Again / 再次输入: ") != first:
        raise Invalid(Text("两次输入的密码不一致。", "The passwords differ."))
    return first


def add_commands(add_parser: AddParser, open_db: OpenDb) -> None:
    def staff_cmd(args: argparse.Namespace) -> int:
        db = open_db(args)
        if args.action == "disable":
            staff.disable_staff(db, args.username)
        else:
            staff.add_staff(db, args.username, args.name or args.username, _password(args))
        print(f"staff user {args.username}: {'disabled' if args.action == 'disable' else 'saved'}")
        return 0

    def item_limit(args: argparse.Namespace) -> int:
        days = None if args.clear else args.days
        if days is None and not args.clear:
            raise Invalid(Text("请给出工作日数或 --clear。", "Give a number of days or --clear."))
        deadlines.set_item_limit(open_db(args), args.item, days, "cli")
        print(f"{args.item}: {days if days is not None else 'cleared'}")
        return 0

    def deferrals_late(args: argparse.Namespace) -> int:
        db, today = open_db(args), deadlines.today()
        found = deferrals.late(db, today)
        for x in found:
            print(f"{x.receipt_no}\t{x.material_code}\t{x.due}")
        if args.end or deferrals.end_by_setting():
            print(f"ended: {len(deferrals.end_late(db, today))}")
        return 1 if found else 0

    def export_gbt(args: argparse.Namespace) -> int:
        from datetime import date

        from portal import gbt39046

        try:
            start, end = date.fromisoformat(args.start), date.fromisoformat(args.end)
        except ValueError:
            raise Invalid(Text("日期格式应为 YYYY-MM-DD。", "Dates are YYYY-MM-DD.")) from None
        rows = gbt39046.records(open_db(args), start, end)
        body = gbt39046.to_xml(rows) if args.format == "xml" else gbt39046.to_json(rows)
        try:
            Path(args.out).write_bytes(body)
        except OSError as exc:
            raise Invalid(Text(f"无法写入 {args.out}：{exc.strerror}",
                               f"Cannot write {args.out}: {exc.strerror}")) from exc  # fmt: skip
        print(f"exported {len(rows)} records to {args.out}")
        return 0

    def stats_rebuild(args: argparse.Namespace) -> int:
        from portal.pages import rollup

        db = open_db(args)
        with db.begin() as conn:
            rollup.rebuild(conn)
        print("open data's rollup rebuilt")
        return 0

    p = add_parser("stats-rebuild", "count open data's rollup afresh (rows loaded by hand)")
    p.set_defaults(func=stats_rebuild)
    p = add_parser("export-gbt39046", "application records in the GB/T 39046-2020 layout")
    p.add_argument("--from", dest="start", required=True, help="YYYY-MM-DD (acceptance)")
    p.add_argument("--to", dest="end", required=True, help="YYYY-MM-DD")
    p.add_argument("--format", choices=["json", "xml"], default="json")
    p.add_argument("--out", required=True, help="file to write")
    p.set_defaults(func=export_gbt)
    p = add_parser("deferrals-late", "容缺: list late promised materials (--end: end them)")
    p.add_argument("--end", action="store_true", help="end them now (PORTAL_END_LATE_DEFERRALS)")
    p.set_defaults(func=deferrals_late)
    p = add_parser("staff", "back-office users: add (or reset the password) / disable")
    p.add_argument("action", choices=["add", "disable"])
    p.add_argument("username")
    p.add_argument("--name", default="", help="display name")
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    p.add_argument("--password-file", type=Path, help="read the password from this file's 1st line")
    p.set_defaults(func=staff_cmd)
    p = add_parser("item-limit", "set an item's time limit in working days (or --clear)")
    p.add_argument("item")
    p.add_argument("days", type=int, nargs="?")
    p.add_argument("--clear", action="store_true")
    p.set_defaults(func=item_limit)
