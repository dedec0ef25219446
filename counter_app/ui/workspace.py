"""The work area after login: a tool bar of pages and the pages themselves.

Pages are created once per session; each gets the shell (for the backend, operations,
session and preferences) and talks to the terminal only through `shell.ops` + `shell.backend`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from counter_app.desk import SyncStatus
from counter_app.ui.keys import key
from counter_app.ui.widgets import (
    ERROR_COLOR,
    OK_COLOR,
    WARN_COLOR,
    button,
    error_message,
    set_text_color,
)

if TYPE_CHECKING:
    from counter_app.ui.shell import Shell

SYNC_POLL_MS = 5_000


class Workspace(QWidget):
    """Signals: page_changed(str) with the name of the page now shown."""

    page_changed = Signal(str)

    def __init__(self, shell: Shell) -> None:
        super().__init__()
        from counter_app.ui.detail import DetailPage
        from counter_app.ui.home import HomePage
        from counter_app.ui.intake.flow import IntakeFlow
        from counter_app.ui.intake.result import ResultStep
        from counter_app.ui.remote_case import RemoteCasePage
        from counter_app.ui.settings_page import SettingsPage
        from counter_app.ui.stats_page import StatsPage

        self.setObjectName("workspace")
        self.shell = shell
        bar = self._bar()  # created first: the tab order follows the reading order
        self.stack = QStackedWidget(self)
        self.home = HomePage(shell, self)
        self.intake = IntakeFlow(shell, self)
        self.detail = DetailPage(shell, self)
        self.stats = StatsPage(shell, self)
        self.settings = SettingsPage(shell, self)
        self.receipt = ResultStep(shell, self)  # a supplement's receipt, to print
        self.case = RemoteCasePage(shell, self)  # another window's application (issue 16)
        self.pages: dict[str, QWidget] = {
            "home": self.home,
            "intake": self.intake,
            "detail": self.detail,
            "stats": self.stats,
            "settings": self.settings,
            "receipt": self.receipt,
            "case": self.case,
        }
        for page in self.pages.values():
            self.stack.addWidget(page)
        box = QVBoxLayout(self)
        box.addLayout(bar)
        box.addWidget(self.stack, 1)
        self.sync_timer = QTimer(self)
        self.sync_timer.timeout.connect(self.refresh_sync)
        self.citizen: Any = None
        shell.sync_reported.connect(self._synced)

    def _bar(self) -> QHBoxLayout:
        role = getattr(self.shell.session, "role", "clerk")
        clerk = getattr(self.shell.session, "clerk_id", "")
        bar = QHBoxLayout()
        bar.addWidget(
            button(
                self.tr("&Home"), key("nav_home"), lambda: self.show_page("home"), self, "nav_home"
            )
        )
        bar.addWidget(
            button(
                self.tr("&New application"), key("nav_new"), self.new_application, self, "nav_new"
            )
        )
        bar.addWidget(
            button(
                self.tr("S&tatistics"),
                key("nav_stats"),
                lambda: self.show_page("stats"),
                self,
                "nav_stats",
            )
        )
        settings = button(
            self.tr("Setti&ngs"),
            key("nav_settings"),
            lambda: self.show_page("settings"),
            self,
            "nav_settings",
        )
        settings.setVisible(role == "admin")
        bar.addWidget(settings)
        bar.addStretch(1)
        who = QLabel(self.tr("Signed in: {clerk}").format(clerk=clerk), self)
        who.setObjectName("signed_in")
        bar.addWidget(who)
        bar.addWidget(
            button(
                self.tr("&Log out"),
                key("nav_logout"),
                lambda: self.shell.logout("clerk"),
                self,
                "nav_logout",
            )
        )
        return bar

    def start(self, page: str = "home", offer_draft: bool = True) -> None:
        from counter_app.ui.citizen import CitizenScreen

        self.show_page(page)
        self.attach_citizen(CitizenScreen.on_second_screen(self.shell))
        self.refresh_sync()
        self.sync_timer.start(SYNC_POLL_MS)
        if offer_draft:
            self.intake.keeper.offer()  # after login: an unfinished application

    def attach_citizen(self, screen: Any) -> None:
        """Mirror the review to the citizen's screen, wait for the citizen's confirmation
        before the signature, and ask them for a rating afterwards."""
        self.citizen = screen
        self.intake.gate.attach(screen)
        if screen is not None:
            self.intake.mirror.connect(screen.show_review)
            self.intake.accepted.connect(screen.ask_rating)
            self.detail.supplemented.connect(lambda r: screen.ask_rating(r, "supplement"))
            self.detail.result_handed_over.connect(
                lambda no: screen.ask_rating(_Receipt(no), "result")
            )

    def shutdown(self) -> None:
        self.sync_timer.stop()
        self.intake.keeper.flush()
        if self.citizen is not None:
            self.citizen.close()
            self.citizen = None

    def retranslate(self) -> None:
        """Rebuild the pages in the new language (the draft is on disk, nothing is lost)."""
        self.shell.rebuild_workspace("settings")

    def show_page(self, name: str) -> None:
        citizen = self.citizen
        if name != "intake" and citizen is not None and not citizen.rating_open():
            citizen.blank()  # the clerk left the application: nothing of it stays there
        page = self.pages[name]
        self.stack.setCurrentWidget(page)
        enter = getattr(page, "enter", None)
        if enter:
            enter()
        self.page_changed.emit(name)

    def new_application(self) -> None:
        self.intake.begin()
        self.show_page("intake")

    def show_receipt(self, result: Any) -> None:
        """A receipt made outside the intake flow (a supplement's acceptance): previewed with
        Print and Save, as after an intake, so it is handed over on paper."""
        self.receipt.show_result(
            str(result.receipt_no),
            str(getattr(result, "kind", "acceptance")),
            str(getattr(result, "due_date", "") or ""),
            str(getattr(result, "display_no", result.receipt_no)),
        )
        self.show_page("receipt")

    def open_case(self, receipt_no: str) -> None:
        """A receipt number this window does not hold: another window's, on the platform."""
        self.case.look_up(receipt_no)
        self.show_page("case")

    def open_detail(self, receipt_no: str) -> None:
        self.detail.load(receipt_no)
        self.show_page("detail")

    def refresh_sync(self) -> None:
        config = self.shell.config
        minutes = getattr(config, "clock_tolerance_minutes", 5)  # no config: the default
        self.shell.ops.store(
            lambda: self.shell.backend.sync_status(minutes), self._show_sync, self._sync_unknown
        )

    def _show_clock(self, status: SyncStatus) -> None:
        """The clock warning beside the sync state: red, in the clerk's language."""
        label = self.shell.clock_label
        label.setVisible(status.clock is not None)
        text = status.clock.get(self.shell.language.code) if status.clock else ""
        label.setText(text)
        label.setAccessibleName(text)
        set_text_color(label, ERROR_COLOR)

    def _show_sync(self, status: SyncStatus) -> None:
        self._show_clock(status)
        label = self.shell.sync_label
        state = self.shell.sync_state
        online = bool(state.get("online"))
        waiting = status.waiting
        last = state.get("last_success") or self.tr("never")
        if not status.enrolled:
            label.setText(
                self.tr("Not enrolled with the platform | waiting: {n}").format(n=waiting)
            )
            set_text_color(label, WARN_COLOR)
            return
        report = state.get("report")
        errors = getattr(report, "errors", None) or []
        label.setToolTip("\n".join(error_message(e, "") for e in errors))
        word = self.tr("Online") if online else self.tr("Offline")
        label.setText(
            self.tr("{state} | waiting: {n} | last sync: {last}").format(
                state=word, n=waiting, last=last
            )
        )
        set_text_color(label, OK_COLOR if online else WARN_COLOR)
        label.setAccessibleName(label.text())

    def _synced(self, report: Any) -> None:
        """Statuses came down from the platform: the list on screen may be stale."""
        if getattr(report, "statuses_pulled", None) and self.stack.currentWidget() is self.home:
            self.home.enter()

    def _sync_unknown(self, _exc: BaseException) -> None:
        self.shell.sync_label.setText(self.tr("Sync state unknown"))


class _Receipt:
    """What `CitizenScreen.ask_rating` reads of an application: its receipt number."""

    def __init__(self, receipt_no: str) -> None:
        self.receipt_no = receipt_no
