"""The outbox the sync engine consumes: due entries, done, retry, set aside, requeue."""

from __future__ import annotations

from datetime import timedelta

import pytest

from counter_app.errors import NotFound
from counter_app.store import outbox
from counter_app.terminal import Terminal
from tests.counter_app.counter_testing import ANSWERS, PDF, PERSON, Clock


def _take(t: Terminal) -> str:
    return t.intake.accept(
        "TEST-001", PERSON, ANSWERS, {"id_card": [PDF], "form": [PDF]}, clerk_id="C001"
    ).uuid


def test_each_intake_leaves_one_pending_entry(terminal: Terminal, clock: Clock) -> None:
    uuids = [_take(terminal), _take(terminal)]
    entries = outbox.pending(terminal.store, 10, clock())
    assert [e.entity_uuid for e in entries] == uuids
    assert entries[0].payload["materials"]["id_card"][0]  # the wire record: code -> hashes
    assert outbox.backlog(terminal.store) == (2, clock())


def test_done_entries_leave_and_mark_submission_synced(terminal: Terminal, clock: Clock) -> None:
    uuid = _take(terminal)
    entry = outbox.pending(terminal.store, now=clock())[0]
    outbox.mark_done(terminal.store, [entry.id])
    assert outbox.pending(terminal.store, now=clock()) == []
    assert outbox.backlog(terminal.store) == (0, None)
    assert terminal.intake.get(uuid).sync_state == "synced"


def test_retry_waits_until_its_time(terminal: Terminal, clock: Clock) -> None:
    _take(terminal)
    entry = outbox.pending(terminal.store, now=clock())[0]
    outbox.mark_retry(terminal.store, [entry.id], "503 busy", clock() + timedelta(seconds=30))
    assert outbox.pending(terminal.store, now=clock()) == []
    later = outbox.pending(terminal.store, now=clock() + timedelta(seconds=31))
    assert later[0].attempts == 1 and later[0].last_error == "503 busy"


def test_set_aside_does_not_block_the_rest(terminal: Terminal, clock: Clock) -> None:
    first, second = _take(terminal), _take(terminal)
    entry = outbox.pending(terminal.store, now=clock())[0]
    outbox.set_aside(terminal.store, entry.id, "422 unknown service")
    assert [e.entity_uuid for e in outbox.pending(terminal.store, now=clock())] == [second]
    sub = terminal.intake.get(first)
    assert (sub.sync_state, sub.sync_error) == ("rejected", "422 unknown service")
    assert [e.id for e in outbox.set_aside_entries(terminal.store)] == [entry.id]


def test_requeue_sends_the_same_content_again(terminal: Terminal, clock: Clock) -> None:
    uuid = _take(terminal)
    entry = outbox.pending(terminal.store, now=clock())[0]
    outbox.set_aside(terminal.store, entry.id, "conflict", sync_state="conflict")
    assert terminal.intake.get(uuid).sync_state == "conflict"
    assert outbox.requeue(terminal.store, uuid, clock()) == 1
    again = outbox.pending(terminal.store, now=clock())[0]
    assert again.payload == entry.payload and again.attempts == 0
    assert terminal.intake.get(uuid).sync_state == "pending"
    with pytest.raises(NotFound):
        outbox.requeue(terminal.store, "no-such-uuid")
    with pytest.raises(NotFound):
        outbox.get(terminal.store, 999)
