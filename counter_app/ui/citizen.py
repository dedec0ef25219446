"""The screen facing the citizen, when a second screen is connected.

It mirrors what the clerk entered (the review page) so the citizen can check it before
signing, and after each service event at the window (acceptance, one-time notice,
supplement, handing over the result) invites a 好差评 rating, 一次一评: the four window
sub-scores of GB/T 39046 (overall, efficiency, competence, attitude), each one of the five
levels. Keys 1-5 on the citizen's keypad are the standard codes (1 = 非常满意 … 5 =
非常不满意) and answer the highlighted line, then move on; a tap answers any line. After the
fourth answer (or Enter, once the overall level is given) the rating is kept and sent up.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from sync.ratings import EVENTS, SUB_SCORES, Satisfaction, ServiceEvent

if TYPE_CHECKING:
    from counter_app.ui.shell import Shell

LINES = tuple(SUB_SCORES)  # overall, efficiency, level, attitude: in the order asked


class CitizenScreen(QWidget):
    """Signals: rated(str, str, object) with the receipt number, the service event and the
    sub-scores {line: code}; stored(bool) once the rating was kept (False: it was not)."""

    rated = Signal(str, str, object)
    stored = Signal(bool)

    @classmethod
    def on_second_screen(cls, shell: Shell, force: bool = False) -> CitizenScreen | None:
        """Open on the second screen if there is one (`force`: on the first, for tests)."""
        screens = QGuiApplication.screens()
        if len(screens) < 2 and not force:
            return None
        screen = cls(shell)
        target = screens[1] if len(screens) > 1 else screens[0]
        screen.setScreen(target)
        screen.setGeometry(target.geometry())
        screen.show()
        return screen

    def __init__(self, shell: Shell) -> None:
        super().__init__(None, Qt.WindowType.Window)
        # the citizen's screen never takes the keyboard from the clerk's window
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
        box = QVBoxLayout(self)
        box.addWidget(self.stack)
        self.rated.connect(self._store_rating)
        self.event = ""
        self.answers = {}
        self.rating_uuid = ""

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
        box = QVBoxLayout(page)
        box.addWidget(self.rating_question)
        box.addLayout(grid)
        box.addWidget(self.send_button)
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

    def show_review(self, html: str) -> None:
        self.mirror.setHtml(html)
        self.stack.setCurrentWidget(self.mirror)

    def ask_rating(self, result: Any, event: str = "") -> None:
        """Invite a rating of the service event `event` (the result's kind when not given:
        "acceptance" or "notice") of the application `result.receipt_no`."""
        self.receipt_no = str(result.receipt_no)
        self.event = event or str(getattr(result, "kind", "") or ServiceEvent.ACCEPTANCE)
        self.answers: dict[str, int] = {}
        self.rating_uuid = str(uuid.uuid4())  # a retried store is the same rating
        name = EVENTS.get(ServiceEvent(self.event), EVENTS[ServiceEvent.ACCEPTANCE])
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
        self.rated.emit(self.receipt_no, self.event, dict(self.answers))
        self.rating_question.setText(self.tr("Thank you!"))
        self.receipt_no = ""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if text in {"1", "2", "3", "4", "5"}:
            self.rate(int(text))
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.send()
        else:
            super().keyPressEvent(event)

    def _store_rating(self, receipt_no: str, event: str, answers: dict[str, int]) -> None:
        key, codes = self.rating_uuid, dict(answers)
        self.shell.ops.store(
            lambda: self.shell.backend.record_rating(
                receipt_no, codes["overall"], event, uuid=key, **codes
            ),
            lambda _r: self.stored.emit(True),
            self._not_stored,
        )

    def _not_stored(self, _exc: BaseException) -> None:
        """The rating could not be kept: say so on the screen (the clerk sees the log)."""
        self.rating_question.setText(self.tr("Sorry, your rating could not be saved."))
        self.stored.emit(False)
