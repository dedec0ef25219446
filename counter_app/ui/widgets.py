"""Small pieces every page uses: buttons whose tooltip names their shortcut, error labels,
and showing a Qt-free error in the clerk's language."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QAction, QColor, QKeySequence, QPalette
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QPushButton, QWidget

from counter_app.ui.style import COLORS
from forms.text import LocalizedError, Text

#: Qt enum values the login window sets through Qt properties, by number: the modules it
#: needs must not touch `PySide6.QtCore.Qt`, whose first use builds ~100 Python enums
#: (~24 ms, a fifth of a bare window's start; docs/performance.md). tests/ui/test_login.py
#: checks them against Qt's.
PLAIN_TEXT = 0  # Qt.TextFormat.PlainText
ALIGN_CENTER = 0x84  # Qt.AlignmentFlag.AlignCenter
SELECTABLE_BY_MOUSE = 1  # Qt.TextInteractionFlag.TextSelectableByMouse

ERROR_COLOR = COLORS.error  # the colours are chosen (and their contrast tested) in style.py
WARN_COLOR = COLORS.warn
OK_COLOR = COLORS.ok
ARM_MS = 2_000  # how long a window waits for an activation to give the focus back


def set_text_color(widget: QWidget, color: str) -> None:
    """Colour by palette, not style sheet: a style sheet pins the widget's font, and then
    large-text mode would skip it."""
    palette = widget.palette()
    palette.setColor(QPalette.ColorRole.WindowText, QColor(color))
    widget.setPalette(palette)


def lang_of_app() -> str:
    """The active language code, read from the application's locale."""
    from PySide6.QtCore import QLocale

    return "en" if QLocale().language() == QLocale.Language.English else "zh_CN"


def tr_text(text: Text | str | None) -> str:
    """A `Text` from Qt-free code in the active language."""
    if text is None:
        return ""
    return text if isinstance(text, str) else text.get(lang_of_app())


def error_message(exc: BaseException, fallback: str) -> str:
    """What the clerk reads for a failed operation: our errors carry their own words."""
    if isinstance(exc, LocalizedError):
        return exc.message(lang_of_app())
    return fallback


def with_shortcut(tooltip: str, shortcut: QKeySequence | str) -> str:
    seq = QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)
    return f"{tooltip} ({seq})"


def button(
    text: str, shortcut: str, slot: Callable[[], object], parent: QWidget, name: str
) -> QPushButton:
    """A push button pressed by `shortcut` (take it from `keys.key`), which its label and
    tooltip show, with an accessible name."""
    btn = QPushButton(parent)
    relabel(btn, text, shortcut)
    btn.setObjectName(name)
    btn.clicked.connect(slot)
    return btn


def relabel(btn: QPushButton, text: str, shortcut: str) -> None:
    """Set a button's words and key. setText() replaces a shortcut with the text's
    mnemonic, so the key is set again after the text, every time."""
    from counter_app.ui.keys import labelled, strip_mnemonic

    if not shortcut:
        btn.setText(text)  # no key of its own: its Alt mnemonic is what works
        btn.setAccessibleName(strip_mnemonic(text))
        return
    btn.setText(labelled(text, shortcut))
    btn.setShortcut(QKeySequence(shortcut))
    btn.setToolTip(with_shortcut(strip_mnemonic(text), shortcut))
    btn.setAccessibleName(strip_mnemonic(text))


def action(text: str, shortcut: str, slot: Callable[[], object], parent: QWidget) -> QAction:
    act = QAction(text, parent)
    act.setShortcut(QKeySequence(shortcut))
    act.setToolTip(with_shortcut(text.replace("&", ""), shortcut))
    act.triggered.connect(slot)
    parent.addAction(act)
    return act


def error_label(parent: QWidget, name: str) -> QLabel:
    """A red label that is empty (and hidden) until there is something wrong."""
    label = QLabel(parent)
    label.setObjectName(name)
    set_text_color(label, ERROR_COLOR)
    label.setWordWrap(True)
    label.setProperty("textFormat", PLAIN_TEXT)  # not setTextFormat: see PLAIN_TEXT
    label.hide()
    return label


def show_error(label: QLabel, message: str) -> None:
    label.setText(message)
    label.setVisible(bool(message))


def open_once(dialog: QDialog) -> None:
    """Open a dialog window-modally without blocking (no exec(): scanners, timers and tests
    keep running) and delete it when it closes, so a hidden dialog can never take the
    focus back later. When it closes, its window takes the focus back itself: with no
    window manager (a kiosk) nobody else would, and every key would go nowhere.

    `QDialog.open(dialog)`, not `dialog.open()`: PySide6 6.12 binds only the two-argument
    `open(receiver, member)` on QPrintDialog (and QFileDialog), which hides QDialog's own, so
    the method call raised TypeError and no print dialog ever appeared."""
    parent = dialog.parentWidget()
    window = parent.window() if parent is not None else None
    before = QApplication.focusWidget()
    dialog.finished.connect(dialog.deleteLater)
    if window is not None:
        dialog.finished.connect(lambda _code: take_focus(window, before))
    QDialog.open(dialog)


def take_focus(window: QWidget, widget: QWidget | None = None) -> None:
    """Make `window` the active window and give the focus to `widget` (when it still
    lives in that window) or keep the window's own focus widget. Activation may arrive
    later (another window was being shown): the focus is given again when it does."""
    from shiboken6 import isValid

    if not isValid(window) or not window.isVisible():
        return
    target: QWidget | None = widget if widget is not None and isValid(widget) else None
    target = target or window.focusWidget()
    if target is not None and target.window() is not window:
        target = None
    window.raise_()
    window.activateWindow()
    if target is not None:
        target.setFocus()
        _FocusOnActivate.arm(window, target)


class _FocusOnActivate(QObject):
    """Gives `target` the focus the next time `window` is activated, once: a window shown
    meanwhile (the citizen's screen) may take the activation and hand it back without the
    focus. One per window; a newer target replaces the older one."""

    NAME = "focus-on-activate"

    @classmethod
    def arm(cls, window: QWidget, target: QWidget) -> None:
        # By name, not `findChildren(cls)`: with a Python class PySide6 wraps every child
        # of the window to test it, 3-5 ms the first time (the login window's start).
        for old in window.findChildren(QObject, cls.NAME):
            window.removeEventFilter(old)
            old.setParent(None)
            old.deleteLater()
        cls(window, target)

    def __init__(self, window: QWidget, target: QWidget) -> None:
        super().__init__(window)
        self.setObjectName(self.NAME)
        self.target = target
        self.window = window
        window.installEventFilter(self)
        QTimer.singleShot(ARM_MS, self, self._expire)  # only an activation that is on its way

    def _expire(self) -> None:
        self.window.removeEventFilter(self)
        self.deleteLater()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.WindowActivate:
            from shiboken6 import isValid

            watched.removeEventFilter(self)
            if isValid(self.target):
                self.target.setFocus()
            self.deleteLater()
        return False
