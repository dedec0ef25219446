"""Masking of personal data and the checks ReceiptData makes on itself."""

from __future__ import annotations

from datetime import datetime

import pytest

from printing.errors import ReceiptDataError
from printing.model import mask_identifier, mask_name
from tests.printing.printing_support import ReceiptFactory


@pytest.mark.parametrize(
    ("name", "masked"),
    [("张三明", "张*明"), ("张三", "张*"), ("欧阳小明", "欧**明"), ("李", "李"), (" 王五 ", "王*")],
)
def test_mask_name_keeps_first_and_last_character(name: str, masked: str) -> None:
    assert mask_name(name) == masked


@pytest.mark.parametrize(
    ("identifier", "masked"),
    [
        ("11010519491231002X", "**************002X"),
        ("91350100M000100Y43", "**************0Y43"),
        ("1234", "1234"),
    ],
)
def test_mask_identifier_shows_only_the_last_four(identifier: str, masked: str) -> None:
    assert mask_identifier(identifier) == masked


def test_unknown_kind_is_refused(make_receipt: ReceiptFactory) -> None:
    with pytest.raises(ReceiptDataError, match="Unknown receipt kind"):
        make_receipt(kind="invoice")


def test_naive_acceptance_time_is_refused(make_receipt: ReceiptFactory) -> None:
    with pytest.raises(ReceiptDataError, match="time zone"):
        make_receipt(accepted_at=datetime(2026, 11, 26, 14, 5))


def test_the_printed_address_is_the_short_one_where_the_code_is_typed(
    make_receipt: ReceiptFactory,
) -> None:
    data = make_receipt()
    assert data.tracking_url.startswith(data.short_address + "/")
    assert data.short_address == "https://zwfw.example.gov.cn/t"
