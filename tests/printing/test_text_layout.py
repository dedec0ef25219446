"""The ESC/POS text layout: lines fit 48 columns, Chinese counts double."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from forms.text import Text
from printing.text_layout import COLUMNS, receipt_lines, width, wrap
from tests.printing.printing_support import ReceiptFactory


def test_width_counts_chinese_as_two_columns() -> None:
    assert width("受理A1") == 6


def test_wrap_breaks_latin_at_spaces_and_chinese_anywhere() -> None:
    english = wrap("Registration of an individual business with a long name " * 3)
    assert all(width(line) <= COLUMNS for line in english)
    assert all(not line.startswith(" ") for line in english)
    assert (
        " ".join(english).split()
        == ("Registration of an individual business with a long name " * 3).split()
    )
    chinese = wrap("个体工商户设立登记" * 10)
    assert all(width(line) <= COLUMNS for line in chinese)
    assert "".join(chinese) == "个体工商户设立登记" * 10


def test_a_word_longer_than_the_line_is_cut() -> None:
    url = "https://zwfw.example.gov.cn/t/0K3-7QXM-004-R?c=" + "a" * 60
    lines = wrap(url)
    assert "".join(lines) == url
    assert all(width(line) <= COLUMNS for line in lines)


def test_every_receipt_line_fits_the_roll(make_receipt: ReceiptFactory) -> None:
    long_name = Text("最低生活保障申请" * 8, "Minimum living allowance application " * 4)
    lines = receipt_lines(make_receipt(kind="notice", item_name=long_name))
    for line in lines:
        if line.style not in ("qr", "title", "number", "stamp"):
            assert width(line.text) <= COLUMNS, line
        elif line.style != "qr":
            assert width(line.text) <= COLUMNS // 2, line  # printed double width
    assert [line.style for line in lines].count("qr") == 1


def test_plain_values_are_printed_once(make_receipt: ReceiptFactory) -> None:
    texts = [line.text for line in receipt_lines(make_receipt())]
    assert "申请人 Applicant：张*明" in texts
    assert sum("张*明" in text for text in texts) == 1


@given(st.text(alphabet=st.sampled_from("ab 受理回执XY-1。，"), max_size=300))
def test_wrap_never_overflows_and_loses_no_character(text: str) -> None:
    lines = wrap(text)
    assert all(width(line) <= COLUMNS for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
