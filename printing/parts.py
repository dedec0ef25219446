"""Drawing pieces shared by the A4 and roll layouts: styles, bilingual paragraphs, tables,
the QR code, the signature and the duplicate stamp.

A layout composes these into a page; nothing here knows the paper size except through the
widths and the base font size it is given.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

import qrcode
import qrcode.constants
from PIL import UnidentifiedImageError
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from forms.text import Text
from printing import content
from printing.errors import ReceiptDataError
from printing.fonts import register_font
from printing.model import ReceiptData
from printing.text_layout import break_lines

GREY = colors.HexColor("#555555")
LINE = colors.HexColor("#999999")
STAMP = colors.HexColor("#c00000")
QUIET_MODULES = 4


@dataclass(frozen=True, slots=True)
class Styles:
    """Paragraph styles for one paper size, all in the embedded font."""

    font: str
    base: float
    body: ParagraphStyle
    small: ParagraphStyle
    heading: ParagraphStyle
    centred: ParagraphStyle


def make_styles(font: str, base: float) -> Styles:
    """Styles scaled from `base` points; CJK wrapping so long names and URLs break anywhere."""

    def style(name: str, size: float, **extra: object) -> ParagraphStyle:
        return ParagraphStyle(
            name, fontName=font, fontSize=size, leading=size * 1.3, wordWrap="CJK", **extra
        )

    return Styles(
        font=font,
        base=base,
        body=style("body", base),
        small=style("small", base * 0.8, textColor=GREY),
        heading=style("heading", base * 1.1, spaceBefore=base * 0.8, spaceAfter=base * 0.3),
        centred=style("centred", base, alignment=TA_CENTER),
    )


class KinsokuParagraph(Paragraph):  # type: ignore[misc]  # reportlab has no types
    """A paragraph broken by the Chinese line-breaking rules (`text_layout.break_lines`):
    reportlab's CJK wrapping lets "，" or "）" start a line and "（" end one.

    Only plain one-style text is broken here (all that `bilingual` makes); anything with
    markup, and the second part of a paragraph split over two pages, is left to reportlab."""

    def breakLinesCJK(self, maxWidths: Any) -> Any:
        frags = self.frags
        if len(frags) != 1 or getattr(self, "_splitpara", False) or not hasattr(frags[0], "text"):
            return super().breakLinesCJK(maxWidths)
        frag = frags[0]
        widths = list(maxWidths) if isinstance(maxWidths, list | tuple) else [maxWidths]

        def room(n: int) -> float:
            return float(widths[min(n, len(widths) - 1)])

        def measure(line: str) -> float:
            return float(stringWidth(line, frag.fontName, frag.fontSize))

        lines = break_lines(frag.text, lambda line, n: measure(line) <= room(n) + 1e-6)
        wrapped = [(room(n) - measure(line), [line]) for n, line in enumerate(lines)]
        return frag.clone(kind=0, lines=wrapped, ascent=frag.fontSize, descent=-0.2 * frag.fontSize)


def bilingual(text: Text, styles: Styles, style: ParagraphStyle | None = None) -> list[Flowable]:
    """Chinese, then English in smaller grey type under it (once if both are equal).

    Two paragraphs rather than one with <br/>: reportlab's CJK wrapping lets a full-width
    full stop hang past the margin and then turns the <br/> into an empty line.
    """
    base = style or styles.body
    chinese = KinsokuParagraph(escape(text.zh), base)
    if text.en == text.zh or not text.en:
        return [chinese]
    size = max(base.fontSize * 0.85, styles.base * 0.78)  # stays legible on a thermal head
    english = ParagraphStyle("en", parent=base, fontSize=size, leading=size * 1.3, textColor=GREY)
    return [chinese, KinsokuParagraph(escape(text.en), english)]


def heading(text: Text, styles: Styles) -> Paragraph:
    markup = f'{escape(text.zh)}　<font size="{styles.base * 0.8:.1f}" color="#555555">'
    return Paragraph(f"{markup}{escape(text.en)}</font>", styles.heading)


def _table(cells: list[list[list[Flowable]]], widths: Sequence[float], font: str) -> Table:
    table = Table(cells, colWidths=list(widths), hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, LINE),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ]
        )
    )
    return table


def rows_table(
    rows: Sequence[content.Row], styles: Styles, width: float, label_share: float
) -> Table:
    """Label | value, one row per fact; values wrap inside their column."""
    cells: list[list[list[Flowable]]] = [
        [bilingual(row.label, styles, styles.small), bilingual(row.value, styles)] for row in rows
    ]
    label_width = width * label_share
    return _table(cells, (label_width, width - label_width), styles.font)


def lines_block(lines: Sequence[Text], styles: Styles) -> list[Flowable]:
    if not lines:
        return bilingual(content.NONE, styles)
    return [flowable for line in lines for flowable in bilingual(line, styles)]


def received_section(data: ReceiptData, styles: Styles) -> list[Flowable]:
    """Materials received, numbered, reused ones marked."""
    return [heading(content.RECEIVED, styles), *lines_block(content.material_lines(data), styles)]


def missing_section(data: ReceiptData, styles: Styles, width: float) -> list[Flowable]:
    """On a notice: every material still needed with its reason, then where to come back."""
    if not data.is_notice:
        return []
    cells: list[list[list[Flowable]]] = [
        [bilingual(row.label, styles), bilingual(row.value, styles)]
        for row in content.missing_lines(data)
    ]
    parts: list[Flowable] = [heading(content.STILL_NEEDED, styles)]
    if cells:
        parts.append(_table(cells, (width * 0.5, width * 0.5), styles.font))
    else:
        parts += bilingual(content.NONE, styles)
    if data.come_back.zh or data.come_back.en:
        parts += [heading(content.COME_BACK, styles), *bilingual(data.come_back, styles)]
    return parts


def materials_section(data: ReceiptData, styles: Styles, width: float) -> list[Flowable]:
    """What a citizen most needs first: on a notice what is still missing, then what was kept."""
    return [*missing_section(data, styles, width), *received_section(data, styles)]


def notes_section(data: ReceiptData, styles: Styles) -> list[Flowable]:
    parts: list[Flowable] = [Spacer(1, styles.base * 0.6)]
    for note in content.closing_notes(data):
        parts += bilingual(note, styles, styles.small)
    return parts + seal_section(data, styles)


def seal_section(data: ReceiptData, styles: Styles) -> list[Flowable]:
    """A notice is issued in writing, dated and sealed: the hall's seal image (when the hall
    set one) over the issuer and the date."""
    if not data.is_notice:
        return []
    found: list[Flowable] = [Spacer(1, styles.base * 0.6)]
    if data.seal_png is not None:
        try:
            ImageReader(io.BytesIO(data.seal_png)).getSize()
        except (OSError, UnidentifiedImageError, ValueError) as exc:
            raise ReceiptDataError(
                Text("公章图片无法读取", "The seal image cannot be read")
            ) from exc
        seal = Image(io.BytesIO(data.seal_png), 32 * mm, 32 * mm, kind="proportional")
        seal.hAlign = "RIGHT"
        found.append(seal)
    line = content.seal_line(data)
    right = ParagraphStyle("seal", parent=styles.body, alignment=2)
    return found + bilingual(line, styles, right)


def signature_section(data: ReceiptData, styles: Styles, max_width: float) -> list[Flowable]:
    """The applicant's signature image, scaled into a box; without one, the receipt says
    so (the signature step promises the clerk and the citizen that it will). A supplement
    receipt has none: the applicant signed at the window that took the application."""
    if data.taken_for:
        return []
    if data.signature_png is None:
        return [heading(content.SIGNATURE, styles), *bilingual(content.UNSIGNED, styles)]
    try:
        reader = ImageReader(io.BytesIO(data.signature_png))
        width, height = reader.getSize()
    except (OSError, UnidentifiedImageError, ValueError) as exc:
        raise ReceiptDataError(
            Text("签名图片无法读取", "The signature image cannot be read")
        ) from exc
    scale = min(max_width / width, 18 * mm / height)
    image = Image(
        io.BytesIO(data.signature_png), width=width * scale, height=height * scale, hAlign="LEFT"
    )
    return [heading(content.SIGNATURE, styles), image]


def stamp(styles: Styles, width: float) -> Table:
    """The "副本 DUPLICATE" box on a reprint's face: red, framed, larger than the body text."""
    style = ParagraphStyle(
        "stamp",
        fontName=styles.font,
        fontSize=styles.base * 1.6,
        leading=styles.base * 2,
        textColor=STAMP,
        alignment=TA_CENTER,
    )
    text = f"{content.DUPLICATE.zh}　{content.DUPLICATE.en}"
    table = Table([[Paragraph(text, style)]], colWidths=[width])
    table.setStyle(
        TableStyle(
            [("BOX", (0, 0), (-1, -1), 1.5, STAMP), ("FONTNAME", (0, 0), (-1, -1), styles.font)]
        )
    )
    return table


