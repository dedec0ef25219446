"""At 1920x1080 no control is stretched across an empty screen: the detail page's text and
the citizen's rating buttons stop at the widths of `ui.style`."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget

from counter_app.ui.shell import Shell
from counter_app.ui.style import FORM_MAX_WIDTH, LIST_MAX_WIDTH
from tests.ui.test_citizen_rating import _submit, _walk_to_review, screen  # noqa: F401
from tests.ui.test_home import _accept_one, _login

FULL_HD = (1920, 1080)


def _full_hd(qtbot, widget: QWidget) -> None:  # type: ignore[no-untyped-def]
    widget.resize(*FULL_HD)
    widget.show()
    qtbot.waitUntil(lambda: widget.width() == FULL_HD[0], timeout=5_000)


def test_the_detail_text_stays_readable_at_full_hd(qtbot, data_dir: Path, shell: Shell) -> None:
    receipt_no = _accept_one(data_dir)
    _full_hd(qtbot, shell.window)
    _login(qtbot, shell)
    ws = shell.workspace
    qtbot.keyClicks(ws.home.search, receipt_no)  # as the scanner types it
    with qtbot.waitSignal(ws.page_changed, timeout=10_000):
        qtbot.keyClick(ws.home.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: receipt_no in ws.detail.browser.toPlainText(), timeout=10_000)
    assert ws.detail.width() > 1800  # the page itself fills the screen...
    assert 0 < ws.detail.browser.width() <= FORM_MAX_WIDTH  # ...its text does not


def test_the_rating_buttons_stay_together_at_full_hd(qtbot, shell: Shell, screen) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    _full_hd(qtbot, screen)
    _walk_to_review(qtbot, shell, screen, None)
    _submit(qtbot, shell)
    assert screen.stack.currentWidget() is screen.rating
    area = screen.findChild(QWidget, "rating_buttons")
    qtbot.waitUntil(lambda: area.width() > 0, timeout=5_000)
    assert area.width() <= LIST_MAX_WIDTH
    buttons = area.findChildren(QPushButton)
    assert len(buttons) > 5 and all(b.width() <= LIST_MAX_WIDTH // 4 for b in buttons[:-1])
    assert all(area.rect().contains(b.geometry()) for b in buttons)
