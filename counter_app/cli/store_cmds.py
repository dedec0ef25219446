"""`counter-app` commands over the local store: init, catalog, intake (one or a batch typed
from paper), show, search, stats, clerk.

Output is in the clerk's language (`--lang`). Mistakes raise our LocalizedError subclasses,
which `counter_app.cli.main` prints as one line with a non-zero exit.
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from counter_app import clerks
from counter_app.cli import intake_cmds, passwords
from counter_app.cli.common import open_terminal, say
from counter_app.search import search
from counter_app.stats import DayStats, period_stats
from counter_app.terminal import Terminal
from forms.text import LocalizedError, Text
from sync.receipt_numbers import display_receipt_no
from sync.statuses import label, sync_label

if TYPE_CHECKING:  # start-up: the submission model brings the wire models (pydantic)
    from counter_app.store.submissions import Submission


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add the store commands to `sub`."""
    _init(sub)
    _catalog(sub)
    intake_cmds.register(sub)
    p = sub.add_parser("show", help="show one application by receipt number")
    p.add_argument("receipt_no")
    p.set_defaults(func=cmd_show)
    p = sub.add_parser("search", help="find applications by number, ID, name or phone")
    p.add_argument("text")
    p.set_defaults(func=cmd_search)
    p = sub.add_parser("stats", help="the hall's numbers for a day or period")
    p.add_argument("--from", dest="start", type=_date, default=None, help="YYYY-MM-DD")
    p.add_argument("--to", dest="end", type=_date, default=None, help="YYYY-MM-DD")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--age", choices=["all", "hall", "item", "department"],
                   help="the age report: open by age, carried over, on time")  # fmt: skip
    p.set_defaults(func=cmd_stats)
    _clerk(sub)


def _init(sub: argparse._SubParsersAction[Any]) -> None:
    p = sub.add_parser("init", help="create (or update) the terminal in the data folder")
    p.add_argument("--terminal-id", help="4 characters; random provisional ID by default")
    p.add_argument("--hall", default="", help="the hall's name, as printed on receipts")
    p.add_argument("--window", default="", help="the window number")
    p.add_argument("--region", help="the hall's 行政区划 code (6, 9 or 12 digits), on ratings")
    p.add_argument(
        "--rating-channel", help="hall_terminal (default) or hall_tablet: the citizen screen"
    )
    p.add_argument("--hall-seal", type=Path, help="the hall's seal (PNG) for one-time notices")
    p.add_argument("--clerk", help="also create this first clerk")
    p.add_argument("--name", help="the first clerk's name (default: the ID)")
    p.add_argument("--role", default="admin", choices=clerks.ROLES)
    passwords.add_options(p)
    p.set_defaults(func=cmd_init)


def _catalog(sub: argparse._SubParsersAction[Any]) -> None:
    p = sub.add_parser("catalog", help="the local service catalog")
    csub = p.add_subparsers(dest="catalog_command", metavar="ACTION", required=True)
    imp = csub.add_parser("import", help="import a definition file or a folder of them")
    imp.add_argument("path", type=Path)
    imp.set_defaults(func=cmd_catalog_import)
    lst = csub.add_parser("list", help="list the service items (latest versions)")
    lst.set_defaults(func=cmd_catalog_list)


def _clerk(sub: argparse._SubParsersAction[Any]) -> None:
    p = sub.add_parser("clerk", help="manage clerks")
    csub = p.add_subparsers(dest="clerk_command", metavar="ACTION", required=True)
    add = csub.add_parser("add", help="add a clerk (needs an admin)")
    add.add_argument("clerk_id")
    add.add_argument("--name", required=True)
    add.add_argument("--role", default="clerk", choices=clerks.ROLES)
    add.add_argument("--admin", required=True, help="admin clerk ID authorising this")
    passwords.add_options(add, admin=True)
    add.set_defaults(func=cmd_clerk_add)
    lst = csub.add_parser("list", help="list clerks")
    lst.set_defaults(func=cmd_clerk_list)


# -- helpers -------------------------------------------------------------------------------
def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text}") from None


