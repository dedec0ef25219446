"""F3 while the previous application is still being saved: the new application keeps the page
and the focus, what the clerk types is kept, and the earlier application is saved anyway."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import Qt

from counter_app.ui.shell import Shell
from tests.ui.helpers import press, type_text
from tests.ui.test_intake import CTRL, answer_form, fill_applicant, next_step, start_intake


def _hold_accept(shell: Shell, fail: bool = False) -> tuple[threading.Event, list[Any]]:
    """Mocked because a real save takes milliseconds here: the backend's accept waits on an
    Event so the test can press F3 while the save is certainly still running."""
    release, results = threading.Event(), []
    real = shell.backend.accept

    def held(draft: Any, session: Any) -> Any:
        release.wait(20)
        if fail:
            raise OSError("disk full")
        results.append(real(draft, session))
        return results[-1]

    shell.backend.accept = held  # type: ignore[method-assign]
    return release, results


def _to_review_and_accept(qtbot, shell: Shell) -> None:  # type: ignore[no-untyped-def]
    start_intake(qtbot, shell)
    flow = shell.workspace.intake
    fill_applicant(qtbot, shell)
    answer_form(qtbot, shell)
    next_step(qtbot, flow, "signature")
    next_step(qtbot, flow, "review")
    press(qtbot, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: not flow.next_button.isEnabled(), timeout=5_000)


def _f3_and_type(qtbot, shell: Shell) -> None:  # type: ignore[no-untyped-def]
    flow = shell.workspace.intake
    press(qtbot, Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: flow.step == "item" and flow.picker.filter.hasFocus(), timeout=5_000)
    type_text(qtbot, flow.picker.filter, "shb")


def test_a_save_finishing_after_f3_keeps_the_new_application(qtbot, shell: Shell) -> None:
    release, results = _hold_accept(shell)
    _to_review_and_accept(qtbot, shell)
    flow = shell.workspace.intake
    _f3_and_type(qtbot, shell)
    release.set()
    qtbot.waitUntil(lambda: bool(results) and shell.ops.pending == 0, timeout=15_000)
    assert flow.step == "item"
    assert flow.picker.filter.hasFocus()
    assert flow.picker.filter.text() == "shb"
    receipt_no = results[0].receipt_no
    assert receipt_no in shell.window.statusBar().currentMessage()
    assert shell.backend.detail(receipt_no) is not None  # the earlier one is saved


def test_a_late_save_failure_is_said_without_taking_the_focus(qtbot, shell: Shell) -> None:
    release, _ = _hold_accept(shell, fail=True)
    _to_review_and_accept(qtbot, shell)
    flow = shell.workspace.intake
    _f3_and_type(qtbot, shell)
    release.set()
    qtbot.waitUntil(
        lambda: "NOT saved" in shell.window.statusBar().currentMessage(), timeout=15_000
    )
    assert flow.step == "item"
    assert flow.picker.filter.hasFocus()
    assert flow.picker.filter.text() == "shb"
