"""Identifier validators against the standards' examples and generated cases."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forms.errors import IdentifierError
from forms.validators import (
    PROVINCE_CODES,
    USCC_ALPHABET,
    is_valid_email,
    is_valid_landline,
    is_valid_mobile,
    is_valid_resident_id,
    is_valid_uscc,
    org_code_check_char,
    parse_resident_id,
    parse_uscc,
    resident_id_check_char,
    uscc_check_char,
)

GB11643_EXAMPLE = "11010519491231002X"  # the standard's own example
USCC_EXAMPLE = "91350100M000100Y43"  # widely published valid credit code


def test_gb11643_example_is_valid_and_decoded() -> None:
    rid = parse_resident_id(GB11643_EXAMPLE)
    assert rid.birth_date == date(1949, 12, 31)
    assert rid.sex == "female"  # 17th digit 2 is even
    assert rid.region_code == "110105"
    assert is_valid_resident_id(GB11643_EXAMPLE)


def test_lower_case_x_is_accepted_and_normalised() -> None:
    assert parse_resident_id(" 11010519491231002x ").number == GB11643_EXAMPLE
    assert is_valid_resident_id("11010519491231002x")


def test_male_from_odd_sequence_digit() -> None:
    first17 = "36010219800512031"
    assert parse_resident_id(first17 + resident_id_check_char(first17)).sex == "male"


def _with_check(first17: str) -> str:
    return first17 + resident_id_check_char(first17)


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("11010519491231002", "18"),
        ("1101051949123100X2", "17"),
        ("99010519491231002X", "990105"),
        (_with_check("11010519490231002"), "19490231"),
        (_with_check("11010518991231002"), "1900"),
        ("11010519491231003X", "check"),
    ],
)
def test_resident_id_errors_say_which_rule(number: str, reason: str) -> None:
    with pytest.raises(IdentifierError) as exc:
        parse_resident_id(number)
    assert reason in exc.value.message("en")
    assert exc.value.message("zh_CN") != exc.value.message("en")
    assert not is_valid_resident_id(number)


def test_future_birth_date_is_refused() -> None:
    tomorrow = date.today() + timedelta(days=1)
    number = _with_check(f"110105{tomorrow:%Y%m%d}002")
    with pytest.raises(IdentifierError, match="future"):
        parse_resident_id(number)


def test_check_char_needs_17_digits() -> None:
    with pytest.raises(IdentifierError):
        resident_id_check_char("1234")


def test_uscc_example_is_valid_and_split() -> None:
    code = parse_uscc(USCC_EXAMPLE)
    assert (code.department, code.org_type, code.region_code) == ("9", "1", "350100")
    assert code.org_code == "M000100Y4"
    assert is_valid_uscc(USCC_EXAMPLE.lower())


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91350100M000100Y4", "18"),
        ("91350100M000100YO3", "O"),
        ("B1350100M000100Y43", "authority"),
        ("90350100M000100Y43", "type"),
        ("91990100M000100Y43", "region"),
        ("91350100M000100Y53", "organisation code"),
        ("91350100M000100Y44", "check character"),
    ],
)
def test_uscc_errors_say_which_rule(code: str, reason: str) -> None:
    with pytest.raises(IdentifierError) as exc:
        parse_uscc(code)
    assert reason in exc.value.message("en")
    assert not is_valid_uscc(code)


def test_org_code_check_char_examples() -> None:
    # body M000100Y of the published credit code: check digit 4; 10 maps to X, 11 to 0
    assert org_code_check_char("M000100Y") == "4"
    assert {org_code_check_char(f"{n:08d}") for n in range(200)} >= {"X", "0"}


# -- generated cases --------------------------------------------------------------------------
def _birth_dates() -> st.SearchStrategy[date]:
    return st.dates(min_value=date(1900, 1, 1), max_value=date.today())


@st.composite
def resident_ids(draw: st.DrawFn) -> str:
    province = draw(st.sampled_from(sorted(PROVINCE_CODES)))
    rest = draw(st.from_regex(r"[0-9]{4}", fullmatch=True))
    born = draw(_birth_dates())
    seq = draw(st.from_regex(r"[0-9]{3}", fullmatch=True))
    return _with_check(f"{province}{rest}{born:%Y%m%d}{seq}")


@st.composite
def usccs(draw: st.DrawFn) -> str:
    head = draw(st.sampled_from(["11", "12", "51", "52", "53", "91", "92", "93", "N1", "Y1"]))
    region = draw(st.sampled_from(sorted(PROVINCE_CODES))) + draw(
        st.from_regex(r"[0-9]{4}", fullmatch=True)
    )
    body = "".join(draw(st.lists(st.sampled_from(USCC_ALPHABET), min_size=8, max_size=8)))
    first17 = head + region + body + org_code_check_char(body)
    return first17 + uscc_check_char(first17)


@given(resident_ids())
def test_generated_resident_ids_pass(number: str) -> None:
    assert is_valid_resident_id(number)


@given(resident_ids(), st.integers(0, 17), st.sampled_from("0123456789X"))
def test_any_single_changed_character_fails(number: str, pos: int, char: str) -> None:
    changed = number[:pos] + char + number[pos + 1 :]
    if changed != number:
        assert not is_valid_resident_id(changed)


@given(resident_ids(), st.integers(0, 16))
def test_any_swap_of_neighbours_fails(number: str, pos: int) -> None:
    swapped = number[:pos] + number[pos + 1] + number[pos] + number[pos + 2 :]
    if swapped != number:
        assert not is_valid_resident_id(swapped)


@given(usccs())
def test_generated_usccs_pass(code: str) -> None:
    assert is_valid_uscc(code)


@given(usccs(), st.integers(0, 17), st.sampled_from(USCC_ALPHABET))
def test_uscc_single_changed_character_fails(code: str, pos: int, char: str) -> None:
    changed = code[:pos] + char + code[pos + 1 :]
    if changed != code:
        assert not is_valid_uscc(changed)


@given(usccs(), st.integers(0, 16))
def test_uscc_swap_of_neighbours_fails(code: str, pos: int) -> None:
    swapped = code[:pos] + code[pos + 1] + code[pos] + code[pos + 2 :]
    if swapped != code:
        assert not is_valid_uscc(swapped)


# -- phones and e-mail ------------------------------------------------------------------------
@pytest.mark.parametrize("number", ["13800138000", "+86 138 0013 8000", "0086-19912345678"])
def test_mobile_numbers(number: str) -> None:
    assert is_valid_mobile(number)


@pytest.mark.parametrize("number", ["12800138000", "1380013800", "138001380001", "abc"])
def test_not_mobile_numbers(number: str) -> None:
    assert not is_valid_mobile(number)


def test_landlines_need_an_area_code() -> None:
    assert is_valid_landline("0791-86688888")
    assert is_valid_landline("010 12345678")
    assert not is_valid_landline("86688888")


@pytest.mark.parametrize(
    ("address", "ok"),
    [
        ("a.b@example.com", True),
        ("x@dept.gov.cn", True),
        ("no-at.example.com", False),
        ("a b@example.com", False),
        ("a@localhost", False),
    ],
)
def test_email(address: str, ok: bool) -> None:
    assert is_valid_email(address) is ok
