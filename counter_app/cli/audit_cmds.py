"""`counter-app audit verify`: walk the hash-chained audit log and name every entry that was
edited, deleted or moved, entries cut off the end (against the head in the database and the
head file beside it), applications changed outside the program, and, when the terminal is
enrolled and the platform answers, a chain that no longer holds the head the platform was
last told (`GET /api/v1/audit-head`). `--offline` skips the platform.

Exit codes: 0 the log is intact, 1 it is broken (each problem on its own line), 2 the data
folder cannot be opened (one line, as every command). An unreachable platform is a note,
not a failure: the local checks still decide.
"""

from __future__ import annotations

import argparse
from typing import Any

from counter_app.store import audit
from counter_app.store.audit import AuditProblem
from counter_app.terminal import Terminal
from forms.text import Text

EXIT_BROKEN = 1


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add `audit verify` to the `counter-app` command line."""
    p = sub.add_parser("audit", help="the tamper-evident audit log")
    verbs = p.add_subparsers(dest="audit_command", metavar="VERB", required=True)
    verify = verbs.add_parser("verify", help="check the hash chain; non-zero exit if broken")
    verify.add_argument(
        "--offline", action="store_true", help="do not compare with the platform's head"
    )
    verify.set_defaults(func=cmd_verify)


def _platform(terminal: Terminal, offline: bool) -> tuple[list[AuditProblem], Text]:
    """Problems found against the platform's head, and a line saying what was compared."""
    if offline or not (terminal.portal_url and terminal.token):
        return [], Text("未与平台比对（仅本机）", "not compared with the platform (local only)")
    from sync.client import PortalClient, default_client
    from sync.errors import SyncError

    try:
        with default_client() as http:
            head = PortalClient(terminal.portal_url, terminal.token, http).audit_head()
    except SyncError as exc:
        zh, en = exc.text.zh, exc.text.en
        return [], Text(f"未能与平台比对：{zh}", f"not compared with the platform: {en}")
    problems = audit.against_platform(terminal.store, head.seq, head.hash)
    return problems, Text(
        f"已与平台保存的链头比对（第 {head.seq} 条）",
        f"compared with the platform's head (entry {head.seq})",
    )


def cmd_verify(args: argparse.Namespace) -> int:
    with Terminal.open(args.data_dir) as terminal:
        report = audit.verify(terminal.store)
        remote, compared = _platform(terminal, args.offline)
    lang = args.lang
    problems = [*report.problems, *remote]
    print(compared.get(lang))
    if not problems:
        ok = Text(
            f"审计日志完整：{report.rows} 条记录，链头 {report.head[:16]}",
            f"audit log intact: {report.rows} entries, head {report.head[:16]}",
        )
        print(ok.get(lang))
        return 0
    for problem in problems:
        print(f"#{problem.seq}: {problem.text.get(lang)}")
    broken = Text(
        f"审计日志已被改动：发现 {len(problems)} 处问题",
        f"audit log tampered with: {len(problems)} problem(s)",
    )
    print(broken.get(lang))
    return EXIT_BROKEN
