"""The ingest benchmark still runs: at a tiny size, on PostgreSQL (its own throwaway server,
or $PORTAL_TEST_PG_URL), it produces every row with numbers, stores every
application once and reports no error. Nothing here asserts a time."""

from __future__ import annotations

import math
import os

import pytest

from bench import __main__ as runner
from bench.core import Sizes
from bench.ingest_load import make_fleet, push_body
from sync.protocol import PushRequest


@pytest.mark.postgres
def test_ingest_rows_at_a_tiny_size() -> None:
    notes: list[str] = []
    results = runner.run(["ingest"], Sizes.tiny(), notes.append)
    if not results and any("no PostgreSQL server" in n for n in notes):
        pytest.skip("no PostgreSQL binaries and no $PORTAL_TEST_PG_URL here")
    metrics = [r.metric for r in results]
    assert not any(r.error for r in results), metrics
    assert all(math.isfinite(r.value) for r in results)
    db_cpu = [r for r in results if r.metric.endswith("PostgreSQL CPU per application")]
    if not os.environ.get("BENCH_PG_URL") and not os.environ.get("PORTAL_TEST_PG_URL"):
        assert len(results) == 14 and db_cpu[0].value > 0  # its own server: measured
    errors = [r for r in results if r.metric.endswith(": errors")]
    assert [r.value for r in errors] == [0, 0, 0], notes  # every application stored once
    burst, steady = [r for r in results if r.metric.endswith(": throughput")][:2], results[-4:]
    assert all(r.baseline and r.value > 0 for r in burst)  # against the bare endpoint
    assert "taking 30/s" in steady[0].metric and steady[0].value > 0
    assert steady[2].metric.endswith("applications per push") and steady[2].value >= 1


@pytest.mark.postgres
def test_ingest_is_skipped_without_postgres() -> None:
    notes: list[str] = []
    assert runner.run(["ingest"], Sizes.tiny(), notes.append, postgres=False) == []
    assert any("ingest skipped" in n for n in notes)


def test_the_fleet_stands_at_the_windows_of_several_halls() -> None:
    """One terminal per window, twenty windows a hall, the catalog's items in turn: the
    load a city's halls send, not every terminal at one window taking one item."""
    fleet = make_fleet(45, 3)
    places = [fleet.place(i) for i in range(45)]
    assert len(set(places)) == 45 and len({hall for hall, _ in places}) == 3
    assert {window for _, window in places} == set(range(1, 21))
    codes = set()
    for i, bodies in enumerate(fleet.bodies):
        apps = [a for body in bodies for a in PushRequest.model_validate_json(body).applications]
        assert {(a.hall, a.window) for a in apps} == {(places[i][0], str(places[i][1]))}
        codes |= {a.service_code for a in apps}
    assert len(codes) == 13  # every sample item


def test_a_push_body_is_what_the_terminal_sends() -> None:
    """The steady load joins applications' JSON into a push as it goes: the same bytes
    `PushRequest` writes, so the platform parses exactly what a terminal would send."""
    fleet = make_fleet(2, 3)
    for i in range(2):
        apps = PushRequest.model_validate_json(fleet.bodies[i][0]).applications
        want = PushRequest(applications=apps[1:]).model_dump_json().encode()
        assert push_body(fleet.wire[i][1:]) == want
    assert push_body([]) == PushRequest().model_dump_json().encode()
