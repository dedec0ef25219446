"""A printer test page for IT staff: is the paper aligned, does Chinese print, does a phone
read the QR code, and which machine sent it.

`counter-app` can print it on A4 or the 80 mm roll through any back-end that takes a PDF.
"""

from __future__ import annotations

import io
import socket
from datetime import datetime

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from forms.text import Text
from printing import parts
from printing.errors import PrintingError
from printing.fonts import register_font
from printing.layout_roll import MARGIN as ROLL_MARGIN
from printing.layout_roll import PAPER_WIDTH as ROLL_WIDTH

SAMPLE_ZH = "中文样张：永和九年，岁在癸丑，暮春之初，会于会稽山阴之兰亭。"
SAMPLE_EN = "The quick brown fox jumps over the lazy dog."
DIGITS = "0123456789 ABCDEFGHJKMNPQRSTVWXYZ"
TEST_URL = "https://example.invalid/printer-test"
ROLL_HEIGHT = 130 * mm


def _ruler(canvas: Canvas, x0: float, y: float, length: float) -> None:
    """A millimetre ruler from x0: long ticks every 10 mm with their number."""
    canvas.line(x0, y, x0 + length, y)
    for tick in range(int(length / mm) + 1):
        x = x0 + tick * mm
        height = 3 * mm if tick % 10 == 0 else (2 * mm if tick % 5 == 0 else 1 * mm)
        canvas.line(x, y, x, y + height)
        if tick % 10 == 0:
            canvas.setFont(register_font(), 6)
            canvas.drawCentredString(x, y + 3.5 * mm, str(tick))


def _body(canvas: Canvas, x: float, top: float, width: float, host: str, now: datetime) -> None:
    font = register_font()
    lines = [
        (16, "打印机测试页"),
        (11, "Printer test page"),
        (9, f"主机 Host: {host}"),
        (9, f"时间 Time: {now:%Y-%m-%d %H:%M:%S %Z}".strip()),
        (11, SAMPLE_ZH[:18]),
        (11, SAMPLE_ZH[18:]),
        (9, SAMPLE_EN),
        (9, DIGITS),
    ]
    y = top
    for size, text in lines:
        canvas.setFont(font, size)
        canvas.drawString(x, y, text)
        y -= size * 1.6
    _ruler(canvas, x, y - 6 * mm, width)
    qr_size = min(40 * mm, width)
    matrix, _ = parts.qr_matrix(TEST_URL)
    parts.draw_qr(canvas, matrix, x, y - 10 * mm - qr_size, qr_size)


def _corners(canvas: Canvas, width: float, height: float, inset: float) -> None:
    """Corner marks `inset` from each edge: all four must be on the paper."""
    for cx, cy in (
        (inset, inset),
        (width - inset, inset),
        (inset, height - inset),
        (width - inset, height - inset),
    ):
        canvas.circle(cx, cy, 1.5 * mm)


def render_test_page(
    paper: str = "a4", host: str | None = None, now: datetime | None = None
) -> bytes:
    """The test page as PDF bytes for "a4" or "80mm"."""
    host = host or socket.gethostname()
    now = now or datetime.now().astimezone()
    buffer = io.BytesIO()
    if paper == "a4":
        canvas = Canvas(buffer, pagesize=A4, initialFontName=register_font())
        _corners(canvas, A4[0], A4[1], inset=10 * mm)
        _body(canvas, 20 * mm, A4[1] - 30 * mm, 170 * mm, host, now)
    elif paper == "80mm":
        canvas = Canvas(buffer, pagesize=(ROLL_WIDTH, ROLL_HEIGHT), initialFontName=register_font())
        _corners(canvas, ROLL_WIDTH, ROLL_HEIGHT, inset=ROLL_MARGIN)
        _body(canvas, ROLL_MARGIN, ROLL_HEIGHT - 12 * mm, 72 * mm, host, now)
    else:
        raise PrintingError(
            Text(f"未知的纸张：{paper}（可选 a4、80mm）", f"Unknown paper: {paper} (a4 or 80mm)")
        )
    canvas.setTitle("Printer test page")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
