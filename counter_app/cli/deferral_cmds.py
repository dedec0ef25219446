"""`counter-app deferral notice|late`: the 容缺受理通知书 and the materials that are late
(see `counter_app.intake.deferral`); `--defer` of `counter-app intake` is parsed here."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from counter_app.cli.common import open_terminal, say
from counter_app.cli.passwords import add_options
from counter_app.errors import CounterError
from forms.text import Text

if TYPE_CHECKING:  # start-up: the deferral module brings the receipts and reportlab
    from counter_app.intake.deferral import Deferral


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add `deferral` to `sub`."""
    p = sub.add_parser(
        "deferral", help="容缺受理: print the notice, list late materials, take a supplement"
    )
    p.add_argument("action", choices=["notice", "late", "supplement"])
    p.add_argument("receipt", nargs="?", help="receipt number (notice, supplement)")
    p.add_argument("--out", type=Path, help="PDF file to write (notice)")
    p.add_argument("--attach", action="append", default=[], metavar="MATERIAL=PATH")
    p.add_argument("--clerk", help="the clerk taking a supplement (their password is asked)")
    add_options(p)
    p.set_defaults(func=cmd_deferral)


def later_materials(
    specs: list[str], promise: Path | None
) -> tuple[dict[str, Deferral], bytes | None]:
    """`MATERIAL=FORM@YYYY-MM-DD` options and the promise PNG, read and checked."""
    from counter_app.intake.deferral import Deferral

    found: dict[str, Deferral] = {}
    for spec in specs:
        code, _, rest = spec.partition("=")
        form, _, day = rest.rpartition("@")
        try:
            found[code.strip()] = Deferral(form, date.fromisoformat(day))
        except ValueError:
            raise CounterError(
                Text(
                    f"--defer 应写作 材料代码=形式@YYYY-MM-DD：{spec}",
                    f"--defer takes MATERIAL=FORM@YYYY-MM-DD: {spec}",
                )
            ) from None
    if promise is None:
        return found, None
    try:
        return found, promise.read_bytes()
    except OSError as exc:
        raise CounterError(
            Text(f"无法读取 {promise}：{exc.strerror}", f"Cannot read {promise}: {exc.strerror}")
        ) from exc


def cmd_deferral(args: argparse.Namespace) -> int:
    from counter_app.intake import deferral, deferral_print

    with open_terminal(args) as t:
        if args.action == "supplement":
            return _supplement(t, args)
        if args.action == "late":
            late = deferral.flag_late(t.store, t.today(), t.now())
            for row in late:
                print(f"{row['receipt_no']}\t{row['material_code']}\t{row['due_date']}")
            say(args, f"逾期未补交：{len(late)} 项", f"late: {len(late)}")
            return 1 if late else 0
        if not (args.receipt and args.out):
            raise CounterError(Text("需要受理编号和 --out。", "Give a receipt number and --out."))
        pdf = deferral_print.render(t, args.receipt)
    try:
        args.out.write_bytes(pdf)
    except OSError as exc:
        raise CounterError(
            Text(f"无法写入 {args.out}：{exc.strerror}", f"Cannot write {args.out}: {exc.strerror}")
        ) from exc
    say(
        args,
        f"已生成容缺受理通知书（两联）：{args.out}",
        f"notice written (two copies): {args.out}",
    )
    return 0


def _supplement(t: Any, args: argparse.Namespace) -> int:
    """A deferred material brought to this window, whichever window took the application:
    the platform names the application (same hall only), the files are kept here, and a
    `supplemented` event naming them goes out with the next sync; the owning terminal
    closes its deferral when it pulls the event."""
    from counter_app.cli.intake_cmds import _attachments, _sign_in
    from counter_app.intake.deferral import supplement_note
    from counter_app.store import audit, outbox
    from sync.client import PortalClient, default_client
    from sync.errors import NotEnrolled

    if not (args.receipt and args.attach and args.clerk):
        raise CounterError(
            Text("需要受理编号、--attach 和 --clerk。", "Give a receipt number, --attach, --clerk.")
        )
    clerk = _sign_in(t, args).clerk_id
    if not t.portal_url or not t.token:
        raise NotEnrolled()
    with default_client() as http:
        state = PortalClient(t.portal_url, t.token, http).application(args.receipt)
    files = _attachments(args.attach)
    codes = [code for code, paths in files.items() for _ in paths]
    stored = t.materials.put_many([p for paths in files.values() for p in paths])
    note = supplement_note({c: s.sha256 for c, s in zip(codes, stored, strict=True)})
    now = t.now()
    with t.store.transaction():
        payload = {"uuid": state.uuid, "receipt_no": state.receipt_no, "status": "supplemented"}
        outbox.enqueue(
            t.store, "status", state.uuid, payload | {"note": note, "at": now.isoformat()}
        )
        audit.append(
            t.store, clerk, "deferral.supplement", state.receipt_no, {"note": note}, at=now
        )
    say(args, f"已登记补交材料，同步后送达：{state.receipt_no}",
        f"supplement recorded, sent with the next sync: {state.receipt_no}")  # fmt: skip
    return 0
