"""Turning the terminal's outbox entries into protocol messages.

The store's outbox payloads (see `counter_app.store.outbox`) are the terminal's own format; this is
the one place that maps them onto the wire, so a change on either side shows up here. A
payload that cannot be mapped is an `OutboundError`: the engine sets that entry aside with
the reason instead of blocking the queue behind it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from forms.text import Text
from sync.errors import SyncError
from sync.protocol import ApplicationIn, RatingIn, StatusEventIn, content_hash

#: Signs the receipt's QR payload: (receipt_no, service_code, accepted_at ISO, terminal_id).
Signer = Callable[[str, str, str, str], str | None]


#: Snapshot keys that go on the wire as they are.
COPIED = (
    "uuid",
    "receipt_no",
    "kind",
    "service_code",
    "service_version",
    "accepted_at",
    "due_date",
    "status",
    "answers",
    "applicant",
    "clerk_id",
    "signature",
    "notice_uuid",
)


class OutboundError(SyncError):
    """An outbox entry that cannot become a valid protocol message."""


def _invalid(kind: str, exc: ValidationError) -> OutboundError:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first.get("loc", ()))
    return OutboundError(
        Text(
            f"待同步记录（{kind}）格式不符合协议：{where} {first.get('msg', '')}",
            f"Outbox {kind} entry does not fit the protocol: {where} {first.get('msg', '')}",
        )
    )


def application(snapshot: dict[str, Any], hall: str, sign: Signer | None) -> ApplicationIn:
    """The wire form of a "submission" snapshot. An empty hall (taken before enrollment)
    is the terminal's enrolled `hall`."""
    try:
        return _application(snapshot, hall, sign)
    except ValidationError as exc:
        raise _invalid("submission", exc) from exc
    except (KeyError, TypeError, AttributeError) as exc:
        raise OutboundError(Text(f"记录不完整：{exc!r}", f"Incomplete record: {exc!r}")) from exc


def _application(snapshot: dict[str, Any], hall: str, sign: Signer | None) -> ApplicationIn:
    materials: dict[str, list[str]] = {}
    for m in snapshot.get("materials", []):
        materials.setdefault(m["code"], []).append(m["sha256"])
    data = {key: snapshot.get(key) for key in COPIED}
    data["hall"] = snapshot.get("hall") or hall
    data["window"] = str(snapshot.get("window") or "")
    data["materials"] = materials
    data["notice_items"] = snapshot.get("notice_items", [])
    data["applicant"] = {k: v for k, v in (data["applicant"] or {}).items() if v is not None}
    data["signed_payload"] = snapshot.get("signed_payload")  # signed once, at intake
    if data["signed_payload"] is None and sign is not None:  # taken before that
        data["signed_payload"] = sign(
            str(data["receipt_no"]),
            str(data["service_code"]),
            str(data["accepted_at"]),
            str(snapshot.get("terminal_id", "")),
        )
    data["content_hash"] = "0" * 64
    app = ApplicationIn.model_validate(data)
    return app.model_copy(update={"content_hash": content_hash(app)})


def status_event(entry_id: int, payload: dict[str, Any]) -> StatusEventIn:
    """A "status" entry (a void at the counter); its ID is stable: uuid/outbox id."""
    data = {k: payload.get(k) for k in ("uuid", "status", "at")}
    data["note"] = payload.get("note") or ""
    data["event_id"] = f"{payload.get('uuid')}/{entry_id}"
    try:
        return StatusEventIn.model_validate(data)
    except ValidationError as exc:
        raise _invalid("status", exc) from exc


#: The rating keys that go on the wire as they are (GB/T 39046 table 9; see `RatingIn`).
RATING_KEYS = (
    "uuid",
    "code",
    "channel",
    "service_event",
    "count",
    "overall",
    "efficiency",
    "level",
    "attitude",
    "comment",
    "region",
    "at",
)


def rating(entry_id: int, payload: dict[str, Any]) -> RatingIn:
    """A "rating" entry. Its ID on the wire is the rating's own UUID, so the same rating
    sent twice is one rating. An entry queued before the standard codes holds 1-5 stars
    (`rating`) and no UUID of its own: it goes as stars, under the outbox entry's ID."""
    data = {k: payload[k] for k in RATING_KEYS if payload.get(k) is not None}
    if payload.get("rating_uuid"):
        data["event_id"] = payload["rating_uuid"]
    else:
        data["event_id"] = f"{payload.get('uuid')}/{entry_id}"
        data["rating"] = payload.get("rating")
    try:
        return RatingIn.model_validate(data)
    except ValidationError as exc:
        raise _invalid("rating", exc) from exc
