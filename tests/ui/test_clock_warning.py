"""The clerk's clock warning in the window's status bar, against a real platform on
loopback. The platform's clock is set an hour ahead through its `clock_shift` setting: the
one fake, because a test cannot move this machine's clock."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from PySide6.QtWidgets import QApplication

from counter_app import clerks
from counter_app.ops.provision import enroll
from counter_app.terminal import Terminal
from portal.server import BackgroundServer
from portal.settings import Settings
from tests.sync.conftest import CLERK, DATA, HALL, PASSWORD, issue_code, plain_client
from tests.ui.conftest import close_shell, open_shell
from tests.ui.helpers import login


@pytest.fixture(autouse=True)
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)


def enrolled_terminal(root: Path, server: BackgroundServer) -> Path:
    with Terminal.init(root / "terminal", "7QXM", HALL, "12") as t:
        t.import_catalog(DATA / "SYNC-001.yaml")
        clerks.add_clerk(t.store, "A001", "张管理", PASSWORD, "admin")
        admin = clerks.authenticate(t.store, "A001", PASSWORD)
        clerks.add_clerk(t.store, CLERK, "王窗口", PASSWORD, "clerk", actor=admin)
        enroll(t, server.url, issue_code(server), plain_client)
        return t.data_dir


def platform(tmp_path: Path, shift: timedelta) -> BackgroundServer:
    settings = Settings(
        db_url=f"sqlite:///{tmp_path / 'portal.db'}",
        materials_dir=tmp_path / "portal-files",
        clock_shift=shift,
    )
    return BackgroundServer(settings)


@pytest.fixture
def window(qtbot, qapp: QApplication, tmp_path: Path, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    shift, lang = request.param
    with platform(tmp_path, shift) as server:
        shell = open_shell(qapp, enrolled_terminal(tmp_path, server), lang=lang)
        try:
            qtbot.waitUntil(lambda: bool(shell.identity), timeout=10_000)
            shell.window.activateWindow()
            qtbot.waitUntil(shell.window.isActiveWindow)
            with qtbot.waitSignal(shell.logged_in, timeout=10_000):
                login(qtbot, shell, CLERK, PASSWORD)
            yield shell
        finally:
            close_shell(qapp, shell)


@pytest.mark.parametrize("window", [(timedelta(hours=1), "zh_CN")], indirect=True)
def test_a_clock_an_hour_behind_the_platform_warns_the_clerk(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    label = window.clock_label
    with qtbot.waitSignal(window.sync_reported, timeout=20_000):
        window.sync_runner.wake()
    qtbot.waitUntil(label.isVisible, timeout=10_000)
    assert label.text().startswith("本机时钟比平台慢 3600 秒") and "NTP" in label.text()
    assert label.accessibleName() == label.text()


@pytest.mark.parametrize("window", [(timedelta(0), "en")], indirect=True)
def test_a_right_clock_shows_no_warning(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(window.sync_reported, timeout=20_000):
        window.sync_runner.wake()
    qtbot.waitUntil(lambda: window.sync_label.text().startswith("Online"), timeout=10_000)
    assert not window.clock_label.isVisible()