# -- commands ------------------------------------------------------------------------------
def cmd_init(args: argparse.Namespace) -> int:
    from counter_app.intake.ratings import hall_settings  # start-up: the store's wire model

    settings = hall_settings(args.region, args.rating_channel)  # refused before any write
    with Terminal.init(Path(args.data_dir), args.terminal_id, args.hall, args.window) as t:
        for key, value in settings.items():
            t.store.set_setting(key, value)
        if args.hall_seal is not None:
            _set_seal(t, args.hall_seal)
        if args.clerk:
            password = passwords.read_password(
                args, Text("首位工作人员的密码：", "First clerk's password:"), args.password_file
            )
            clerks.add_clerk(t.store, args.clerk, args.name or args.clerk, password, args.role)
        say(
            args,
            f"终端 {t.terminal_id} 已就绪：{t.data_dir}",
            f"Terminal {t.terminal_id} ready in {t.data_dir}",
        )
    return 0


def _set_seal(t: Terminal, path: Path) -> None:
    """Keep the seal's absolute path, once it reads as a PNG (checked again at each print)."""
    from counter_app.intake.receipts import hall_seal

    t.store.set_setting("hall_seal_png", str(path.resolve()))
    try:
        hall_seal(t)
    except LocalizedError:
        t.store.set_setting("hall_seal_png", "")
        raise


def cmd_catalog_import(args: argparse.Namespace) -> int:
    with open_terminal(args) as t:
        new, same = t.import_catalog(args.path)
    say(
        args,
        f"已导入 {new} 个新版本，{same} 个未变。",
        f"Imported {new} new versions, {same} unchanged.",
    )
    return 0


def cmd_catalog_list(args: argparse.Namespace) -> int:
    with open_terminal(args) as t:
        items = t.service_items()
    for item in items:
        print(
            f"{item.code}\tv{item.version}\t{item.name.get(args.lang)}\t"
            f"{item.department.get(args.lang)}\t{item.promised_days}"
        )
    if not items:
        say(
            args,
            "目录为空：请先运行 catalog import。",
            "The catalog is empty: run `catalog import`.",
        )
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    with open_terminal(args) as t:
        sub = t.intake.get(args.receipt_no)
        item = t.service_item(sub.service_code, sub.service_version)
        _print_submission(
            args,
            t,
            sub,
            item.name.get(args.lang),
            {m.code: m.name.get(args.lang) for m in item.materials},
        )
    return 0


