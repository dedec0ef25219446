"""`counter-app forms check FILE_OR_DIR`: for the IT staff who write service-item files.

Prints every problem as `file:line: message` (the form editors jump to) in the clerk's
language, exits 1 when there is any, and 0 with a one-line summary when all load.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from forms.text import Text


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add `forms check` to `sub`."""
    forms = sub.add_parser("forms", help="service-item definition files")
    forms_sub = forms.add_subparsers(dest="forms_command", required=True)
    check = forms_sub.add_parser(
        "check", help="check a definition file or a folder of them; print every problem"
    )
    check.add_argument("path", type=Path, metavar="FILE_OR_DIR")
    check.set_defaults(func=check_command)


def check_command(args: argparse.Namespace) -> int:
    from forms.catalog import load_catalog  # start-up: the forms model and YAML, only here
    from forms.errors import CatalogError

    try:
        catalog = load_catalog(args.path)
    except CatalogError as exc:
        for problem in exc.problems:
            print(problem.message(args.lang))
        files = len({p.file for p in exc.problems})
        summary = Text(
            f"{len(exc.problems)} 处错误，涉及 {files} 个文件",
            f"{len(exc.problems)} problem(s) in {files} file(s)",
        )
        print(summary.get(args.lang))
        return 1
    if not catalog:
        empty = Text(
            f"{args.path} 中没有服务事项定义文件（*.yaml）",
            f"no service-item definition files (*.yaml) in {args.path}",
        )
        print(empty.get(args.lang))
        return 1
    summary = Text(
        f"正常：{len(catalog)} 个服务事项，共 {sum(len(i.fields) for i in catalog)} 个字段",
        f"OK: {len(catalog)} service item(s), {sum(len(i.fields) for i in catalog)} field(s)",
    )
    print(summary.get(args.lang))
    return 0
