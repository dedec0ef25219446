"""Pushes, conflicts, statuses, the changes feed and catalog publishing, on both engines."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from portal import services
from portal.db import Database
from portal.enrollment import TerminalInfo
from portal.errors import Invalid, NotFound
from sync.canonical import content_hash
from sync.protocol import (
    ApplicationIn,
    AuditHead,
    Outcome,
    PushRequest,
    RatingIn,
    StatusEventIn,
)
from sync.receipt_numbers import display_receipt_no, new_receipt_no

A = TerminalInfo("AAAA", "东湖大厅", 1)
A2 = TerminalInfo("AAA2", "东湖大厅", 2)
B = TerminalInfo("BBBB", "西湖大厅", 1)
SHA = "ab" * 32


def rn(n: int, terminal: str = "AAAA") -> str:
    """The `n`-th receipt number terminal `terminal` issued on the test day."""
    return new_receipt_no(date(2026, 3, 2), terminal, n)


def app(
    n: int = 1, hall: str = "东湖大厅", terminal: str = "AAAA", **changes: Any
) -> ApplicationIn:
    data: dict[str, Any] = {
        "uuid": f"uuid-{n:08d}",
        "receipt_no": rn(n, terminal),
        "kind": "acceptance",
        "service_code": "GA-001",
        "service_version": 1,
        "hall": hall,
        "window": "1",
        "clerk_id": "C001",
        "accepted_at": "2026-03-02T02:00:00+00:00",
        "due_date": "2026-03-09",
        "status": "received",
        "answers": {"reason": "expired", "名字": "张三"},
        "applicant": {"kind": "person", "id_no": "11010519491231002X", "name": "张三"},
        "materials": {"scan": [SHA]},
        "content_hash": "0" * 64,
    } | changes
    model = ApplicationIn.model_validate(data)
    return model.model_copy(update={"content_hash": content_hash(model)})


def push(db: Database, term: TerminalInfo, *apps: ApplicationIn, **kw: Any) -> list[Outcome]:
    reply = services.push(db, term, PushRequest(applications=list(apps), **kw), {SHA})
    return [r.outcome for r in reply.results]


def test_push_is_idempotent_and_stores_everything(db: Database) -> None:
    assert push(db, A, app(1), app(2), audit_head=AuditHead(seq=7, hash="h7")) == [
        Outcome.STORED,
        Outcome.STORED,
    ]
    assert push(db, A, app(1)) == [Outcome.DUPLICATE]
    state = services.get_application(db, A2, display_receipt_no(rn(1)))  # same hall, other window
    assert state.materials == {"scan": [SHA]} and state.terminal_id == "AAAA"
    with db.begin() as conn:
        row = conn.execute(select(db.t("applications"))).first()
        heads = conn.execute(select(db.t("audit_heads").c.seq)).scalars().all()
    assert heads == [7]
    assert row is not None and json.loads(row.answers)["名字"] == "张三"


def test_same_uuid_other_content_is_a_kept_conflict_never_overwritten(db: Database) -> None:
    push(db, A, app(1))
    changed = app(1, answers={"reason": "damaged"})
    assert push(db, A, changed) == [Outcome.CONFLICT]
    assert push(db, A, changed) == [Outcome.CONFLICT]  # replay: still one conflict row
    other_uuid_same_receipt = app(1, uuid="uuid-other-1")
    assert push(db, A, other_uuid_same_receipt) == [Outcome.CONFLICT]
    conflicts = services.list_conflicts(db, "东湖大厅")
    assert [c["uuid"] for c in conflicts] == ["uuid-00000001", "uuid-other-1"]
    assert services.get_application(db, A, rn(1)).content_hash == app(1).content_hash


def test_other_hall_and_bad_hash_rejected(db: Database) -> None:
    assert push(db, B, app(1)) == [Outcome.REJECTED]  # claims hall 东湖 from 西湖
    push(db, A, app(1))
    assert push(db, B, app(1, hall="西湖大厅")) == [Outcome.REJECTED]  # A's uuid, B's hall
    with pytest.raises(NotFound):  # as if it did not exist: no probing of other halls
        services.get_application(db, B, rn(1))
    tampered = app(2).model_copy(update={"answers": {"reason": "x"}})
    reply = services.push(db, A, PushRequest(applications=[tampered]), {SHA})
    assert reply.results[0].outcome is Outcome.REJECTED
    assert reply.results[0].reason is not None and "hash" in reply.results[0].reason.en


def test_missing_material_not_stored_until_uploaded(db: Database) -> None:
    other = "cd" * 32
    a = app(1, materials={"scan": [SHA], "extra": [other]}, signature="ef" * 32)
    reply = services.push(db, A, PushRequest(applications=[a]), {SHA})
    assert reply.results[0].outcome is Outcome.MISSING_MATERIALS
    assert sorted(reply.results[0].missing) == sorted([other, "ef" * 32])
    assert (
        services.push(db, A, PushRequest(applications=[a]), {SHA, other, "ef" * 32})
        .results[0]
        .outcome
        is Outcome.STORED
    )


def test_newer_revision_from_owner_supersedes_older_replay_is_duplicate(db: Database) -> None:
    push(db, A, app(1))
    assert push(db, A, app(1, revision=2, kind="notice")) == [Outcome.STORED]
    assert push(db, A, app(1)) == [Outcome.DUPLICATE]
    assert services.get_application(db, A, rn(1)).revision == 2
    assert push(db, A2, app(1, revision=3)) == [Outcome.REJECTED]  # not the owner's number


def test_events_and_ratings_idempotent_and_hall_checked(db: Database) -> None:
    push(db, A, app(1))
    void = StatusEventIn(
        event_id="e1", uuid="uuid-00000001", status="voided", note="错", at="2026-03-02T03:00:00Z"
    )
    rating = RatingIn(event_id="r1", uuid="uuid-00000001", rating=5, at="2026-03-02T03:00:00Z")
    stray = StatusEventIn(event_id="e2", uuid="uuid-missing", status="voided", at=void.at)
    reply = services.push(db, A, PushRequest(events=[void, stray], ratings=[rating]), set())
    assert [r.outcome for r in reply.event_results] == [
        Outcome.STORED,
        Outcome.REJECTED,
        Outcome.STORED,
    ]
    again = services.push(db, A, PushRequest(events=[void]), set())
    assert again.event_results[0].outcome is Outcome.DUPLICATE
    assert services.get_application(db, A, rn(1)).status == "voided"
    refused = services.push(db, B, PushRequest(ratings=[rating]), set())
    assert refused.event_results[0].outcome is Outcome.REJECTED


def test_status_changes_reach_only_the_owning_terminal(db: Database) -> None:
    push(db, A, app(1), app(2))
    change = services.set_status(db, display_receipt_no(rn(1)).lower(), "approved", "材料齐全")
    assert change.remote_id and change.status == "approved"
    services.set_status(db, rn(2), "under_review")
    feed = services.changes(db, A, 0, limit=1)
    assert feed.more and [s.status for s in feed.statuses] == ["approved"]
    rest = services.changes(db, A, feed.cursor, limit=10)
    assert [s.receipt_no for s in rest.statuses] == [rn(2)] and not rest.more
    assert services.changes(db, B, 0, limit=10).statuses == []
    assert services.changes(db, A, rest.cursor, limit=10).cursor == rest.cursor


def test_set_status_refusals(db: Database) -> None:
    push(db, A, app(1))
    with pytest.raises(Invalid):
        services.set_status(db, rn(1), "teleported")
    with pytest.raises(Invalid) as info:
        services.set_status(db, rn(1), "voided")
    assert "counter" in info.value.message("en")
    with pytest.raises(NotFound):
        services.set_status(db, "NOPE", "approved")


def test_catalog_publishing_versions(db: Database) -> None:
    item = {"code": "GA-001", "version": 1, "name": {"zh": "换领", "en": "Renew"}}
    assert services.publish_catalog(db, [item]) == 1
    assert services.publish_catalog(db, [item]) == 0
    with pytest.raises(Invalid):
        services.publish_catalog(db, [item | {"name": {"zh": "改", "en": "changed"}}])
    assert services.publish_catalog(db, [item | {"version": 2}]) == 1
    feed = services.changes(db, B, 0, limit=10)
    assert [(c.code, c.version) for c in feed.catalog] == [("GA-001", 1), ("GA-001", 2)]


def test_data_the_database_cannot_hold_is_invalid(db: Database) -> None:
    weird = app(1, clerk_id="C\x00")
    if db.is_postgres:  # PostgreSQL text cannot hold NUL: a clear 400, not a 500
        with pytest.raises(Invalid):
            push(db, A, weird)
    else:
        assert push(db, A, weird) == [Outcome.STORED]


def test_concurrent_replays_store_once(db: Database) -> None:
    """Several app servers receiving the same push at once (a retry racing the original):
    one stores it, the others answer duplicate or 503-busy; never two rows, never a
    false conflict. Five rounds, to give the race a chance."""
    from concurrent.futures import ThreadPoolExecutor

    from portal.errors import Busy

    def attempt(n: int) -> str:
        try:
            return push(db, A, app(n), app(n + 100))[0].value
        except Busy:
            return "busy"

    with ThreadPoolExecutor(6) as pool:
        for n in range(1, 6):
            outcomes = list(pool.map(attempt, [n] * 6))
            assert outcomes.count("stored") == 1, outcomes
            assert set(outcomes) <= {"stored", "duplicate", "busy"}, outcomes
    with db.begin() as conn:
        rows = conn.execute(select(db.t("applications").c.uuid)).scalars().all()
    assert len(rows) == 10 and not services.list_conflicts(db)


def test_feed_reader_never_skips_a_change_committed_late(db: Database) -> None:
    """Writers set statuses concurrently while the terminal pulls with its cursor: every
    change is seen exactly once (feed writers commit in sequence order)."""
    import threading
    import time

    push(db, A, *[app(n) for n in range(1, 9)])
    seen: list[str] = []
    writing = threading.Event()
    writing.set()

    def reader() -> None:
        cursor = 0
        while True:
            finished = not writing.is_set()  # read after the writers ended: the last word
            feed = services.changes(db, A, cursor, limit=5)
            seen.extend(s.remote_id for s in feed.statuses)
            cursor = feed.cursor
            if finished and not feed.more:
                return
            time.sleep(0.002)

    def writer(n: int) -> None:
        for status in ("under_review", "approved", "ready_for_pickup", "delivered"):
            services.set_status(db, rn(n), status)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(1, 9)]
    pull = threading.Thread(target=reader)
    pull.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    writing.clear()
    pull.join(30)
    assert len(seen) == 32 and len(set(seen)) == 32
