"""The clerk benchmark's child: the counter window, offscreen, driven by keys through the
whole intake of each sample item (used by `bench.bench_clerk`; imports Qt).

    python -m bench.clerk_child DATA_DIR GAP_MS CODE [CODE ...]

DATA_DIR is a demo terminal (sample catalog, demo clerks). For each item the answers come
from tests/forms/answers/<code>.json; the clerk presses F3, types the item's code, the
applicant, every answer, attaches a scan to every required material through the file
dialog, goes through signature and review, and accepts. Prints one JSON line with the
counts and times per item, then the baseline: the same number of keys typed into a bare
QLineEdit on the same schedule, and the same applications accepted and rendered by the
window's backend without the window.
"""

from __future__ import annotations

import copy
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QMainWindow

from bench.clerk_keys import Keyboard, Unreachable, wait_until
from bench.core import ROOT

CTRL = Qt.KeyboardModifier.ControlModifier
ANSWERS = ROOT / "tests" / "forms" / "answers"
ID_KEYS = {"person": ("applicant_id_no", "id_no", "operator_id_no"), "company": ("uscc",)}
NAME_KEYS = ("applicant_name", "company_name", "operator_name", "name")
FALLBACK_PHONE = "13800138000"


def applicant_of(item: Any, answers: dict[str, Any]) -> dict[str, str]:
    """Who applies, from the sample answers (a landline is no applicant phone: a mobile)."""
    from forms.applicant import validate_applicant

    kind = getattr(item, "applicant_kind", "person")
    found = {
        "id_no": next((str(answers[k]) for k in ID_KEYS[kind] if answers.get(k)), ""),
        "name": next((str(answers[k]) for k in NAME_KEYS if answers.get(k)), ""),
        "phone": str(answers.get("phone") or answers.get("agent_phone") or ""),
    }
    report = validate_applicant(kind, found["id_no"], found["name"], found["phone"])
    if report.for_field("applicant.phone"):
        found["phone"] = FALLBACK_PHONE
    return found


def fill_view(keys: Keyboard, view: Any, answers: dict[str, Any], prefix: str = "") -> None:
    """Every answered, shown field of a form view, in its order. After each field the
    clerk looks up: fields a condition shows appear after the live check (debounced)."""
    for code, row in view.rows.items():
        value = answers.get(code)
        wait_until(lambda: not keys.settling())
        if value in (None, "", []) or row.isHidden():
            continue
        keys.start_group(prefix + code)
        fill_field(keys, row.editor, value, prefix + code)


def fill_field(keys: Keyboard, editor: Any, value: Any, name: str) -> None:
    kind = type(editor).__name__
    if kind == "LineEditor":
        if editor.text() == str(value):
            return  # carried over from the applicant step: nothing to do
        keys.focus(editor)
        if editor.text():
            keys.press(Qt.Key.Key_A, CTRL)
        keys.type(str(value))
    elif kind == "ChoiceEditor":
        keys.focus(editor)
        wanted = editor.findData(value)
        while editor.currentIndex() != wanted:
            down = editor.currentIndex() < wanted
            keys.press(Qt.Key.Key_Down if down else Qt.Key.Key_Up)
    elif kind == "MultiEditor":
        for option, check in editor.boxes:
            if (option in value) != check.isChecked():
                keys.focus(check)
                keys.press(Qt.Key.Key_Space)
    elif kind == "GroupEditor":
        for index, entry in enumerate(value):
            keys.start_group(f"{name}[{index}]")
            keys.press(Qt.Key.Key_A, CTRL | Qt.KeyboardModifier.ShiftModifier)
            wait_until(lambda n=index: len(editor.entries) > n)  # the shortcut animates a click
            fill_view(keys, editor.entries[-1][1], entry, f"{name}[{index}].")


