"""The interpreter survives the window's signals: PySide6 6.12's `emit()` took a reference
from `True` on every emit, so a long run ended in "Fatal Python error: bool_dealloc" (issue 18,
item 21: test_pages run with the print tests aborted after they passed)."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QObject, Signal

ROOT = Path(__file__).resolve().parents[2]
EMITS = """
import counter_app.ui
from PySide6.QtCore import QObject, Signal

class Busy(QObject):
    changed = Signal(bool)

busy = Busy()
busy.changed.connect(lambda on: None)
for _ in range(20_000):
    busy.changed.emit(True)
    busy.changed.emit(False)
print("done")
"""


def test_a_day_of_signals_leaves_the_interpreter_whole() -> None:
    """In its own interpreter: the abort came at exit, when the lost references ran out."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", EMITS], capture_output=True, text=True, env=env, timeout=120
    )
    assert "bool_dealloc" not in done.stderr
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "done"


def test_emitting_keeps_trues_reference_count() -> None:
    import counter_app.ui  # noqa: F401  (the mend is applied when the window package loads)

    class Ping(QObject):
        ping = Signal(object)

    sender = Ping()
    sender.ping.connect(lambda _v: None)
    gc.collect()
    before = sys.getrefcount(True)
    for _ in range(1000):
        sender.ping.emit(1)
    gc.collect()
    assert sys.getrefcount(True) - before > -100  # without the mend: exactly -1000


def test_pages_print_and_escpos_tests_run_together_and_exit_cleanly() -> None:
    """The combination that aborted, run as CI runs it: in one interpreter, to its exit."""
    files = ["tests/ui/test_pages.py", "tests/ui/test_print.py", "tests/printing/test_backends.py"]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *files],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=600,
    )
    assert "Fatal Python error" not in done.stderr, done.stderr[-2000:]
    assert done.returncode == 0, done.stdout[-2000:]


TYPING = """
import sys
from counter_app.ui.app import make_app
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel

app = make_app()
label = QLabel()
for _ in range(40):  # a long afternoon of typing: each key sets texts that return nothing
    for _ in range(5_000):
        label.setText("x")
    QTest.qWait(300)
print("done")
"""


def test_an_afternoon_of_void_calls_leaves_the_interpreter_whole() -> None:
    """PySide6 6.12.0 takes a reference from None on every call that returns nothing; 200,000
    of them (more than None has references to lose) in the window's own interpreter."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", TYPING], capture_output=True, text=True, env=env, timeout=120
    )
    assert "none_dealloc" not in done.stderr
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.strip() == "done"


def test_none_keeper_tops_up_what_was_lost(qtbot, qapp) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QLabel

    from counter_app.ui import qt_fixes

    if not qt_fixes.void_call_loses_a_reference():
        assert qt_fixes.keep_none_alive(qapp) is None  # a good PySide6 is left alone
        return
    floor = sys.getrefcount(None)
    label = QLabel()
    for _ in range(2_000):
        label.setText("x")
    assert qt_fixes.top_up_none(floor) >= 1_500  # measured: exactly one per call
    assert sys.getrefcount(None) >= floor
