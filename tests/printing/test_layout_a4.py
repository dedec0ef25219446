"""A4: flows to further pages, each with the receipt number and a scannable QR."""

from __future__ import annotations

from forms.text import Text
from printing.model import Material
from printing.render import render_pdf
from tests.printing.printing_support import (
    ReceiptFactory,
    page_count,
    page_sizes_mm,
    page_texts,
    qr_codes,
)

THIRTY = tuple(
    Material(
        Text(f"材料第{i}号：户口簿首页及本人页", f"Material {i}: household register"), i % 4 == 0
    )
    for i in range(1, 31)
)


def test_a_short_receipt_is_one_a4_page(make_receipt: ReceiptFactory) -> None:
    pdf = render_pdf(make_receipt(), "a4")
    assert page_count(pdf) == 1
    width, height = page_sizes_mm(pdf)[0]
    assert (round(width), round(height)) == (210, 297)


def test_thirty_materials_flow_to_page_two_with_number_and_qr_on_each(
    make_receipt: ReceiptFactory,
) -> None:
    data = make_receipt(materials=THIRTY)
    pdf = render_pdf(data, "a4")
    texts = page_texts(pdf)
    assert len(texts) >= 2
    for text in texts:
        assert data.receipt_no in text
        assert data.verification_code in text
    assert "（续）" in texts[1] and "continued" in texts[1]
    assert all(codes == [data.tracking_url] for codes in qr_codes(pdf))
    everything = "".join(texts)
    assert all(f"材料第{i}号" in everything for i in range(1, 31))


def test_reused_materials_are_marked(make_receipt: ReceiptFactory) -> None:
    text = page_texts(render_pdf(make_receipt(materials=THIRTY[:4]), "a4"))[0]
    assert text.count("复用") == 1 and "reused" in text


def test_a_reprint_says_duplicate_on_every_page(make_receipt: ReceiptFactory) -> None:
    original = page_texts(render_pdf(make_receipt(materials=THIRTY), "a4"))
    reprint = page_texts(render_pdf(make_receipt(materials=THIRTY, duplicate=True), "a4"))
    assert not any("副本" in t or "DUPLICATE" in t for t in original)
    assert all("副本" in t and "DUPLICATE" in t for t in reprint)


def test_a_long_item_name_wraps_and_is_kept_whole(make_receipt: ReceiptFactory) -> None:
    name = Text("企业名称变更登记" * 12, "Change of registered company name " * 8)
    text = page_texts(render_pdf(make_receipt(item_name=name), "a4"))[0]
    assert text.replace("\r\n", "").replace("\n", "").count("企业名称变更登记") == 12
