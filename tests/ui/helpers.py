"""Keyboard helpers shared by the window's tests: they type, they never call slots."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from counter_app.ui.shell import Shell


def type_into(qtbot, widget: QWidget, text: str, enter: bool = False) -> None:  # type: ignore[no-untyped-def]
    widget.setFocus()
    qtbot.keyClicks(widget, text)
    if enter:
        qtbot.keyClick(widget, Qt.Key.Key_Return)


def focused(qtbot) -> QWidget:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def press(
    qtbot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:  # type: ignore[no-untyped-def]
    """A key press on whatever has the focus, as a clerk's keyboard would deliver it."""
    qtbot.keyClick(focused(qtbot), key, modifier)


def login(qtbot, shell: Shell, clerk: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page = shell.login_page
    assert page is not None
    type_into(qtbot, page.clerk_id, clerk, enter=True)
    assert page.password.hasFocus()
    qtbot.keyClicks(page.password, password)
    qtbot.keyClick(page.password, Qt.Key.Key_Return)


def type_text(qtbot, widget: QWidget, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type `text`: ASCII as key presses, Chinese as an input method commits it (that is how a
    clerk's pinyin IME delivers it; QTest cannot synthesise non-ASCII key presses)."""
    from PySide6.QtGui import QInputMethodEvent

    for char in text:
        if char.isascii():
            qtbot.keyClick(widget, char)
        else:
            event = QInputMethodEvent()
            event.setCommitString(char)
            QApplication.sendEvent(widget, event)
