"""The hall's numbers: received, accepted, notices, settled (on time / late), overdue,
satisfaction, per day and in total."""

from __future__ import annotations

from datetime import date, timedelta

from counter_app import clerks
from counter_app.stats import period_stats
from counter_app.store import apply_remote_status
from counter_app.terminal import Terminal
from tests.counter_app.counter_testing import ANSWERS, PASSWORD, PDF, PERSON, Clock

FILES = {"id_card": [PDF], "form": [PDF]}


def test_day_and_period_numbers(terminal: Terminal, clock: Clock) -> None:
    intake = terminal.intake
    day1 = terminal.today()
    on_time = intake.accept("TEST-001", PERSON, ANSWERS, FILES, clerk_id="C001")
    late = intake.accept("TEST-001", PERSON, ANSWERS, FILES, clerk_id="C001")
    intake.accept("TEST-001", PERSON, ANSWERS, {}, clerk_id="C001")  # notice
    voided = intake.accept("TEST-001", PERSON, ANSWERS, FILES, clerk_id="C001")
    boss = clerks.authenticate(terminal.store, "S001", PASSWORD, now=clock)
    intake.void(voided.receipt_no, "entered twice", boss)
    intake.record_rating(on_time.receipt_no, 1)  # 非常满意 (GB/T 39046 code 1)
    intake.record_rating(on_time.receipt_no, 3, "result")  # 一次一评: a second event
    intake.record_rating(late.receipt_no, 4)  # 不满意
    clock.advance(days=1)
    still_open = intake.accept("TEST-001", PERSON, ANSWERS, FILES, clerk_id="C001")
    assert on_time.due_date and late.due_date and still_open.due_date

    apply_remote_status(
        terminal.store, on_time.uuid, "approved", "", clock() + timedelta(days=1), "e1"
    )
    apply_remote_status(
        terminal.store, late.uuid, "delivered", "", clock() + timedelta(days=30), "e2"
    )
    today = still_open.due_date + timedelta(days=1)  # the second day's application is late

    stats = period_stats(terminal.store, day1, day1 + timedelta(days=1), today, terminal.timezone)

    first, second = stats.days
    assert (first.day, first.received, first.accepted, first.notices) == (day1, 3, 2, 1)
    assert (first.settled, first.settled_on_time, first.overdue) == (2, 1, 1)
    assert (first.ratings, first.satisfied, first.bad, first.rated) == (3, 2, 1, 2)
    assert first.satisfaction == 2 / 3 and first.rating_rate == 2 / 3  # voided counts nowhere
    assert first.on_time_share == 0.5
    assert (second.received, second.settled, second.overdue) == (1, 0, 1)
    assert stats.totals.received == 4 and stats.totals.overdue == 2 and stats.totals.day is None


def test_empty_period_has_a_row_per_day(terminal: Terminal) -> None:
    stats = period_stats(
        terminal.store, date(2026, 1, 3), date(2026, 1, 1), date(2026, 1, 5), terminal.timezone
    )
    assert [d.day for d in stats.days] == [date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 3)]
    assert stats.totals.received == 0
    assert stats.totals.satisfaction is None and stats.totals.on_time_share is None


def test_rating_figures_per_window_item_and_clerk(terminal: Terminal, clock: Clock) -> None:
    from counter_app.stats import rating_breakdown

    intake = terminal.intake
    rated = intake.accept("TEST-001", PERSON, ANSWERS, FILES, clerk_id="C001")
    intake.accept("TEST-001", PERSON, ANSWERS, FILES, clerk_id="C001")  # not rated
    intake.record_rating(rated.receipt_no, 2)  # 满意
    intake.record_rating(rated.receipt_no, 5, "result")  # 非常不满意
    day = terminal.today()
    groups = rating_breakdown(terminal.store, day, day)
    ((clerk, tally),) = groups["clerk"]
    assert clerk == "C001" and [key for key, _ in groups["item"]] == ["TEST-001"]
    figures = tally.columns()
    assert (figures["ratings"], figures["rating_rate"], figures["satisfaction_rate"]) == (
        2,
        0.5,
        0.5,
    )
    assert (figures["code_2"], figures["code_5"], figures["bad_ratings"]) == (1, 1, 1)
