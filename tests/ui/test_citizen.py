"""The citizen's screen: where the setting puts it, blank between applications, and the
citizen's confirmation before the clerk can go on to the signature."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QTextEdit

from counter_app.config import load_config
from counter_app.ui.citizen import CitizenScreen
from counter_app.ui.shell import Shell
from tests.ui.conftest import close_shell, open_shell
from tests.ui.helpers import focused, press, type_text
from tests.ui.test_intake import APPLICANT, CTRL, answer_form, fill_applicant, start_intake

OTHER = ("11010519800101001X", "李四", "13900139000")


def open_with(qtbot, qapp: QApplication, data_dir: Path, setting: str) -> Shell:  # type: ignore[no-untyped-def]
    config = load_config(
        {"data_dir": str(data_dir), "citizen_screen": setting}, env={}, file=data_dir / "no.toml"
    )
    shell = open_shell(qapp, data_dir, config=config)
    qtbot.waitUntil(lambda: bool(shell.identity), timeout=10_000)
    qtbot.waitUntil(shell.window.isActiveWindow)
    return shell


@pytest.fixture
def kiosk(qtbot, qapp: QApplication, data_dir: Path) -> Iterator[Shell]:  # type: ignore[no-untyped-def]
    shell = open_with(qtbot, qapp, data_dir, "0")  # one screen here: screen 0 is the citizen's
    yield shell
    close_shell(qapp, shell)


def everything_shown(screen: CitizenScreen) -> str:
    """All the text the citizen's window holds, shown or not."""
    texts = [w.text() for w in screen.findChildren(QLabel)]
    texts += [w.text() for w in screen.findChildren(QAbstractButton)]
    texts += [w.toPlainText() for w in screen.findChildren(QTextEdit)]
    return "\n".join(texts)


def test_the_citizen_confirms_before_the_signature(qtbot, kiosk: Shell) -> None:
    start_intake(qtbot, kiosk)
    flow, screen = kiosk.workspace.intake, kiosk.workspace.citizen
    assert screen is not None and screen.isVisible()
    fill_applicant(qtbot, kiosk)
    answer_form(qtbot, kiosk)
    press(qtbot, Qt.Key.Key_Return, CTRL)  # the clerk wants to go on: the citizen checks
    qtbot.waitUntil(screen.confirm_button.isVisible)
    assert flow.step == "materials"
    assert "on their screen" in flow.problem.text()
    assert APPLICANT[1] in screen.mirror.toPlainText()
    press(qtbot, Qt.Key.Key_Return, CTRL)  # pressing again does not pass the citizen by
    qtbot.wait(300)
    assert flow.step == "materials"
    qtbot.mouseClick(screen.confirm_button, Qt.MouseButton.LeftButton)  # the citizen's touch
    qtbot.waitUntil(lambda: flow.step == "signature")
    assert not screen.confirm_button.isVisible()


def test_no_earlier_applicant_is_ever_shown_to_the_next(qtbot, kiosk: Shell) -> None:
    start_intake(qtbot, kiosk)
    screen = kiosk.workspace.citizen
    fill_applicant(qtbot, kiosk)
    answer_form(qtbot, kiosk)
    press(qtbot, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: APPLICANT[1] in screen.mirror.toPlainText())
    press(qtbot, Qt.Key.Key_F3)  # abandoned: the next citizen steps up
    flow = kiosk.workspace.intake
    qtbot.waitUntil(lambda: flow.picker.list.count() > 5, timeout=10_000)
    type_text(qtbot, focused(qtbot), "shbzk")
    press(qtbot, Qt.Key.Key_Return)
    type_text(qtbot, focused(qtbot), OTHER[0])
    for shown in (everything_shown(screen),):
        for earlier in APPLICANT:
            assert earlier not in shown
    assert screen.stack.currentWidget() is screen.welcome
    press(qtbot, Qt.Key.Key_F2)  # and when the clerk leaves for the home page
    assert all(earlier not in everything_shown(screen) for earlier in APPLICANT)


@pytest.mark.parametrize("setting", ["off", "auto", "3"])
def test_no_citizen_screen_when_the_setting_says_none_or_names_no_screen(
    qtbot, qapp: QApplication, data_dir: Path, setting: str
) -> None:
    assert len(QApplication.screens()) == 1
    shell = open_with(qtbot, qapp, data_dir, setting)
    try:
        start_intake(qtbot, shell)
        assert shell.workspace.citizen is None
        fill_applicant(qtbot, shell)
        answer_form(qtbot, shell)
        press(qtbot, Qt.Key.Key_Return, CTRL)  # nobody to wait for
        qtbot.waitUntil(lambda: shell.workspace.intake.step == "signature")
    finally:
        close_shell(qapp, shell)
