"""Outbox entries onto the wire: the record built at intake, the snapshots older terminals
wrote, and what cannot be mapped."""

from __future__ import annotations

import pytest

from counter_app.store import outbox
from counter_app.terminal import Terminal
from printing import qr_payload
from sync import outbound
from sync.canonical import content_hash
from tests.sync.conftest import Take
from tests.sync.old_outbox import old_snapshot


def test_the_intake_record_is_sent_as_it_was_stored(terminal: Terminal, take: Take) -> None:
    take("as stored", extra=b"%PDF-extra")
    record = outbox.pending(terminal.store)[0].payload
    app = outbound.application(record, "another hall", None)
    assert app.model_dump(mode="json") == record  # nothing filled in, nothing re-hashed
    assert record["content_hash"] == content_hash(app)


def test_an_older_terminals_snapshot_goes_up_with_the_same_hash(
    terminal: Terminal, take: Take
) -> None:
    """An application pushed by the version before issue 13 must not turn into a conflict
    when it is sent again: its snapshot maps to exactly the record intake builds now."""
    r = take("old", extra=b"%PDF-old")
    record = outbox.pending(terminal.store)[0].payload
    old = outbound.application(old_snapshot(terminal, r.receipt_no), "H", None)
    assert old == outbound.application(record, "H", None)
    assert old.content_hash == record["content_hash"]


def test_real_record_maps_with_materials_signature_and_hash(terminal: Terminal, take: Take) -> None:
    r = take("x", extra=b"%PDF-extra")
    terminal.hall = ""  # taken before the hall was known: the enrolled hall fills in
    snapshot = outbox.pending(terminal.store)[0].payload
    snapshot["hall"] = ""
    snapshot.pop("signed_payload")  # an entry queued before intake stored the payload
    signed: list[tuple[str, ...]] = []
    app = outbound.application(snapshot, "东湖大厅", lambda *a: signed.append(a) or "sig")
    assert app.receipt_no == r.receipt_no and app.hall == "东湖大厅"
    assert set(app.materials) == {"scan", "extra"} and app.signed_payload == "sig"
    assert app.content_hash == content_hash(app)
    assert signed[0][0] == r.receipt_no and signed[0][3] == terminal.terminal_id
    assert app.applicant.name == "王小明"


def test_payload_signed_at_intake_goes_up_without_signing_again(
    terminal: Terminal, take: Take
) -> None:
    r = take("signed")
    snapshot = outbox.pending(terminal.store)[0].payload
    signed: list[tuple[str, ...]] = []
    app = outbound.application(snapshot, "东湖大厅", lambda *a: signed.append(a) or "sig")
    assert signed == [] and app.signed_payload == snapshot["signed_payload"]
    claim = qr_payload.verify_payload(terminal.public_key(), app.signed_payload)
    assert claim.receipt_no == r.receipt_no and claim.terminal_id == terminal.terminal_id
    assert app.content_hash == content_hash(app)


@pytest.mark.parametrize(
    "broken",
    [
        {"kind": "sideways"},
        {"materials": [{"sha256": "x"}]},
        {"materials": "nope"},
        {"accepted_at": "yesterday"},
    ],
)
def test_unmappable_snapshot_is_outbound_error(
    terminal: Terminal, take: Take, broken: dict[str, object]
) -> None:
    take("x")
    snapshot = outbox.pending(terminal.store)[0].payload | broken
    with pytest.raises(outbound.OutboundError) as info:
        outbound.application(snapshot, "H", None)
    assert info.value.message("en").startswith(("Outbox", "Incomplete"))


def test_status_and_rating_events() -> None:
    payload = {"uuid": "u-12345678", "status": "voided", "note": None, "at": "2026-03-02T02:00Z"}
    ev = outbound.status_event(9, payload)
    assert ev.event_id == "u-12345678/9" and ev.note == ""
    rating = outbound.rating(10, {"uuid": "u-12345678", "rating": 5, "at": payload["at"]})
    assert rating.rating == 5
    with pytest.raises(outbound.OutboundError):
        outbound.rating(11, {"uuid": "u-12345678", "rating": 9, "at": payload["at"]})
    with pytest.raises(outbound.OutboundError):
        outbound.status_event(12, payload | {"status": "exploded"})
