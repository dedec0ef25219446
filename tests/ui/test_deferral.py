"""容缺受理 in the window, walked by keys: a deferrable material is marked "bring it later"
(Ctrl+Shift+D) with its catch-up date, the applicant signs the promise, Accept takes it
through the same service call as `counter-app intake --defer`, and the result page offers
the two-copy 容缺受理通知书 whose QR a scanner reads. A date past the promised limit is
refused at the date field and nothing is accepted."""

from __future__ import annotations

import subprocess
from pathlib import Path

import zxingcpp
from PIL import Image

from PySide6.QtCore import QPoint, Qt

from counter_app.terminal import Terminal
from counter_app.ui.shell import Shell
from tests.printing.printing_support import page_texts
from tests.ui.helpers import focused, press, type_into, type_text
from tests.ui.test_intake import (
    CTRL,
    choose,
    fill_applicant,
    next_step,
    png_file,
    start_intake,
    type_in_file_dialog,
)

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def _to_materials(qtbot, shell: Shell, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """SCJG-001 filled by keys, the operator's ID attached; the premises proof is missing."""
    start_intake(qtbot, shell, "SCJG-001")
    flow = shell.workspace.intake
    fill_applicant(qtbot, shell)
    rows = flow.form.rows
    assert focused(qtbot) is rows["operator_name"].editor  # the first empty field
    type_text(qtbot, rows["operator_name"].editor, "张三丰")
    type_into(qtbot, rows["operator_id_no"].editor, "11010519491231002X")
    choose(qtbot, shell, "form_of_business", 1)  # run by one person
    first_scope = rows["business_scope"].editor.focus_widgets()[0]
    first_scope.setFocus()
    qtbot.keyClick(first_scope, Qt.Key.Key_Space)  # retail
    rows["premises_address"].editor.setFocus()
    type_text(qtbot, rows["premises_address"].editor, "福州市鼓楼区五四路100号")
    type_into(qtbot, rows["capital"].editor, "5")
    type_into(qtbot, rows["employees"].editor, "2")
    choose(qtbot, shell, "by_agent", 1)  # no
    next_step(qtbot, flow, "materials")
    flow.materials.table.selectRow(0)  # the operator's identity document (main)
    press(qtbot, Qt.Key.Key_Return)
    type_in_file_dialog(qtbot, shell, png_file(tmp_path / "id.png"))
    assert [m.code for m in flow.materials.missing()] == ["premises_proof"]


def _defer_premises(qtbot, shell: Shell) -> None:  # type: ignore[no-untyped-def]
    materials = shell.workspace.intake.materials
    materials.table.setFocus()
    materials.table.selectRow(0)
    assert not materials.defer_button.isEnabled()  # a main material is never deferred
    press(qtbot, Qt.Key.Key_D, CTRL_SHIFT)
    qtbot.wait(300)  # longer than a shortcut's click animation
    assert materials.deferred == {}
    materials.table.setFocus()
    materials.table.selectRow(1)
    press(qtbot, Qt.Key.Key_D, CTRL_SHIFT)
    qtbot.waitUntil(lambda: bool(materials.deferred), timeout=5_000)
    assert materials.deferred == {"premises_proof": materials.latest}  # default: the latest
    assert materials.missing() == []
    assert materials.deferral.date.hasFocus()  # the date is where the keys go next


def _sign(qtbot, shell: Shell) -> None:  # type: ignore[no-untyped-def]
    pad = shell.workspace.intake.signature.pad
    qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(50, 80))
    for x in range(60, 300, 20):
        qtbot.mouseMove(pad, QPoint(x, 80 + (x % 40)))
    with qtbot.waitSignal(pad.changed):
        qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(300, 100))


def _qr_texts(pdf: bytes, tmp_path: Path) -> list[list[str]]:
    """Rasterise each page with pdftoppm (as a scan would be) and read its QR codes."""
    source = tmp_path / "notice.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(source), str(tmp_path / "p")], check=True)
    found = []
    for page in sorted(tmp_path.glob("p-*.png")):
        codes = zxingcpp.read_barcodes(Image.open(page), formats=zxingcpp.BarcodeFormat.QRCode)
        found.append([c.text for c in codes])
    return found


