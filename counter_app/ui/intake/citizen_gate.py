"""The citizen confirms before signing: with a citizen's screen, leaving the materials step
shows the summary there and waits for the citizen's Confirm (a key on their keypad or a
touch); only then does the flow go on to the signature. Any step back before the signature
asks again, since the answers may have changed. Without a citizen's screen nothing waits.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from counter_app.ui.widgets import show_error


class CitizenGate(QObject):
    """Signals: passed() when the citizen confirmed the summary."""

    passed = Signal()

    def __init__(self, flow: Any) -> None:
        super().__init__(flow)
        self.flow = flow
        self.screen: Any = None
        self.confirmed = False

    def before_signature(self) -> None:
        """The clerk leaves the materials: on to the signature once the citizen confirmed."""
        if not self.needs_asking():
            self.flow.go("signature")
            return
        self.ask(self.flow.summary())
        show_error(
            self.flow.problem,
            self.tr("The applicant checks the summary on their screen; on when they confirm."),
        )

    def attach(self, screen: Any) -> None:
        self.screen = screen
        if screen is not None:
            screen.confirmed.connect(self._confirmed)

    def needs_asking(self) -> bool:
        return self.screen is not None and not self.confirmed

    def ask(self, html: str) -> None:
        self.screen.ask_confirm(html)

    def reset(self) -> None:
        """Something may have changed: ask again before the signature."""
        self.confirmed = False

    def blank(self) -> None:
        """A new application, or the clerk left it: the citizen's screen shows nothing."""
        self.reset()
        if self.screen is not None:
            self.screen.blank()

    def _confirmed(self) -> None:
        self.confirmed = True
        self.passed.emit()
        if self.flow.step == "materials":
            self.flow.go("signature")