def attach_all(keys: Keyboard, shell: Any, scan: Path) -> None:
    """Every required material: move to its row, Enter, type the file's path, Enter."""
    step = shell.workspace.intake.materials
    for row, spec in enumerate(step.specs):
        if spec.code not in step.required:
            continue
        keys.start_group(f"material:{spec.code}")
        keys.focus(step.table)
        while step.table.currentRow() != row:
            keys.press(Qt.Key.Key_Down if step.table.currentRow() < row else Qt.Key.Key_Up)
        keys.press(Qt.Key.Key_Return)
        wait_until(lambda: isinstance(QApplication.activeModalWidget(), QFileDialog))
        dialog = QApplication.activeModalWidget()
        wait_until(dialog.isActiveWindow)
        name_box = dialog.findChild(QLineEdit, "fileNameEdit")
        name_box.setText(str(scan))  # pasted: Qt's completer popup cannot take keys offscreen
        keys.press(Qt.Key.Key_Return)
        wait_until(lambda: QApplication.activeModalWidget() is None)
        shell.window.activateWindow()  # what a window manager does when a dialog closes
        wait_until(shell.window.isActiveWindow)
        wait_until(lambda code=spec.code: step.provided(code))


def next_step(keys: Keyboard, flow: Any, expected: str) -> None:
    keys.step(Qt.Key.Key_Return, CTRL)
    wait_until(lambda: flow.step == expected or flow.problem.isVisible())
    if flow.step != expected:
        rows = {} if flow.form is None else flow.form.rows
        errors = [f"{code}: {row.error.text()}" for code, row in rows.items() if row.error.text()]
        raise Unreachable(f"{expected}: {flow.problem.text()} {errors}")


def intake(
    keys: Keyboard, shell: Any, code: str, scan: Path, ignored: list[str], lost: list[str]
) -> dict[str, Any]:
    """One application by keys; what it cost. An F3 the window ignored goes in `ignored`."""
    answers = json.loads((ANSWERS / f"{code}.json").read_text("utf-8"))
    flow = shell.workspace.intake
    keys.item = code
    keys.start_group("item")
    keys_before, start = len(keys.latencies), time.perf_counter()
    keys.step(Qt.Key.Key_F3)
    try:
        wait_until(lambda: flow.step == "item", timeout=3)
    except TimeoutError:  # seen under load after a receipt: the clerk presses it again
        ignored.append(code)
        keys.press(Qt.Key.Key_F3)
    wait_until(lambda: flow.step == "item" and shell.ops.pending == 0)
    wait_until(lambda: flow.picker.list.count() > 0)
    if not flow.picker.filter.hasFocus():  # a clerk would click into the filter
        focus = QApplication.focusWidget()
        lost.append(f"{code}: after F3 the focus was on {focus.objectName() if focus else None}")
        flow.picker.filter.setFocus()
    keys.type(code)
    keys.step(Qt.Key.Key_Return)
    wait_until(lambda: flow.step == "applicant")
    keys.settling = flow.live.isActive
    person = applicant_of(flow.item, answers)
    for index, field in enumerate(("id_no", "name", "phone")):
        keys.start_group(f"applicant.{field}")
        if index:
            keys.focus(flow.applicant.edits[field])
        keys.type(person[field])
    wait_until(lambda: shell.ops.pending == 0)
    next_step(keys, flow, "form")
    fill_view(keys, flow.form, answers)
    wait_until(lambda: shell.ops.pending == 0)
    next_step(keys, flow, "materials")
    attach_all(keys, shell, scan)
    next_step(keys, flow, "signature")
    next_step(keys, flow, "review")
    draft = copy.deepcopy(flow.draft)
    keys.step(Qt.Key.Key_Return, CTRL)
    # the result step first: until it shows, `pdf` is still the previous application's
    wait_until(lambda: flow.step == "result")
    wait_until(lambda: flow.result.pdf is not None)
    seconds = time.perf_counter() - start
    sent = len(keys.latencies) - keys_before
    return {"code": code, "seconds": seconds, "keys": sent, "draft": draft}


def recover(shell: Any) -> None:
    """After a failed item: close what is open and go home, so the next item starts clean."""
    dialog = QApplication.activeModalWidget()
    if dialog is not None:
        dialog.close()
    shell.window.activateWindow()
    shell.workspace.show_page("home")
    wait_until(lambda: shell.ops.pending == 0)


