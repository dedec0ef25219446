"""Step 5: the applicant signs on a pad with a mouse, a pen or a finger.

Strokes are kept as point lists and drawn anti-aliased; `png()` renders them on white at a
fixed size, which is what the receipt prints and the store keeps (by hash).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QPointF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPen,
    QTabletEvent,
    QTouchEvent,
)
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from counter_app.ui.keys import key
from counter_app.ui.widgets import button, tr_text

PNG_SIZE = QSize(600, 200)


class SignaturePad(QWidget):
    """Signals: changed() after each stroke and on clear."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signature_pad")
        self.setAccessibleName(self.tr("Signature pad"))
        self.setMinimumSize(480, 160)
        self.setMaximumSize(PNG_SIZE * 1.5)  # the receipt's 3:1 box, so strokes keep their shape
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents, True)
        self.strokes: list[list[QPointF]] = []
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(self.backgroundRole(), QColor("white"))
        self.setPalette(palette)

    def sizeHint(self) -> QSize:
        return PNG_SIZE * 1.5

    def is_empty(self) -> bool:
        return not any(len(s) > 1 for s in self.strokes)

    def clear(self) -> None:
        self.strokes = []
        self.update()
        self.changed.emit()

    # -- input ----------------------------------------------------------------------------
    def _begin(self, p: QPointF) -> None:
        self.strokes.append([p])

    def _extend(self, p: QPointF) -> None:
        if self.strokes:
            self.strokes[-1].append(p)
            self.update()

    def _end(self) -> None:
        self.changed.emit()

    def mousePressEvent(self, e: QMouseEvent) -> None:
        self._begin(e.position())

    def mouseMoveEvent(self, e: QMouseEvent) -> None:
        if e.buttons() & Qt.MouseButton.LeftButton:
            self._extend(e.position())

    def mouseReleaseEvent(self, e: QMouseEvent) -> None:
        self._extend(e.position())
        self._end()

    def tabletEvent(self, e: QTabletEvent) -> None:
        kind = e.type()
        if kind == QEvent.Type.TabletPress:
            self._begin(e.position())
        elif kind == QEvent.Type.TabletMove:
            self._extend(e.position())
        elif kind == QEvent.Type.TabletRelease:
            self._end()
        e.accept()

    def event(self, e: QEvent) -> bool:
        if isinstance(e, QTouchEvent) and e.points():
            point = e.points()[0].position()
            if e.type() == QEvent.Type.TouchBegin:
                self._begin(point)
            elif e.type() == QEvent.Type.TouchUpdate:
                self._extend(point)
            elif e.type() == QEvent.Type.TouchEnd:
                self._end()
            return True
        return super().event(e)

    # -- drawing --------------------------------------------------------------------------
    def _paint(self, painter: QPainter, sx: float = 1.0, sy: float = 1.0) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(
            QPen(
                QColor("black"),
                3,
                Qt.PenStyle.SolidLine,
                Qt.PenCapStyle.RoundCap,
                Qt.PenJoinStyle.RoundJoin,
            )
        )
        for stroke in self.strokes:
            path = QPainterPath(QPointF(stroke[0].x() * sx, stroke[0].y() * sy))
            for p in stroke[1:]:
                path.lineTo(p.x() * sx, p.y() * sy)
            painter.drawPath(path)

    def paintEvent(self, _e: QEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("white"))
        painter.setPen(QColor("#cccccc"))
        base = self.height() - 30
        painter.drawLine(20, base, self.width() - 20, base)
        self._paint(painter)
        painter.end()

    def png(self) -> bytes | None:
        """The signature as PNG bytes on white, or None when nothing was drawn."""
        if self.is_empty():
            return None
        image = QImage(PNG_SIZE, QImage.Format.Format_RGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        scale = min(
            PNG_SIZE.width() / max(1, self.width()), PNG_SIZE.height() / max(1, self.height())
        )
        self._paint(painter, scale, scale)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")  # type: ignore[call-overload]  # str at run time; stub says bytes
        return bytes(data.data())


class SignatureStep(QWidget):
    """The pad with its instructions and a Clear button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pad = SignaturePad(self)
        note = QLabel(
            self.tr(
                "The applicant signs in the box below. Without a signature the "
                "receipt shows that none was given."
            ),
            self,
        )
        note.setWordWrap(True)
        self.clear_button = button(
            self.tr("C&lear signature"),
            key("clear_signature"),
            self.pad.clear,
            self,
            "clear_signature",
        )
        row = QHBoxLayout()
        row.addWidget(self.clear_button)
        row.addStretch(1)
        self.promise_note = QLabel(self)  # what else is signed: the 容缺 promise
        self.promise_note.setObjectName("promise_note")
        self.promise_note.setWordWrap(True)
        self.promise_note.hide()
        box = QVBoxLayout(self)
        box.addWidget(note)
        box.addWidget(self.promise_note)
        box.addWidget(self.pad, 0, Qt.AlignmentFlag.AlignHCenter)
        box.addLayout(row)
        box.addStretch(1)
        self.saved_png: bytes | None = None

    def png(self) -> bytes | None:
        return self.pad.png() or self.saved_png

    def promise(self, deferred: list[Any]) -> None:
        """Say that this signature also signs the 容缺 promise, naming what follows later."""
        self.promise_note.setVisible(bool(deferred))
        self.promise_note.setText(
            self.tr(
                "容缺受理: by signing, the applicant also promises to bring later, within the "
                "promised time: {materials}. Without them by the date the application may be "
                "refused."
            ).format(materials=", ".join(tr_text(m.name) for m in deferred))
        )

    def focus(self) -> None:
        self.clear_button.setFocus()
