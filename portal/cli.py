"""`portal`: run the platform and administer it (enrollment codes, revocation, statuses,
catalog publishing, conflicts). Every command works on the same database URL the app
servers use; an operator's mistake ends as one clear line and exit 2, never a traceback."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import uvicorn
from sqlalchemy.engine import make_url

from forms.catalog import load_catalog
from forms.text import DEFAULT_LANG, LocalizedError, Text
from portal import enrollment, feed, files, services, workers
from portal.app import create_app
from portal.blobs import open_blobs
from portal.db import Database
from portal.errors import Invalid
from portal.pages import cli as pages_cli
from portal.settings import (
    Settings,
    default_blobs,
    default_db_url,
    default_forwarded_allow_ips,
    default_materials_dir,
    proxy_options,
    settings_env,
)

ONE_WRITER = Text(
    "SQLite 同一时刻只有一个写入者，多个工作进程只会排队等锁：--workers 大于 1 需要 PostgreSQL"
    "（--db postgresql://...）。",
    "SQLite has one writer at a time, so several workers would only queue for its lock: "
    "--workers above 1 needs PostgreSQL (--db postgresql://...).",
)
BAD_WORKERS = Text("--workers 至少为 1。", "--workers must be at least 1.")
REFUSE_TO_SERVE = Text(
    "平台文件可被其他本机账户读取，或材料存储不可用，拒绝启动"
    "（见上文；portal doctor 列出全部问题）。",
    "Refusing to start: other local accounts could read the platform's files, or the "
    "material store is not usable (above; `portal doctor` lists every problem).",
)


def _settings(args: argparse.Namespace) -> Settings:
    proxies = getattr(args, "forwarded_allow_ips", None)
    settings = Settings(db_url=args.db, materials_dir=Path(args.materials), blobs=args.blobs)
    return settings if proxies is None else replace(settings, forwarded_allow_ips=proxies)


def _problems(settings: Settings, deep: bool) -> list[Text]:
    """What is wrong with the database's files and the blob store (`portal doctor`;
    `portal serve` refuses to start on any)."""
    blobs = open_blobs(settings.blobs, settings.materials_dir)
    return files.db_problems(settings.db_url) + blobs.problems(deep)


def _db(args: argparse.Namespace) -> Database:
    """The command's database (a new SQLite file is made 0600 in a 0700 folder); `main`
    disposes it when the command ends, so no pooled connection outlives the command (in a
    test or a script that calls `main`, an open PostgreSQL connection left to the garbage
    collector is a leak and a ResourceWarning)."""
    db = Database(args.db)
    vars(args).setdefault("opened", []).append(db)
    return db


def _check_workers(args: argparse.Namespace) -> None:
    """`--workers N`: N >= 1, and above 1 only on PostgreSQL (refused before anything runs)."""
    if args.workers < 1:
        raise Invalid(BAD_WORKERS)
    if args.workers > 1 and make_url(args.db).get_backend_name() == "sqlite":
        raise Invalid(ONE_WRITER)


def cmd_serve(args: argparse.Namespace) -> int:
    _check_workers(args)
    _db(args).dispose()  # create the folder and migrate before the first request
    settings = _settings(args)
    loose = _problems(settings, deep=False)
    if loose:
        for problem in loose:
            print(f"portal: {problem.get(args.lang)}", file=sys.stderr)
        raise Invalid(REFUSE_TO_SERVE)
    options: dict[str, Any] = {"host": args.host, "port": args.port, "log_level": "info"}
    options |= proxy_options(settings)
    if args.workers == 1:
        uvicorn.run(create_app(settings, own_process=True), **options)
        return 0
    # Each worker is a fresh process that builds its own app from the environment, on a
    # listening socket of its own (`portal.workers`: the kernel spreads the connections).
    os.environ.update(settings_env(settings))
    host, port = options.pop("host"), options.pop("port")
    return workers.serve(args.workers, host, port, options | {"factory": True})


def cmd_doctor(args: argparse.Namespace) -> int:
    """Every file or folder of the platform another local account could read, and a blob
    store that cannot be written (exit 1)."""
    settings = _settings(args)
    loose = _problems(settings, deep=True)
    for problem in loose:
        print(f"FAIL {problem.get(args.lang)}")
    if not loose:
        print("ok")
    return 1 if loose else 0


def cmd_migrate(args: argparse.Namespace) -> int:
    _db(args).dispose()
    print("ok")
    return 0


def cmd_enroll_code(args: argparse.Namespace) -> int:
    ttl = timedelta(hours=args.ttl_hours)
    code = enrollment.issue_code(_db(args), args.hall, args.window, ttl)
    print(code)
    return 0


def cmd_replace_code(args: argparse.Namespace) -> int:
    from portal import replacement

    print(replacement.issue_code(_db(args), args.terminal, timedelta(hours=args.ttl_hours)))
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    enrollment.revoke(_db(args), args.terminal, args.reason)
    print(f"revoked {args.terminal.upper()}")
    return 0


def cmd_set_status(args: argparse.Namespace) -> int:
    change = services.set_status(_db(args), args.receipt, args.status, args.note)
    print(f"{change.receipt_no} -> {change.status}")
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    catalog = load_catalog(Path(args.path))
    items = [item.to_dict() for item in catalog]
    count = services.publish_catalog(_db(args), items)
    print(f"published {count} new of {len(items)}")
    return 0


def cmd_publish_calendar(args: argparse.Namespace) -> int:
    import yaml

    try:
        data = yaml.safe_load(Path(args.path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise Invalid(
            Text(f"无法读取 {args.path}：{exc}", f"Cannot read {args.path}: {exc}")
        ) from None
    if not isinstance(data, dict):
        raise Invalid(
            Text("日历文件应为 年份: 安排 的映射", "a calendar file maps years to entries")
        )
    count = feed.publish_calendar(_db(args), data)
    print(f"published {count} changed of {len(data)} years")
    return 0


def cmd_conflicts(args: argparse.Namespace) -> int:
    for row in services.list_conflicts(_db(args), args.hall):
        shown = {k: row[k] for k in ("id", "uuid", "receipt_no", "terminal_id", "received_at")}
        print(json.dumps(shown, ensure_ascii=False))
    return 0


def cmd_resolve(args: argparse.Namespace) -> int:
    services.resolve_conflict(_db(args), args.id)
    print(f"resolved {args.id}")
    return 0


def cmd_terminals(args: argparse.Namespace) -> int:
    for row in enrollment.list_terminals(_db(args)):
        print(json.dumps(row, ensure_ascii=False, default=str))
    return 0


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=default_db_url(), help="database URL ($PORTAL_DB_URL)")
    common.add_argument("--materials", default=str(default_materials_dir()), help="files folder")
    common.add_argument(
        "--blobs",
        default=default_blobs(),
        help="material store: folder:/path or s3://bucket/prefix ($PORTAL_BLOBS; default "
        "the --materials folder). S3 endpoint and keys: AWS_* environment or files only",
    )
    common.add_argument("--lang", default=os.environ.get("PORTAL_LANG", DEFAULT_LANG))
    parser = argparse.ArgumentParser(prog="portal", description="Reference service platform.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add_parser(name: str, help: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common], help=help)

    p = add_parser("serve", help="run the API with uvicorn")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8700)
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        help="app-server processes on this port (above 1 only on PostgreSQL)",
    )
    p.add_argument(
        "--forwarded-allow-ips",
        default=default_forwarded_allow_ips(),
        help="reverse proxies whose X-Forwarded-For is believed ($PORTAL_FORWARDED_ALLOW_IPS; "
        "default none)",
    )
    p.set_defaults(func=cmd_serve)
    add_parser("migrate", help="create/upgrade the schema").set_defaults(func=cmd_migrate)
    doctor = add_parser(
        "doctor", help="check that the database and files are private, the store usable (exit 1)"
    )
    doctor.set_defaults(func=cmd_doctor)
    p = add_parser("enroll-code", help="issue a one-time enrollment code")
    p.add_argument("--hall", required=True)
    p.add_argument("--window", type=int, required=True)
    p.add_argument("--ttl-hours", type=float, default=24.0)
    p.set_defaults(func=cmd_enroll_code)
    p = add_parser("replace-code", help="a one-time code enrolling a new PC as this terminal")
    p.add_argument("terminal")
    p.add_argument("--ttl-hours", type=float, default=24.0)
    p.set_defaults(func=cmd_replace_code)
    p = add_parser("revoke", help="refuse a terminal from now on")
    p.add_argument("terminal")
    p.add_argument("--reason", default="revoked by IT / 信息科已停用")
    p.set_defaults(func=cmd_revoke)
    p = add_parser("set-status", help="move an application to a new status")
    p.add_argument("receipt")
    p.add_argument("status")
    p.add_argument("--note", default="")
    p.set_defaults(func=cmd_set_status)
    p = add_parser("publish-catalog", help="publish service items (file or folder)")
    p.add_argument("path")
    p.set_defaults(func=cmd_publish)
    p = add_parser("publish-calendar", help="publish holiday-calendar years (holidays.yaml shape)")
    p.add_argument("path")
    p.set_defaults(func=cmd_publish_calendar)
    p = add_parser("conflicts", help="list unresolved conflicts (JSON lines)")
    p.add_argument("--hall")
    p.set_defaults(func=cmd_conflicts)
    p = add_parser("resolve-conflict", help="mark a conflict as dealt with")
    p.add_argument("id", type=int)
    p.set_defaults(func=cmd_resolve)
    add_parser("terminals", help="list terminals").set_defaults(func=cmd_terminals)
    pages_cli.add_commands(lambda name, text: add_parser(name, help=text), _db)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command in ("enroll-code", "replace-code") and args.ttl_hours <= 0:
            raise Invalid(Text("有效期必须大于 0。", "--ttl-hours must be above 0."))
        result: int = args.func(args)
        return result
    except LocalizedError as exc:
        print(f"portal: {exc.message(args.lang)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    finally:
        for db in vars(args).get("opened", []):
            db.dispose()


if __name__ == "__main__":
    sys.exit(main())
