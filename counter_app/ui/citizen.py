"""The screen facing the citizen, where the `citizen_screen` setting puts it (off, auto: a
second screen when there is one, or screen N). It never takes the clerk's keyboard.

It mirrors what the clerk entered (the review page) so the citizen can check it before
signing, and after each service event at the window (acceptance, one-time notice,
supplement, handing over the result) invites a 好差评 rating, 一次一评: the four window
sub-scores of GB/T 39046 (overall, efficiency, competence, attitude), each one of the five
levels. Keys 1-5 on the citizen's keypad are the standard codes (1 = 非常满意 … 5 =
非常不满意) and answer the highlighted line, then move on; a tap answers any line. After the
fourth answer (or Enter, once the overall level is given) the rating is kept and sent up.

Before the signature the citizen confirms the summary (a touch on Confirm; Enter or 0 where
that screen has a keyboard of its own), or the clerk cannot go on (`intake.citizen_gate`).
Between applications, and when nobody is served, it is blank: its widgets are emptied, so it
never shows an earlier applicant's data to the next one.
"""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QScreen
from PySide6.QtWidgets import (
    QApplication,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from counter_app.ui.style import LIST_MAX_WIDTH, limit_width
from counter_app.ui.widgets import take_focus
from sync.ratings import EVENTS, SUB_SCORES, Satisfaction, ServiceEvent

if TYPE_CHECKING:
    from counter_app.ui.shell import Shell

LINES = tuple(SUB_SCORES)  # overall, efficiency, level, attitude: in the order asked
log = logging.getLogger(__name__)
REST_MS = 8_000  # the "thank you" stays this long, then the screen is blank again
RATING_MS = 90_000  # an unanswered rating question goes after this long


def pick_screen(setting: str, screens: list[QScreen]) -> QScreen | None:
    """The screen for the citizen: none when `off`, the second one when `auto` and there
    is one, screen N when N exists (counted from 0)."""
    if setting == "off":
        return None
    if setting == "auto":
        return screens[1] if len(screens) > 1 else None
    number = int(setting)
    if number >= len(screens):
        log.warning("citizen_screen = %s, but only %d screen(s) here", setting, len(screens))
        return None
    return screens[number]


class CitizenScreen(QWidget):
    """Signals: rated(str, str, object) with the receipt number, the service event and the
    sub-scores {line: code}; stored(bool) once the rating was kept (False: it was not);
    confirmed() when the citizen confirmed the summary shown by `ask_confirm`."""

    rated = Signal(str, str, object)
    stored = Signal(bool)
    confirmed = Signal()

    @classmethod
    def on_second_screen(cls, shell: Shell, force: bool = False) -> CitizenScreen | None:
        """Open where the `citizen_screen` setting says (`force`: on the first screen, for
        tests on one screen)."""
        setting = "0" if force else str(getattr(shell.config, "citizen_screen", "auto"))
        target = pick_screen(setting, QGuiApplication.screens())
        if target is None:
            return None
        before = QApplication.focusWidget()
        screen = cls(shell)
        screen.setScreen(target)
        screen.setGeometry(target.geometry())
        screen.show()
        take_focus(shell.window, before)  # the clerk's keyboard stays with the clerk's window
        return screen

    def __init__(self, shell: Shell) -> None:
        # the citizen's screen never takes the keyboard from the clerk's window (the citizen
        # touches: touch and mouse need no focus)
        super().__init__(None, Qt.WindowType.Window | Qt.WindowType.WindowDoesNotAcceptFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setObjectName("citizen_screen")
        self.shell = shell
        self.receipt_no = ""
        self.setWindowTitle(self.tr("Please check your application"))
        self.stack = QStackedWidget(self)
        self.welcome = QLabel(
            self.tr("Welcome. Your application will appear here for you to check."), self
        )
        self.welcome.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.mirror = QTextBrowser(self)
        self.mirror.setObjectName("citizen_mirror")
        self.rating = self._rating_page()
        for page in (self.welcome, self.mirror, self.rating):
            self.stack.addWidget(page)
        self.confirm_row = self._confirm_row()
        box = QVBoxLayout(self)
        box.addWidget(self.stack)
        box.addWidget(self.confirm_row)
        self.rated.connect(self._store_rating)
        self.service_event = ""
        self.answers: dict[str, int] = {}
        self.rating_uuid = ""
        self.rest = QTimer(self)  # back to the blank welcome page
        self.rest.setSingleShot(True)
        self.rest.timeout.connect(self.blank)

    def _lang(self) -> str:
        return str(getattr(getattr(self.shell, "language", None), "code", "en"))

    def _rating_page(self) -> QWidget:
        page = QWidget(self)
        self.rating_question = QLabel(page)
        self.rating_question.setObjectName("rating_question")
        self.rating_question.setAlignment(Qt.AlignmentFlag.AlignCenter)
        grid = QGridLayout()
        self.line_labels: dict[str, QLabel] = {}
        self.buttons: dict[tuple[str, int], QPushButton] = {}
        for row, line in enumerate(LINES):
            self.line_labels[line] = QLabel(SUB_SCORES[line].get(self._lang()), page)
            grid.addWidget(self.line_labels[line], row, 0)
            for level in Satisfaction:
                grid.addWidget(self._button(page, line, level), row, int(level))
        self.send_button = QPushButton(self.tr("Send"), page)
        self.send_button.setObjectName("rate_send")
        self.send_button.clicked.connect(self.send)
        buttons = QWidget(page)  # a row of touch buttons, not bars across the whole screen
        buttons.setObjectName("rating_buttons")
        limit_width(LIST_MAX_WIDTH, buttons)
        inner = QVBoxLayout(buttons)
        inner.addLayout(grid)
        inner.addWidget(self.send_button)
        box = QVBoxLayout(page)
        box.addWidget(self.rating_question)
        box.addWidget(buttons)
        return page

    def _button(self, page: QWidget, line: str, level: Satisfaction) -> QPushButton:
        words = level.words.get(self._lang())
        b = QPushButton(f"{words}\n{'★' * level.stars}", page)
        b.setObjectName(f"rate_{line}_{int(level)}")
        b.setAccessibleName(f"{SUB_SCORES[line].get(self._lang())}: {words}")
        b.setCheckable(True)
        b.clicked.connect(lambda _c=False, ln=line, lv=int(level): self.answer(ln, lv))
        self.buttons[(line, int(level))] = b
        return b

    # -- the citizen confirms; blank between applications ---------------------------------
    def _confirm_row(self) -> QWidget:
        row = QWidget(self)
        self.confirm_note = QLabel(
            self.tr("Is everything right? Touch Confirm; if not, tell the clerk."), row
        )
        self.confirm_note.setWordWrap(True)
        self.confirm_button = QPushButton(self.tr("Confirm"), row)
        self.confirm_button.setObjectName("citizen_confirm")
        self.confirm_button.clicked.connect(self.confirm)
        box = QHBoxLayout(row)
        box.addWidget(self.confirm_note, 1)
        box.addWidget(self.confirm_button)
        row.hide()
        return row

    def blank(self) -> None:
        """Between applications and when idle: the welcome page and nothing else; the last
        applicant's summary is dropped from the widgets, not just hidden."""
        self.rest.stop()
        self.mirror.clear()
        self.confirm_row.hide()
        self.receipt_no = ""
        self.stack.setCurrentWidget(self.welcome)

    def rating_open(self) -> bool:
        """The citizen is being asked for a rating (the clerk may already be elsewhere)."""
        return self.stack.currentWidget() is self.rating and bool(self.receipt_no)

    def ask_confirm(self, html: str) -> None:
        """Show the summary and wait for the citizen's confirmation."""
        self.show_review(html)
        self.confirm_row.show()

    def confirm(self) -> None:
        if self.confirm_row.isVisible():
            self.confirm_row.hide()
            self.confirmed.emit()

    def show_review(self, html: str) -> None:
        self.rest.stop()
        self.confirm_row.hide()
        self.mirror.setHtml(html)
        self.stack.setCurrentWidget(self.mirror)

    def ask_rating(self, result: Any, event: str = "") -> None:
        """Invite a rating of the service event `event` (the result's kind when not given:
        "acceptance" or "notice") of the application `result.receipt_no`."""
        self.confirm_row.hide()
        self.mirror.clear()  # the summary goes; the question stays until answered or RATING_MS
        self.rest.start(RATING_MS)
        self.receipt_no = str(result.receipt_no)
        self.service_event = event or str(getattr(result, "kind", "") or ServiceEvent.ACCEPTANCE)
        self.answers = {}
        self.rating_uuid = str(uuid.uuid4())  # a retried store is the same rating
        name = EVENTS.get(ServiceEvent(self.service_event), EVENTS[ServiceEvent.ACCEPTANCE])
        self.rating_question.setText(
            self.tr(
                "How satisfied are you with this service ({event})? Keys 1-5: 1 is best."
            ).format(event=name.get(self._lang()))
        )
        self._show_answers()
        self.stack.setCurrentWidget(self.rating)

    def _current(self) -> str | None:
        return next((line for line in LINES if line not in self.answers), None)

    def _show_answers(self) -> None:
        current = self._current()
        for (line, level), b in self.buttons.items():
            b.setChecked(self.answers.get(line) == level)
        for line, label in self.line_labels.items():
            label.setStyleSheet("font-weight: bold" if line == current else "")
        self.send_button.setEnabled("overall" in self.answers)

    def answer(self, line: str, code: int) -> None:
        """One line answered; the fourth answer sends the rating."""
        if not self.receipt_no or self.stack.currentWidget() is not self.rating:
            return
        self.answers[line] = code
        self._show_answers()
        if self._current() is None:
            self.send()

    def rate(self, code: int) -> None:
        """A key press: answers the highlighted line."""
        current = self._current() if self.receipt_no else None
        if current is not None:
            self.answer(current, code)

    def send(self) -> None:
        if not self.receipt_no or "overall" not in self.answers:
            return
        self.rated.emit(self.receipt_no, self.service_event, dict(self.answers))
        self.rating_question.setText(self.tr("Thank you!"))
        self.receipt_no = ""
        self.rest.start(REST_MS)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if self.confirm_row.isVisible() and (enter or text == "0"):
            self.confirm()
        elif text in {"1", "2", "3", "4", "5"}:
            self.rate(int(text))
        elif enter:
            self.send()
        else:
            super().keyPressEvent(event)

    def _store_rating(self, receipt_no: str, event: str, answers: dict[str, int]) -> None:
        key, codes = self.rating_uuid, dict(answers)
        self.shell.ops.store(
            lambda: self.shell.backend.record_rating(
                receipt_no,
                codes["overall"],
                event,
                overall=codes.get("overall"),
                efficiency=codes.get("efficiency"),
                level=codes.get("level"),
                attitude=codes.get("attitude"),
                uuid=key,
            ),
            lambda _r: self.stored.emit(True),
            self._not_stored,
        )

    def _not_stored(self, _exc: BaseException) -> None:
        """The rating could not be kept: say so on the screen (the clerk sees the log)."""
        self.rating_question.setText(self.tr("Sorry, your rating could not be saved."))
        self.stored.emit(False)
