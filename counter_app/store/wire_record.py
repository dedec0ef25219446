"""The one record shape from intake to wire: an application as the platform will receive it.

`wire_record` builds the protocol's `ApplicationIn` once, at intake, from what intake
decided; the outbox stores its JSON form as it will be sent, and the submission row keeps
its content hash (`sync.canonical.content_hash`). The sync engine reads the record back and
sends it; it changes it only for an application taken before the terminal was enrolled
(the hall is filled in then and the hash taken again: `sync.outbound`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from counter_app.errors import CounterError
from forms.text import Text
from sync.canonical import content_hash
from sync.protocol import ApplicationIn

if TYPE_CHECKING:  # submissions imports this module to write the record
    from counter_app.store.submissions import NewSubmission

#: Stands in for the hall while the record is checked, when the terminal has none yet.
_NO_HALL = "-"
_UNSEALED = "0" * 64


def wire_record(
    new: NewSubmission, receipt_no: str, ident: dict[str, str], signed_payload: str | None
) -> dict[str, Any]:
    """The JSON form of `new` as `ApplicationIn`, with its content hash.

    Checked by the protocol's own model here, so a record the platform would refuse is
    found at the counter. A terminal not yet enrolled has no hall: the record keeps
    `hall` empty (hashed so) and the push fills it in."""
    hall = ident["hall"]
    data: dict[str, Any] = {
        "uuid": new.uuid,
        "receipt_no": receipt_no,
        "kind": new.kind,
        "service_code": new.service_code,
        "service_version": new.service_version,
        "hall": hall or _NO_HALL,
        "window": str(ident["window"] or ""),
        "clerk_id": new.clerk_id,
        "accepted_at": new.accepted_at,
        "due_date": new.due_date,
        "status": new.status,
        "answers": new.answers,
        "applicant": {k: v for k, v in new.applicant.items() if v is not None},
        "materials": _materials(new),
        "signature": new.signature.sha256 if new.signature else None,
        "notice_items": [
            {"code": n.material_code, "reason": n.reason, "note": n.note} for n in new.notice_items
        ],
        "notice_uuid": new.notice_uuid,
        "signed_payload": signed_payload,
        "content_hash": _UNSEALED,
    }
    try:
        record = ApplicationIn.model_validate(data).model_dump(mode="json")
    except ValidationError as exc:
        raise _unfit(exc) from exc
    record["hall"] = hall
    record["content_hash"] = content_hash(record)
    return record


def _materials(new: NewSubmission) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for m in new.materials:
        grouped.setdefault(m.code, []).append(m.stored.sha256)
    return grouped


def _unfit(exc: ValidationError) -> CounterError:
    """The platform would refuse this record: say which field, before anything is written."""
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first.get("loc", ()))
    return CounterError(
        Text(
            f"申请记录不符合同步协议（{where}：{first.get('msg', '')}），未保存，请修改后重试。",
            f"The application does not fit the sync protocol ({where}: {first.get('msg', '')});"
            " nothing was saved: correct it and try again.",
        )
    )
