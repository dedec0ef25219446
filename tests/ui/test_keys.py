"""One source for every key: each button shows the key that presses it (no dead Alt
mnemonic), F1 lists them all, the README's table says the same, and pressing each shown key
performs its action."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from counter_app.ui.keys import ACTIONS, BY_NAME
from counter_app.ui.shell import Shell
from tests.ui.helpers import focused, login, press, type_text
from tests.ui.test_intake import APPLICANT, answer_form, start_intake

README = Path(__file__).resolve().parents[2] / "README.md"


def press_shown_key(qtbot, btn: QPushButton) -> None:  # type: ignore[no-untyped-def]
    """Read the key off the button's label, press it, and see the button pressed."""
    shown = BY_NAME[btn.objectName()].shown()
    assert btn.text().endswith(f"  {shown}"), btn.text()
    combo = btn.shortcut()[0]
    with qtbot.waitSignal(btn.clicked, timeout=3_000):
        press(qtbot, combo.key(), combo.keyboardModifiers())


def visible_buttons(root: QWidget) -> list[QPushButton]:
    return [b for b in root.findChildren(QPushButton) if b.isVisible() and b.shortcut()]


def test_buttons_show_their_real_key_and_no_dead_mnemonic_in_chinese(qtbot, shell: Shell) -> None:
    with qtbot.waitSignal(shell.logged_in, timeout=10_000):
        login(qtbot, shell, "admin", "demo-admin-1")
    shell.set_language("zh_CN")
    qtbot.waitUntil(lambda: shell.ops.pending == 0, timeout=10_000)
    buttons = shell.workspace.findChildren(QPushButton)
    keyed = [b for b in buttons if b.objectName() in BY_NAME]
    assert {b.objectName() for b in keyed} >= {"nav_home", "nav_new", "next", "reuse", "void"}
    for b in keyed:
        assert b.text().endswith(BY_NAME[b.objectName()].shown()), b.text()
        assert "&" not in b.text() and "(" not in b.text().split("  ")[0][-3:], b.text()
        assert b.shortcut().toString() == BY_NAME[b.objectName()].sequence
    nav = shell.workspace.findChild(QPushButton, "nav_new")
    assert nav.text() == "新申请  F3"


def test_each_shown_key_performs_its_action(qtbot, shell: Shell) -> None:
    start_intake(qtbot, shell)
    workspace, flow = shell.workspace, shell.workspace.intake
    # Return moves on from field to field, and from the last one to the next step.
    for text in APPLICANT:
        type_text(qtbot, focused(qtbot), text)
        press(qtbot, Qt.Key.Key_Return)
    assert flow.step == "form"
    press_shown_key(qtbot, flow.back_button)
    assert flow.step == "applicant"
    press_shown_key(qtbot, flow.next_button)
    qtbot.waitUntil(lambda: flow.step == "form")
    answer_form(qtbot, shell)
    for name in ("attach",):
        press_shown_key(qtbot, workspace.findChild(QPushButton, name))
        qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None)
        qtbot.waitUntil(QApplication.activeModalWidget().isActiveWindow)
        press(qtbot, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
        qtbot.waitUntil(shell.window.isActiveWindow)  # the window took the focus back
    press_shown_key(qtbot, flow.next_button)
    qtbot.waitUntil(lambda: flow.step == "signature")
    press_shown_key(qtbot, flow.signature.clear_button)
    press(qtbot, Qt.Key.Key_Return)  # nothing to type on the signature page: Return moves on
    qtbot.waitUntil(lambda: flow.step == "review")
    press_shown_key(qtbot, workspace.findChild(QPushButton, "nav_stats"))
    assert workspace.stack.currentWidget() is workspace.stats
    press_shown_key(qtbot, workspace.findChild(QPushButton, "stats_refresh"))
    press_shown_key(qtbot, workspace.findChild(QPushButton, "nav_home"))
    assert workspace.stack.currentWidget() is workspace.home
    with qtbot.waitSignal(shell.logged_out, timeout=3_000):
        press_shown_key(qtbot, workspace.findChild(QPushButton, "nav_logout"))


def test_f1_lists_every_key_and_the_readme_says_the_same(qtbot, shell: Shell) -> None:
    with qtbot.waitSignal(shell.logged_in, timeout=10_000):
        login(qtbot, shell, "clerk", "demo-clerk-1")
    press(qtbot, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: shell.window.findChild(QWidget, "help_sheet") is not None)
    table = shell.window.findChild(QWidget, "help_keys")
    rows = {(table.item(r, 0).text(), table.item(r, 2).text()) for r in range(table.rowCount())}
    assert rows == {(a.shown(), a.does.en) for a in ACTIONS}
    qtbot.waitUntil(table.window().isActiveWindow)
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: shell.window.findChild(QWidget, "help_sheet") is None)
    qtbot.waitUntil(shell.window.isActiveWindow)
    readme = README.read_text(encoding="utf-8")
    for a in ACTIONS:
        row = re.compile(rf"^\| {re.escape(a.shown())} \| .* \| {re.escape(a.does.en)} \|$", re.M)
        assert row.search(readme), f"README lacks the key row for {a.name}"
