"""`render_pdf`: a receipt or notice as PDF bytes, on A4 or on the 80 mm roll."""

from __future__ import annotations

from typing import Literal

from forms.text import Text
from printing import layout_a4, layout_roll
from printing.errors import PrintingError
from printing.model import PAPERS as PAPERS  # lives there: the CLI reads it without reportlab
from printing.model import ReceiptData

Paper = Literal["a4", "80mm"]


def render_pdf(data: ReceiptData, paper: str = "a4") -> bytes:
    """The PDF for `data` on `paper` ("a4" or "80mm"); the font is embedded as a subset."""
    if paper == "a4":
        return layout_a4.render(data)
    if paper == "80mm":
        return layout_roll.render(data)
    raise PrintingError(
        Text(f"未知的纸张：{paper}（可选 a4、80mm）", f"Unknown paper: {paper} (a4 or 80mm)")
    )
