"""Fixtures of the terminal-side attack tests: a real data folder with a real SQLite file,
one clerk, the store's test item and an accepted application; the CLI's configuration and
log folder kept inside the test's tmp folder. (A folder of its own, so the platform-side
attack tests keep their own conftest.)"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from counter_app import clerks
from counter_app.ops import logs
from counter_app.terminal import Terminal
from tests.counter_app.counter_testing import ANSWERS, DATA, PASSWORD, PDF, PERSON

CLERK = "C001"


@pytest.fixture(scope="session")
def terminal_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One terminal made once per run (argon2 is slow on purpose), copied for each test."""
    folder = tmp_path_factory.mktemp("security") / "data"
    with Terminal.init(folder, "7QXM", "南昌市民中心", "12") as t:
        t.import_catalog(DATA / "TEST-001.yaml")
        clerks.add_clerk(t.store, CLERK, "clerk", PASSWORD, "supervisor")  # may void
    return folder


@pytest.fixture
def terminal_dir(terminal_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the template with one application taken (two materials)."""
    d = tmp_path / "data"
    shutil.copytree(terminal_template, d)
    with Terminal.open(d) as t:
        files = {"id_card": [PDF], "form": [PDF + b"2"]}
        t.intake.accept("TEST-001", PERSON, ANSWERS, files, clerk_id=CLERK)
    return d


@pytest.fixture(autouse=True)
def cli_isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Config file and log folder in tmp; the log handler removed afterwards."""
    monkeypatch.setenv("COUNTER_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("COUNTER_LOG_DIR", str(tmp_path / "logs"))
    for name in ("COUNTER_DATA_DIR", "COUNTER_LANG"):
        monkeypatch.delenv(name, raising=False)
    root = logging.getLogger()
    level = root.level
    yield
    for handler in [h for h in root.handlers if h.get_name() == logs.MARK]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)
