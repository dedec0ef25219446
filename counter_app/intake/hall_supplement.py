"""Another window continues the case (issue 16): a citizen brings the missing materials of
an application taken at another window of the hall to this one.

`find_case` asks the platform (`GET /api/v1/applications/{no}`: same hall only, another
hall's number is answered as unknown) and checks with the platform's own rule
(`sync.supplements.asks_supplement`) that a supplement is wanted; `take` stores the files
here, keeps a record of what was taken (`hall_supplements`, for the receipt and its
reprints), and queues one `supplemented` status event whose note names the files; the
sync engine uploads them before the event (`sync.supplements.note_files`) and the owning
terminal receives the event through its feed. The receipt printed here is a supplement
receipt: taken at this window for the application of the owner's window.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from counter_app.errors import CounterError, NotFound
from counter_app.intake.receipts import UNENROLLED_PORTAL
from counter_app.store import audit, outbox
from forms.model import MaterialSpec
from forms.text import Text
from printing.model import Material, ReceiptData
from sync.errors import NotEnrolled, Refused, Unreachable
from sync.protocol import ApplicationState
from sync.receipt_numbers import display_receipt_no, normalise_receipt_no
from sync.statuses import SETTLED, Status
from sync.supplements import NO_SUPPLEMENT_ASKED, make_note

if TYPE_CHECKING:
    from counter_app.terminal import Terminal

OFFLINE = Text(
    "平台暂时无法连接：其他窗口受理的申请只能在联网时查找。什么都没有改动，请稍后再试。",
    "The platform cannot be reached: an application of another window can only be looked "
    "up online. Nothing was changed; please try again later.",
)
NOT_IN_HALL = Text(
    "本大厅没有这个受理编号：请核对回执上的编号。",
    "This hall has no application with this number: check the number on the receipt.",
)
#: Where a supplement receipt's code would be: the citizen's first receipt has it.
SEE_FIRST_RECEIPT = "见原回执"
NO_FILES = Text("请至少附上一份补正材料。", "Attach at least one material.")


@dataclass(frozen=True, slots=True)
class RemoteCase:
    """An application of another window as this window may show it (applicant masked)."""

    uuid: str
    receipt_no: str  # grouped, as printed
    owner_window: str
    service_code: str
    service_version: int
    item_name: Text
    applicant_name: str
    status: str
    accepted_at: str
    missing: tuple[MaterialSpec, ...]  # what the clerk attaches (the dialog's rows)


@dataclass(frozen=True, slots=True)
class SupplementTaken:
    """What the receipt page needs: the owner's number (the receipt prints under it)."""

    receipt_no: str
    display_no: str
    kind: str = "supplement"
    due_date: str = ""


def refusal(state: ApplicationState) -> Text | None:
    """Why no supplement can be taken for this application now (None: it may)."""
    if state.status == Status.VOIDED:
        return Text("该申请已作废，不能补正材料。", "This application was voided: no supplement.")
    if state.status in SETTLED:
        return Text("该申请已办结，不能补正材料。", "This application is settled: no supplement.")
    if state.kind == "notice":
        return Text(
            f"这是 {state.window} 号窗口出具的一次性告知单，尚未受理：请新建申请。",
            f"This is a one-time notice of window {state.window}; nothing was accepted yet: "
            "start a new application.",
        )
    asked = state.status == Status.SUPPLEMENT_NEEDED or _open(state)
    if not (state.supplement_asked and asked):  # (or every deferred one came already)
        return NO_SUPPLEMENT_ASKED
    return None


def _open(state: ApplicationState) -> set[str]:
    """The deferred materials not handed in yet."""
    return {i.code for i in state.notice_items if i.reason == "deferred"} - set(state.supplied)


def find_case(terminal: Terminal, receipt_no: str) -> RemoteCase:
    """The application `receipt_no` of another window of this hall, ready to supplement.
    Raises CounterError (or a SyncError with the platform's words) with the reason."""
    if not terminal.portal_url or not terminal.token:
        raise NotEnrolled()
    state = _ask(terminal, receipt_no)
    if (why := refusal(state)) is not None:
        raise CounterError(why)
    try:
        item = terminal.service_item(state.service_code, state.service_version)
    except NotFound as exc:
        raise CounterError(
            Text(
                f"本窗口的事项目录中没有 {state.service_code}：请先同步目录。",
                f"This window's catalog lacks {state.service_code}: sync the catalog first.",
            )
        ) from exc
    return RemoteCase(
        state.uuid, display_receipt_no(state.receipt_no), state.window, item.code,
        item.version, item.name, state.applicant_name, state.status, state.accepted_at,
        _wanted(item.materials, state),
    )  # fmt: skip


