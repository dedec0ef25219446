"""Starting the window: the QApplication, the shipped Chinese font, the translators.

`run(args)` is what `counter-app` (no command) calls. Chinese must show on a machine with no
CJK font installed, so the bundled WenQuanYi Micro Hei is registered with Qt and made the
application font. zh_CN is the default language; English source strings need no translator.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QLibraryInfo, QLocale, QObject, QTimer, QTranslator, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QWidget

from counter_app.ui import style
from counter_app.ui.prefs import Prefs
from counter_app.ui.qt_fixes import keep_none_alive
from counter_app.ui.stop import quit_on_signals

if TYPE_CHECKING:
    from counter_app.desk import DemoLogins

log = logging.getLogger(__name__)

ASSETS = Path(__file__).resolve().parents[2] / "assets"
FONT_FILE = ASSETS / "fonts" / "wqy-microhei.ttc"
TRANSLATIONS = ASSETS / "translations"
BASE_POINT_SIZE = 10
LARGE_FACTOR = 1.5
SMOKE_ENV = "COUNTER_UI_SMOKE"
_STARTED = time.monotonic()


def register_font(app: QApplication) -> str | None:
    """Register the shipped CJK font and make it the application font; its family or None."""
    font_id = QFontDatabase.addApplicationFont(str(FONT_FILE))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        log.error("could not load the bundled font %s", FONT_FILE)
        return None
    font = QFont(families[0], BASE_POINT_SIZE)
    app.setFont(font)
    return families[0]


class Language(QObject):
    """The active UI language; switching it swaps the installed translators.

    Signals: changed(str) with the new language code ("zh_CN" or "en").
    """

    changed = Signal(str)

    def __init__(self, app: QApplication, code: str = "en") -> None:
        """Start in `code`. No `changed` signal for it: nothing listens yet (and the first
        emit would import ctypes before the window is painted, see `qt_fixes`)."""
        super().__init__(app)
        self._app = app
        self._translators: list[QTranslator] = []
        self.code = self._install(code)

    def set(self, code: str) -> None:
        """Install the translators for `code`; unknown codes fall back to Chinese."""
        code = self._install(code)
        changed = code != self.code
        self.code = code
        if changed:
            self.changed.emit(code)

    def _install(self, code: str) -> str:
        code = "en" if code.lower().startswith("en") else "zh_CN"
        for old in self._translators:
            self._app.removeTranslator(old)
        self._translators = [] if code == "en" else self._load_chinese()
        for translator in self._translators:
            self._app.installTranslator(translator)
        QLocale.setDefault(
            QLocale(QLocale.Language.English if code == "en" else QLocale.Language.Chinese)
        )
        return code

    def _load_chinese(self) -> list[QTranslator]:
        loaded = []
        ours = QTranslator(self._app)
        if ours.load(str(TRANSLATIONS / "counter_zh_CN.qm")):
            loaded.append(ours)
        else:
            log.error("missing translation file in %s", TRANSLATIONS)
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        qt_own = QTranslator(self._app)
        if qt_own.load("qtbase_zh_CN", qt_dir):
            loaded.append(qt_own)
        return loaded


def set_large_text(app: QApplication, on: bool) -> None:
    """Large-text mode: every widget that does not set its own font grows with the app font."""
    font = app.font()
    font.setPointSizeF(BASE_POINT_SIZE * (LARGE_FACTOR if on else 1.0))
    app.setFont(font)
    style.repolish(app)  # with a style sheet set, Qt does not pass a new app font down


def make_app(argv: list[str] | None = None) -> QApplication:
    """The QApplication, created once (tests get pytest-qt's)."""
    found = QApplication.instance()
    app = (
        found
        if isinstance(found, QApplication)
        else QApplication([*(argv if argv is not None else sys.argv[:1]), *style.STYLE_ARGS])
    )
    made = app is not found
    app.setApplicationName("counter-terminal")
    app.setOrganizationName("counter-terminal")
    register_font(app)
    style.apply(app, style_chosen=made)
    if app.findChild(QTimer, "none_keeper") is None:
        keep_none_alive(app)  # PySide6 6.12.0's lost references to None (see qt_fixes)
    return app


class AfterFirstPaint(QObject):
    """Runs `then` from a zero-timer after `window`'s first paint event: the window is on
    screen and the event loop had nothing queued before the timer. (A zero-timer right
    after `show()` runs before the window is even exposed.)"""

    def __init__(self, window: QWidget, then: Any) -> None:
        super().__init__(window)
        self._window = window
        self._then = then
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.Paint:
            self._window.removeEventFilter(self)
            QTimer.singleShot(0, self._then)
        return False


def _report_ready(app: QApplication, shell: Any, wait_for_terminal: bool) -> None:
    """Smoke mode ($COUNTER_UI_SMOKE=1): once the login window is painted and the event
    loop is idle, print the seconds since this module was imported and the window title,
    then quit. With COUNTER_UI_SMOKE=opened it waits for the terminal to be open too (the
    title then names the hall). Used by the tests (a second app.exec() cannot run inside
    the test process); `bench.gui_child` applies the same test to the start-up benchmark."""

    def done() -> None:
        elapsed = time.monotonic() - _STARTED
        print(f"ready {elapsed:.3f}s {shell.window.windowTitle()}", flush=True)
        if os.environ.get(SMOKE_ENV) != "stay":  # "stay": keep running (the signal tests)
            app.quit()

    if wait_for_terminal:
        shell.opened.connect(lambda: QTimer.singleShot(0, done))
    else:
        AfterFirstPaint(shell.window, done)


def _lang_given(args: argparse.Namespace) -> bool:
    """--lang or $COUNTER_LANG chosen for this start; otherwise the window's saved choice."""
    return bool(getattr(args, "lang", None)) and (
        "--lang" in sys.argv or bool(os.environ.get("COUNTER_LANG"))
    )


def run(args: argparse.Namespace, data_dir: Path, demo: DemoLogins | None = None) -> int:
    """Open the counter window on `data_dir` and run until it closes. The window launches
    nothing: the entry point (`counter_app.ops.launch`) prepares a demo terminal and hands
    its folder and logins here (`demo`: shown on the login page).

    Modules only `run` needs are imported here, not at the top: importing this module (the
    tests, the start-up benchmark) must not pay for the configuration (tomllib,
    platformdirs: ~20 ms) and the rest before the login window is up."""
    app = make_app()
    restore_signals = quit_on_signals(app)  # Ctrl+C / SIGTERM close the window normally
    try:
        return _run_shell(app, args, data_dir, demo)
    finally:
        restore_signals()


def _run_shell(
    app: QApplication, args: argparse.Namespace, data_dir: Path, demo: DemoLogins | None
) -> int:
    from counter_app.config import load_config  # start-up: see `run`
    from counter_app.ui.shell import Shell  # start-up: see `run`

    config = load_config({"data_dir": str(data_dir)})
    defaults = {
        "lang": config.lang,
        "paper": config.paper,
        "idle_minutes": config.idle_logout_minutes,
    }
    prefs = Prefs.load(data_dir, defaults)
    language = Language(app, args.lang if _lang_given(args) else prefs.lang)
    set_large_text(app, prefs.large_text)
    shell = Shell(app, data_dir, language, prefs, demo, config=config)
    if os.environ.get(SMOKE_ENV):  # before start(): it shows the window
        _report_ready(app, shell, wait_for_terminal=os.environ[SMOKE_ENV] in ("opened", "stay"))
    shell.start()
    try:
        return app.exec()
    finally:
        shell.shutdown()
