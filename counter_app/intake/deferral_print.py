"""From a stored 容缺 acceptance to its 容缺受理通知书 (see `printing.deferral_notice`).

The consequence of a late material is the hall's to word (settings `deferral_late_zh` /
`deferral_late_en`); by default it says what the platform does when its setting ends late
applications: the application is ended and must be made again.
"""

from __future__ import annotations

from datetime import date

from counter_app.errors import ConflictError
from counter_app.intake.deferral import open_for
from counter_app.intake.receipts import _tracking_url
from counter_app.store import audit
from counter_app.store.submissions import load_submission
from counter_app.terminal import Terminal
from forms.text import Text
from printing import qr_payload
from printing.deferral_notice import DeferralNotice, Deferred, render_deferral_notice
from printing.model import mask_identifier, mask_name
from sync.receipt_numbers import display_receipt_no

PRINT = "deferral_notice.print"
DEFAULT_LATE = Text(
    "逾期未补交的，视为申请人撤回申请，本申请终止办理，已提交的材料退还申请人。",
    "If a material is late, the application counts as withdrawn and is ended; the "
    "materials handed in are returned.",
)


def consequence(terminal: Terminal) -> Text:
    zh = terminal.store.get_setting("deferral_late_zh")
    en = terminal.store.get_setting("deferral_late_en")
    return Text(zh, en) if zh and en else DEFAULT_LATE


def notice_for(terminal: Terminal, receipt_no: str) -> DeferralNotice:
    """What the notice shows; ConflictError when nothing of this application is deferred."""
    sub = load_submission(terminal.store, receipt_no)
    rows = open_for(terminal.store, sub.uuid)
    if not rows:
        raise ConflictError(
            Text(
                f"{display_receipt_no(sub.receipt_no)} 没有待补交的容缺材料。",
                f"{display_receipt_no(sub.receipt_no)} has no materials to follow.",
            )
        )
    item = terminal.service_item(sub.service_code, sub.service_version)

    def name(code: str) -> Text:
        spec = item.material(code)
        return spec.name if spec else Text(code, code)

    promise = rows[0]["promise_sha256"]
    return DeferralNotice(
        hall=sub.hall,
        window=sub.window,
        receipt_no=display_receipt_no(sub.receipt_no),
        item_name=item.name,
        applicant_name=mask_name(str(sub.applicant.get("name", ""))),
        applicant_id=mask_identifier(str(sub.applicant.get("id_no", ""))),
        accepted_at=sub.accepted_at.astimezone(terminal.timezone),
        promised_date=sub.due_date or sub.accepted_day,
        materials=tuple(
            Deferred(name(r["material_code"]), r["form"], date.fromisoformat(r["due_date"]))
            for r in rows
        ),
        consequence=consequence(terminal),
        tracking_url=_tracking_url(terminal, sub),
        verification_code=qr_payload.typed_code(terminal.code_secret(), sub.receipt_no),
        promise_png=terminal.materials.read(promise) if promise else None,
    )


def render(terminal: Terminal, receipt_no: str, actor: str = "") -> bytes:
    """The notice's PDF (both copies); the print is audited."""
    pdf = render_deferral_notice(notice_for(terminal, receipt_no))
    sub = load_submission(terminal.store, receipt_no)
    audit.append(terminal.store, actor or "terminal", PRINT, sub.receipt_no, {}, at=terminal.now())
    return pdf
