"""Attack: another window of the same hall tries to change a citizen's rating.

A rating belongs to the terminal whose citizen screen took it. A second terminal enrolled in
the same hall, using its own valid token against the live platform (uvicorn on loopback),
pushes the rating's ID with another level: the platform refuses it, with a reason, and the
rating, its figures and its (absent) 差评整改 case stay as they were.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from counter_app import clerks
from counter_app.terminal import Terminal
from portal import enrollment
from portal.server import BackgroundServer
from portal.settings import Settings
from sync.engine import SyncEngine
from sync.enroll import enroll
from tests.sync.conftest import CLERK, DATA, PASSWORD, PERSON, pdf, plain_client, server_count

HALL = "南昌市民中心"


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[BackgroundServer]:
    settings = Settings(
        db_url=f"sqlite:///{tmp_path / 'portal.db'}", materials_dir=tmp_path / "materials"
    )
    with BackgroundServer(settings) as server:
        yield server


def _window(root: Path, proposed: str, window: int, portal: BackgroundServer) -> Terminal:
    t = Terminal.init(root / proposed, proposed, HALL, str(window))
    t.import_catalog(DATA / "SYNC-001.yaml")
    clerks.add_clerk(t.store, "A001", "张管理", PASSWORD, "admin")
    admin = clerks.authenticate(t.store, "A001", PASSWORD)
    clerks.add_clerk(t.store, CLERK, "王窗口", PASSWORD, "clerk", actor=admin)
    code = enrollment.issue_code(portal.app.state.db, HALL, window, timedelta(hours=1))
    enroll(t, portal.url, code, plain_client)
    return t


@pytest.fixture
def windows(portal: BackgroundServer, tmp_path: Path) -> Iterator[tuple[Terminal, Terminal]]:
    owner, neighbour = _window(tmp_path, "AAAA", 1, portal), _window(tmp_path, "BBBB", 2, portal)
    yield owner, neighbour
    owner.close()
    neighbour.close()


def _push_rating(
    portal: BackgroundServer, token: str, rating: dict[str, object]
) -> dict[str, object]:
    with httpx.Client(trust_env=False, timeout=10) as http:
        reply = http.post(
            f"{portal.url}/api/v1/push",
            json={"ratings": [rating]},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert reply.status_code == 200, reply.text
    (result,) = reply.json()["event_results"]
    return dict(result)


def _stored(portal: BackgroundServer, rating_id: str) -> tuple[int, str]:
    db = portal.app.state.db
    table = db.t("ratings")
    with db.begin() as conn:
        row = conn.execute(table.select().where(table.c.rating_id == rating_id)).one()
    return int(row.code), str(row.terminal_id)


def test_another_window_of_the_hall_cannot_change_a_rating(
    portal: BackgroundServer, windows: tuple[Terminal, Terminal]
) -> None:
    owner, neighbour = windows
    taken = owner.intake.accept(
        "SYNC-001", PERSON, {"note": "x"}, {"scan": [pdf("x")]}, clerk_id=CLERK
    )
    rating_id = owner.intake.record_rating(taken.receipt_no, 1, "acceptance")  # 非常满意
    SyncEngine(owner, plain_client).run_once()
    assert _stored(portal, rating_id) == (1, "AAAA")

    attack = {
        "event_id": rating_id,
        "uuid": taken.uuid,
        "code": 5,
        "at": datetime.now(UTC).isoformat(),
    }
    result = _push_rating(portal, str(neighbour.token), attack)

    assert result["outcome"] == "rejected"
    assert "another terminal" in str(result["reason"])
    assert _stored(portal, rating_id) == (1, "AAAA")  # unchanged
    assert server_count(portal, "bad_cases") == 0  # no case opened on a forged 非常不满意
    assert server_count(portal, "ratings") == 1
