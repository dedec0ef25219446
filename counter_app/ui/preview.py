"""Previewing a material or a receipt: images in a label, PDFs through QtPdf."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QDialog, QLabel, QScrollArea, QVBoxLayout, QWidget

from counter_app.ui.keys import key
from counter_app.ui.widgets import button, open_once

IMAGE_TYPES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp"}


class PdfPane(QPdfView):
    """Shows PDF bytes. The document is not a child of the view: deleting a QPdfView
    together with a child QPdfDocument crashes Qt 6.12, so the document (and the buffer it
    reads, its child) live as long as this Python object."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]  # Qt takes None; the stub wants a parent
        self.setObjectName("pdf_view")
        self.pdf = QPdfDocument()
        self.buffer: QBuffer | None = None
        self.setDocument(self.pdf)
        self.setPageMode(QPdfView.PageMode.MultiPage)
        self.setZoomMode(QPdfView.ZoomMode.FitInView)  # the whole page, as it will print

    def show_pdf(self, data: bytes) -> bool:
        """Load `data`; False when Qt cannot read it."""
        self.pdf.close()
        buffer = QBuffer(self.pdf)
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.buffer = buffer
        self.pdf.load(buffer)
        return bool(self.pdf.status() == QPdfDocument.Status.Ready)


class PreviewDialog(QDialog):
    """A non-modal preview of one file; Esc closes it."""

    @classmethod
    def show_file(cls, path: Path, parent: QWidget) -> PreviewDialog:
        dialog = cls(path, parent)
        open_once(dialog)
        return dialog

    def __init__(self, path: Path, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("preview_dialog")
        self.setWindowTitle(self.tr("Preview: {name}").format(name=path.name))
        self.resize(700, 800)
        box = QVBoxLayout(self)
        box.addWidget(self._content(path), 1)
        box.addWidget(
            button(self.tr("Close"), key("close_preview"), self.reject, self, "close_preview")
        )

    def _content(self, path: Path) -> QWidget:
        suffix = path.suffix.lower()
        if suffix == ".pdf":
            pane = PdfPane(self)
            try:
                ok = pane.show_pdf(path.read_bytes())
            except OSError:
                ok = False
            if ok:
                return pane
        elif suffix in IMAGE_TYPES:
            pixmap = QPixmap(str(path))
            if not pixmap.isNull():
                label = QLabel(self)
                label.setPixmap(
                    pixmap.scaledToWidth(660, Qt.TransformationMode.SmoothTransformation)
                )
                area = QScrollArea(self)
                area.setWidget(label)
                return area
        return QLabel(self.tr("This file cannot be previewed."), self)
