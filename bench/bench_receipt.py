"""Receipt PDFs: the real path (the application read back from the store, the signed QR,
the embedded Chinese font subset) on A4 and on the 80 mm roll, against a bare reportlab page
carrying one QR code: the matrix from `qrcode` (as the receipts make it) drawn as one path,
a line in reportlab's built-in Helvetica, nothing else. (reportlab's own `QrCodeWidget` was
the first baseline tried: its pure-Python encoder alone takes ~70 ms, slower than our whole
receipt, so it would flatter the ratio.)

The font is registered once per process before timing, as the terminal does at start.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import qrcode
import qrcode.constants
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from bench.core import Context, Result, alternate, percentile
from bench.gen_db import database_for
from counter_app.intake.receipts import receipt_data_for
from counter_app.terminal import Terminal
from printing.fonts import register_font
from printing.render import render_pdf

URL = "https://zwfw.example.gov.cn/t/0AS-BNCH-002-5?c=abcdefghijklmnopqrstuvwxyz&p=" + "x" * 120


def bare_page() -> bytes:
    """One A4 page: a line of text and one QR code, drawn with reportlab and nothing else."""
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4)
    canvas.drawString(72, 770, "Receipt 0AS-BNCH-002-5")
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(URL)
    matrix = code.get_matrix()
    module = 113.0 / len(matrix)  # 40 mm, as on the A4 receipt
    path = canvas.beginPath()
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                path.rect(400 + c * module, 763 - (r + 1) * module, module, module)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.showPage()
    canvas.save()
    return buf.getvalue()


def receipt(ctx: Context) -> list[Result]:
    data_dir = database_for(ctx.sizes.big_db, ctx.cache, ctx.log)
    n = ctx.sizes.samples
    register_font()
    bare_page()
    results = []
    with Terminal.open(data_dir) as terminal:
        numbers = [
            r["receipt_no"]
            for r in terminal.store.query(
                "SELECT receipt_no FROM submissions WHERE kind = 'acceptance' "
                "ORDER BY rowid DESC LIMIT ?",
                (n,),
            )
        ]
        for paper in ("a4", "80mm"):
            numbered = iter(numbers * 2)

            def one(p: str = paper, it: Iterator[str] = numbered) -> bytes:
                return render_pdf(receipt_data_for(terminal, next(it)), p)

            one()
            samples, base = alternate(one, bare_page, n - 1)
            p50, p99 = percentile(samples, 50), percentile(samples, 99)
            b50 = percentile(base, 50)
            results += [
                Result("receipt", f"p50 {paper}", p50, "ms", b50, "<= 2x, < 100 ms",
                       p50 <= 2 * b50 and p50 < 100),
                Result("receipt", f"p99 {paper}", p99, "ms", percentile(base, 99), "< 100 ms",
                       p99 < 100),
            ]  # fmt: skip
    return results
