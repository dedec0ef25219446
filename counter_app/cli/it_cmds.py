"""`counter-app` commands for IT staff: config, doctor, logs, backup, restore, retention,
export, provision.

Each takes `--config FILE` and `--set KEY=VALUE` (repeatable) on top of the configuration
file and COUNTER_* variables; the top-level `--data-dir` and `--lang` count as flags when
given. Every command writes a line to the log (no personal data: see `counter_app.ops.logs`).
"""

from __future__ import annotations

import argparse
import json
import logging
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from counter_app.config import Config, load_config, parse_assignments, show
from counter_app.ops import logs
from counter_app.terminal import Terminal
from forms.text import Text
from sync.opendata_files import FORMATS

# start-up: each command imports its own ops module (the doctor pulls in the printer
# back-ends, provision httpx): `counter-app sync` must not pay for them

log = logging.getLogger("counter_app.it")


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add the IT commands to `sub`."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", type=Path, help="the TOML file (default: platform folder)")
    common.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    _config(sub, common)
    p = sub.add_parser("doctor", parents=[common], help="check this terminal; exit 0/1/2")
    p.add_argument("--test-page", action="store_true", help="also print a printer test page")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_doctor)
    p = sub.add_parser("logs", parents=[common], help="show the most recent log entries")
    p.add_argument("-n", type=int, default=50, help="how many (default 50)")
    p.add_argument("--json", action="store_true", help="raw JSON lines")
    p.set_defaults(func=cmd_logs)
    _backup(sub, common)
    p = sub.add_parser("retention", parents=[common], help="purge old settled materials")
    p.add_argument("--days", type=int, help="override retention_days for this run")
    p.add_argument("--dry-run", action="store_true", help="count only")
    p.set_defaults(func=cmd_retention)
    _export(sub, common)
    p = sub.add_parser("provision", parents=[common], help="init and enroll from COUNTER_ENROLL_*")
    p.set_defaults(func=cmd_provision)


