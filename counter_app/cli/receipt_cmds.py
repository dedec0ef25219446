"""`counter-app receipt` (reprints and scripting) and `counter-app print-test-page` (for IT).

`receipt RECEIPT_NO --out FILE.pdf` writes the acceptance receipt or the one-time notice, as
the application's kind says; any copy after the first is marked duplicate and audited.
`--cups [QUEUE]` sends it to a CUPS printer instead of a file.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from counter_app.intake import receipts
from counter_app.terminal import Terminal
from forms.text import Text
from printing.backends import CupsBackend, PdfFileBackend
from printing.render import PAPERS
from printing.test_page import render_test_page
from sync.receipt_numbers import display_receipt_no

DEFAULT_QUEUE = ""  # `--cups` without a name: the system's default CUPS queue


def _destination(p: argparse.ArgumentParser) -> None:
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--out", type=Path, help="write a PDF file")
    where.add_argument(
        "--cups", nargs="?", const=DEFAULT_QUEUE, metavar="QUEUE", help="print with CUPS lp"
    )
    p.add_argument("--paper", choices=PAPERS, default="a4", help="a4 (default) or 80mm roll")


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add the printing commands to `sub`."""
    p = sub.add_parser("receipt", help="print or save an application's receipt or notice")
    p.add_argument("receipt_no")
    _destination(p)
    p.add_argument("--clerk", default="cli", help="who asked for the copy (audited)")
    p.set_defaults(func=cmd_receipt)
    p = sub.add_parser("print-test-page", help="a printer test page (alignment, Chinese, QR)")
    _destination(p)
    p.set_defaults(func=cmd_test_page)


def _backend(args: argparse.Namespace) -> PdfFileBackend | CupsBackend:
    if args.out is not None:
        return PdfFileBackend(args.out, paper=args.paper)
    return CupsBackend(printer=args.cups or None, paper=args.paper)


def cmd_receipt(args: argparse.Namespace) -> int:
    with Terminal.open(Path(args.data_dir)) as terminal:
        duplicate = receipts.deliver(terminal, args.receipt_no, _backend(args), args.clerk)
    number = display_receipt_no(args.receipt_no)
    where = str(args.out) if args.out is not None else f"CUPS {args.cups or 'default'}"
    copy = Text("（副本）", " (duplicate)") if duplicate else Text("", "")
    message = Text(
        f"已输出回执 {number}{copy.zh} → {where}", f"Receipt {number}{copy.en} → {where}"
    )
    print(message.get(args.lang))
    return 0


def cmd_test_page(args: argparse.Namespace) -> int:
    pdf = render_test_page(args.paper)
    backend = _backend(args)
    if isinstance(backend, PdfFileBackend):
        backend.write(pdf)
    else:
        backend.print_pdf(pdf, title="printer test page")
    print(Text("测试页已输出", "Test page sent").get(args.lang))
    return 0
