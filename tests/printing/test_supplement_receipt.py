"""The supplement receipt (issue 16): a window that takes the supplement of another
window's application prints it under the owner's number, says whose it is, and asks for
no signature (the applicant signed where the application was taken)."""

from __future__ import annotations

import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from counter_app.intake.hall_supplement import SEE_FIRST_RECEIPT, taken_for
from forms.text import Text
from printing import content
from printing.model import Material, ReceiptData
from printing.render import render_pdf
from printing.text_layout import receipt_lines


def _data(taken: Text | None) -> ReceiptData:
    return ReceiptData(
        kind="acceptance", hall="示范政务服务大厅", window="8", receipt_no="11A-7QXM-001-M",
        item_name=Text("个体工商户设立登记", "Registration of an individual business"),
        department=Text("市场监督管理局", "AMR"), applicant_name="王*国", applicant_id="",
        accepted_at=datetime(2026, 12, 1, 8, 0, tzinfo=UTC), promised_date=date(2026, 12, 1),
        fee="0.00", clerk_id="clerk", tracking_url="http://127.0.0.1:8000/t/11A-7QXM-001-M",
        verification_code=SEE_FIRST_RECEIPT,
        materials=(Material(Text("经营场所使用证明", "Proof of premises")),), taken_for=taken,
    )  # fmt: skip


def test_the_thermal_receipt_says_whose_and_asks_no_signature() -> None:
    text = " ".join(line.text for line in receipt_lines(_data(taken_for("3", "11A-7QXM-001-M"))))
    assert "补正材料收件回执" in text and "3 号窗口受理的申请" in text
    assert content.UNSIGNED.zh not in text and content.SIGNATURE.zh not in text
    plain = " ".join(line.text for line in receipt_lines(_data(None)))
    assert "受理回执" in plain and content.UNSIGNED.zh in plain  # an acceptance as before


@pytest.mark.parametrize("paper", ["a4", "80mm"])
def test_the_pdf_names_the_owners_window(paper: str, tmp_path: Path) -> None:
    path = tmp_path / "r.pdf"
    path.write_bytes(render_pdf(_data(taken_for("3", "11A-7QXM-001-M")), paper))
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    text = " ".join(out.stdout.decode("utf-8").split())
    assert "Supplement Receipt" in text and "of window 3" in text
    assert content.UNSIGNED.en not in text
