"""The printer test page IT staff print when setting up a printer."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from printing.errors import PrintingError
from printing.test_page import TEST_URL, render_test_page
from tests.printing.printing_support import embedded_fonts, page_sizes_mm, page_texts, qr_codes


@pytest.mark.parametrize(("paper", "width_mm"), [("a4", 210), ("80mm", 80)])
def test_test_page_shows_host_time_chinese_ruler_and_a_qr(
    paper: str, width_mm: int, tmp_path: Path
) -> None:
    now = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
    pdf = render_test_page(paper, host="counter-07", now=now)
    text = page_texts(pdf)[0]
    assert "counter-07" in text and "2026-11-26 09:30" in text
    assert "永和九年" in text and "打印机测试页" in text
    assert "70" in text  # the ruler's 70 mm tick label
    assert qr_codes(pdf) == [[TEST_URL]]
    assert round(page_sizes_mm(pdf)[0][0]) == width_mm
    assert all(emb == "yes" for _, emb in embedded_fonts(pdf, tmp_path))


def test_test_page_refuses_unknown_paper() -> None:
    with pytest.raises(PrintingError, match="Unknown paper"):
        render_test_page("a3")
