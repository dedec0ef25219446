"""Starting the window: silent enrollment from the environment happens before the window
opens, and a refused enrollment still opens it (the hall works offline)."""

from __future__ import annotations

import argparse
import sys
import types
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from counter_app.desk import DemoLogins
from counter_app.ops import launch
from counter_app.terminal import Terminal
from portal import enrollment
from portal.server import BackgroundServer
from portal.settings import Settings


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[BackgroundServer]:
    settings = Settings(db_url=f"sqlite:///{tmp_path / 'p.db'}", materials_dir=tmp_path / "pm")
    with BackgroundServer(settings) as server:
        yield server


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[Path]:
    """Stands in for counter_app.ui.app (the window itself is tested in tests/ui): records
    the data folder it was asked to open."""
    calls: list[Path] = []
    fake = types.ModuleType("counter_app.ui.app")

    def run(args: argparse.Namespace, data_dir: Path, demo: DemoLogins | None = None) -> int:
        calls.append(data_dir)
        if demo is not None:  # what the login page would show, and the folder it opens
            assert (data_dir / "counter.db").is_file() and demo.credentials
        return 0

    fake.run = run  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "counter_app.ui.app", fake)
    monkeypatch.setenv("COUNTER_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    return calls


def _args(data_dir: Path) -> argparse.Namespace:
    return argparse.Namespace(data_dir=data_dir, demo=False, lang="en")


def test_first_start_enrolls_from_the_environment_then_opens(
    portal: BackgroundServer, opened: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = enrollment.issue_code(portal.app.state.db, "南昌市民中心", 3, timedelta(hours=1))
    monkeypatch.setenv("COUNTER_ENROLL_URL", portal.url)
    monkeypatch.setenv("COUNTER_ENROLL_CODE", code)
    data = tmp_path / "terminal"
    assert launch.open_window(_args(data)) == 0
    assert opened == [data]
    with Terminal.open(data) as terminal:
        assert terminal.token and terminal.portal_url == portal.url


def test_refused_enrollment_still_opens_the_window(
    portal: BackgroundServer,
    opened: list[Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("COUNTER_ENROLL_URL", portal.url)
    monkeypatch.setenv("COUNTER_ENROLL_CODE", "WRONG-CODE-1234")
    data = tmp_path / "terminal"
    assert launch.open_window(_args(data)) == 0
    assert opened == [data]
    assert capsys.readouterr().err.startswith("counter-app: ")
    with Terminal.open(data) as terminal:
        assert not terminal.token


def test_the_entry_point_wires_the_demo_and_removes_it_after(opened: list[Path]) -> None:
    """`counter-app --demo`: the launcher prepares the demo terminal (the window launches
    nothing), hands its folder and logins to the window, and removes it when it closes."""
    args = argparse.Namespace(data_dir=Path("unused"), demo=True, lang="en")
    assert launch.open_window(args) == 0
    (demo_dir,) = opened
    assert demo_dir != Path("unused") and not demo_dir.exists()
