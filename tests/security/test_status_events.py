"""Attack 2: a terminal rewrites another terminal's application through status events and
ratings: voids it (after which the back office could not move it), sets platform-only
statuses, backdates or postdates events, or takes the owner's event IDs first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from portal import services
from sync.protocol import PushReply
from tests.security.conftest import Window


def _events(by: Window, *events: dict[str, Any], ratings: Any = ()) -> list[tuple[str, str]]:
    """Push `events` (and `ratings`) as terminal `by`: [(outcome, English reason)]."""
    body = {"events": list(events), "ratings": list(ratings)}
    with by.api() as api:
        resp = api.post("/push", json=body)
    assert resp.status_code == 200, resp.text
    reply = PushReply.model_validate_json(resp.content)
    return [(r.outcome.value, r.reason.en if r.reason else "") for r in reply.event_results]


def _event(uuid: str, status: str, note: str = "", at: datetime | None = None, n: int = 1) -> Any:
    at = at or datetime.now(UTC)
    return {"event_id": f"{uuid}/{n}", "uuid": uuid, "status": status, "note": note,
            "at": at.isoformat()}  # fmt: skip


def _platform_status(owner: Window, receipt_no: str) -> str:
    with owner.api() as api:
        return str(api.get(f"/applications/{receipt_no}").json()["status"])


def _synced(owner: Window, tag: str) -> Any:
    taken = owner.take(tag)
    assert owner.sync().pushed == [taken.receipt_no]
    return taken


def test_a_neighbour_voiding_the_owners_application_is_refused(
    owner: Window, neighbour: Window, stranger: Window
) -> None:
    taken = _synced(owner, "void attack")
    (refused,) = _events(neighbour, _event(taken.uuid, "voided", "把它作废"))
    assert refused[0] == "rejected" and "supplement" in refused[1]
    (refused,) = _events(stranger, _event(taken.uuid, "voided", "把它作废"))
    assert refused[0] == "rejected"
    assert _platform_status(owner, taken.receipt_no) == "received"
    services.set_status(owner.portal.app.state.db, taken.receipt_no, "approved")  # still free
    assert _platform_status(owner, taken.receipt_no) == "approved"


def test_a_terminal_setting_platform_only_statuses_is_refused(owner: Window) -> None:
    taken = _synced(owner, "self approval")
    sent = [_event(taken.uuid, s, n=i) for i, s in enumerate(("approved", "delivered", "received"))]
    for outcome, reason in _events(owner, *sent):
        assert outcome == "rejected" and "platform sets it" in reason
    assert _platform_status(owner, taken.receipt_no) == "received"


def test_backdated_future_and_reasonless_events_are_refused(owner: Window) -> None:
    taken = _synced(owner, "time travel")
    before = taken.accepted_at - timedelta(days=3)
    ahead = datetime.now(UTC) + timedelta(days=2)
    results = _events(
        owner,
        _event(taken.uuid, "voided", "回到过去", at=before, n=1),
        _event(taken.uuid, "voided", "来自未来", at=ahead, n=2),
        _event(taken.uuid, "voided", "   ", n=3),
    )
    assert [r[0] for r in results] == ["rejected"] * 3
    assert "before the acceptance" in results[0][1] and "ahead" in results[1][1]
    assert "reason" in results[2][1]
    assert _platform_status(owner, taken.receipt_no) == "received"


def test_a_neighbour_rating_the_owners_application_is_refused(
    owner: Window, neighbour: Window
) -> None:
    taken = _synced(owner, "rating attack")
    now = datetime.now(UTC).isoformat()
    rating = {"event_id": "r1", "uuid": taken.uuid, "rating": 1, "at": now}
    assert _events(neighbour, ratings=[rating])[0][0] == "rejected"
    apps = owner.portal.app.state.db.t("applications")
    with owner.portal.app.state.db.begin() as conn:
        stored = conn.execute(select(apps.c.rating).where(apps.c.uuid == taken.uuid)).scalar()
    assert stored is None
    assert _events(owner, ratings=[rating])[0][0] == "stored"


def test_a_supplement_at_another_window_of_the_hall_reaches_the_owner(
    owner: Window, neighbour: Window, stranger: Window
) -> None:
    taken = _synced(owner, "cross-window supplement")
    db = owner.portal.app.state.db
    (early,) = _events(neighbour, _event(taken.uuid, "supplemented", "补齐户口簿", n=1))
    assert early[0] == "rejected" and "no supplement is asked" in early[1].lower()
    services.set_status(db, taken.receipt_no, "supplement_needed", "请补户口簿")
    assert _events(stranger, _event(taken.uuid, "supplemented", n=2))[0][0] == "rejected"
    assert _events(neighbour, _event(taken.uuid, "supplemented", "补齐户口簿", n=3)) == [
        ("stored", "")
    ]
    events = db.t("status_events")
    with db.begin() as conn:
        row = conn.execute(select(events).where(events.c.status == "supplemented")).one()
    assert (row.terminal_id, row.window) == (neighbour.terminal_id, "2")
    report = owner.sync()
    assert (taken.receipt_no, "supplemented") in report.statuses_pulled
    assert owner.terminal.intake.get(taken.receipt_no).status == "supplemented"


def test_taking_the_owners_event_ids_first_does_not_swallow_its_void(
    owner: Window, neighbour: Window
) -> None:
    """The owner's void goes up as `uuid/<outbox id>` (2: the submission's entry is 1); a
    neighbour sends a supplement under that ID first. The owner's void must still count."""
    taken = _synced(owner, "event id squatting")
    services.set_status(owner.portal.app.state.db, taken.receipt_no, "supplement_needed", "x")
    owner.sync()
    squat = _event(taken.uuid, "supplemented", "抢先", n=2)
    assert _events(neighbour, squat) == [("stored", "")]
    owner.terminal.intake.void(taken.receipt_no, "登记错误", owner.supervisor())
    report = owner.sync()
    assert not report.set_aside, report.set_aside
    assert _platform_status(owner, taken.receipt_no) == "voided"
    local = owner.terminal.intake.get(taken.receipt_no)
    assert [e.status for e in local.events].count("voided") == 1  # its echo is not doubled
