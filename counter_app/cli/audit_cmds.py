"""`counter-app audit verify`: walk the hash-chained audit log and name every entry that was
edited, deleted or moved, and entries cut off the end.

Exit codes: 0 the chain is intact, 1 it is broken (each problem on its own line), 2 the
data folder cannot be opened (one line, as every command).
"""

from __future__ import annotations

import argparse
from typing import Any

from counter_app.store import audit
from counter_app.terminal import Terminal
from forms.text import Text

EXIT_BROKEN = 1


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add `audit verify` to the `counter-app` command line."""
    p = sub.add_parser("audit", help="the tamper-evident audit log")
    verbs = p.add_subparsers(dest="audit_command", metavar="VERB", required=True)
    verify = verbs.add_parser("verify", help="check the hash chain; non-zero exit if broken")
    verify.set_defaults(func=cmd_verify)


def cmd_verify(args: argparse.Namespace) -> int:
    with Terminal.open(args.data_dir) as terminal:
        report = audit.verify(terminal.store)
    lang = args.lang
    if report.ok:
        ok = Text(
            f"审计日志完整：{report.rows} 条记录，链头 {report.head[:16]}",
            f"audit log intact: {report.rows} entries, head {report.head[:16]}",
        )
        print(ok.get(lang))
        return 0
    for problem in report.problems:
        print(f"#{problem.seq}: {problem.text.get(lang)}")
    broken = Text(
        f"审计日志已被改动：发现 {len(report.problems)} 处问题",
        f"audit log tampered with: {len(report.problems)} problem(s)",
    )
    print(broken.get(lang))
    return EXIT_BROKEN
