"""Fixtures for the terminal's tests: a real data folder with a real SQLite file, a clock
the test moves, the store's own test item, and three clerks (one per role)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from counter_app import clerks
from counter_app.terminal import Terminal
from tests.counter_app.counter_testing import DATA, PASSWORD, Clock


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 3, 2, 2, 0, tzinfo=UTC))  # Monday 10:00 in Nanchang


@pytest.fixture(scope="session")
def template_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One initialised data folder per run (argon2 hashing is deliberately slow), copied
    for each test so every test still gets its own real files."""
    folder = tmp_path_factory.mktemp("template") / "data"
    clock = Clock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    t = Terminal.init(folder, "7QXM", "南昌市民中心", "12", now=clock)
    t.import_catalog(DATA / "TEST-001.yaml")
    admin = None
    for clerk_id, role in (("A001", "admin"), ("S001", "supervisor"), ("C001", "clerk")):
        clerks.add_clerk(
            t.store, clerk_id, f"{role} {clerk_id}", PASSWORD, role, actor=admin, now=clock
        )
        admin = admin or clerks.authenticate(t.store, "A001", PASSWORD, now=clock)
    t.close()
    return folder


@pytest.fixture
def terminal(template_dir: Path, tmp_path: Path, clock: Clock) -> Iterator[Terminal]:
    shutil.copytree(template_dir, tmp_path / "data")
    t = Terminal.open(tmp_path / "data", now=clock)
    yield t
    t.close()
