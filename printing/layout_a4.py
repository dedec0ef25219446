"""The A4 layout for laser printers: a header with the receipt number and the QR on EVERY
page, the body flowing onto further pages when thirty materials do not fit on one.

A citizen may be handed page 2 alone; it still carries the number, the QR and the code.
"""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable

from printing import content, parts
from printing.fonts import register_font
from printing.model import ReceiptData

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
HEADER = 52 * mm
FOOTER = 14 * mm
BODY_WIDTH = PAGE_WIDTH - 2 * MARGIN
QR_SIZE = 40 * mm
BASE_SIZE = 10.5


class _Header:
    """Draws the repeating header and footer; holds the QR matrix so it is computed once."""

    def __init__(self, data: ReceiptData, font: str) -> None:
        self.data = data
        self.font = font
        self.matrix, self.version = parts.qr_matrix(data.tracking_url)

    def __call__(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        top = PAGE_HEIGHT - MARGIN
        self._titles(canvas, top, doc.page)
        self._qr(canvas, top)
        if self.data.duplicate:
            self._duplicate(canvas, top)
        canvas.setStrokeColor(parts.LINE)
        canvas.line(MARGIN, top - HEADER + 3 * mm, PAGE_WIDTH - MARGIN, top - HEADER + 3 * mm)
        self._footer(canvas, doc.page)
        canvas.restoreState()

    def _text(self, canvas: Canvas, x: float, y: float, size: float, text: str) -> None:
        canvas.setFont(self.font, size)
        canvas.drawString(x, y, text)

    def _titles(self, canvas: Canvas, top: float, page: int) -> None:
        title = content.title(self.data)
        canvas.setFillColor(parts.GREY)
        hall = content.hall_line(self.data)
        self._text(canvas, MARGIN, top - 3 * mm, 9, f"{hall.zh}  {hall.en}")
        canvas.setFillColor(colors.black)
        suffix = f"（{content.CONTINUED.zh}）" if page > 1 else ""
        self._text(canvas, MARGIN, top - 13 * mm, 22, title.zh + suffix)
        canvas.setFillColor(parts.GREY)
        suffix = f" ({content.CONTINUED.en})" if page > 1 else ""
        self._text(canvas, MARGIN, top - 19 * mm, 11, title.en + suffix)
        label = f"{content.RECEIPT_NO.zh}  {content.RECEIPT_NO.en}"
        self._text(canvas, MARGIN, top - 28 * mm, 9, label)
        canvas.setFillColor(colors.black)
        self._text(canvas, MARGIN, top - 40 * mm, 28, self.data.receipt_no)

    def _qr(self, canvas: Canvas, top: float) -> None:
        x = PAGE_WIDTH - MARGIN - QR_SIZE
        parts.draw_qr(canvas, self.matrix, x, top - QR_SIZE, QR_SIZE)
        canvas.setFont(self.font, 11)
        code = f"{content.TYPED_CODE.zh} {self.data.verification_code}"
        canvas.drawCentredString(x + QR_SIZE / 2, top - QR_SIZE - 5 * mm, code)

    def _duplicate(self, canvas: Canvas, top: float) -> None:
        text = f"{content.DUPLICATE.zh} {content.DUPLICATE.en}"
        canvas.setStrokeColor(parts.STAMP)
        canvas.setFillColor(parts.STAMP)
        canvas.setLineWidth(2)
        x, y, w, h = 96 * mm, top - 24 * mm, 48 * mm, 12 * mm
        canvas.rect(x, y, w, h, stroke=1, fill=0)
        canvas.setFont(self.font, 16)
        canvas.drawCentredString(x + w / 2, y + 3.5 * mm, text)
        canvas.saveState()  # a faint diagonal watermark behind the body, on every page
        canvas.setFillColor(colors.Color(0.8, 0, 0, alpha=0.08))
        canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2 - 40 * mm)
        canvas.rotate(50)
        canvas.setFont(self.font, 72)
        canvas.drawCentredString(0, 0, text)
        canvas.restoreState()

    def _footer(self, canvas: Canvas, page: int) -> None:
        canvas.setFillColor(parts.GREY)
        canvas.setStrokeColor(parts.LINE)
        canvas.line(MARGIN, MARGIN + 8 * mm, PAGE_WIDTH - MARGIN, MARGIN + 8 * mm)
        address = f"{content.ADDRESS.zh} {content.ADDRESS.en}: {content.address(self.data)}"
        self._text(canvas, MARGIN, MARGIN + 4 * mm, 8, address)
        canvas.setFont(self.font, 8)
        label = f"{self.data.receipt_no}　第 {page} 页 / page {page}"
        canvas.drawRightString(PAGE_WIDTH - MARGIN, MARGIN, label)


def story(data: ReceiptData, styles: parts.Styles) -> list[Flowable]:
    """The body below the header, flowing over as many pages as it needs."""
    return [
        parts.rows_table(content.rows(data), styles, BODY_WIDTH, 0.22),
        *parts.materials_section(data, styles, BODY_WIDTH),
        *parts.signature_section(data, styles, 70 * mm),
        *parts.notes_section(data, styles),
    ]


def render(data: ReceiptData) -> bytes:
    """The receipt or notice on A4, as many pages as the content needs."""
    font = register_font()
    styles = parts.make_styles(font, BASE_SIZE)
    frame = (MARGIN, MARGIN + FOOTER, BODY_WIDTH, PAGE_HEIGHT - 2 * MARGIN - HEADER - FOOTER)
    buffer = io.BytesIO()
    doc = parts.document(buffer, A4, frame, data, on_page=_Header(data, font))
    doc.build(story(data, styles))
    return buffer.getvalue()
