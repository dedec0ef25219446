"""The ingest benchmark still runs: at a tiny size, on PostgreSQL (its own throwaway server,
or $PORTAL_TEST_PG_URL), it produces every row with numbers, stores every
application once and reports no error. Nothing here asserts a time."""

from __future__ import annotations

import math

import pytest

from bench import __main__ as runner
from bench.core import Sizes

pytestmark = pytest.mark.postgres


def test_ingest_rows_at_a_tiny_size() -> None:
    notes: list[str] = []
    results = runner.run(["ingest"], Sizes.tiny(), notes.append)
    if not results and any("no PostgreSQL server" in n for n in notes):
        pytest.skip("no PostgreSQL binaries and no $PORTAL_TEST_PG_URL here")
    metrics = [r.metric for r in results]
    assert not any(r.error for r in results), metrics
    assert len(results) == 9 and all(math.isfinite(r.value) for r in results)
    errors = [r for r in results if r.metric.endswith(": errors")]
    assert [r.value for r in errors] == [0, 0], notes  # every application stored once
    throughput = [r for r in results if r.metric.endswith(": throughput")]
    assert all(r.baseline and r.value > 0 for r in throughput)  # against the bare endpoint


def test_ingest_is_skipped_without_postgres() -> None:
    notes: list[str] = []
    assert runner.run(["ingest"], Sizes.tiny(), notes.append, postgres=False) == []
    assert any("ingest skipped" in n for n in notes)
