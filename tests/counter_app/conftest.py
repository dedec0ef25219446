"""Fixtures for the terminal's tests: a real data folder with a real SQLite file, a clock
the test moves, the store's own test item, and three clerks (one per role)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

# pytest puts tests/ on sys.path (rootdir conftest, no __init__.py files), where the folder
# tests/counter_app would shadow the real package as a namespace package; the repository
# root first makes `counter_app` resolve to the code. (Better: `pythonpath = ["."]` in the
# pytest settings of pyproject.toml — reported to the lead.)
ROOT = Path(__file__).resolve().parents[2]
if sys.path[0] != str(ROOT):
    sys.path.insert(0, str(ROOT))

from tests.counter_app.counter_testing import DATA, PASSWORD, Clock  # noqa: E402

from counter_app import clerks  # noqa: E402
from counter_app.terminal import Terminal  # noqa: E402


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 3, 2, 2, 0, tzinfo=UTC))  # Monday 10:00 in Nanchang


@pytest.fixture
def terminal(tmp_path: Path, clock: Clock) -> Iterator[Terminal]:
    t = Terminal.init(tmp_path / "data", "7QXM", "南昌市民中心", "12", now=clock)
    t.import_catalog(DATA / "TEST-001.yaml")
    admin = None
    for clerk_id, role in (("A001", "admin"), ("S001", "supervisor"), ("C001", "clerk")):
        clerks.add_clerk(
            t.store, clerk_id, f"{role} {clerk_id}", PASSWORD, role, actor=admin, now=clock
        )
        admin = admin or clerks.authenticate(t.store, "A001", PASSWORD, now=clock)
    yield t
    t.close()
