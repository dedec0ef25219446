"""The case panel beside every intake step and the "what next" line under it, walked by keys
through the real intake as a clerk does."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from counter_app.ui.shell import Shell
from tests.ui.helpers import press
from tests.ui.test_intake import (
    APPLICANT,
    answer_form,
    fill_applicant,
    png_file,
    start_intake,
    type_in_file_dialog,
)


def panel_text(shell: Shell) -> str:
    return shell.workspace.intake.case.text()


def value(shell: Shell, key: str) -> str:
    return shell.workspace.intake.case.values[key].text()


def test_the_panel_follows_the_application_and_never_shows_the_full_id(
    qtbot, shell: Shell, tmp_path: Path
) -> None:
    start_intake(qtbot, shell)
    flow = shell.workspace.intake
    assert flow.case.isVisible()
    assert value(shell, "item") == "Social security card application (RS-001)"
    assert value(shell, "fee") == "free"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} if complete today", value(shell, "promised"))
    fill_applicant(qtbot, shell)
    id_no, name, phone = APPLICANT
    qtbot.waitUntil(lambda: "002X" in value(shell, "applicant"))
    shown = panel_text(shell)
    assert "*" * 14 + "002X" in shown and "*" * 7 + "8000" in shown
    assert id_no not in shown and id_no[:6] not in shown and phone not in shown
    assert name not in shown and "张*丰" in shown
    answer_form(qtbot, shell)
    assert value(shell, "materials").splitlines()[:2] == [
        "✗ Resident identity card",
        "✗ Recent passport-style photo (digital)",
    ]
    assert value(shell, "missing").splitlines() == [
        "Resident identity card",
        "Recent passport-style photo (digital)",
    ]
    flow.materials.table.selectRow(0)
    press(qtbot, Qt.Key.Key_Return)
    type_in_file_dialog(qtbot, shell, png_file(tmp_path / "card.png"))
    qtbot.waitUntil(lambda: "✓ Resident identity card" in value(shell, "materials"))
    assert value(shell, "missing") == "Recent passport-style photo (digital)"
    assert id_no not in panel_text(shell)


def _named_key(hint: str, before: str) -> QKeySequence:
    """The key the line names just before `before` (e.g. "Ctrl+Return: on to the form")."""
    match = re.search(r"([\w+]+)" + re.escape(before), hint)
    assert match, hint
    return QKeySequence(match.group(1))


def test_what_next_names_the_key_that_really_moves_on(qtbot, shell: Shell) -> None:
    start_intake(qtbot, shell)
    flow = shell.workspace.intake
    assert flow.hint.isVisible()
    walk = [("applicant", ": the form", "form"), ("form", ": check and go on", "materials")]
    fill = {"applicant": lambda: fill_applicant_fields(qtbot, shell), "form": lambda: None}
    for step, phrase, following in walk:
        assert flow.step == step
        fill[step]()
        key = _named_key(flow.hint.text(), phrase)[0]
        press(qtbot, key.key(), key.keyboardModifiers())
        if step == "form":  # an empty form stays, and says so at each field
            qtbot.waitUntil(flow.problem.isVisible)
            answer_form(qtbot, shell)
        qtbot.waitUntil(lambda following=following: flow.step == following, timeout=5_000)
    assert "a one-time notice will list what is missing" in flow.hint.text()
    assert "Return" in flow.hint.text() and "Ctrl+R" in flow.hint.text()


def fill_applicant_fields(qtbot, shell: Shell) -> None:  # type: ignore[no-untyped-def]
    """The applicant's three fields, typed, without moving on."""
    from tests.ui.helpers import focused, type_text

    for text in APPLICANT:
        type_text(qtbot, focused(qtbot), text)
        press(qtbot, Qt.Key.Key_Tab)


def test_panel_and_line_speak_chinese_with_the_keys_qt_shows(qtbot, qapp, data_dir) -> None:  # type: ignore[no-untyped-def]
    from tests.ui.conftest import close_shell, open_shell

    shell = open_shell(qapp, data_dir, lang="zh_CN")
    try:
        qtbot.waitUntil(lambda: bool(shell.identity), timeout=10_000)
        shell.window.activateWindow()
        qtbot.waitUntil(shell.window.isActiveWindow)
        start_intake(qtbot, shell)
        flow = shell.workspace.intake
        assert flow.case.values["fee"].text() == "免费"
        assert "本件申请" in flow.case.text() and "尚缺材料" in flow.case.text()
        next_key = flow.next_button.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        assert flow.hint.text() == f"先输入证件号码（老申请人自动带出资料）；{next_key}：进入表单。"
    finally:
        close_shell(qapp, shell)
