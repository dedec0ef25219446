"""Statistics with chart and export, settings for admins only, the citizen's screen."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from counter_app.ui.citizen import CitizenScreen
from counter_app.ui.shell import Shell
from tests.ui.helpers import login, press
from tests.ui.test_home import _accept_one


def _login(qtbot, shell: Shell, who: str, password: str) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(shell.logged_in, timeout=10_000):
        login(qtbot, shell, who, password)
    qtbot.waitUntil(lambda: shell.ops.pending == 0, timeout=10_000)


def test_statistics_chart_and_json_export(
    qtbot, data_dir: Path, shell: Shell, tmp_path: Path
) -> None:
    receipt = _accept_one(data_dir)
    from counter_app.terminal import Terminal

    with Terminal.open(data_dir) as terminal:
        terminal.intake.record_rating(receipt, 4)  # 不满意
    _login(qtbot, shell, "clerk", "demo-clerk-1")
    press(qtbot, Qt.Key.Key_F4)
    stats = shell.workspace.stats
    qtbot.waitUntil(lambda: stats.summary.text().startswith("Received 1,"), timeout=10_000)
    assert "satisfied 0% of 1 ratings, rating rate 100%, bad ratings 1" in stats.summary.text()
    table = stats.ratings
    rows = [[table.item(r, c).text() for c in range(6)] for r in range(table.rowCount())]
    assert ["Clerk", "clerk", "1", "100%", "0%", "1"] in rows and len(rows) == 3
    chart = stats.chart.chart()
    assert chart.series()[0].barSets()[0].sum() == 1.0
    assert chart.axes(Qt.Orientation.Horizontal)[0].count() == 14
    target = tmp_path / "stats.json"
    stats.format.setCurrentIndex(stats.format.findData("json"))
    stats.export(str(target), "json")
    qtbot.waitUntil(target.exists, timeout=10_000)
    days = json.loads(target.read_text("utf-8"))
    assert [(d["item_code"], d["item_name"]) for d in days] == [
        ("RS-001", "Social security card application")
    ]  # the open-data rows: one per day and item with applications


def test_export_failure_is_shown(qtbot, shell: Shell, tmp_path: Path) -> None:
    _login(qtbot, shell, "clerk", "demo-clerk-1")
    stats = shell.workspace.stats
    shell.workspace.show_page("stats")
    qtbot.waitUntil(lambda: shell.ops.pending == 0, timeout=10_000)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    stats.export(str(blocker / "stats.csv"), "csv")
    qtbot.waitUntil(
        lambda: stats.message.isVisible() and bool(stats.message.text()), timeout=10_000
    )


def test_settings_only_for_admins(qtbot, shell: Shell) -> None:
    _login(qtbot, shell, "clerk", "demo-clerk-1")
    assert shell.workspace.findChild(object, "nav_settings").isHidden()


def test_admin_saves_paper_and_idle_time(qtbot, shell: Shell) -> None:
    _login(qtbot, shell, "admin", "demo-admin-1")
    press(qtbot, Qt.Key.Key_F9)
    settings = shell.workspace.settings
    qtbot.waitUntil(lambda: settings.clerks.count() == 3, timeout=10_000)
    assert settings.catalog.count() >= 8
    settings.paper.setCurrentIndex(settings.paper.findData("80mm"))
    settings.idle.setValue(25)
    press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: settings.done.text() == "Saved.", timeout=5_000)
    saved = json.loads((shell.data_dir / "ui.json").read_text("utf-8"))
    assert saved["paper"] == "80mm" and saved["idle_minutes"] == 25


def test_admin_switches_the_language_of_the_open_window(qtbot, shell: Shell) -> None:
    _login(qtbot, shell, "admin", "demo-admin-1")
    shell.workspace.show_page("settings")
    settings = shell.workspace.settings
    settings.language.setCurrentIndex(0)  # 中文
    old = shell.workspace
    press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: shell.workspace is not old, timeout=5_000)
    assert shell.workspace.findChild(object, "nav_home").text() == "首页  F2"
    assert shell.workspace.stack.currentWidget() is shell.workspace.settings


def test_citizen_screen_mirrors_the_review_and_takes_a_rating(
    qtbot, data_dir: Path, shell: Shell
) -> None:
    _login(qtbot, shell, "clerk", "demo-clerk-1")
    screen = CitizenScreen.on_second_screen(shell, force=True)  # one screen here: force it
    assert screen is not None
    qtbot.addWidget(screen)
    shell.workspace.attach_citizen(screen)
    flow = shell.workspace.intake
    receipt = _accept_one(data_dir)
    screen.show_review("<p>张三丰 RS-001</p>")
    assert "张三丰" in screen.mirror.toPlainText()
    flow.accepted.emit(type("R", (), {"receipt_no": receipt})())
    assert screen.stack.currentWidget() is screen.rating
    qtbot.keyClick(screen, Qt.Key.Key_4)  # 不满意, the overall line
    qtbot.keyClick(screen, Qt.Key.Key_Return)  # send with the overall level only
    assert screen.rating_question.text() == "Thank you!"
    from counter_app.terminal import Terminal

    def rated() -> bool:
        with Terminal.open(data_dir) as terminal:
            return terminal.intake.get(receipt).rating == 4

    qtbot.waitUntil(rated, timeout=10_000)


def test_no_citizen_screen_without_a_second_screen(shell: Shell) -> None:
    assert len(QApplication.screens()) == 1
    assert CitizenScreen.on_second_screen(shell) is None


def test_enroll_needs_address_and_code(qtbot, shell: Shell) -> None:
    _login(qtbot, shell, "admin", "demo-admin-1")
    shell.workspace.show_page("settings")
    settings = shell.workspace.settings
    press(
        qtbot, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    qtbot.waitUntil(settings.message.isVisible, timeout=5_000)
    assert settings.message.text() == "Enter the platform's address and the enrollment code."


def test_enroll_against_an_unreachable_platform_says_so(qtbot, shell: Shell) -> None:
    import socket

    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    _login(qtbot, shell, "admin", "demo-admin-1")
    shell.workspace.show_page("settings")
    qtbot.waitUntil(lambda: shell.ops.pending == 0, timeout=10_000)
    settings = shell.workspace.settings
    settings.portal.setText(f"http://127.0.0.1:{port}")
    settings.code.setText("ABCD-EFGH-JKMN")
    settings.enroll()
    qtbot.waitUntil(lambda: bool(settings.message.text()), timeout=30_000)
    assert settings.message.isVisible()
    assert shell.sync_runner is None


def test_enroll_with_the_platform_starts_sync(qtbot, shell: Shell, tmp_path: Path) -> None:
    from datetime import timedelta

    from portal import enrollment
    from portal.server import BackgroundServer
    from portal.settings import Settings

    server = BackgroundServer(
        Settings(db_url=f"sqlite:///{tmp_path / 'p.db'}", materials_dir=tmp_path / "m")
    ).start()
    try:
        code = enrollment.issue_code(server.app.state.db, "Hall", 3, timedelta(hours=1))
        _login(qtbot, shell, "admin", "demo-admin-1")
        shell.workspace.show_page("settings")
        qtbot.waitUntil(lambda: shell.ops.pending == 0, timeout=10_000)
        settings = shell.workspace.settings
        settings.portal.setText(server.url)
        settings.code.setText(code)
        settings.enroll()
        qtbot.waitUntil(lambda: settings.done.text() == "Enrolled.", timeout=30_000)
        assert shell.sync_runner is not None
        qtbot.waitUntil(lambda: shell.sync_label.text().startswith("Online"), timeout=20_000)
    finally:
        shell.shutdown()
        server.stop()


def _settings_as_admin(qtbot, shell: Shell):  # type: ignore[no-untyped-def]
    _login(qtbot, shell, "admin", "demo-admin-1")
    shell.workspace.show_page("settings")
    settings = shell.workspace.settings
    qtbot.waitUntil(lambda: settings.clerks.count() == 3, timeout=10_000)
    return settings


def test_admin_adds_a_clerk_who_can_then_log_in(qtbot, shell: Shell) -> None:
    settings = _settings_as_admin(qtbot, shell)
    form = settings.new_clerk
    for edit, text in (
        (form.clerk_id, "c042"),
        (form.name, "Zhao"),
        (form.password, "a-long-password"),
    ):
        qtbot.keyClicks(edit, text)
    qtbot.keyClick(
        form.password,
        Qt.Key.Key_A,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: settings.clerks.count() == 4, timeout=10_000)
    assert settings.done.text() == "Clerk c042 added."
    assert form.clerk_id.text() == ""
    with qtbot.waitSignal(shell.logged_out, timeout=5_000):
        shell.logout()
    with qtbot.waitSignal(shell.logged_in, timeout=10_000) as signal:
        login(qtbot, shell, "c042", "a-long-password")
    assert signal.args[0].role == "clerk"


def test_a_too_short_password_is_refused_with_the_reason(qtbot, shell: Shell) -> None:
    settings = _settings_as_admin(qtbot, shell)
    settings.add_clerk("c043", "Qian", "short", "clerk")
    qtbot.waitUntil(settings.message.isVisible, timeout=10_000)
    assert "at least 8 characters" in settings.message.text()


def test_statistics_show_the_age_report_chart(qtbot, data_dir: Path, shell: Shell) -> None:  # type: ignore[no-untyped-def]
    """F4: beside the daily bars, the open applications by age (the seed's Figure 1)."""
    _accept_with_materials(data_dir)
    _accept_with_materials(data_dir)
    _accept_one(data_dir)  # a one-time notice: nothing accepted, not in the age report
    _login(qtbot, shell, "clerk", "demo-clerk-1")
    press(qtbot, Qt.Key.Key_F4)
    stats = shell.workspace.stats
    qtbot.waitUntil(lambda: stats.summary.text().startswith("Received 3,"), timeout=10_000)
    chart = stats.age_chart.chart()
    bars = chart.series()[0].barSets()[0]
    values = {label: bars.at(i) for i, (_c, label) in enumerate(stats.age_labels())}
    assert values["≤5 d"] == 2.0 and values["Overdue"] == 0.0
    assert "settled on time 0.0%" in chart.title()


def _accept_with_materials(data_dir: Path) -> None:
    answers = json.loads(
        (Path(__file__).parents[1] / "forms/answers/RS-001.json").read_text("utf-8")
    )
    person = {k: answers[k] for k in ("id_no", "name", "phone")} | {"kind": "person"}
    from counter_app.terminal import Terminal

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    with Terminal.open(data_dir) as terminal:
        item = terminal.service_item("RS-001")
        files = {m.code: [png] for m in item.required_materials(answers)}
        terminal.intake.accept("RS-001", person, answers, files, clerk_id="clerk")
