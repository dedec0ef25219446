"""From a stored application to a printed receipt: the glue between the store and `printing`.

`printing` never reads the database; this module gathers what the receipt shows (the item's
names from the catalog version the application was taken under, the applicant masked, the
materials and notice items, the signature image, the signed QR URL) into a `ReceiptData`.

Prints are audited: `receipt.print` for the original, `receipt.reprint` for a duplicate, so
a supervisor can see every copy of a receipt that left the terminal. `deliver` records the
print only after the back-end succeeded: a full disk or a jammed printer leaves the
application as it was and the next attempt is still the original.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from counter_app.errors import NotFound
from counter_app.store import audit
from counter_app.store.submissions import NoticeItem, Submission, load_submission
from counter_app.terminal import Terminal
from forms.model import ServiceItem
from forms.text import Text
from printing import qr_payload
from printing.errors import ReceiptDataError
from printing.model import Material, MissingMaterial, ReceiptData, mask_identifier, mask_name
from printing.render import render_pdf
from sync.receipt_numbers import display_receipt_no, normalise_receipt_no

PRINT = "receipt.print"
REPRINT = "receipt.reprint"
# Before enrollment the terminal knows no platform; the QR still carries the signed payload,
# and ".invalid" can never resolve to someone else's site.
UNENROLLED_PORTAL = "https://portal.invalid"
REASONS = {"missing": Text("未提供", "not provided"), "wrong": Text("不符合要求", "not acceptable")}


class ReceiptPrinter(Protocol):
    """Any `printing.backends` back-end."""

    def print_receipt(self, data: ReceiptData) -> object: ...


def come_back_text(terminal: Terminal) -> Text:
    """Where and when to return with a notice; IT staff may set their hall's own wording."""
    zh = terminal.store.get_setting("notice_come_back_zh")
    en = terminal.store.get_setting("notice_come_back_en")
    if zh and en:
        return Text(zh, en)
    hall = terminal.hall or "本中心"
    return Text(
        f"补齐材料后，请于工作日 9:00-17:00 携本告知书到{hall}任一综合窗口办理，无需重新填表。",
        f"Once you have everything, bring this notice to any general window of {hall} on a "
        "working day, 9:00-17:00; the form need not be filled in again.",
    )


def hall_seal(terminal: Terminal) -> bytes | None:
    """The hall's seal image for one-time notices: the PNG at the hall setting
    `hall_seal_png` (None when unset; a set path that cannot be read is an error, so a
    notice never goes out unsealed by accident)."""
    path = terminal.store.get_setting("hall_seal_png")
    if not path:
        return None
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ReceiptDataError(
            Text(f"公章图片 {path} 无法读取：{exc.strerror}",
                 f"The seal image {path} cannot be read: {exc.strerror}")
        ) from exc  # fmt: skip
    if not data.startswith(b"\x89PNG"):
        raise ReceiptDataError(
            Text(f"公章图片 {path} 不是 PNG 文件", f"The seal image {path} is not a PNG file")
        )
    return data


def _reason(item: NoticeItem) -> Text:
    base = REASONS.get(item.reason, Text(item.reason, item.reason))
    if not item.note:
        return base
    return Text(f"{base.zh}：{item.note}", f"{base.en}: {item.note}")


def _material_name(item: ServiceItem, code: str) -> Text:
    spec = item.material(code)
    return spec.name if spec else Text(code, code)


def portal_for(terminal: Terminal, configured: str = "") -> str:
    """Where the receipt's tracking points: the platform the terminal enrolled with, else
    the one configured to enroll with (`portal_url`: the codes will work there once it
    has enrolled), else "" (no online tracking yet)."""
    return terminal.portal_url or configured


def offline_note(hall: str) -> Text:
    """What a receipt printed before any platform is known tells the citizen, honestly."""
    place = hall or "本中心"
    return Text(
        "本窗口尚未接入网上查询平台，本回执暂不能在网上查询。接入后，可在大厅公布的查询地址输入"
        f"受理编号和查询码查询；在此之前，请凭本回执到{place}任一窗口查询办理进度。",
        "This window is not yet connected to the online tracking platform, so this receipt "
        "cannot be tracked online yet. Once it is, enter the receipt number and the code at "
        f"the address posted in the hall; until then, ask at any window of {hall or 'the hall'} "
        "with this receipt.",
    )