def _ask(terminal: Terminal, receipt_no: str) -> ApplicationState:
    from sync.client import PortalClient, default_client

    try:
        with default_client() as http:
            return PortalClient(terminal.portal_url, terminal.token, http).application(
                normalise_receipt_no(receipt_no)
            )
    except Refused as exc:
        if exc.status_code == 404:
            raise CounterError(NOT_IN_HALL) from exc
        raise
    except Unreachable as exc:
        raise CounterError(OFFLINE) from exc


def _wanted(specs: Sequence[MaterialSpec], state: ApplicationState) -> tuple[MaterialSpec, ...]:
    """The deferred materials not handed in yet; else (the back office asked for a
    supplement) every material of the item, the clerk attaching what the citizen brought."""
    open_codes = _open(state)
    chosen = [s for s in specs if s.code in open_codes]
    return tuple(chosen or specs)


def take(
    terminal: Terminal,
    case: RemoteCase,
    files: Mapping[str, Sequence[Path]],
    clerk_id: str,
) -> SupplementTaken:
    """Store the files, record the supplement and queue its event, in one transaction."""
    given = {code: list(paths) for code, paths in files.items() if paths}
    if not given:
        raise CounterError(NO_FILES)
    codes = [code for code, paths in given.items() for _ in paths]
    stored = terminal.materials.put_many([p for paths in given.values() for p in paths])
    shas: dict[str, list[str]] = {}
    for code, s in zip(codes, stored, strict=True):
        shas.setdefault(code, []).append(s.sha256)
    deferred = [m.code for m in case.missing if m.deferrable]
    note = make_note(shas, deferred, str(terminal.window))
    now = terminal.now()
    compact = normalise_receipt_no(case.receipt_no)
    with terminal.store.transaction():
        _record(terminal, case, shas, clerk_id, now)
        payload = {"uuid": case.uuid, "receipt_no": compact, "status": Status.SUPPLEMENTED}
        outbox.enqueue(
            terminal.store, "status", case.uuid, payload | {"note": note, "at": now.isoformat()}
        )
        audit.append(terminal.store, clerk_id, "hall.supplement", compact, {"note": note}, at=now)
    return SupplementTaken(compact, case.receipt_no)


def _record(
    terminal: Terminal,
    case: RemoteCase,
    shas: Mapping[str, list[str]],
    clerk_id: str,
    now: datetime,
) -> None:
    terminal.store.insert(
        "hall_supplements",
        {
            "receipt_no": normalise_receipt_no(case.receipt_no),
            "uuid": case.uuid,
            "owner_window": case.owner_window,
            "service_code": case.service_code,
            "service_version": case.service_version,
            "applicant_name": case.applicant_name,
            "materials": json.dumps(dict(shas), sort_keys=True),
            "clerk_id": clerk_id,
            "taken_at": now.isoformat(),
        },
    )


def last_taken(terminal: Terminal, receipt_no: str) -> dict[str, Any] | None:
    """The latest supplement this window took for `receipt_no` (None: none)."""
    row = terminal.store.one(
        "SELECT * FROM hall_supplements WHERE receipt_no = ? ORDER BY id DESC LIMIT 1",
        (normalise_receipt_no(receipt_no),),
    )
    return dict(row) if row is not None else None


def receipt_data(
    terminal: Terminal, receipt_no: str, duplicate: bool, portal: str
) -> ReceiptData | None:
    """The supplement receipt of the latest supplement taken here for `receipt_no` (None
    when this window took none). It tracks under the owner's number; the code to type is
    on the citizen's first receipt (only the owning terminal can make it)."""
    row = last_taken(terminal, receipt_no)
    if row is None:
        return None
    item = terminal.service_item(row["service_code"], row["service_version"])
    shown = display_receipt_no(row["receipt_no"])
    taken = json.loads(row["materials"])
    names = {m.code: m.name for m in item.materials}
    return ReceiptData(
        kind="acceptance", hall=terminal.hall, window=str(terminal.window), receipt_no=shown,
        item_name=item.name, department=item.department, applicant_name=row["applicant_name"],
        applicant_id="", accepted_at=datetime.fromisoformat(row["taken_at"]).astimezone(
            terminal.timezone), promised_date=terminal.today(), fee=item.fee,
        clerk_id=row["clerk_id"], tracking_url=f"{portal or UNENROLLED_PORTAL}/t/{shown}",
        verification_code=SEE_FIRST_RECEIPT,
        materials=tuple(Material(names.get(c, Text(c, c))) for c in sorted(taken)
                        for _ in taken[c]),
        duplicate=duplicate, taken_for=taken_for(row["owner_window"], shown),
    )  # fmt: skip


def taken_for(window: str, shown: str) -> Text:
    """The line that says whose application this supplement belongs to."""
    return Text(
        f"本窗口代收 {window} 号窗口受理的申请 {shown} 的补正材料",
        f"taken at this window for application {shown} of window {window}",
    )
