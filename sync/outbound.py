"""Turning the terminal's outbox entries into protocol messages.

An application's outbox entry is already its wire record (`ApplicationIn` in JSON form,
with its content hash, built once at intake: `counter_app.store.wire_record`), so sending it
is one validation. Two older cases are completed here: a record taken before enrollment (no
hall yet) and one taken before intake signed the receipt; both get the hash taken again.
Entries written by terminals before issue 13 hold the terminal's own snapshot; `_from_snapshot`
maps those exactly as before, so what they push keeps its content hash (the platform sees a
duplicate, never a conflict). An entry that cannot be mapped is an `OutboundError`: the
engine sets it aside with the reason instead of blocking the queue behind it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import ValidationError

from forms.text import Text
from sync.canonical import content_hash
from sync.errors import SyncError
from sync.protocol import ApplicationIn, RatingIn, StatusEventIn
from sync.receipt_numbers import receipt_terminal_id

#: Signs the receipt's QR payload: (receipt_no, service_code, accepted_at ISO, terminal_id).
Signer = Callable[[str, str, str, str], str | None]


#: Keys of an old snapshot (written before issue 13) that go on the wire as they are.
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


def application(record: Mapping[str, object], hall: str, sign: Signer | None) -> ApplicationIn:
    """The wire form of a "submission" entry. An empty hall (taken before enrollment)
    is the terminal's enrolled `hall`."""
    try:
        return _application(record, hall, sign)
    except ValidationError as exc:
        raise _invalid("submission", exc) from exc
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise OutboundError(Text(f"记录不完整：{exc!r}", f"Incomplete record: {exc!r}")) from exc


def _application(record: Mapping[str, object], hall: str, sign: Signer | None) -> ApplicationIn:
    old = "terminal_id" in record  # a snapshot: the wire record has no terminal_id
    data: dict[str, Any] = _from_snapshot(record) if old else dict(record)
    sealed = not old
    if not data.get("hall"):
        data["hall"], sealed = hall, False
    if data.get("signed_payload") is None and sign is not None:  # taken before intake signed
        own = receipt_terminal_id(str(data["receipt_no"]))
        terminal = str(record.get("terminal_id") or own or "")
        data["signed_payload"] = sign(
            str(data["receipt_no"]), str(data["service_code"]), str(data["accepted_at"]), terminal
        )
        sealed = False
    if sealed:
        return ApplicationIn.model_validate(data)
    data["content_hash"] = "0" * 64
    app = ApplicationIn.model_validate(data)
    return app.model_copy(update={"content_hash": content_hash(app)})


def _from_snapshot(snapshot: Mapping[str, Any]) -> dict[str, Any]:
    """The wire fields of a snapshot written before issue 13 (mapped as then)."""
    materials: dict[str, list[str]] = {}
    for m in snapshot.get("materials", []):
        materials.setdefault(m["code"], []).append(m["sha256"])
    data = {key: snapshot.get(key) for key in COPIED}
    data["hall"] = snapshot.get("hall")
    data["window"] = str(snapshot.get("window") or "")
    data["materials"] = materials
    data["notice_items"] = snapshot.get("notice_items", [])
    data["applicant"] = {k: v for k, v in (data["applicant"] or {}).items() if v is not None}
    data["signed_payload"] = snapshot.get("signed_payload")
    return data


def status_event(entry_id: int, payload: Mapping[str, object]) -> StatusEventIn:
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


def rating(entry_id: int, payload: Mapping[str, object]) -> RatingIn:
    """A "rating" entry. Its ID on the wire is the rating's own UUID, so the same rating
    sent twice is one rating. An entry queued before the standard codes holds 1-5 stars
    (`rating`) and no UUID of its own: it goes as stars, under the outbox entry's ID."""
    data: dict[str, object] = {k: payload[k] for k in RATING_KEYS if payload.get(k) is not None}
    if payload.get("rating_uuid"):
        data["event_id"] = payload["rating_uuid"]
    else:
        data["event_id"] = f"{payload.get('uuid')}/{entry_id}"
        data["rating"] = payload.get("rating")
    try:
        return RatingIn.model_validate(data)
    except ValidationError as exc:
        raise _invalid("rating", exc) from exc
