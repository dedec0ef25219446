"""`counter-app enroll` and `counter-app sync`: the terminal's link to the platform.

    enroll --portal URL --code CODE   enroll with a one-time code (token kept, never shown)
    sync [--once]                     one pass: prints what went up and what came down
    sync --push RECEIPT               send one application again by hand, then a pass
    sync --status                     the backlog and what was set aside
    retire                            before a window moves to a new PC: sync until nothing
                                      waits, or say what is left (exit 1; 3 unreachable)

Exit codes: 0 done, 2 a refusal or local problem (one line), 3 the platform is unreachable
(the applications stay in the outbox and go up on a later pass).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from counter_app.ops import progress
from counter_app.store import outbox
from counter_app.terminal import Terminal
from forms.text import Text
from sync.errors import Unreachable
from sync.hall_time import hall_clock

if TYPE_CHECKING:  # start-up: httpx and the wire models only for the commands that talk
    from sync.engine import SyncReport
    from sync.progress import SyncProgress

EXIT_UNREACHABLE = 3

LABELS = {
    "pushed": Text("已上传申请", "applications pushed"),
    "materials": Text("已上传材料文件", "material files uploaded"),
    "statuses": Text("已下载状态变更", "status changes pulled"),
    "catalog": Text("已下载目录更新", "catalog updates pulled"),
    "set_aside": Text("已搁置", "set aside"),
    "backlog": Text("待上传", "still to push"),
}


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add `enroll` and `sync` to the `counter-app` command line."""
    p = sub.add_parser("enroll", help="enroll this terminal with the platform")
    p.add_argument("--portal", required=True, help="the platform's base URL")
    p.add_argument("--code", required=True, help="the one-time enrollment code")
    p.set_defaults(func=cmd_enroll)
    p = sub.add_parser("sync", help="sync with the platform now")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--once", action="store_true", help="one pass (the default)")
    group.add_argument("--push", metavar="RECEIPT", help="send one application again")
    group.add_argument("--status", action="store_true", help="show backlog and set-aside")
    p.set_defaults(func=cmd_sync)
    p = sub.add_parser("retire", help="before moving the window to a new PC: send everything")
    p.set_defaults(func=cmd_retire)


def cmd_enroll(args: argparse.Namespace) -> int:
    """Exit 3 when the platform cannot be reached (or its reply was lost): nothing was kept
    here, and the same code works again until it expires."""
    from counter_app.ops.provision import enroll

    try:
        with Terminal.open(args.data_dir) as terminal:
            reply = enroll(terminal, args.portal, args.code)
    except Unreachable as exc:
        print(f"counter-app: {exc.message(args.lang)}", file=sys.stderr)
        return EXIT_UNREACHABLE
    text = Text(
        f"已注册：终端 {reply.terminal_id}，{reply.hall} {reply.window} 号窗口",
        f"Enrolled: terminal {reply.terminal_id}, {reply.hall} window {reply.window}",
    )
    print(text.get(args.lang))
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    from counter_app.store.submissions import find_row
    from counter_app.store.sync_port import StorePort
    from sync.engine import SyncEngine

    with Terminal.open(args.data_dir) as terminal:
        if args.status:
            return _print_status(terminal, args.lang)
        if args.push:
            outbox.requeue(terminal.store, find_row(terminal.store, args.push)["uuid"])
        bar = _Bar(args.lang)
        try:
            report = SyncEngine(StorePort(terminal), on_progress=bar.show).run_once()
        finally:
            bar.close()
        _print_report(report, args.lang)
        _print_backlog(terminal, args.lang)
    for error in report.errors:
        print(f"counter-app: {error.message(args.lang)}", file=sys.stderr)
    if report.unreachable:
        return EXIT_UNREACHABLE
    return 2 if report.errors else 0


class _Bar:
    """On a terminal, a bar over the pass's work (file bytes, and a nominal size per
    application) with what is left and the time to go; off a terminal, nothing."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.bar: Any = None
        self.off = not progress.on_terminal()

    def show(self, p: SyncProgress) -> None:
        if self.off:
            return
        first = self.bar is None
        if first:
            self.bar = progress.bar(p.total.work, Text("同步", "sync"), "B")
        self.bar.set_postfix_str(p.text().get(self.lang), refresh=first)  # then tqdm's pace
        self.bar.update(p.done_work - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _line(key: str, lang: str, count: int, detail: str = "") -> None:
    print(f"{LABELS[key].get(lang)}: {count}" + (f"  {detail}" if detail else ""))


def _print_report(report: SyncReport, lang: str) -> None:
    _line("pushed", lang, len(report.pushed), " ".join(report.pushed))
    _line("materials", lang, report.materials_uploaded, f"({report.bytes_uploaded} B)")
    statuses = " ".join(f"{r}={s}" for r, s in report.statuses_pulled)
    _line("statuses", lang, len(report.statuses_pulled), statuses)
    catalog = " ".join(f"{c}@v{v}" for c, v in report.catalog_updates)
    _line("catalog", lang, len(report.catalog_updates), catalog)
    for label, reason in report.set_aside:
        print(f"{LABELS['set_aside'].get(lang)}: {label}: {reason}")


def _print_backlog(terminal: Terminal, lang: str) -> None:
    count, oldest = outbox.backlog(terminal.store)
    when = hall_clock(oldest, terminal.timezone) if oldest else ""  # hall time, as shown
    _line("backlog", lang, count, when)


def _print_status(terminal: Terminal, lang: str) -> int:
    _print_backlog(terminal, lang)
    for entry in outbox.set_aside_entries(terminal.store):
        label = entry.payload.get("receipt_no") or entry.entity_uuid
        print(f"{LABELS['set_aside'].get(lang)}: {label}: {entry.last_error}")
    return 0


def cmd_retire(args: argparse.Namespace) -> int:
    """Sync until the outbox is empty (`counter_app.ops.replacement.retire`)."""
    from counter_app.ops.replacement import retire

    with Terminal.open(args.data_dir) as terminal:
        left = retire(terminal)
    lang = args.lang
    if left.nothing:
        print(
            Text("已全部上传，可以更换电脑。", "Everything is sent: the PC may be replaced.").get(
                lang
            )
        )
        return 0
    for label in left.waiting:
        print(f"{LABELS['backlog'].get(lang)}: {label}")
    for label, reason in left.set_aside:
        print(f"{LABELS['set_aside'].get(lang)}: {label}: {reason}")
    for error in left.errors:
        print(f"counter-app: {error}", file=sys.stderr)
    print(
        Text(
            f"尚有 {len(left.waiting) + len(left.set_aside)} 项未上传：请处理后重试，或用备份"
            "（counter-app backup）把它们带到新电脑。",
            f"{len(left.waiting) + len(left.set_aside)} not sent: fix and run again, or carry "
            "them to the new PC in a backup (counter-app backup).",
        ).get(lang)
    )
    return EXIT_UNREACHABLE if left.unreachable else 1