def qr_matrix(url: str) -> tuple[list[list[bool]], int]:
    """The QR modules for `url` at error correction M, and the QR version that fitted."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(url)
    code.make(fit=True)
    return code.get_matrix(), int(code.version)


def draw_qr(canvas: Canvas, matrix: list[list[bool]], x: float, y: float, size: float) -> None:
    """Draw `matrix` as vector squares in a `size` square at (x, y), quiet zone included.

    Dark runs in a row become one rectangle, which keeps the PDF small and the edges crisp.
    """
    count = len(matrix)
    module = size / (count + 2 * QUIET_MODULES)
    canvas.saveState()
    canvas.setFillColor(colors.white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(colors.black)
    origin_x = x + QUIET_MODULES * module
    top = y + size - QUIET_MODULES * module
    for r, row in enumerate(matrix):
        c = 0
        while c < count:
            if not row[c]:
                c += 1
                continue
            start = c
            while c < count and row[c]:
                c += 1
            canvas.rect(
                origin_x + start * module,
                top - (r + 1) * module,
                (c - start) * module,
                module,
                stroke=0,
                fill=1,
            )
    canvas.restoreState()


class QrFlowable(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """A QR code in a platypus story, sized by its module so a printer draws whole dots."""

    def __init__(self, url: str, module: float) -> None:
        """`module` is one module's side in points; the flowable adds the quiet zone."""
        super().__init__()
        self.matrix, self.version = qr_matrix(url)
        self.size = module * (len(self.matrix) + 2 * QUIET_MODULES)
        self.hAlign = "CENTER"

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        draw_qr(self.canv, self.matrix, 0, 0, self.size)


def document(
    buffer: io.BytesIO,
    pagesize: tuple[float, float],
    frame_box: tuple[float, float, float, float],
    data: ReceiptData,
    on_page: object = None,
) -> BaseDocTemplate:
    """A document with one unpadded frame (x, y, width, height) per page and the receipt's
    metadata; `on_page(canvas, doc)` draws what repeats on every page."""
    frame = Frame(*frame_box, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    template = PageTemplate(id="receipt", frames=[frame], onPage=on_page or _nothing)
    return BaseDocTemplate(
        buffer,
        pagesize=pagesize,
        pageTemplates=[template],
        title=f"{content.title(data).zh} {data.receipt_no}",
        author=data.hall,
        subject=content.title(data).en,
        initialFontName=frame_font(),
        initialFontSize=9,
    )


def frame_font() -> str:
    """The embedded font as the canvas's initial font, so no unembedded Helvetica is named."""
    return register_font()


def _nothing(canvas: Canvas, doc: BaseDocTemplate) -> None:
    """No decoration on the page."""