def test_deferred_material_signed_accepted_and_its_notice_offered(
    qtbot, shell: Shell, tmp_path: Path, data_dir: Path
) -> None:
    _to_materials(qtbot, shell, tmp_path)
    flow = shell.workspace.intake
    _defer_premises(qtbot, shell)
    due = flow.materials.latest
    assert str(due) in flow.materials.table.item(1, 2).text()
    next_step(qtbot, flow, "signature")
    note = flow.signature.promise_note
    assert note.isVisibleTo(flow.signature) and "Proof of use of the premises" in note.text()
    _sign(qtbot, shell)
    flow.signature.clear_button.setFocus()
    next_step(qtbot, flow, "review")
    assert flow.next_button.text() == "Accept  Ctrl+Return"  # an acceptance, not a notice
    with qtbot.waitSignal(flow.accepted, timeout=15_000) as accepted:
        press(qtbot, Qt.Key.Key_Return, CTRL)
    result = accepted.args[0]
    assert result.kind == "acceptance"
    page = flow.result
    qtbot.waitUntil(lambda: page.save_button.isEnabled(), timeout=15_000)
    assert page.notice_button.isVisibleTo(page)
    receipt = page.pdf
    press(qtbot, Qt.Key.Key_N, CTRL_SHIFT)
    qtbot.waitUntil(lambda: page.showing_notice, timeout=15_000)
    notice = page.pdf
    assert notice is not None and notice != receipt
    texts = page_texts(notice)
    assert len(texts) == 2 and "第一联" in texts[0] and "第二联" in texts[1]
    assert all("容缺受理通知书" in t and str(due) in t for t in texts)
    codes = _qr_texts(notice, tmp_path)
    assert len(codes) == 2 and codes[0] == codes[1] and len(codes[0]) == 1
    assert f"/t/{result.display_no}?c=" in codes[0][0]
    target = tmp_path / "deferral.pdf"
    with qtbot.waitSignal(page.saved, timeout=10_000):
        press(qtbot, Qt.Key.Key_S, CTRL)
        type_in_file_dialog(qtbot, shell, target)
    assert target.read_bytes() == notice  # Save acts on the notice shown
    press(qtbot, Qt.Key.Key_N, CTRL_SHIFT)
    qtbot.waitUntil(
        lambda: page.pdf is receipt, timeout=5_000
    )  # and the same key shows the receipt again
    with Terminal.open(data_dir) as terminal:
        rows = terminal.store.query("SELECT material_code, due_date FROM deferred_materials")
    assert [(r["material_code"], r["due_date"]) for r in rows] == [("premises_proof", str(due))]


def test_a_date_past_the_promised_limit_is_refused_at_the_field(
    qtbot, shell: Shell, tmp_path: Path, data_dir: Path
) -> None:
    _to_materials(qtbot, shell, tmp_path)
    flow = shell.workspace.intake
    _defer_premises(qtbot, shell)
    press(qtbot, Qt.Key.Key_Up)  # the year: one year later, far past the promised date
    assert flow.materials.deferred["premises_proof"].year == flow.materials.latest.year + 1
    flow.materials.table.setFocus()
    next_step(qtbot, flow, "signature")
    _sign(qtbot, shell)
    flow.signature.clear_button.setFocus()
    next_step(qtbot, flow, "review")
    press(qtbot, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: flow.step == "materials", timeout=15_000)
    field = flow.materials.deferral
    qtbot.waitUntil(lambda: field.problem.isVisibleTo(field), timeout=5_000)
    assert "the catch-up date must be from" in field.problem.text()
    assert field.isVisibleTo(flow.materials)
    with Terminal.open(data_dir) as terminal:
        assert terminal.store.query("SELECT uuid FROM submissions") == []
