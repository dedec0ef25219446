"""The result of a save that finishes after the clerk already began the next application (F3
while "Accept" was still running). The new application keeps the page and the focus, so
nothing the clerk types is lost; the late result goes to the status bar instead, and the
saved application is in the list on the home page (its receipt is printed from its detail).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication

from counter_app.ui.widgets import error_message

if TYPE_CHECKING:
    from counter_app.ui.drafts import Draft
    from counter_app.ui.intake.flow import IntakeFlow

log = logging.getLogger(__name__)


def unless_late(
    flow: IntakeFlow,
    draft: Draft,
    on_success: Callable[[Any], None],
    on_failure: Callable[[BaseException], None],
) -> tuple[Callable[[Any], None], Callable[[BaseException], None]]:
    """The callbacks of the save of `draft`: the flow's own while `draft` is still the one on
    screen; once F3 began another (`flow.draft` replaced), the late ones below."""

    def ok(result: Any) -> None:
        on_success(result) if flow.draft is draft else saved(flow, result)

    def err(exc: BaseException) -> None:
        on_failure(exc) if flow.draft is draft else refused(flow, exc, draft)

    return ok, err


def saved(flow: IntakeFlow, result: Any) -> None:
    """Say the earlier application is saved, without leaving the page the clerk is on."""
    message = QCoreApplication.translate(
        "IntakeFlow", "The previous application is saved: {no}"
    ).format(no=result.receipt_no)
    flow.shell.window.statusBar().showMessage(message)
    flow.accepted.emit(result)
    if flow.shell.sync_runner is not None:
        flow.shell.sync_runner.wake()


def refused(flow: IntakeFlow, exc: BaseException, draft: Draft) -> None:
    """The earlier application was not saved: say so where it stays visible, without a dialog
    that would take the keyboard from the new application."""
    log.warning("late save of %s failed: %r", draft.applicant, exc)
    reason = error_message(
        exc, QCoreApplication.translate("IntakeFlow", "The application could not be saved.")
    )
    message = QCoreApplication.translate(
        "IntakeFlow", "The previous application was NOT saved: {reason}"
    ).format(reason=reason)
    flow.shell.window.statusBar().showMessage(message)
