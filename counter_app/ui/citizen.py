"""The screen facing the citizen, when a second screen is connected.

It mirrors what the clerk entered (the review page) so the citizen can check it before
signing, and after acceptance asks for a 1-5 rating, which is kept with the application and
counted in satisfaction. Keys 1-5 on the citizen's keypad (or a tap) give the rating.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from counter_app.ui.shell import Shell


class CitizenScreen(QWidget):
    """Signals: rated(str, int) with the receipt number and the rating."""

    rated = Signal(str, int)

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

    def _rating_page(self) -> QWidget:
        page = QWidget(self)
        self.rating_question = QLabel(
            self.tr("How satisfied are you with our service? (1-5)"), page
        )
        self.rating_question.setAlignment(Qt.AlignmentFlag.AlignCenter)
        row = QHBoxLayout()
        for n in range(1, 6):
            b = QPushButton("★" * n, page)
            b.setObjectName(f"rate_{n}")
            b.setAccessibleName(self.tr("{n} of 5").format(n=n))
            b.clicked.connect(lambda _c=False, n=n: self.rate(n))
            row.addWidget(b)
        box = QVBoxLayout(page)
        box.addWidget(self.rating_question)
        box.addLayout(row)
        return page

    def show_review(self, html: str) -> None:
        self.mirror.setHtml(html)
        self.stack.setCurrentWidget(self.mirror)

    def ask_rating(self, result: Any) -> None:
        self.receipt_no = str(result.receipt_no)
        self.rating_question.setText(self.tr("How satisfied are you with our service? (1-5)"))
        self.stack.setCurrentWidget(self.rating)

    def rate(self, n: int) -> None:
        if self.receipt_no and self.stack.currentWidget() is self.rating:
            self.rated.emit(self.receipt_no, n)
            self.rating_question.setText(self.tr("Thank you!"))
            self.receipt_no = ""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if text in {"1", "2", "3", "4", "5"}:
            self.rate(int(text))
        else:
            super().keyPressEvent(event)

    def _store_rating(self, receipt_no: str, n: int) -> None:
        self.shell.ops.store(
            lambda: self.shell.backend.record_rating(receipt_no, n),
            lambda _r: None,
            lambda _e: None,
        )
