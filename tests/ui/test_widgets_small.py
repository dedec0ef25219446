"""Signature pad, previews and the item picker's ordering, one behaviour each."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QLabel, QWidget

from counter_app.ui.intake.picker import ItemPicker, initials
from counter_app.ui.intake.signature import SignaturePad
from counter_app.ui.preview import PdfPane, PreviewDialog
from forms.text import Text


def test_signature_drawn_with_the_mouse_becomes_a_png_and_clears(qtbot) -> None:
    pad = SignaturePad()
    qtbot.addWidget(pad)
    pad.resize(500, 200)
    pad.show()
    assert pad.png() is None
    qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(50, 100))
    for x in range(60, 300, 20):
        qtbot.mouseMove(pad, QPoint(x, 100 + (x % 40)))
    with qtbot.waitSignal(pad.changed):
        qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(300, 120))
    png = pad.png()
    assert png is not None and png.startswith(b"\x89PNG")
    image = QImage.fromData(png)
    assert image.width() == 600 and image.pixelColor(0, 0) == QColor("white")
    pad.clear()
    assert pad.png() is None


def test_preview_shows_images_and_pdfs_and_says_when_it_cannot(qtbot, tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    image = QImage(20, 20, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    png = tmp_path / "a.png"
    image.save(str(png))
    pdf = tmp_path / "a.pdf"
    c = canvas.Canvas(str(pdf))
    c.drawString(100, 700, "x")
    c.save()
    junk = tmp_path / "a.docx"
    junk.write_bytes(b"PK..")
    parent = QWidget()
    qtbot.addWidget(parent)
    shown = {p.suffix: PreviewDialog(p, parent) for p in (png, pdf, junk)}
    assert shown[".pdf"].findChild(PdfPane).pdf.pageCount() == 1
    texts = [label.text() for label in shown[".docx"].findChildren(QLabel)]
    assert "This file cannot be previewed." in texts
    assert any(
        label.pixmap() and not label.pixmap().isNull()
        for label in shown[".png"].findChildren(QLabel)
    )


def _item(code: str, zh: str, en: str) -> SimpleNamespace:
    return SimpleNamespace(code=code, name=Text(zh, en), department=Text("部门", "Dept"))


def test_picker_puts_recent_items_first_and_filters_by_pinyin(qtbot) -> None:
    picker = ItemPicker()
    qtbot.addWidget(picker)
    items = [
        _item("A-1", "社会保障卡申领", "Social security card"),
        _item("B-1", "居民身份证换领", "ID card renewal"),
        _item("C-1", "户口迁入", "Household move-in"),
    ]
    picker.set_items(items, recent=["C-1"])
    first = picker.list.item(0).text()
    assert first.startswith("★ ") and "[C-1]" in first
    assert initials("社会保障卡申领") == "shbzksl"
    qtbot.keyClicks(picker.filter, "jmsfz")
    assert picker.list.count() == 1
    with qtbot.waitSignal(picker.chosen) as chosen:
        qtbot.keyClick(picker.filter, Qt.Key.Key_Return)
    assert chosen.args == ["B-1"]
    picker.filter.clear()
    qtbot.keyClicks(picker.filter, "zzzz")
    assert picker.list.count() == 0 and not picker.empty.isHidden()
