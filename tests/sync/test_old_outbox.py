"""A terminal updated to one record shape (issue 13) with entries its older version queued,
against a real portal on loopback: they still go up, and nothing becomes a conflict."""

from __future__ import annotations

from counter_app.ops.provision import enroll
from counter_app.store import outbox
from counter_app.store.submissions import load_submission
from counter_app.store.sync_port import StorePort
from counter_app.terminal import Terminal
from portal.server import BackgroundServer
from sync.canonical import canonical_json
from sync.engine import SyncEngine
from tests.sync.conftest import Take, issue_code, plain_client, server_count
from tests.sync.old_outbox import old_snapshot


def _queue_as_old_version(terminal: Terminal, receipt_no: str) -> None:
    """Rewrite the application's outbox entry as the version before issue 13 wrote it."""
    sub = load_submission(terminal.store, receipt_no)
    terminal.store.execute(
        "UPDATE outbox SET payload = ? WHERE entity_uuid = ?",
        (canonical_json(old_snapshot(terminal, receipt_no)), sub.uuid),
    )


def test_an_old_entry_goes_up_and_the_new_record_is_then_a_duplicate(
    enrolled: Terminal, portal: BackgroundServer, take: Take
) -> None:
    r = take("queued by the old version")
    record = outbox.pending(enrolled.store)[0].payload
    _queue_as_old_version(enrolled, r.receipt_no)
    first = SyncEngine(StorePort(enrolled), plain_client).run_once()
    assert first.ok and first.pushed == [r.receipt_no], first.errors
    # the same application sent again in the new shape (e.g. requeued after an update)
    enrolled.store.execute("UPDATE outbox SET payload = ?", (canonical_json(record),))
    outbox.requeue(enrolled.store, r.uuid)
    again = SyncEngine(StorePort(enrolled), plain_client).run_once()
    assert again.ok and again.pushed == [] and again.set_aside == []  # a duplicate
    assert server_count(portal, "conflicts") == 0
    assert server_count(portal, "applications", uuid=r.uuid) == 1
    assert load_submission(enrolled.store, r.receipt_no).sync_state == "synced"


def test_an_old_entry_taken_before_enrollment_gets_the_enrolled_hall(
    terminal: Terminal, portal: BackgroundServer, take: Take
) -> None:
    terminal.hall = ""  # not enrolled yet: the snapshot has no hall
    r = take("before enrollment")
    _queue_as_old_version(terminal, r.receipt_no)
    enroll(terminal, portal.url, issue_code(portal), plain_client)
    report = SyncEngine(StorePort(terminal), plain_client).run_once()
    assert report.ok and report.pushed == [r.receipt_no], report.errors
    assert server_count(portal, "applications", uuid=r.uuid) == 1