def _print_submission(
    args: argparse.Namespace, t: Terminal, sub: Submission, item_name: str, names: dict[str, str]
) -> None:
    lang, tz = args.lang, t.timezone
    rows = [
        (Text("编号", "Number"), display_receipt_no(sub.receipt_no)),
        (
            Text("类型", "Kind"),
            Text("受理", "acceptance").get(lang)
            if sub.kind == "acceptance"
            else Text("一次性告知", "one-time notice").get(lang),
        ),
        (Text("事项", "Item"), f"{sub.service_code} v{sub.service_version} {item_name}"),
        (Text("申请人", "Applicant"), f"{sub.applicant.get('name')} {sub.applicant.get('id_no')}"),
        (Text("状态", "Status"), label(sub.status, lang)),
        (Text("受理时间", "Taken at"), sub.accepted_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")),
        (Text("承诺办结", "Promised by"), str(sub.due_date or "-")),
        (
            Text("同步", "Sync"),
            sync_label(sub.sync_state, lang) + (f" ({sub.sync_error})" if sub.sync_error else ""),
        ),
    ]
    for key, value in rows:
        print(f"{key.get(lang)}: {value}")
    for m in sub.materials:
        reused = Text("（复用）", " (reused)").get(lang) if m.reused else ""
        print(f"  + {names.get(m.material_code, m.material_code)}{reused} {m.sha256[:12]}")
    for n in sub.notice_items:
        print(f"  - {names.get(n.material_code, n.material_code)} [{n.reason}] {n.note}".rstrip())
    for e in sub.events:
        print(f"  {e.at.astimezone(tz):%Y-%m-%d %H:%M} {label(e.status, lang)} {e.note}".rstrip())


def cmd_search(args: argparse.Namespace) -> int:
    with open_terminal(args) as t:
        hits, tz = search(t.store, args.text), t.timezone
    for h in hits:  # the day it was taken in the hall, not in UTC or the machine's zone
        print(
            f"{display_receipt_no(h.receipt_no)}\t{h.service_code}\t{h.name}\t{h.id_no}\t"
            f"{label(h.status, args.lang)}\t{h.accepted_at.astimezone(tz).date()}"
        )
    if not hits:
        say(args, "没有找到。", "Nothing found.")
        return 1
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    if args.age:
        return _age_report(args)
    with open_terminal(args) as t:
        today = t.today()
        end = args.end or today
        start = args.start or end
        stats = period_stats(t.store, start, end, today, t.timezone)
    if args.json:
        print(json.dumps([_stats_dict(d) for d in (*stats.days, stats.totals)], ensure_ascii=False))
        return 0
    head = Text(
        "日期\t收件\t受理\t告知\t办结\t按时\t逾期\t满意率（评价数）\t评价率\t差评",
        "day\treceived\taccepted\tnotices\tsettled\ton time\toverdue\tsatisfied (ratings)"
        "\trating rate\tbad",
    )
    print(head.get(args.lang))
    for d in (*stats.days, stats.totals):
        print(_stats_line(d, Text("合计", "total").get(args.lang)))
    return 0


def _age_report(args: argparse.Namespace) -> int:
    from counter_app.age_stats import report
    from sync.age_report import AGE_COLUMNS, AGE_HEADINGS

    with open_terminal(args) as t:
        end = args.end or t.today()
        rows = report(t.store, args.start or end.replace(day=1), end, t.timezone, args.age)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
        return 0
    print("\t".join(AGE_HEADINGS[c].get(args.lang) for c in AGE_COLUMNS))
    for row in rows:
        print("\t".join(str(row[c]) for c in AGE_COLUMNS))
    return 0


def _stats_dict(d: DayStats) -> dict[str, Any]:
    return {
        "day": d.day.isoformat() if d.day else None,
        "received": d.received,
        "accepted": d.accepted,
        "notices": d.notices,
        "settled": d.settled,
        "settled_on_time": d.settled_on_time,
        "overdue": d.overdue,
        "ratings": d.ratings,
        "satisfaction": d.satisfaction,
        "rating_rate": d.rating_rate,
        "bad_ratings": d.bad,
    }


def _stats_line(d: DayStats, total: str) -> str:
    sat = f"{d.satisfaction:.0%} ({d.ratings})" if d.satisfaction is not None else "-"
    rate = f"{d.rating_rate:.0%}" if d.rating_rate is not None else "-"
    return (
        f"{d.day or total}\t{d.received}\t{d.accepted}\t{d.notices}\t{d.settled}\t"
        f"{d.settled_on_time}\t{d.overdue}\t{sat}\t{rate}\t{d.bad}"
    )


def cmd_clerk_add(args: argparse.Namespace) -> int:
    with open_terminal(args) as t:
        asked = Text(f"管理员 {args.admin} 的密码：", f"Password of admin {args.admin}:")
        admin_password = passwords.read_password(args, asked, args.admin_password_file)
        admin = clerks.authenticate(t.store, args.admin, admin_password)
        asked = Text(
            f"新工作人员 {args.clerk_id} 的密码：", f"New clerk {args.clerk_id}'s password:"
        )
        password = passwords.read_password(args, asked, args.password_file)
        clerks.add_clerk(t.store, args.clerk_id, args.name, password, args.role, actor=admin)
    say(args, f"已添加 {args.clerk_id}（{args.role}）。", f"Added {args.clerk_id} ({args.role}).")
    return 0


def cmd_clerk_list(args: argparse.Namespace) -> int:
    with open_terminal(args) as t:
        for c in clerks.list_clerks(t.store):
            print(f"{c['clerk_id']}\t{c['name']}\t{c['role']}\t{'' if c['active'] else '-'}")
    return 0
