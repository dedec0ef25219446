"""The application's set-up: the shipped font, the translations, the worker bridge."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtGui import QFontDatabase, QFontMetrics
from PySide6.QtWidgets import QApplication

from counter_app.ui.app import TRANSLATIONS, make_app
from counter_app.ui.bridge import Operations
from forms.text import LocalizedError, Text

ROOT = Path(__file__).resolve().parents[2]
TS = TRANSLATIONS / "counter_zh_CN.ts"


def _sources(ts: Path) -> set[tuple[str, str]]:
    root = ET.parse(ts).getroot()
    return {
        (ctx.findtext("name") or "", msg.findtext("source") or "")
        for ctx in root.iter("context")
        for msg in ctx.iter("message")
        if msg.find("translation") is not None
        and msg.find("translation").get("type") not in ("obsolete", "vanished")
    }


def test_shipped_font_is_the_application_font_and_draws_chinese(qapp: QApplication) -> None:
    make_app()
    family = QApplication.font().family()
    assert family == "WenQuanYi Micro Hei"
    assert family in QFontDatabase.families()
    assert QFontMetrics(QApplication.font()).inFontUcs4(ord("受"))


def test_every_visible_string_is_in_the_translation_source(tmp_path: Path) -> None:
    """lupdate over the UI code finds nothing the committed .ts lacks, and every entry has
    a finished Chinese translation."""
    fresh = tmp_path / "fresh.ts"
    sources = sorted(str(p) for p in (ROOT / "counter_app" / "ui").rglob("*.py"))
    lupdate = shutil.which("pyside6-lupdate", path=str(ROOT / ".venv" / "bin")) or "pyside6-lupdate"
    subprocess.run([lupdate, *sources, "-ts", str(fresh)], check=True, capture_output=True)
    assert _sources(fresh) <= _sources(TS)
    unfinished = [
        msg.findtext("source")
        for msg in ET.parse(TS).getroot().iter("message")
        if msg.find("translation").get("type") == "unfinished" or not msg.findtext("translation")
    ]
    assert unfinished == []
    assert (TRANSLATIONS / "counter_zh_CN.qm").stat().st_mtime >= TS.stat().st_mtime - 1


def test_operations_deliver_results_and_errors_on_the_gui_thread(qtbot, qapp: QApplication) -> None:
    import threading

    ops = Operations()
    seen: list[object] = []
    main = threading.get_ident()

    def work() -> int:
        assert threading.get_ident() != main  # really off the GUI thread
        return 42

    def fail() -> None:
        raise LocalizedError(Text("坏了", "broken"))

    with qtbot.waitSignal(ops.finished, timeout=5_000):
        ops.store(work, lambda r: seen.append((r, threading.get_ident() == main)), seen.append)
    with qtbot.waitSignal(ops.finished, timeout=5_000):
        ops.io(
            fail,
            seen.append,
            lambda e: seen.append((e.message("en"), threading.get_ident() == main)),
        )
    assert seen == [(42, True), ("broken", True)]
    assert ops.pending == 0
    ops.wait()
    ops.deleteLater()


def test_a_result_for_a_page_closed_meanwhile_is_dropped_quietly(qtbot, qapp: QApplication) -> None:
    from PySide6.QtWidgets import QLabel

    ops = Operations()
    label = QLabel()
    label.deleteLater()
    QApplication.sendPostedEvents(None, 52)  # QEvent.DeferredDelete: the page is gone
    with qtbot.waitSignal(ops.finished, timeout=5_000):
        ops.store(lambda: "text", label.setText, lambda e: None)
    assert ops.pending == 0
    ops.close()
    ops.store(lambda: 1, lambda r: None, lambda e: None)  # after close: refused, not queued
    assert ops.pending == 0
    ops.deleteLater()


def test_smoke_ready_comes_after_the_first_paint_not_after_show(qtbot) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMainWindow

    from counter_app.ui.app import AfterFirstPaint

    window = QMainWindow()
    qtbot.addWidget(window)
    seen: list[str] = []
    AfterFirstPaint(window, lambda: seen.append(f"ready {window.windowHandle().isExposed()}"))
    window.show()
    QTimer.singleShot(0, lambda: seen.append("zero-timer after show"))  # the old test
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=5_000)
    assert seen == ["zero-timer after show", "ready True"]


def test_smoke_mode_reports_the_login_window_without_waiting_for_the_terminal(
    tmp_path: Path,
) -> None:
    """COUNTER_UI_SMOKE=1 answers for the login window alone: here the data folder has no
    terminal, which never opens, and the line still comes (and names no hall)."""
    import os
    import sys

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "COUNTER_UI_SMOKE": "1"}
    env.pop("COUNTER_ENROLL_CODE", None)
    out = subprocess.run(
        [sys.executable, "-m", "counter_app", "--data-dir", str(tmp_path / "none"), "--lang", "en"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    ready = [line for line in out.stdout.splitlines() if line.startswith("ready ")]
    assert len(ready) == 1 and ready[0].endswith("s One-window counter"), out.stdout


SHOW_LOGIN = """
import sys
from pathlib import Path
from counter_app.ui.app import AfterFirstPaint, Language, make_app
from counter_app.ui.prefs import Prefs
from counter_app.ui.shell import Shell

