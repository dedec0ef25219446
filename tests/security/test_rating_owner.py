"""Attack: another window of the same hall tries to change a citizen's rating.

A rating belongs to the terminal whose citizen screen took it. A second terminal enrolled in
the same hall, with its own valid token, against the live platform (uvicorn on loopback),
pushes the rating's ID with another level, and then a rating of its own for the owner's
application: both are refused with a reason, and the rating, the figures and the
(absent) 差评整改 case stay as they were.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from portal.server import BackgroundServer
from tests.security.conftest import Window
from tests.sync.conftest import server_count


def _push_rating(window: Window, rating: dict[str, Any]) -> dict[str, Any]:
    with window.api() as http:
        reply = http.post("/push", json={"ratings": [rating]})
    assert reply.status_code == 200, reply.text
    (result,) = reply.json()["event_results"]
    return dict(result)


def _stored(portal: BackgroundServer, rating_id: str) -> tuple[int, str]:
    db = portal.app.state.db
    table = db.t("ratings")
    with db.begin() as conn:
        row = conn.execute(table.select().where(table.c.rating_id == rating_id)).one()
    return int(row.code), str(row.terminal_id)


def test_another_window_of_the_hall_cannot_change_or_add_a_rating(
    portal: BackgroundServer, owner: Window, neighbour: Window
) -> None:
    taken = owner.take("rated")
    rating_id = owner.terminal.intake.record_rating(taken.receipt_no, 1)  # 非常满意
    assert owner.sync().ok
    assert _stored(portal, rating_id) == (1, owner.terminal_id)
    now = datetime.now(UTC).isoformat()

    changed = _push_rating(
        neighbour, {"event_id": rating_id, "uuid": taken.uuid, "code": 5, "at": now}
    )
    added = _push_rating(
        neighbour, {"event_id": "f" * 32, "uuid": taken.uuid, "code": 5, "at": now}
    )

    for result in (changed, added):
        assert result["outcome"] == "rejected" and result["reason"]["en"]
    assert _stored(portal, rating_id) == (1, owner.terminal_id)  # unchanged
    assert server_count(portal, "ratings") == 1
    assert server_count(portal, "bad_cases") == 0  # no case opened on a forged 非常不满意


def test_the_owning_terminal_may_correct_its_rating(
    portal: BackgroundServer, owner: Window
) -> None:
    """The screen that took a rating may send it again with other values (a correction):
    it is kept, and turning bad opens its case."""
    taken = owner.take("corrected")
    rating_id = owner.terminal.intake.record_rating(taken.receipt_no, 2)
    assert owner.sync().ok
    now = datetime.now(UTC).isoformat()
    result = _push_rating(owner, {"event_id": rating_id, "uuid": taken.uuid, "code": 4, "at": now})
    assert result["outcome"] == "stored"
    assert _stored(portal, rating_id) == (4, owner.terminal_id)
    assert server_count(portal, "bad_cases", rating_id=rating_id) == 1
