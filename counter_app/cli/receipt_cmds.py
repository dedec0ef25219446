"""`counter-app receipt` (reprints and scripting) and `counter-app print-test-page` (for IT).

`receipt RECEIPT_NO --out FILE.pdf` writes the acceptance receipt or the one-time notice, as
the application's kind says; any copy after the first is marked duplicate and audited.
`--cups [QUEUE]` sends it to a CUPS printer instead of a file; `--print` sends it to the
configured printer (`printer` in the configuration: an ESC/POS thermal printer or CUPS).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from forms.text import Text
from printing.model import PAPERS
from sync.receipt_numbers import display_receipt_no

if TYPE_CHECKING:  # start-up: reportlab and the printer back-ends only for these commands
    from counter_app.terminal import Terminal
    from printing.backends import CupsBackend, PdfFileBackend

DEFAULT_QUEUE = ""  # `--cups` without a name: the system's default CUPS queue


def _destination(p: argparse.ArgumentParser, configured: bool = False) -> None:
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--out", type=Path, help="write a PDF file")
    where.add_argument(
        "--cups", nargs="?", const=DEFAULT_QUEUE, metavar="QUEUE", help="print with CUPS lp"
    )
    if configured:
        where.add_argument(
            "--print", action="store_true", help="print on the configured printer (`printer`)"
        )
    p.add_argument(
        "--paper", choices=PAPERS, default=None, help="a4 or 80mm roll (default: `paper`)"
    )


def _paper(args: argparse.Namespace) -> str:
    """--paper, else the configured paper (A4 when there is no configuration at all)."""
    config = getattr(args, "effective_config", None)
    return str(args.paper or (config.paper if config is not None else "a4"))


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add the printing commands to `sub`."""
    p = sub.add_parser("receipt", help="print or save an application's receipt or notice")
    p.add_argument("receipt_no")
    _destination(p, configured=True)
    p.add_argument("--clerk", default="cli", help="who asked for the copy (audited)")
    p.set_defaults(func=cmd_receipt)
    p = sub.add_parser("print-test-page", help="a printer test page (alignment, Chinese, QR)")
    _destination(p)
    p.set_defaults(func=cmd_test_page)


def _backend(args: argparse.Namespace) -> PdfFileBackend | CupsBackend:
    from printing.backends import CupsBackend, PdfFileBackend

    if args.out is not None:
        return PdfFileBackend(args.out, paper=_paper(args))
    return CupsBackend(printer=args.cups or None, paper=_paper(args))


OFFLINE_WARNING = Text(
    "注意：本窗口尚未接入平台（也未配置 portal_url），此回执暂不能在网上查询，回执上已如实说明。",
    "Warning: this window is not connected to a platform (and no portal_url is configured): "
    "this receipt cannot be tracked online yet, and says so.",
)


def _configured_portal(args: argparse.Namespace) -> str:
    config = getattr(args, "effective_config", None)
    return str(config.portal_url) if config is not None else ""


def _deliver(args: argparse.Namespace, terminal: Terminal) -> tuple[bool, str]:
    """Print where the flags say; (whether it was a duplicate, where it went)."""
    from counter_app.intake import printers, receipts

    configured = _configured_portal(args)
    if not receipts.portal_for(terminal, configured):
        print(OFFLINE_WARNING.get(args.lang), file=sys.stderr)
    if getattr(args, "print", False):
        spec = args.effective_config.printer
        duplicate = printers.print_on_configured(
            terminal, args.receipt_no, spec, _paper(args), args.clerk, None, configured
        )
        return duplicate, str(spec)
    backend = _backend(args)
    duplicate = receipts.deliver(terminal, args.receipt_no, backend, args.clerk, None, configured)
    return duplicate, str(args.out) if args.out is not None else f"CUPS {args.cups or 'default'}"


def cmd_receipt(args: argparse.Namespace) -> int:
    from counter_app.terminal import Terminal

    with Terminal.open(Path(args.data_dir)) as terminal:
        duplicate, where = _deliver(args, terminal)
    number = display_receipt_no(args.receipt_no)
    copy = Text("（副本）", " (duplicate)") if duplicate else Text("", "")
    message = Text(
        f"已输出回执 {number}{copy.zh} → {where}", f"Receipt {number}{copy.en} → {where}"
    )
    print(message.get(args.lang))
    return 0


def cmd_test_page(args: argparse.Namespace) -> int:
    from printing.backends import PdfFileBackend
    from printing.test_page import render_test_page

    pdf = render_test_page(_paper(args))
    backend = _backend(args)
    if isinstance(backend, PdfFileBackend):
        backend.write(pdf)
    else:
        backend.print_pdf(pdf, title="printer test page")
    print(Text("测试页已输出", "Test page sent").get(args.lang))
    return 0