app = make_app(sys.argv[:1])
data_dir = Path(sys.argv[1])
shell = Shell(app, data_dir, Language(app), Prefs.load(data_dir), None)

def ready():
    import PySide6.QtCore
    loaded = [m for m in ("counter_app.desk", "counter_app.terminal") if m in sys.modules]
    print("loaded:", loaded, "Qt namespace:", "Qt" in vars(PySide6.QtCore), flush=True)
    app.quit()

AfterFirstPaint(shell.window, ready)
shell.start()
app.exec()
shell.shutdown()
"""


def test_the_login_window_shows_before_the_desk_the_terminal_and_qt_s_namespace(
    data_dir: Path,
) -> None:
    """Start-up (docs/performance.md): the desk and the terminal are imported on the storage
    thread after the first paint, and nothing the login page needs builds the ~100 enums of
    `PySide6.QtCore.Qt`. Checked in a fresh interpreter, where imports are still to come."""
    out = fresh_interpreter(SHOW_LOGIN, str(data_dir))
    assert "loaded: [] Qt namespace: False" in out, out


def fresh_interpreter(script: str, *args: str) -> str:
    """What `script` prints (and its errors) run offscreen in a new Python: start-up facts
    hold only where nothing was imported yet."""
    import os
    import sys

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-c", script, *args], env=env, capture_output=True, text=True, timeout=120
    )
    return out.stdout + out.stderr


START_WITH_GC = """
import gc, os, sys
os.environ["COUNTER_UI_SMOKE"] = "opened"
from counter_app import startup_gc
from counter_app.cli import main

at_resume, ctypes_then = [], []
resume = startup_gc.resume
startup_gc.resume = lambda: (
    at_resume.append(gc.isenabled()), ctypes_then.append("ctypes" in sys.modules), resume()
)[-1]
main(["--data-dir", sys.argv[1], "--lang", "en"])
print("collecting at the first paint:", at_resume, "after:", gc.isenabled(),
      "frozen:", gc.get_freeze_count() > 0, "ctypes at the paint:", ctypes_then, flush=True)
"""


def test_the_window_starts_without_collecting_and_collects_once_painted(data_dir: Path) -> None:
    """`counter-app` pauses garbage collection before Qt is imported (~40 collections, 5 ms
    of the start) and turns it back on at the login window's first paint, freezing what
    start-up made; and no signal is emitted before that paint (the first one imports ctypes,
    see `qt_fixes`). Through the real command line, in a fresh interpreter."""
    out = fresh_interpreter(START_WITH_GC, str(data_dir))
    expected = "at the first paint: [False] after: True frozen: True ctypes at the paint: [False]"
    assert expected in out, out


SCAN = """
import linecache, sys
import argparse
import counter_app.ui
import argparse as named_after_qt
import wave
print("argparse read:", argparse.__file__ in linecache.cache,
      "wave read:", wave.__file__ in linecache.cache, flush=True)
"""


def test_pyside_does_not_read_the_source_of_modules_loaded_before_it() -> None:
    """PySide6 reads the source of each module an import statement names after it loaded
    (`qt_fixes.skip_source_scan`): not of those loaded before the window's package (here
    argparse), still of one imported later (wave), which shows the scan is there."""
    out = fresh_interpreter(SCAN)
    assert "argparse read: False wave read: True" in out, out


def test_the_window_is_fusion_whether_it_made_the_application_or_found_one(qapp) -> None:  # type: ignore[no-untyped-def]
    """The look is the same on every platform: chosen by name when `make_app` makes the
    application (no `app.style()` from Python at start), set when it finds one made. (With
    the style sheet on, `style()` is Qt's style-sheet proxy: it is taken off to look.)"""
    from counter_app.ui.app import make_app

    made = fresh_interpreter(
        "from counter_app.ui.app import make_app\n"
        "app = make_app()\n"
        "app.setStyleSheet('')\n"
        "print('style:', app.style().name())"
    )
    assert "style: fusion" in made.lower(), made
    qapp.setStyle("Windows")
    assert make_app() is qapp
    qapp.setStyleSheet("")
    assert qapp.style().name().lower() == "fusion"
    make_app()  # the style sheet back, for the tests after this one
