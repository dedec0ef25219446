"""Void after intake: roles, reasons, events, outbox and audit entries (ratings:
test_ratings.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from counter_app import clerks
from counter_app.errors import ConflictError, PermissionDenied
from counter_app.store import apply_remote_status, audit, outbox
from counter_app.terminal import Terminal
from tests.counter_app.counter_testing import ANSWERS, PASSWORD, PDF, PERSON, Clock


def _accepted(terminal: Terminal) -> str:
    return terminal.intake.accept(
        "TEST-001", PERSON, ANSWERS, {"id_card": [PDF], "form": [PDF]}, clerk_id="C001"
    ).receipt_no


def test_void_needs_supervisor_and_reason(terminal: Terminal, clock: Clock) -> None:
    number = _accepted(terminal)
    clerk = clerks.authenticate(terminal.store, "C001", PASSWORD, now=clock)
    boss = clerks.authenticate(terminal.store, "S001", PASSWORD, now=clock)
    with pytest.raises(PermissionDenied) as err:
        terminal.intake.void(number, "typo", clerk)
    assert "supervisor" in err.value.message("en")
    with pytest.raises(PermissionDenied):
        terminal.intake.void(number, "typo", None)
    with pytest.raises(ConflictError):
        terminal.intake.void(number, "  ", boss)

    terminal.intake.void(number, "申请人撤回", boss)

    sub = terminal.intake.get(number)
    assert sub.status == "voided" and sub.events[-1].note == "申请人撤回"
    assert [e.kind for e in outbox.pending(terminal.store, now=clock())] == ["submission", "status"]
    assert audit.entries(terminal.store, number)[-1]["actor"] == "S001"
    with pytest.raises(ConflictError):
        terminal.intake.void(number, "again", boss)


def test_settled_application_cannot_be_voided(terminal: Terminal, clock: Clock) -> None:
    number = _accepted(terminal)
    apply_remote_status(terminal.store, number, "approved", "", clock() + timedelta(days=1), "e")
    boss = clerks.authenticate(terminal.store, "S001", PASSWORD, now=clock)
    with pytest.raises(ConflictError) as err:
        terminal.intake.void(number, "too late", boss)
    assert "approved" in err.value.message("en") and "已批准" in err.value.message("zh_CN")
