"""The sync indicator against the real reference portal on loopback (the demo set-up)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from PySide6.QtWidgets import QApplication

from counter_app.ops import demo
from counter_app.ui.shell import Shell
from tests.ui.conftest import close_shell, open_shell
from tests.ui.helpers import login
from tests.ui.test_home import _accept_one


@pytest.fixture
def online(qtbot, qapp: QApplication, tmp_path: Path) -> Iterator[tuple[Shell, demo.Demo]]:  # type: ignore[no-untyped-def]
    prepared = demo.prepare(tmp_path, with_portal=True)
    assert prepared.portal_url and prepared.portal_url.startswith("http://127.0.0.1:")
    shell = open_shell(qapp, prepared.data_dir)
    try:
        qtbot.waitUntil(lambda: bool(shell.identity), timeout=10_000)
        shell.window.activateWindow()
        qtbot.waitUntil(shell.window.isActiveWindow)
        yield shell, prepared
    finally:
        close_shell(qapp, shell)
        prepared.close()


def test_demo_enrolls_and_an_application_goes_up(qtbot, online) -> None:  # type: ignore[no-untyped-def]
    shell, prepared = online
    assert shell.identity is not None and shell.identity.enrolled
    receipt = _accept_one(prepared.data_dir)
    with qtbot.waitSignal(shell.logged_in, timeout=10_000):
        login(qtbot, shell, "clerk", "demo-clerk-1")
    shell.sync_runner.wake()
    label = shell.sync_label
    qtbot.waitUntil(lambda: label.text().startswith("Online | waiting: 0"), timeout=20_000)
    home = shell.workspace.home
    home.enter()
    qtbot.waitUntil(
        lambda: home.model.rowCount() == 1 and home.model.rows[0].sync_state == "synced",
        timeout=20_000,
    )
    assert home.model.rows[0].receipt_no == receipt


def test_indicator_says_offline_when_the_portal_is_gone(qtbot, online) -> None:  # type: ignore[no-untyped-def]
    shell, prepared = online
    for stop in prepared._stoppers:
        stop()
    prepared._stoppers.clear()
    _accept_one(prepared.data_dir)
    with qtbot.waitSignal(shell.logged_in, timeout=10_000):
        login(qtbot, shell, "clerk", "demo-clerk-1")
    shell.sync_runner.wake()
    qtbot.waitUntil(
        lambda: shell.sync_label.text().startswith("Offline | waiting: 1"), timeout=20_000
    )


@pytest.mark.parametrize("machine_zone", ["UTC", "America/New_York"])
def test_the_status_bar_shows_hall_time_whatever_the_machines_zone(
    qtbot, online, monkeypatch: pytest.MonkeyPatch, machine_zone: str
) -> None:  # type: ignore[no-untyped-def]
    import re
    import time
    from datetime import UTC, datetime

    from sync.hall_time import hall_zone

    monkeypatch.setenv("TZ", machine_zone)
    time.tzset()
    try:
        shell, _prepared = online
        with qtbot.waitSignal(shell.logged_in, timeout=10_000):
            login(qtbot, shell, "clerk", "demo-clerk-1")
        shell.sync_runner.wake()
        label = shell.sync_label
        qtbot.waitUntil(
            lambda: "last sync: " in label.text() and "never" not in label.text(), timeout=20_000
        )
        shown = re.search(r"last sync: (\d\d):(\d\d)", label.text())
        assert shown is not None
        hall_now = datetime.now(UTC).astimezone(hall_zone())
        minutes = int(shown[1]) * 60 + int(shown[2])
        hall_minutes = hall_now.hour * 60 + hall_now.minute
        assert min(abs(minutes - hall_minutes), 1440 - abs(minutes - hall_minutes)) <= 2
        assert hall_now.utcoffset() != datetime.now().astimezone().utcoffset()  # truly differs
    finally:
        monkeypatch.undo()
        time.tzset()


def test_the_status_bar_shows_what_is_left_while_a_pass_runs(qtbot, online) -> None:  # type: ignore[no-untyped-def]
    """Progress (issue 17): while the background pass sends, the status bar says how many
    applications and files are left; when it is done, the usual line comes back."""
    shell, prepared = online
    with qtbot.waitSignal(shell.logged_in, timeout=10_000):
        login(qtbot, shell, "clerk", "demo-clerk-1")
    shown: list[str] = []
    shell.sync_bridge.progress.connect(lambda _p: shown.append(shell.sync_label.text()))
    for _ in range(3):
        _accept_one(prepared.data_dir)
    shell.sync_runner.wake()
    # an idle pass may start between two intakes: then it has 1 or 2 to send, not 3
    left = re.compile(r"^left: [123] applications, 0 files \(0 B\)")
    qtbot.waitUntil(lambda: any(left.match(t) for t in shown), timeout=20_000)
    qtbot.waitUntil(lambda: shell.sync_label.text().startswith("Online | waiting: 0"),
                    timeout=20_000)  # fmt: skip
