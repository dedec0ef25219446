"""Batches read one ahead on a reader thread: same order, nothing twice, errors surface on
the engine's thread and no thread is left behind."""

from __future__ import annotations

import json
import threading

import pytest

from counter_app.store import outbox
from counter_app.store.sync_port import StorePort
from counter_app.terminal import Terminal
from sync.batches import Batch, BatchReader, map_batch
from sync.engine import SyncEngine
from tests.sync.conftest import Take, plain_client


def _reader(terminal: Terminal, size: int) -> BatchReader:
    def read(after: int) -> list[object]:
        return list(outbox.pending(terminal.store, size, after_id=after))

    return BatchReader(read, lambda entries: map_batch(entries, "东湖大厅", None))


def test_batches_come_in_outbox_order_each_entry_once(terminal: Terminal, take: Take) -> None:
    taken = [take(f"b-{i}") for i in range(5)]
    seen: list[str] = []
    with _reader(terminal, 2) as reader:
        while (batch := reader.next()) is not None:
            assert isinstance(batch, Batch) and len(batch.entries) <= 2
            seen += [app.receipt_no for _, app in batch.apps.values()]
    assert seen == [r.receipt_no for r in taken]


def test_unknown_kind_is_unmappable_not_fatal(terminal: Terminal, take: Take) -> None:
    take("ok")
    terminal.store.execute("UPDATE outbox SET kind = 'sideways'")
    with _reader(terminal, 10) as reader:
        batch = reader.next()
        assert batch is not None and not batch.apps
        assert "Unknown outbox kind" in batch.unmappable[0][1].message("en")
        assert reader.next() is None


def test_a_failed_read_is_raised_by_the_pass_and_the_reader_ends(
    enrolled: Terminal, take: Take
) -> None:
    """A broken outbox row (here: a payload that is not JSON) read ahead stops the pass with
    that error, as when it was read in turn; what went up before it stays confirmed."""
    first = take("good")
    take("bad")
    enrolled.store.execute(
        "UPDATE outbox SET payload = '{' WHERE id = (SELECT MAX(id) FROM outbox)"
    )
    before = set(threading.enumerate())
    engine = SyncEngine(StorePort(enrolled), plain_client, batch_size=1)  # type: ignore[arg-type]
    with pytest.raises(json.JSONDecodeError):
        engine.run_once()
    # no thread of the pass is left (a thread of an earlier test may end meanwhile: the
    # store's background checkpoints made counting them all flaky after tests/ui)
    assert not set(threading.enumerate()) - before
    assert enrolled.intake.get(first.receipt_no).sync_state == "synced"
    assert outbox.backlog(enrolled.store)[0] == 1
