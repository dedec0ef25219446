"""`counter-app` commands over the local store: init, catalog, intake (one or a batch typed
from paper), show, search, stats, clerk.

Output is in the clerk's language (`--lang`). Mistakes raise our LocalizedError subclasses,
which `counter_app.cli.main` prints as one line with a non-zero exit.
"""

from __future__ import annotations

import argparse
import getpass
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from counter_app import clerks
from counter_app.errors import CounterError
from counter_app.intake import IntakeResult
from counter_app.receipt_numbers import display_receipt_no
from counter_app.search import search
from counter_app.stats import DayStats, period_stats
from counter_app.submissions import Submission
from counter_app.terminal import Terminal
from forms.text import LocalizedError, Text
from sync.statuses import label


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add the store commands to `sub`."""
    _init(sub)
    _catalog(sub)
    _intake(sub)
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
    p.set_defaults(func=cmd_stats)
    _clerk(sub)


def _init(sub: argparse._SubParsersAction[Any]) -> None:
    p = sub.add_parser("init", help="create (or update) the terminal in the data folder")
    p.add_argument("--terminal-id", help="4 characters; random provisional ID by default")
    p.add_argument("--hall", default="", help="the hall's name, as printed on receipts")
    p.add_argument("--window", default="", help="the window number")
    p.add_argument("--clerk", help="also create this first clerk")
    p.add_argument("--name", help="the first clerk's name (default: the ID)")
    p.add_argument("--password", help="the first clerk's password (asked when omitted)")
    p.add_argument("--role", default="admin", choices=clerks.ROLES)
    p.set_defaults(func=cmd_init)


def _catalog(sub: argparse._SubParsersAction[Any]) -> None:
    p = sub.add_parser("catalog", help="the local service catalog")
    csub = p.add_subparsers(dest="catalog_command", metavar="ACTION", required=True)
    imp = csub.add_parser("import", help="import a definition file or a folder of them")
    imp.add_argument("path", type=Path)
    imp.set_defaults(func=cmd_catalog_import)
    lst = csub.add_parser("list", help="list the service items (latest versions)")
    lst.set_defaults(func=cmd_catalog_list)


def _intake(sub: argparse._SubParsersAction[Any]) -> None:
    p = sub.add_parser("intake", help="take an application (or a batch with --jsonl)")
    p.add_argument("--service", help="service item code")
    p.add_argument("--clerk", help="clerk ID")
    p.add_argument("--data", type=Path, help='answers JSON with the applicant under "applicant"')
    p.add_argument("--attach", action="append", default=[], metavar="MATERIAL=PATH")
    p.add_argument("--reuse", action="append", default=[], metavar="MATERIAL")
    p.add_argument("--jsonl", type=Path, help="batch: one application per line")
    p.set_defaults(func=cmd_intake)


def _clerk(sub: argparse._SubParsersAction[Any]) -> None:
    p = sub.add_parser("clerk", help="manage clerks")
    csub = p.add_subparsers(dest="clerk_command", metavar="ACTION", required=True)
    add = csub.add_parser("add", help="add a clerk (needs an admin)")
    add.add_argument("clerk_id")
    add.add_argument("--name", required=True)
    add.add_argument("--role", default="clerk", choices=clerks.ROLES)
    add.add_argument("--password", help="asked when omitted")
    add.add_argument("--admin", required=True, help="admin clerk ID authorising this")
    add.add_argument("--admin-password", help="asked when omitted")
    add.set_defaults(func=cmd_clerk_add)
    lst = csub.add_parser("list", help="list clerks")
    lst.set_defaults(func=cmd_clerk_list)


# -- helpers -------------------------------------------------------------------------------
def _say(args: argparse.Namespace, zh: str, en: str) -> None:
    print(Text(zh, en).get(args.lang))


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text}") from None


def _open(args: argparse.Namespace) -> Terminal:
    return Terminal.open(Path(args.data_dir))


def _secret(given: str | None, prompt: str) -> str:
    return given if given is not None else getpass.getpass(prompt)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CounterError(
            Text(f"无法读取 {path}：{exc.strerror}", f"Cannot read {path}: {exc.strerror}")
        ) from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise CounterError(
            Text(f"{path} 不是有效的 JSON：{exc}", f"{path} is not valid JSON: {exc}")
        ) from exc


# -- commands ------------------------------------------------------------------------------
def cmd_init(args: argparse.Namespace) -> int:
    with Terminal.init(Path(args.data_dir), args.terminal_id, args.hall, args.window) as t:
        if args.clerk:
            password = _secret(args.password, "Password: ")
            clerks.add_clerk(t.store, args.clerk, args.name or args.clerk, password, args.role)
        _say(
            args,
            f"终端 {t.terminal_id} 已就绪：{t.data_dir}",
            f"Terminal {t.terminal_id} ready in {t.data_dir}",
        )
    return 0


def cmd_catalog_import(args: argparse.Namespace) -> int:
    with _open(args) as t:
        new, same = t.import_catalog(args.path)
    _say(
        args,
        f"已导入 {new} 个新版本，{same} 个未变。",
        f"Imported {new} new versions, {same} unchanged.",
    )
    return 0


def cmd_catalog_list(args: argparse.Namespace) -> int:
    with _open(args) as t:
        items = t.service_items()
    for item in items:
        print(
            f"{item.code}\tv{item.version}\t{item.name.get(args.lang)}\t"
            f"{item.department.get(args.lang)}\t{item.promised_days}"
        )
    if not items:
        _say(
            args,
            "目录为空：请先运行 catalog import。",
            "The catalog is empty: run `catalog import`.",
        )
    return 0


def cmd_intake(args: argparse.Namespace) -> int:
    if args.jsonl:
        return _intake_batch(args)
    if not (args.service and args.clerk and args.data):
        raise CounterError(
            Text(
                "需要 --service、--clerk 和 --data（或 --jsonl）。",
                "Give --service, --clerk and --data (or --jsonl).",
            )
        )
    data = _read_json(args.data)
    attach = _attachments(args.attach)
    with _open(args) as t:
        result = _accept(t, args.service, args.clerk, data, attach, args.reuse, None)
    _print_result(args, result)
    return 0


def _attachments(specs: list[str]) -> dict[str, list[Path]]:
    out: dict[str, list[Path]] = {}
    for spec in specs:
        code, sep, path = spec.partition("=")
        if not sep or not code or not path:
            raise CounterError(
                Text(
                    f"--attach 应写作 材料代码=路径：{spec}",
                    f"--attach takes MATERIAL=PATH: {spec}",
                )
            )
        out.setdefault(code.strip(), []).append(Path(path))
    return out


def _accept(
    t: Terminal,
    service: str,
    clerk: str,
    data: Any,
    attach: dict[str, list[Path]],
    reuse: list[str],
    uuid: str | None,
) -> IntakeResult:
    if not isinstance(data, dict) or not isinstance(data.get("applicant", {}), dict):
        raise CounterError(
            Text(
                '数据应为 JSON 对象，申请人信息放在 "applicant" 下。',
                'The data must be a JSON object with the applicant under "applicant".',
            )
        )
    applicant = data.get("applicant", {})
    answers = (
        data["answers"]
        if isinstance(data.get("answers"), dict)
        else {k: v for k, v in data.items() if k not in _BATCH_KEYS}
    )
    return t.intake.accept(service, applicant, answers, attach, set(reuse), clerk, uuid=uuid)


_BATCH_KEYS = {"applicant", "answers", "service", "clerk", "attachments", "reuse", "uuid"}


def _print_result(args: argparse.Namespace, r: IntakeResult, prefix: str = "") -> None:
    if r.kind == "acceptance":
        _say(
            args,
            f"{prefix}已受理 {r.display_no}，承诺办结日期 {r.due_date}",
            f"{prefix}accepted {r.display_no}, promised by {r.due_date}",
        )
    else:
        codes = ", ".join(m.code for m in r.missing)
        _say(
            args,
            f"{prefix}材料不全，已出具一次性告知单 {r.display_no}（缺：{codes}）",
            f"{prefix}materials missing: one-time notice {r.display_no} (missing: {codes})",
        )


def _intake_batch(args: argparse.Namespace) -> int:
    """One atomic application per line; a bad line is reported and the rest still go in."""
    base = args.jsonl.parent
    bad = good = 0
    with _open(args) as t:
        for lineno, line in _lines(args.jsonl):
            try:
                result = _batch_line(t, line, base, args)
            except LocalizedError as exc:
                bad += 1
                print(
                    f"{lineno}: "
                    + Text("错误：", "error: ").get(args.lang)
                    + exc.message(args.lang)
                )
                continue
            good += 1
            _print_result(args, result, f"{lineno}: ")
    _say(
        args,
        f"共 {good + bad} 行：成功 {good}，失败 {bad}。",
        f"{good + bad} lines: {good} taken, {bad} failed.",
    )
    return 1 if bad else 0


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CounterError(Text(f"无法读取 {path}：{exc}", f"Cannot read {path}: {exc}")) from exc
    for lineno, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield lineno, line


def _batch_line(t: Terminal, line: str, base: Path, args: argparse.Namespace) -> IntakeResult:
    try:
        data = json.loads(line)
    except ValueError as exc:
        raise CounterError(Text(f"不是有效的 JSON：{exc}", f"not valid JSON: {exc}")) from exc
    if not isinstance(data, dict):
        raise CounterError(Text("每行应为一个 JSON 对象", "each line must be a JSON object"))
    service, clerk = data.get("service"), data.get("clerk") or args.clerk
    if not isinstance(service, str) or not isinstance(clerk, str):
        raise CounterError(Text('缺少 "service" 或 "clerk"', 'missing "service" or "clerk"'))
    attach = {
        str(code): [base / str(p) for p in (paths if isinstance(paths, list) else [paths])]
        for code, paths in (data.get("attachments") or {}).items()
    }
    reuse = [str(r) for r in data.get("reuse") or []]
    uuid = data.get("uuid") if isinstance(data.get("uuid"), str) else None
    return _accept(t, service, clerk, data, attach, reuse, uuid)


def cmd_show(args: argparse.Namespace) -> int:
    with _open(args) as t:
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
        (Text("同步", "Sync"), sub.sync_state + (f" ({sub.sync_error})" if sub.sync_error else "")),
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
    with _open(args) as t:
        hits = search(t.store, args.text)
    for h in hits:
        print(
            f"{display_receipt_no(h.receipt_no)}\t{h.service_code}\t{h.name}\t{h.id_no}\t"
            f"{label(h.status, args.lang)}\t{h.accepted_at.date()}"
        )
    if not hits:
        _say(args, "没有找到。", "Nothing found.")
        return 1
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    with _open(args) as t:
        today = t.today()
        end = args.end or today
        start = args.start or end
        stats = period_stats(t.store, start, end, today, t.timezone)
    if args.json:
        print(json.dumps([_stats_dict(d) for d in (*stats.days, stats.totals)], ensure_ascii=False))
        return 0
    head = Text(
        "日期\t收件\t受理\t告知\t办结\t按时\t逾期\t满意度",
        "day\treceived\taccepted\tnotices\tsettled\ton time\toverdue\tsatisfaction",
    )
    print(head.get(args.lang))
    for d in (*stats.days, stats.totals):
        print(_stats_line(d, Text("合计", "total").get(args.lang)))
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
    }


def _stats_line(d: DayStats, total: str) -> str:
    sat = f"{d.satisfaction:.2f} ({d.ratings})" if d.satisfaction is not None else "-"
    return (
        f"{d.day or total}\t{d.received}\t{d.accepted}\t{d.notices}\t{d.settled}\t"
        f"{d.settled_on_time}\t{d.overdue}\t{sat}"
    )


def cmd_clerk_add(args: argparse.Namespace) -> int:
    with _open(args) as t:
        admin = clerks.authenticate(
            t.store, args.admin, _secret(args.admin_password, "Admin password: ")
        )
        password = _secret(args.password, "New clerk's password: ")
        clerks.add_clerk(t.store, args.clerk_id, args.name, password, args.role, actor=admin)
    _say(args, f"已添加 {args.clerk_id}（{args.role}）。", f"Added {args.clerk_id} ({args.role}).")
    return 0


def cmd_clerk_list(args: argparse.Namespace) -> int:
    with _open(args) as t:
        for c in clerks.list_clerks(t.store):
            print(f"{c['clerk_id']}\t{c['name']}\t{c['role']}\t{'' if c['active'] else '-'}")
    return 0
