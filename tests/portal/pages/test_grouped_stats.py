"""Open data and the 好差评 figures counted in the database (`portal.pages.grouped`) give
exactly the bytes the old row-by-row counting gave (`rowwise_stats`, kept as the oracle),
on a generated data set with every case the counting knows: open, settled twice, voided,
notices, late-night acceptances across the UTC day line, times stored with +08:00, item
limits, ratings of every code, replied and unreplied bad-rating cases. On SQLite and
PostgreSQL (tests/portal/conftest.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bench.gen_portal import fill
from portal.db import Database
from portal.pages import opendata, rating_figures
from portal.pages.cases import RatingRules
from tests.portal.pages import rowwise_stats

END = date(2026, 11, 30)
NOW = date(2026, 12, 1)
RULES = [RatingRules(), RatingRules(rectify_days=3, default_basic=True)]


@pytest.fixture
def filled(db: Database) -> Database:
    fill(db, 1500, seed=11, end=END, days=45)
    return db


@pytest.mark.parametrize("rules", RULES)
def test_open_data_is_byte_identical_to_row_by_row_counting(
    filled: Database, rules: RatingRules
) -> None:
    base = opendata.StatsQuery(date(2026, 10, 20), END)
    queries = [
        base,
        replace(base, period="month"),
        replace(base, by="window"),
        replace(base, hall="政务服务中心003", lang="en"),
        replace(base, item="GEN-000", period="month"),  # an item with a time limit
    ]
    for q in queries:
        new = opendata.stats(filled, q, now=NOW, rules=rules)
        old = rowwise_stats.stats(filled, q, now=NOW, rules=rules)
        assert new, q  # the generated data fills every query
        for fmt in ("json", "csv", "xml"):
            assert opendata.render(new, q, fmt) == opendata.render(old, q, fmt), (q, fmt)


def test_the_counting_sees_what_the_data_holds(filled: Database) -> None:
    """Not vacuous: the generated set has settled, overdue, rated and rectified cells."""
    rows = opendata.stats(filled, opendata.StatsQuery(date(2026, 10, 20), END), now=NOW)
    for column in ("settled", "overdue", "ratings", "bad_ratings", "rectified_on_time"):
        assert sum(r[column] or 0 for r in rows) > 0, column
    assert any(isinstance(r["avg_working_days"], float) for r in rows)
    assert any(isinstance(r["avg_working_days"], int) for r in rows)  # "3", not "3.0"


@pytest.mark.parametrize("rules", RULES)
def test_rating_figures_equal_row_by_row_counting(filled: Database, rules: RatingRules) -> None:
    start = date(2026, 10, 20)
    new = rating_figures.figures(filled, start, END, rules, NOW)
    old = rowwise_stats.figures(filled, start, END, rules, NOW)
    assert new.keys() == old.keys()
    for group in new:
        assert [(k, t.columns()) for k, t in new[group]] == [
            (k, t.columns()) for k, t in old[group]
        ], group
        assert new[group], group
