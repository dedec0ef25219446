"""The window child's "shown and idle" test, the one both startup rows share."""

from __future__ import annotations

import pytest

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMainWindow

from bench.gui_child import FirstPaint

pytestmark = pytest.mark.gui


def test_first_paint_reports_only_after_the_window_is_painted(qtbot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    seen: list[str] = []
    FirstPaint(window, lambda: seen.append(f"report, exposed={window.windowHandle().isExposed()}"))
    window.show()
    # what the benchmark used to do: a zero-timer right after show(), before any paint
    QTimer.singleShot(0, lambda: seen.append("zero-timer after show"))
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=5_000)
    assert seen == ["zero-timer after show", "report, exposed=True"]
    window.update()  # a later paint does not report again: the filter is gone
    qtbot.wait(50)
    assert len(seen) == 2