def backend_only(shell: Any, draft: Any) -> float:
    """The same application accepted and its receipt rendered, no window: the baseline."""
    done: list[float] = []
    session, paper = shell.session, shell.prefs.paper
    draft = copy.deepcopy(draft)
    draft.draft_id = draft.draft_id[::-1]

    def work() -> None:
        result = shell.backend.accept(draft, session)
        shell.backend.receipt_pdf(str(result.receipt_no), paper, actor=session.clerk_id)

    start = time.perf_counter()
    shell.ops.store(work, lambda _r: done.append(time.perf_counter() - start), _raise)
    wait_until(lambda: bool(done))
    return done[0]


def _raise(exc: BaseException) -> None:
    raise exc


def bare_typing(count: int, gap: float) -> list[float]:
    """`count` keys typed into a bare QLineEdit on the same schedule: the key baseline."""
    window = QMainWindow()
    edit = QLineEdit(window)
    window.setCentralWidget(edit)
    window.resize(1366, 768)
    window.show()
    window.activateWindow()
    edit.setFocus()
    wait_until(edit.hasFocus)
    keys = Keyboard(gap)
    keys.start_group("bare")
    for index in range(count):
        keys.type("abcdefghij"[index % 10])
        if index % 40 == 39:
            edit.clear()
    window.close()
    return keys.latencies


def open_window(data_dir: Path) -> Any:
    from counter_app.ui.app import Language, make_app
    from counter_app.ui.prefs import Prefs
    from counter_app.ui.shell import Shell

    app = make_app(sys.argv[:1])
    language = Language(app)
    language.set("zh_CN")
    shell = Shell(app, data_dir, language, Prefs.load(data_dir), None)
    shell.start()
    shell.window.resize(1366, 768)
    wait_until(lambda: bool(shell.identity))
    shell.login_page.login_requested.emit("clerk", "demo-clerk-1")
    wait_until(lambda: shell.workspace is not None and shell.ops.pending == 0)
    shell.window.activateWindow()
    wait_until(shell.window.isActiveWindow)
    return shell


def scan_file(folder: Path) -> Path:
    image = QImage(400, 300, QImage.Format.Format_RGB32)
    image.fill(QColor("teal"))
    path = folder / "scan.png"
    image.save(str(path))
    return path


def main(data_dir: Path, gap_ms: float, codes: list[str]) -> dict[str, Any]:
    shell = open_window(data_dir)
    keys = Keyboard(gap_ms / 1000)
    runs, mouse, ignored = [], [], []
    for code in codes:
        try:
            runs.append(intake(keys, shell, code, scan_file(data_dir), ignored, mouse))
        except (Unreachable, TimeoutError) as exc:
            focus = QApplication.focusWidget()
            state = f"focus on {focus.objectName() if focus else None}"
            mouse.append(f"{code} at {shell.workspace.intake.step}: {exc}; {state}")
            recover(shell)
    baseline = [backend_only(shell, run.pop("draft")) for run in runs]
    per_group = {g: keys.extra[g] for g in keys.groups}
    shell.shutdown()
    bare = bare_typing(len(keys.latencies), gap_ms / 1000)
    return {
        "runs": runs,
        "backend_seconds": baseline,
        "mouse": mouse,
        "f3_ignored": ignored,
        "extra_per_group": per_group,
        "data_keys": sum(keys.data.values()),
        "step_keys": keys.steps,
        "latencies": keys.latencies,
        "typing": [t for t, w in zip(keys.latencies, keys.where, strict=True) if " data " in w],
        "slowest": sorted(zip(keys.latencies, keys.where, strict=True), reverse=True)[:5],
        "bare_latencies": bare,
    }


if __name__ == "__main__":
    result = main(Path(sys.argv[1]), float(sys.argv[2]), sys.argv[3:])
    print(json.dumps(result, default=str), flush=True)
    # No interpreter teardown: PySide6 6.12.0's dropped references to None (see
    # clerk_keys.top_up_none) would abort it after the result is out.
    os._exit(0)