def _config(sub: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("config", help="the terminal's configuration")
    csub = p.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    s = csub.add_parser("show", parents=[common], help="effective values and their sources")
    s.add_argument("--json", action="store_true", help="machine-readable output")
    s.set_defaults(func=cmd_config_show)


def _backup(sub: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("backup", parents=[common], help="back up database and materials")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--out", type=Path, help="the archive to write (.zip)")
    where.add_argument("--auto", action="store_true", help="scheduled: into backup_dir, keep N")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("restore", parents=[common], help="restore a backup (app stopped)")
    p.add_argument("file", type=Path)
    p.add_argument(
        "--force", action="store_true", help="accept a backup signed by another terminal's key"
    )
    p.set_defaults(func=cmd_restore)


def _export(sub: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("export", parents=[common], help="statistics as open data")
    p.add_argument("--format", required=True, choices=FORMATS)
    p.add_argument("--from", dest="start", type=date.fromisoformat, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="end", type=date.fromisoformat, metavar="YYYY-MM-DD")
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(func=cmd_export)


# -- configuration for a command -----------------------------------------------------------
def effective_config(args: argparse.Namespace) -> Config:
    """The configuration for this run; sets `args.lang` and `args.data_dir` from it, and
    starts the log. --data-dir / --lang given on the command line count as flags."""
    flags: dict[str, Any] = parse_assignments(getattr(args, "set", []))
    for key, value in getattr(args, "given", {}).items():
        if value is not None:
            flags.setdefault(key, str(value))
    config = load_config(flags, file=getattr(args, "config", None))
    args.lang, args.data_dir = config.lang, config.data_dir
    logs.setup_logging(config.log_dir, config.log_level)
    return config


def _say(args: argparse.Namespace, zh: str, en: str) -> None:
    print(Text(zh, en).get(args.lang))


# -- commands ------------------------------------------------------------------------------
def cmd_config_show(args: argparse.Namespace) -> int:
    config = effective_config(args)
    rows = show(config)
    if args.json:
        print(json.dumps({k: {"value": v, "source": s} for k, v, s in rows}, ensure_ascii=False))
        return 0
    exists = Text("", "") if config.file.is_file() else Text("（不存在）", " (absent)")
    print(
        Text("配置文件", "config file").get(args.lang) + f": {config.file}{exists.get(args.lang)}"
    )
    width = max(len(k) for k, _, _ in rows)
    for key, value, source in rows:
        print(f"{key:<{width}}  {value}  [{source}]")
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from counter_app.ops import doctor

    config = effective_config(args)
    findings = doctor.run_checks(doctor.Context(config, test_page=args.test_page))
    if args.json:
        print(json.dumps(doctor.as_dicts(findings, args.lang), ensure_ascii=False))
    else:
        print("\n".join(doctor.render(findings, args.lang)))
    level = doctor.worst(findings)
    log.info("doctor", extra={"worst": level.name, "checks": len(findings)})
    return int(level)


def cmd_logs(args: argparse.Namespace) -> int:
    config = effective_config(args)
    for entry in logs.recent(config.log_dir, args.n):
        print(json.dumps(entry, ensure_ascii=False) if args.json else logs.format_entry(entry))
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from counter_app.ops import backup

    config = effective_config(args)
    with Terminal.open(config.data_dir) as terminal:
        if args.auto:
            interval = timedelta(hours=config.backup_interval_hours)
            path = backup.scheduled_backup(
                terminal, config.backup_dir, config.backup_keep, interval
            )
            if path is None:
                _say(args, "最近已有备份，未新建。", "A recent backup exists; none made.")
                return 0
            info = backup.verify_backup(path)
        else:
            info = backup.create_backup(terminal, args.out)
    log.info("backup written", extra={"members": info.members, "bytes": info.size})
    _say(
        args,
        f"备份已写入并校验：{info.path}（{info.members} 个文件，{info.size} 字节）",
        f"Backup written and verified: {info.path} ({info.members} files, {info.size} bytes)",
    )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from counter_app.ops import backup

    config = effective_config(args)
    limits = backup.Limits(config.restore_max_files, config.restore_max_mb << 20)
    info = backup.restore_backup(config.data_dir, args.file, args.force, limits)
    log.warning("backup restored", extra={"terminal": info.terminal_id, "forced": args.force})
    _say(
        args,
        f"已从 {args.file} 恢复终端 {info.terminal_id}"
        f"（备份于 {info.created_at:%Y-%m-%d %H:%M} UTC）",
        f"Restored terminal {info.terminal_id} from {args.file} "
        f"(backed up {info.created_at:%Y-%m-%d %H:%M} UTC)",
    )
    return 0


def cmd_retention(args: argparse.Namespace) -> int:
    from counter_app.ops import retention

    config = effective_config(args)
    days = config.retention_days if args.days is None else args.days
    with Terminal.open(config.data_dir) as terminal:
        r = retention.purge(terminal, days, dry_run=args.dry_run)
    log.info("retention", extra={"files": r.files, "bytes": r.bytes, "dry_run": args.dry_run})
    verb = Text("可清理", "would purge") if args.dry_run else Text("已清理", "purged")
    _say(
        args,
        f"{verb.zh}：{r.applications} 件申请的 {r.files} 个材料文件（{r.bytes} 字节），"
        f"{r.outbox_entries} 条已同步记录；数据库{'已' if r.vacuumed else '未'}压缩",
        f"{verb.en}: {r.files} material files ({r.bytes} bytes) of {r.applications} "
        f"applications, {r.outbox_entries} synced outbox entries; "
        f"database {'compacted' if r.vacuumed else 'not compacted'}",
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from counter_app.ops import export

    config = effective_config(args)
    with Terminal.open(config.data_dir) as terminal:
        n = export.export_stats(terminal, args.format, args.out, args.start, args.end, args.lang)
    log.info("export", extra={"format": args.format, "rows": n})
    _say(args, f"已导出 {n} 行到 {args.out}", f"Exported {n} rows to {args.out}")
    return 0


def cmd_provision(args: argparse.Namespace) -> int:
    from counter_app.ops import provision

    config = effective_config(args)
    done = provision.first_start(config)
    if done.enrolled:
        _say(args, f"终端 {done.terminal_id} 已注册。", f"Terminal {done.terminal_id} enrolled.")
    elif done.already:
        _say(
            args,
            f"终端 {done.terminal_id} 早已注册。",
            f"Terminal {done.terminal_id} is already enrolled.",
        )
    else:
        _say(
            args,
            f"终端 {done.terminal_id} 已就绪，未注册（未设置 COUNTER_ENROLL_CODE）。",
            f"Terminal {done.terminal_id} ready, not enrolled (no COUNTER_ENROLL_CODE).",
        )
    return 0
