"""The statistics page's figures as the desk hands them over: counts, and shares as text."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeGuard

from counter_app.desk.views import Numbers

if TYPE_CHECKING:
    from counter_app.stats import DayStats


#: The rating columns the statistics page shows (of `sync.ratings.RatingTally.columns`).
RATING_COLUMNS = ("ratings", "rating_rate", "satisfaction_rate", "bad_ratings")


def numbers_of(d: DayStats) -> Numbers:
    satisfaction = d.satisfaction
    return Numbers(
        day=str(d.day or ""),
        received=d.received,
        accepted=d.accepted,
        notices=d.notices,
        settled=d.settled,
        on_time=d.settled_on_time,
        overdue=d.overdue,
        ratings=d.ratings,
        satisfaction=percent(satisfaction),
        rating_rate=percent(d.rating_rate),
        bad=d.bad,
    )


def is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def percent(share: float | None) -> str:
    return "-" if share is None else f"{share:.0%}"
