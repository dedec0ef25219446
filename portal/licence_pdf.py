"""The result document the platform draws when the back office has none to upload: an A4
PDF of the licence's GB/T 36902 catalog data, in the receipts' embedded font
(`printing.fonts`, which the platform may import: `printing` never imports the terminal).

It is a plain statement of the record, not a certified 电子证照 file (GB/T 36905 asks for an
OFD with the issuer's electronic seal, which only the issuing department can apply); the
page says so, and a department with real licence files uploads those instead.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from printing.fonts import register_font


@dataclass(frozen=True, slots=True)
class LicenceSheet:
    """What the page shows (already validated)."""

    name: str
    number: str
    type_code: str
    holder: str
    holder_id_label: str
    holder_id_no: str
    issuer: str
    issuer_code: str
    issued_on: date
    valid_from: date
    valid_until: date | None
    item: str
    receipt_no: str


def _rows(s: LicenceSheet) -> list[tuple[str, str]]:
    until = s.valid_until.isoformat() if s.valid_until else "长期"
    return [
        ("证照编号", s.number),
        ("证照类型代码", s.type_code),
        ("持证主体", s.holder),
        (s.holder_id_label, s.holder_id_no),
        ("发证机构", s.issuer),
        ("发证机构代码", s.issuer_code),
        ("发证日期", s.issued_on.isoformat()),
        ("有效期", f"{s.valid_from.isoformat()} 至 {until}"),
        ("办理事项", s.item),
        ("受理编号", s.receipt_no),
    ]


def render(sheet: LicenceSheet) -> bytes:
    """The document's bytes (deterministic for the same sheet: no creation time inside)."""
    font = register_font()
    out = io.BytesIO()
    pdf = Canvas(out, pagesize=A4, invariant=True)
    pdf.setTitle(f"{sheet.name} {sheet.number}")
    width, height = A4
    pdf.setLineWidth(1.5)
    pdf.rect(15 * mm, 15 * mm, width - 30 * mm, height - 30 * mm)
    pdf.setFont(font, 26)
    pdf.drawCentredString(width / 2, height - 50 * mm, sheet.name)
    y = height - 75 * mm
    for label, value in _rows(sheet):
        pdf.setFont(font, 12)
        pdf.drawString(30 * mm, y, label)
        pdf.setFont(font, 13)
        pdf.drawString(75 * mm, y, value[:60])
        y -= 11 * mm
    pdf.setFont(font, 9)
    pdf.drawString(
        30 * mm,
        30 * mm,
        "本文件由政务服务平台根据证照目录信息生成，不含电子印章；以发证机构核发的证照为准。",
    )
    pdf.showPage()
    pdf.save()
    return out.getvalue()
