"""一次一评 at the counter: a rating per service event, with the GB/T 39046 code, counted,
queued once for the platform, and refused with a clear message when it is not a level."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from counter_app.errors import ConflictError, ValidationFailed
from counter_app.intake.ratings import rating_rows
from counter_app.store import audit, open_store, outbox
from counter_app.terminal import Terminal
from sync.outbound import rating as wire_rating
from sync.ratings import Satisfaction
from tests.counter_app.counter_testing import ANSWERS, PDF, PERSON, Clock


def _accepted(terminal: Terminal) -> str:
    return terminal.intake.accept(
        "TEST-001", PERSON, ANSWERS, {"id_card": [PDF], "form": [PDF]}, clerk_id="C001"
    ).receipt_no


def _ratings_queued(terminal: Terminal, clock: Clock) -> list[dict[str, object]]:
    return [e.payload for e in outbox.pending(terminal.store, now=clock()) if e.kind == "rating"]


def test_each_service_event_is_rated_and_counted(terminal: Terminal, clock: Clock) -> None:
    number = _accepted(terminal)
    terminal.store.set_setting("region", "360102")
    first = terminal.intake.record_rating(
        number, 1, "acceptance", overall=1, efficiency=2, level=1, attitude=1
    )
    terminal.store.set_setting("rating_channel", "hall_tablet")
    terminal.intake.record_rating(number, 4, "result")

    rows = rating_rows(terminal.store, number)
    assert [(r["service_event"], r["code"], r["count"]) for r in rows] == [
        ("acceptance", 1, 1),
        ("result", 4, 2),
    ]
    assert [r["channel"] for r in rows] == ["hall_terminal", "hall_tablet"]
    assert rows[0]["efficiency"] == 2 and rows[0]["region"] == "360102"
    assert terminal.intake.get(number).rating == 4  # the latest word
    queued = _ratings_queued(terminal, clock)
    assert queued[0]["rating_uuid"] == first
    wire = wire_rating(1, queued[0])
    assert wire.event_id == first and wire.code == Satisfaction.VERY_SATISFIED
    assert wire.count == 1 and wire.region == "360102" and wire.efficiency == 2
    assert audit.entries(terminal.store, number)[-1]["action"] == "submission.rating"


def test_the_same_rating_again_is_one_rating(terminal: Terminal, clock: Clock) -> None:
    number = _accepted(terminal)
    key = terminal.intake.record_rating(number, 2, uuid="f" * 32)
    assert terminal.intake.record_rating(number, 2, uuid="F" * 32) == key
    assert len(rating_rows(terminal.store, number)) == 1
    assert len(_ratings_queued(terminal, clock)) == 1


@pytest.mark.parametrize("code", [0, 6, True, "1", None])
def test_not_a_level_is_refused_in_both_languages(terminal: Terminal, code: object) -> None:
    number = _accepted(terminal)
    with pytest.raises(ConflictError) as err:
        terminal.intake.record_rating(number, code)  # type: ignore[arg-type]
    assert "非常满意" in err.value.message("zh_CN") and "very" in err.value.message("en")
    assert rating_rows(terminal.store, number) == []


def test_unknown_event_and_bad_sub_score_are_refused(terminal: Terminal) -> None:
    number = _accepted(terminal)
    with pytest.raises(ConflictError, match="service event"):
        terminal.intake.record_rating(number, 1, "settlement")  # the tracking page's, not ours
    with pytest.raises(ConflictError):
        terminal.intake.record_rating(number, 1, attitude=9)
    with pytest.raises(ValidationFailed):
        terminal.intake.accept("TEST-001", PERSON, ANSWERS, {}, clerk_id="C001", rating=0)


def test_star_ratings_from_before_become_standard_codes(terminal: Terminal, tmp_path: Path) -> None:
    """Migration 5 on a database of the star days: 5 stars (the best) is code 1, 2 stars
    code 4, each kept as one rating; unrated applications stay unrated."""
    numbers = [_accepted(terminal) for _ in range(3)]
    path = terminal.store.path
    terminal.close()
    with sqlite3.connect(path) as db:  # as version 3 left it: stars on the submission
        db.execute("DROP TABLE ratings")
        db.execute("DELETE FROM _migrations WHERE version = 5")
        for number, stars in zip(numbers, (5, 2), strict=False):
            db.execute("UPDATE submissions SET rating = ? WHERE receipt_no = ?", (stars, number))
    store = open_store(path)
    try:
        codes = [
            store.scalar("SELECT rating FROM submissions WHERE receipt_no = ?", (n,))
            for n in numbers
        ]
        assert codes == [1, 4, None]
        assert audit.verify(store).ok  # the migration recorded what it changed
        rows = store.query("SELECT code, channel, count FROM ratings ORDER BY code")
        assert [(r["code"], r["channel"], r["count"]) for r in rows] == [
            (1, "hall_terminal", 1),
            (4, "hall_terminal", 1),
        ]
    finally:
        store.close()