def _tracking_url(terminal: Terminal, sub: Submission, configured: str = "") -> str:
    """The QR's URL; the payload signed at intake is reused (only an application taken
    before payloads were stored is signed here)."""
    payload = sub.signed_payload or qr_payload.sign_payload(
        terminal.private_key(), sub.receipt_no, sub.service_code, sub.accepted_at, sub.terminal_id
    )
    code = qr_payload.tracking_code(terminal.code_secret(), sub.receipt_no)
    portal = portal_for(terminal, configured) or UNENROLLED_PORTAL
    return qr_payload.qr_url(portal, display_receipt_no(sub.receipt_no), code, payload)


def _signature(terminal: Terminal, sub: Submission) -> bytes | None:
    return terminal.materials.read(sub.signature) if sub.signature else None


def receipt_data_for(
    terminal: Terminal, receipt_no: str, duplicate: bool = False, configured: str = ""
) -> ReceiptData:
    """Everything the receipt (or one-time notice, as the application's kind says) shows;
    `configured` is the platform the configuration names (`portal_url`), if any."""
    try:
        sub = load_submission(terminal.store, receipt_no)
    except NotFound:  # a supplement taken here for another window's application?
        from counter_app.intake.hall_supplement import receipt_data

        found = receipt_data(terminal, receipt_no, duplicate, portal_for(terminal, configured))
        if found is None:
            raise
        return found
    item = terminal.service_item(sub.service_code, sub.service_version)
    online = bool(portal_for(terminal, configured))
    return ReceiptData(
        kind="notice" if sub.kind == "notice" else "acceptance",
        hall=sub.hall,
        window=sub.window,
        receipt_no=display_receipt_no(sub.receipt_no),
        item_name=item.name,
        department=item.department,
        applicant_name=mask_name(str(sub.applicant.get("name", ""))),
        applicant_id=mask_identifier(str(sub.applicant.get("id_no", ""))),
        accepted_at=sub.accepted_at.astimezone(terminal.timezone),
        promised_date=sub.due_date or sub.accepted_day,
        fee=item.fee,
        clerk_id=sub.clerk_id,
        tracking_url=_tracking_url(terminal, sub, configured),
        verification_code=qr_payload.typed_code(terminal.code_secret(), sub.receipt_no),
        materials=tuple(
            Material(_material_name(item, m.material_code), m.reused) for m in sub.materials
        ),
        missing=tuple(
            MissingMaterial(_material_name(item, n.material_code), _reason(n))
            for n in sub.notice_items
        ),
        come_back=come_back_text(terminal),
        signature_png=_signature(terminal, sub),
        duplicate=duplicate,
        offline_note=None if online else offline_note(sub.hall),
        settled_on_the_spot=item.is_immediate and sub.settled_at is not None,
        seal_png=hall_seal(terminal) if sub.kind == "notice" else None,
        due_provisional=sub.due_provisional,
    )


def was_printed(terminal: Terminal, receipt_no: str) -> bool:
    """True once any copy of this receipt was printed (so the next one is a duplicate)."""
    entity = normalise_receipt_no(receipt_no)
    return any(e["action"] in (PRINT, REPRINT) for e in audit.entries(terminal.store, entity))


def record_print(
    terminal: Terminal, receipt_no: str, duplicate: bool, paper: str, actor: str, to: str
) -> None:
    """Audit one printed copy."""
    audit.append(
        terminal.store,
        actor or "terminal",
        REPRINT if duplicate else PRINT,
        normalise_receipt_no(receipt_no),
        {"paper": paper, "to": to},
        at=terminal.now(),
    )


def render_receipt(
    terminal: Terminal,
    receipt_no: str,
    paper: str = "a4",
    duplicate: bool = False,
    actor: str = "",
    configured: str = "",
) -> bytes:
    """The receipt's PDF for preview and printing by the caller (the UI); audited as a print
    (a reprint when `duplicate`), since the caller takes it from here."""
    pdf = render_pdf(receipt_data_for(terminal, receipt_no, duplicate, configured), paper)
    record_print(terminal, receipt_no, duplicate, paper, actor, "caller")
    return pdf


def deliver(
    terminal: Terminal,
    receipt_no: str,
    backend: ReceiptPrinter,
    actor: str = "",
    duplicate: bool | None = None,
    configured: str = "",
) -> bool:
    """Print through `backend`; a duplicate when printed before (unless `duplicate` says).

    Audited only after the back-end succeeded. Returns whether it was a duplicate.
    """
    if duplicate is None:
        duplicate = was_printed(terminal, receipt_no)
    backend.print_receipt(receipt_data_for(terminal, receipt_no, duplicate, configured))
    paper = str(getattr(backend, "paper", "80mm"))
    record_print(terminal, receipt_no, duplicate, paper, actor, type(backend).__name__)
    return duplicate
