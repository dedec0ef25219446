"""Status changes from the platform: applied once, latest by time wins, settled time kept."""

from __future__ import annotations

from datetime import timedelta

import pytest

from counter_app.errors import NotFound
from counter_app.store import apply_remote_status, audit
from counter_app.terminal import Terminal
from tests.counter_app.counter_testing import ANSWERS, PDF, PERSON, Clock


def test_remote_status_applied_once_by_remote_id(terminal: Terminal, clock: Clock) -> None:
    r = terminal.intake.accept(
        "TEST-001", PERSON, ANSWERS, {"id_card": [PDF], "form": [PDF]}, clerk_id="C001"
    )
    later = clock() + timedelta(days=1)
    assert apply_remote_status(terminal.store, r.display_no, "under_review", "", later, "ev-1")
    assert not apply_remote_status(terminal.store, r.uuid, "under_review", "", later, "ev-1")
    sub = terminal.intake.get(r.receipt_no)
    assert sub.status == "under_review"
    assert [(e.source, e.remote_id) for e in sub.events][-1] == ("portal", "ev-1")
    assert audit.entries(terminal.store, r.receipt_no)[-1]["actor"] == "portal"


def test_out_of_order_events_keep_the_latest(terminal: Terminal, clock: Clock) -> None:
    r = terminal.intake.accept(
        "TEST-001", PERSON, ANSWERS, {"id_card": [PDF], "form": [PDF]}, clerk_id="C001"
    )
    t1, t2 = clock() + timedelta(days=1), clock() + timedelta(days=2)
    apply_remote_status(terminal.store, r.uuid, "approved", "ok", t2, "ev-2")
    apply_remote_status(terminal.store, r.uuid, "under_review", "", t1, "ev-1")
    sub = terminal.intake.get(r.uuid)
    assert sub.status == "approved" and sub.settled_at == t2


def test_unknown_application_refused(terminal: Terminal, clock: Clock) -> None:
    with pytest.raises(NotFound):
        apply_remote_status(terminal.store, "nope", "approved", "", clock(), "ev-9")
