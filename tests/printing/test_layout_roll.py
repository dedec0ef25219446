"""The 80 mm roll: one page, 80 mm wide, as long as its content."""

from __future__ import annotations

import pytest

from forms.text import Text
from printing.model import Material, MissingMaterial
from printing.render import render_pdf
from tests.printing.printing_support import (
    ReceiptFactory,
    bottom_gap_mm,
    page_count,
    page_sizes_mm,
    page_texts,
    qr_codes,
    right_edge_mm,
)

THIRTY = tuple(Material(Text(f"材料第{i}号", f"Material {i}"), i % 3 == 0) for i in range(1, 31))


def test_roll_is_80_mm_wide_and_one_page(make_receipt: ReceiptFactory) -> None:
    pdf = render_pdf(make_receipt(), "80mm")
    assert page_count(pdf) == 1
    assert round(page_sizes_mm(pdf)[0][0]) == 80


def test_roll_grows_with_thirty_materials_and_keeps_everything(
    make_receipt: ReceiptFactory,
) -> None:
    short = render_pdf(make_receipt(), "80mm")
    data = make_receipt(materials=THIRTY)
    long = render_pdf(data, "80mm")
    assert page_count(long) == 1
    assert page_sizes_mm(long)[0][1] > page_sizes_mm(short)[0][1] + 100
    text = page_texts(long)[0]
    assert all(f"材料第{i}号" in text for i in range(1, 31))
    assert qr_codes(long) == [[data.tracking_url]]


def test_a_notice_lists_every_missing_material_with_its_reason(
    make_receipt: ReceiptFactory,
) -> None:
    missing = tuple(
        MissingMaterial(Text(f"缺件{i}", f"Missing {i}"), Text(f"原因{i}", f"reason {i}"))
        for i in range(1, 13)
    )
    data = make_receipt(kind="notice", missing=missing)
    text = page_texts(render_pdf(data, "80mm"))[0]
    assert all(f"缺件{i}" in text and f"原因{i}" in text for i in range(1, 13))
    assert data.come_back.zh in text
    assert "承诺办结" not in text  # nothing is promised before the materials are complete


def test_a_reprint_says_duplicate_on_its_face(make_receipt: ReceiptFactory) -> None:
    assert "副本" not in page_texts(render_pdf(make_receipt(), "80mm"))[0]
    text = page_texts(render_pdf(make_receipt(duplicate=True), "80mm"))[0]
    assert "副本" in text and "DUPLICATE" in text
    assert text.index("副本") < text.index("办理事项")  # above the facts, not in small print


def test_a_long_item_name_wraps_within_the_roll(make_receipt: ReceiptFactory) -> None:
    name = Text("最低生活保障申请（含家庭成员收入与财产核对）" * 4, "Minimum living allowance " * 6)
    pdf = render_pdf(make_receipt(item_name=name), "80mm")
    assert page_count(pdf) == 1
    flat = page_texts(pdf)[0].replace("\r\n", "").replace("\n", "")
    assert flat.count("最低生活保障申请") == 4
    assert right_edge_mm(pdf) <= 76.5  # inside the 72 mm printable width (4 mm margins)


@pytest.mark.parametrize("count", [0, 5, 30])
def test_the_roll_ends_just_after_its_content(make_receipt: ReceiptFactory, count: int) -> None:
    pdf = render_pdf(make_receipt(materials=THIRTY[:count]), "80mm")
    assert 3 <= bottom_gap_mm(pdf) <= 12  # a margin, not metres of blank paper


@pytest.mark.parametrize(
    "portal",
    [
        "https://zwfw.example.gov.cn",
        "https://zwfw-service-portal.jiangxi-province.example.gov.cn/hall/nanchang-east",
    ],
)
def test_the_tracking_address_is_never_broken_on_the_roll(
    make_receipt: ReceiptFactory, portal: str
) -> None:
    """A citizen copies it by hand: it must be whole on one line, however long."""
    data = make_receipt()
    url = data.tracking_url.replace("https://zwfw.example.gov.cn", portal)
    data = make_receipt(tracking_url=url)
    assert data.short_address == f"{portal}/t"
    lines = "".join(page_texts(render_pdf(data, "80mm"))).splitlines()
    assert any(line.strip() == data.short_address for line in lines), lines
