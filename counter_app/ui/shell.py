"""The window's life: opening the terminal, login, the work area, idle logout, language.

`Shell` owns the one top-level window and swaps its central widget between the login page
and the work area. It is also where the clerk's session lives, so logging out (by hand or
after the configured idle time) drops every page that showed personal data.
"""

from __future__ import annotations

import logging
import threading
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QWidget,
)

from counter_app import startup_gc
from counter_app.ui.app import AfterFirstPaint, Language, set_large_text
from counter_app.ui.bridge import Operations
from counter_app.ui.keys import key
from counter_app.ui.login import LoginPage
from counter_app.ui.prefs import Prefs
from counter_app.ui.widgets import error_message, open_once, take_focus

if TYPE_CHECKING:
    from counter_app.desk import DemoLogins, Desk, Identity
    from counter_app.ui.drafts import DraftStore

log = logging.getLogger(__name__)

HOUSEKEEPING_MS = 60 * 60 * 1000
#: The terminal opens after the login window's first paint, or this long after `start()`.
OPEN_AT_LATEST_MS = 1000
ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TabletPress,
    QEvent.Type.TouchBegin,
}


class Shell(QObject):
    """Signals: opened() when the terminal is open; logged_in(object) with the session;
    logged_out(str) with the reason ("clerk" or "idle"); sync_reported(object) with each
    SyncReport of the background sync."""

    opened = Signal()
    logged_in = Signal(object)
    logged_out = Signal(str)
    sync_reported = Signal(object)

    def __init__(
        self,
        app: QApplication,
        data_dir: Path,
        language: Language,
        prefs: Prefs,
        demo: DemoLogins | None = None,
        backend: Desk | None = None,
        config: Any = None,
    ) -> None:
        super().__init__(app)
        self.app, self.language, self.prefs, self.demo = app, language, prefs, demo
        self.data_dir = Path(data_dir)
        self.config = config
        self.housekeeping = QTimer(self)
        self.housekeeping.setInterval(HOUSEKEEPING_MS)
        self.housekeeping.timeout.connect(self.run_housekeeping)
        self.ops = Operations(self)
        self._backend = backend
        self._backend_lock = threading.Lock()
        self._opening = False  # `_open` ran (it is asked twice: after the paint, at latest)
        self.session: Any = None
        self.sync_state: dict[str, Any] = {"online": False, "last_success": None}
        self.sync_runner: Any = None
        self.sync_bridge: Any = None
        self.identity: Identity | None = None
        self.window = QMainWindow()
        self.window.setObjectName("counter_window")
        self.window.resize(1280, 760)
        self.login_page: LoginPage | None = None
        self.workspace: Any = None
        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.timeout.connect(lambda: self.logout("idle"))
        self.sync_label = QLabel(self.window)
        self.sync_label.setObjectName("sync_indicator")
        self.clock_label = QLabel(self.window)  # `sync.clock`'s warning, shown when wrong
        self.clock_label.setObjectName("clock_warning")
        self.clock_label.hide()
        self.busy_bar = QProgressBar(self.window)
        self.busy_bar.setObjectName("busy")
        self.busy_bar.setRange(0, 0)  # indeterminate: storage, printing, network at work
        self.busy_bar.setMaximumWidth(120)
        self.busy_bar.setAccessibleName(self.tr("Working..."))
        self.busy_bar.hide()
        self.window.statusBar().addPermanentWidget(self.busy_bar)
        self.window.statusBar().addPermanentWidget(self.clock_label)
        self.window.statusBar().addPermanentWidget(self.sync_label)
        self.ops.busy_changed.connect(self._busy)
        language.changed.connect(self._language_changed)
        self.help_key = QShortcut(QKeySequence(key("help")), self.window)
        self.help_key.activated.connect(self.show_help)

    @property
    def backend(self) -> Desk:
        """The window's facade, made on first use: `counter_app.desk` is imported on the
        storage thread when the terminal opens (`_open`), not before the login window
        shows. Locked: the main thread may ask for it too (a login queued meanwhile)."""
        with self._backend_lock:
            if self._backend is None:
                from counter_app.desk import Desk  # start-up: see the docstring

                self._backend = Desk(self.data_dir)
            return self._backend

    @cached_property
    def drafts(self) -> DraftStore:
        """The intake draft file, made on first use (after login): its module is not
        imported before the login window shows."""
        from counter_app.ui.drafts import DraftStore

        return DraftStore(self.data_dir)

    # -- start and stop -------------------------------------------------------------------
    def start(self) -> None:
        """Show the login window; once painted (or after `OPEN_AT_LATEST_MS`) collect again
        (`startup_gc`) and open the terminal on the storage thread, whose imports hold the
        GIL. A login typed meanwhile waits its turn on the one storage thread."""
        self._retitle()
        self.show_login()
        AfterFirstPaint(self.window, self._open)
        QTimer.singleShot(OPEN_AT_LATEST_MS, self, self._open)
        self.window.show()
        QTimer.singleShot(0, self, self.take_focus)

    def show_help(self) -> None:
        """F1, on every page and on the login screen: the sheet of every key."""
        from counter_app.ui.help_sheet import HelpSheet

        HelpSheet.open_on(self.window)

    def take_focus(self) -> None:
        """The window makes itself active: with no window manager (a kiosk) nothing else
        would, and no key would reach it until someone clicked it."""
        take_focus(self.window)

    def _open(self) -> None:
        startup_gc.resume()
        if not self._opening:
            self._opening = True
            self.ops.store(lambda: self.backend.open(), self._opened, self._open_failed)

    def shutdown(self) -> None:
        """Stop timers and background work and close the terminal (idempotent)."""
        if self.ops.closed:
            return
        self.idle.stop()
        self.housekeeping.stop()
        if self.sync_runner is not None:
            self.sync_runner.stop()
            self.sync_runner = None
        if self.workspace is not None:
            self.workspace.shutdown()
        self.language.changed.disconnect(self._language_changed)
        self.ops.store(self._close_backend, lambda _r: None, lambda _e: None)
        self.ops.close()
        self.app.removeEventFilter(self)

    def _close_backend(self) -> None:
        """On the storage thread, after whatever was queued before (the opening too)."""
        if self._backend is not None:
            self._backend.close()

    def _opened(self, identity: Identity) -> None:
        self.identity = identity
        self._retitle()
        if identity.enrolled:
            self.start_sync()
        if self.config is not None:
            self.housekeeping.start()
        self.opened.emit()

    def run_housekeeping(self) -> None:
        """Hourly: an automatic backup when due, then retention (on the storage thread)."""
        config = self.config
        self.ops.store(
            lambda: self.backend.housekeeping(config), self._housekept, self._housekeeping_failed
        )

    def _housekept(self, result: Any) -> None:
        made, _report = result
        if made is not None:
            self.window.statusBar().showMessage(
                self.tr("Backup written: {name}").format(name=made.name), 10_000
            )

    def _housekeeping_failed(self, exc: BaseException) -> None:
        log.warning("housekeeping failed: %r", exc)
        self.window.statusBar().showMessage(
            error_message(exc, self.tr("The automatic backup failed."))
        )

    # -- sync -----------------------------------------------------------------------------
    def start_sync(self) -> None:
        """Run the sync engine in the background; its reports update the indicator."""
        from counter_app.ui.bridge import SyncBridge
        from counter_app.ui.sync_runner import SyncRunner

        if self.sync_runner is not None:
            return
        self.sync_bridge = SyncBridge(self)
        self.sync_bridge.report.connect(self._sync_report)
        self.sync_bridge.progress.connect(self._sync_progress)
        self.sync_bridge.error.connect(lambda exc: log.warning("sync could not start: %r", exc))
        self.sync_runner = SyncRunner(self.data_dir, self.sync_bridge)
        self.sync_runner.start()

    def _sync_progress(self, progress: Any) -> None:
        """While a pass has something to send: what is left and the time to go, in the
        status bar (the pass's report puts the usual line back when it ends)."""
        from counter_app.ui.widgets import lang_of_app

        left = progress.left
        if self.workspace is None or not (left.applications or left.files):
            return
        self.sync_label.setText(progress.text().get(lang_of_app()))
        self.sync_label.setAccessibleName(self.sync_label.text())

    def _sync_report(self, report: Any) -> None:
        from datetime import UTC, datetime

        from sync.hall_time import hall_zone

        self.sync_state["online"] = not getattr(report, "unreachable", True)
        if getattr(report, "ok", False):  # hall time, not the machine's zone
            zone = self.identity.timezone if self.identity else None
            now = datetime.now(UTC).astimezone(hall_zone(zone))
            self.sync_state["last_success"] = now.strftime("%H:%M:%S")
        self.sync_state["report"] = report
        self.sync_reported.emit(report)
        if self.workspace is not None:
            self.workspace.refresh_sync()

    def _open_failed(self, exc: BaseException) -> None:
        log.error("could not open the terminal", exc_info=exc)
        text = error_message(exc, self.tr("The terminal's data folder could not be opened."))
        if self.login_page is not None:
            self.login_page.failed(text)

    def _retitle(self) -> None:
        hall = self.identity.hall if self.identity else ""
        window = self.identity.window if self.identity else ""
        title = self.tr("One-window counter")
        if hall or window:
            title = self.tr("{title} - {hall}, window {window}").format(
                title=title, hall=hall, window=window
            )
        self.window.setWindowTitle(title)

    # -- login ----------------------------------------------------------------------------
    def show_login(self) -> None:
        demo_lines = None
        if self.demo is not None:
            roles = {
                "clerk": self.tr("Clerk"),
                "supervisor": self.tr("Supervisor"),
                "admin": self.tr("Administrator"),
            }
            demo_lines = [(c, p, roles.get(r, r)) for c, p, r in self.demo.credentials]
        page = LoginPage(
            self.tr("One-window counter"), demo_lines, self.language.code, self.prefs.large_text
        )
        page.login_requested.connect(self._login)
        page.language_requested.connect(self.set_language)
        page.large_text_toggled.connect(self.set_large_text)
        self.login_page = page
        self.window.setCentralWidget(page)
        self.sync_label.hide()
        page.clerk_id.setFocus()

    def _login(self, clerk_id: str, password: str) -> None:
        self.ops.store(
            lambda: self.backend.login(clerk_id, password), self._logged_in, self._login_failed
        )

    def _login_failed(self, exc: BaseException) -> None:
        if self.login_page is not None:
            self.login_page.failed(error_message(exc, self.tr("Login failed.")))

    def _logged_in(self, session: Any) -> None:
        from counter_app.ui.workspace import Workspace

        self.session = session
        self.login_page = None
        self.workspace = Workspace(self)
        self.window.setCentralWidget(self.workspace)
        self.sync_label.show()
        self.app.installEventFilter(self)
        self._restart_idle()
        self.logged_in.emit(session)
        self.workspace.start()

    def rebuild_workspace(self, page: str = "home") -> None:
        """Recreate the pages (after a language switch); the session stays."""
        from counter_app.ui.workspace import Workspace

        if self.workspace is not None:
            self.workspace.shutdown()
        self.workspace = Workspace(self)
        self.window.setCentralWidget(self.workspace)
        self.workspace.start(page, offer_draft=False)

    def logout(self, reason: str = "clerk") -> None:
        """End the session; the draft stays on disk and is offered back at the next login."""
        if self.session is None:
            return
        session, self.session = self.session, None
        self.idle.stop()
        self.app.removeEventFilter(self)
        if self.workspace is not None:
            self.workspace.shutdown()
            self.workspace = None
        self.ops.store(
            lambda: self.backend.logout(session, reason), lambda _r: None, lambda _e: None
        )
        self.show_login()
        if reason == "idle" and self.login_page is not None:
            self.login_page.failed(self.tr("You were logged out after a period without activity."))
        self.logged_out.emit(reason)

    # -- idle logout ----------------------------------------------------------------------
    # The application-wide filter is installed only while a clerk is logged in: every event
    # of the application then passes through Python, and the first ones make PySide6 build
    # the Python types (and their ~170 enums) of every widget they touch: ~35 ms that used
    # to delay the login window for a filter with nothing to do before a login.
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.session is not None and event.type() in ACTIVITY:
            self._restart_idle()
        return False

    def _restart_idle(self) -> None:
        minutes = max(0.05, float(self.prefs.idle_minutes))
        self.idle.start(int(minutes * 60_000))

    # -- preferences ----------------------------------------------------------------------
    def set_language(self, code: str) -> None:
        self.prefs.lang = code
        self._save_prefs()
        self.language.set(code)

    def _language_changed(self, _code: str) -> None:
        self._retitle()
        if self.session is None:
            typed = self.login_page.typed() if self.login_page is not None else ("", "")
            self.show_login()
            if self.login_page is not None:
                self.login_page.retype(*typed)  # the page is rebuilt in the new language
                self.login_page.language.setFocus()
        elif self.workspace is not None:
            self.workspace.retranslate()

    def set_large_text(self, on: bool) -> None:
        self.prefs.large_text = on
        self._save_prefs()
        set_large_text(self.app, on)

    def _save_prefs(self) -> None:
        try:
            self.prefs.save()
        except OSError:
            log.warning("could not save the window preferences", exc_info=True)

    def _busy(self, busy: bool) -> None:
        """Long work shows progress (a busy bar) without hiding status messages."""
        self.busy_bar.setVisible(busy)

    def warn(self, parent: QWidget, message: str) -> None:
        """A non-blocking message box (tests and scanners never get stuck in exec())."""
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("One-window counter"),
            message,
            QMessageBox.StandardButton.Ok,
            parent,
        )
        box.setObjectName("warning_box")
        open_once(box)
