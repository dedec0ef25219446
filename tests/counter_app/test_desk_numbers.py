"""The home page's numbers and the statistics page's age report on a terminal holding many
applications: right, and small in memory. The age report once read every application's
catalog definition (kilobytes of JSON each) to find its department, and the home page ran
the whole report for today's line: 840 MB at the first home page of a 100,000-application
terminal (`scripts/bench --only memory`)."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bench.gen_db import build
from counter_app.desk import Desk

APPS = 3000


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    data_dir = tmp_path_factory.mktemp("numbers") / "terminal"
    build(data_dir, APPS)
    opened = Desk(data_dir)
    opened.open()
    yield opened
    opened.close()


def peak_mb(call: Callable[[], Any]) -> tuple[Any, float]:
    tracemalloc.start()
    try:
        result = call()
        return result, tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def test_the_home_page_line_is_today_s_totals_without_reading_every_application(
    desk: Desk,
) -> None:
    today = desk.today_date()
    line, peak = peak_mb(desk.today_numbers)
    assert line == desk.stats(today, today).totals
    assert peak < 2, f"{peak:.1f} MB for today's line"


def test_the_age_report_reads_each_catalog_definition_once(desk: Desk) -> None:
    today = desk.today_date()
    period, peak = peak_mb(lambda: desk.stats(today.replace(day=1), today))
    assert period.age["received"] > 0
    assert peak < 12, f"{peak:.1f} MB for a month's age report over {APPS} applications"
