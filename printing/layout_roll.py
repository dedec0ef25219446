"""The 80 mm roll layout for thermal printers: one column, 72 mm printable, as long as needed.

A roll has no page breaks, so the page height is computed first (every flowable wrapped at
the printable width) and the PDF is then drawn on one page of exactly that height.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch, mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Spacer

from printing import content, parts
from printing.fonts import register_font
from printing.model import ReceiptData

PAPER_WIDTH = 80 * mm
PRINTABLE_WIDTH = 72 * mm
MARGIN = (PAPER_WIDTH - PRINTABLE_WIDTH) / 2
# One QR module = 6 dots of a 203 dpi thermal head (0.75 mm): whole dots print crisp, and a
# version 10 code (57 modules, every receipt URL measured) is 42.8 mm wide, 48.8 mm with its
# quiet zone, which phones read at arm's length.
QR_MODULE = 6 / 203 * inch
BASE_SIZE = 8.5


def _number_block(data: ReceiptData, styles: parts.Styles) -> list[Flowable]:
    big = ParagraphStyle(
        "number", parent=styles.centred, fontSize=styles.base * 2, leading=styles.base * 2.4
    )
    label = f"{content.RECEIPT_NO.zh} {content.RECEIPT_NO.en}"
    small_centred = ParagraphStyle("sc", parent=styles.small, alignment=styles.centred.alignment)
    return [Paragraph(escape(label), small_centred), Paragraph(escape(data.receipt_no), big)]


def _head(data: ReceiptData, styles: parts.Styles) -> list[Flowable]:
    title = ParagraphStyle(
        "title", parent=styles.centred, fontSize=styles.base * 1.7, leading=styles.base * 2.1
    )
    small_centred = ParagraphStyle("sc", parent=styles.small, alignment=styles.centred.alignment)
    story: list[Flowable] = [
        *parts.bilingual(content.hall_line(data), styles, small_centred),
        Paragraph(escape(content.title(data).zh), title),
        Paragraph(escape(content.title(data).en), small_centred),
        Spacer(1, 2 * mm),
    ]
    if data.duplicate:
        story += [parts.stamp(styles, PRINTABLE_WIDTH), Spacer(1, 2 * mm)]
    return story + _number_block(data, styles)


def _qr_block(data: ReceiptData, styles: parts.Styles) -> list[Flowable]:
    code = ParagraphStyle(
        "code", parent=styles.centred, fontSize=styles.base * 1.5, leading=styles.base * 1.9
    )
    small_centred = ParagraphStyle("sc", parent=styles.small, alignment=styles.centred.alignment)
    typed = f"{content.TYPED_CODE.zh} {content.TYPED_CODE.en}: {data.verification_code}"
    label = f"{content.ADDRESS.zh} {content.ADDRESS.en}:"
    return [
        Spacer(1, 2 * mm),
        parts.QrFlowable(data.tracking_url, QR_MODULE),
        Paragraph(escape(typed), code),
        Paragraph(escape(label), small_centred),
        _unbroken(content.address(data), small_centred),
    ]


def _unbroken(text: str, style: ParagraphStyle) -> Paragraph:
    """`text` on one line, never broken mid-word (an address copied from paper must be
    whole): set smaller until it fits the printable width."""
    size = style.fontSize
    while size > 5 and stringWidth(text, style.fontName, size) > PRINTABLE_WIDTH:
        size -= 0.25
    fitted = ParagraphStyle("unbroken", parent=style, fontSize=size, leading=size * 1.3)
    fitted.wordWrap = None  # Latin wrapping: a text without spaces stays on one line
    return Paragraph(escape(text), fitted)


def story(data: ReceiptData, styles: parts.Styles) -> list[Flowable]:
    """Everything on the roll, top to bottom."""
    return [
        *_head(data, styles),
        parts.rows_table(content.rows(data), styles, PRINTABLE_WIDTH, 0.3),
        *parts.materials_section(data, styles, PRINTABLE_WIDTH),
        *parts.signature_section(data, styles, PRINTABLE_WIDTH * 0.7),
        *_qr_block(data, styles),
        *parts.notes_section(data, styles),
    ]


def story_height(flowables: list[Flowable]) -> float:
    """The height the story takes at the printable width, spacing included."""
    total = 0.0
    for flowable in flowables:
        _, height = flowable.wrap(PRINTABLE_WIDTH, 10_000 * mm)
        total += height + flowable.getSpaceBefore() + flowable.getSpaceAfter()
    return total


def render(data: ReceiptData) -> bytes:
    """The roll receipt as a one-page PDF, 80 mm wide and as long as its content."""
    styles = parts.make_styles(register_font(), BASE_SIZE)
    flowables = story(data, styles)
    height = story_height(flowables) + 2 * MARGIN + 4 * mm  # slack for frame padding
    buffer = io.BytesIO()
    frame = (MARGIN, MARGIN, PRINTABLE_WIDTH, height - 2 * MARGIN)
    doc = parts.document(buffer, (PAPER_WIDTH, height), frame, data)
    doc.build(flowables)
    return buffer.getvalue()
