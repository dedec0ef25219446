"""一次一评 on the citizen screen, walked by keys and clicks: after an acceptance, after a
one-time notice and when a result is handed over, the screen invites a rating of that
service event; the answers are kept as GB/T 39046 codes, counted, and queued for the
platform."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from PySide6.QtCore import Qt

from counter_app.intake.ratings import rating_rows
from counter_app.store import apply_remote_status, outbox
from counter_app.terminal import Terminal
from counter_app.ui.citizen import CitizenScreen
from counter_app.ui.shell import Shell
from tests.ui.helpers import press
from tests.ui.test_home import _accept_one
from tests.ui.test_intake import (
    CTRL,
    answer_form,
    fill_applicant,
    next_step,
    png_file,
    start_intake,
    type_in_file_dialog,
)


@pytest.fixture
def screen(qtbot, shell: Shell) -> Iterator[CitizenScreen]:  # type: ignore[no-untyped-def]
    found = CitizenScreen.on_second_screen(shell, force=True)  # one screen here: force it
    assert found is not None
    qtbot.addWidget(found)
    shell.window.activateWindow()  # the clerk's window keeps the keyboard (offscreen
    qtbot.waitUntil(shell.window.isActiveWindow, timeout=5_000)  # ignores the screen's flag)
    yield found


def _ratings(data_dir: Path, receipt_no: str) -> list[dict[str, Any]]:
    with Terminal.open(data_dir) as terminal:
        return rating_rows(terminal.store, receipt_no)


def _walk_to_review(qtbot, shell: Shell, screen: CitizenScreen, files: Path | None) -> None:  # type: ignore[no-untyped-def]
    start_intake(qtbot, shell)
    shell.workspace.attach_citizen(screen)
    flow = shell.workspace.intake
    fill_applicant(qtbot, shell)
    answer_form(qtbot, shell)
    if files is not None:
        for row in (0, 1):  # the resident ID card, then the photo
            flow.materials.table.selectRow(row)
            press(qtbot, Qt.Key.Key_Return)
            type_in_file_dialog(qtbot, shell, files)
    press(qtbot, Qt.Key.Key_Return, CTRL)  # the citizen confirms the summary first
    qtbot.waitUntil(screen.confirm_button.isVisible)
    qtbot.mouseClick(screen.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: flow.step == "signature")
    next_step(qtbot, flow, "review")


def _submit(qtbot, shell: Shell) -> Any:  # type: ignore[no-untyped-def]
    flow = shell.workspace.intake
    with qtbot.waitSignal(flow.accepted, timeout=15_000) as accepted:
        press(qtbot, Qt.Key.Key_Return, CTRL)
    return accepted.args[0]


def test_after_acceptance_the_citizen_rates_four_lines_by_keys(
    qtbot, shell: Shell, screen: CitizenScreen, data_dir: Path, tmp_path: Path
) -> None:
    _walk_to_review(qtbot, shell, screen, png_file(tmp_path / "photo.png"))
    result = _submit(qtbot, shell)
    assert result.kind == "acceptance"
    assert screen.stack.currentWidget() is screen.rating
    assert "Acceptance" in screen.rating_question.text()
    assert screen.findChild(object, "rate_overall_1").text().startswith("Very satisfied")
    with qtbot.waitSignal(screen.stored, timeout=10_000) as stored:
        for key in (Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_1, Qt.Key.Key_3):
            qtbot.keyClick(screen, key)  # overall, efficiency, competence, attitude
    assert stored.args == [True] and screen.rating_question.text() == "Thank you!"
    (row,) = _ratings(data_dir, result.receipt_no)
    assert (row["service_event"], row["code"], row["count"]) == ("acceptance", 1, 1)
    assert (row["overall"], row["efficiency"], row["level"], row["attitude"]) == (1, 2, 1, 3)
    assert row["channel"] == "hall_terminal"  # 政务大厅其他终端, the default hall setting
    qtbot.keyClick(screen, Qt.Key.Key_5)  # a key after the thanks rates nothing more
    qtbot.waitUntil(lambda: shell.ops.pending == 0, timeout=10_000)
    assert len(_ratings(data_dir, result.receipt_no)) == 1


def test_after_a_notice_a_tap_and_send_rate_the_notice(
    qtbot, shell: Shell, screen: CitizenScreen, data_dir: Path
) -> None:
    _walk_to_review(qtbot, shell, screen, None)
    result = _submit(qtbot, shell)
    assert result.kind == "notice"
    assert "One-time notice" in screen.rating_question.text()
    send = screen.findChild(object, "rate_send")
    assert not send.isEnabled()  # nothing to send before the overall level
    qtbot.mouseClick(screen.findChild(object, "rate_overall_5"), Qt.MouseButton.LeftButton)
    assert send.isEnabled()
    with qtbot.waitSignal(screen.stored, timeout=10_000):
        qtbot.mouseClick(send, Qt.MouseButton.LeftButton)
    (row,) = _ratings(data_dir, result.receipt_no)
    assert (row["service_event"], row["code"], row["attitude"]) == ("notice", 5, None)
    with Terminal.open(data_dir) as terminal:
        queued = [e.payload for e in outbox.pending(terminal.store) if e.kind == "rating"]
    assert [(q["code"], q["service_event"]) for q in queued] == [(5, "notice")]


def test_handing_over_the_result_invites_a_rating_on_the_tablet_channel(
    qtbot, shell: Shell, screen: CitizenScreen, data_dir: Path
) -> None:
    receipt = _accept_one(data_dir)
    with Terminal.open(data_dir) as terminal:
        apply_remote_status(terminal.store, receipt, "ready_for_pickup", "", terminal.now(), "r1")
        terminal.store.set_setting("rating_channel", "hall_tablet")  # 政务大厅平板电脑
    from tests.ui.test_pages import _login

    _login(qtbot, shell, "clerk", "demo-clerk-1")
    shell.workspace.attach_citizen(screen)
    detail = shell.workspace.detail
    shell.workspace.open_detail(receipt)
    qtbot.waitUntil(detail.hand_over_button.isEnabled, timeout=10_000)
    press(qtbot, Qt.Key.Key_G, CTRL)
    qtbot.waitUntil(lambda: screen.stack.currentWidget() is screen.rating, timeout=5_000)
    assert "Result handed over" in screen.rating_question.text()
    with qtbot.waitSignal(screen.stored, timeout=10_000):
        for key in (Qt.Key.Key_2, Qt.Key.Key_2, Qt.Key.Key_2, Qt.Key.Key_2):
            qtbot.keyClick(screen, key)
    (row,) = _ratings(data_dir, receipt)
    assert (row["service_event"], row["code"], row["channel"]) == ("result", 2, "hall_tablet")


def test_a_rating_that_cannot_be_kept_says_so_on_the_screen(
    qtbot, shell: Shell, screen: CitizenScreen
) -> None:
    from tests.ui.test_pages import _login

    _login(qtbot, shell, "clerk", "demo-clerk-1")
    shell.workspace.attach_citizen(screen)
    gone = type("R", (), {"receipt_no": "no-such-application", "kind": "acceptance"})()
    screen.ask_rating(gone)  # e.g. the application's record is not there
    with qtbot.waitSignal(screen.stored, timeout=10_000) as stored:
        qtbot.keyClick(screen, Qt.Key.Key_3)
        qtbot.keyClick(screen, Qt.Key.Key_Enter)
    assert stored.args == [False]
    assert screen.rating_question.text() == "Sorry, your rating could not be saved."
