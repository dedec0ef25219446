from __future__ import annotations

import re
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from sync.receipt_numbers import (
    ALPHABET,
    TERMINAL_ID_PATTERN,
    compact_receipt_no,
    display_receipt_no,
    is_mistyped_receipt_no,
    is_valid_receipt_no,
    new_receipt_no,
    normalise_crockford,
    normalise_receipt_no,
    receipt_day,
    receipt_terminal_id,
)

days = st.dates(min_value=date(2024, 1, 1), max_value=date(2100, 12, 31))
terminals = st.text(alphabet=ALPHABET, min_size=4, max_size=4)
seqs = st.integers(min_value=1, max_value=32**3 - 1)


@given(days, terminals, seqs)
def test_generated_numbers_are_valid_short_and_carry_day(day: date, term: str, seq: int) -> None:
    number = new_receipt_no(day, term, seq)
    assert len(number) == 11 and len(display_receipt_no(number)) == 14 <= 20
    assert is_valid_receipt_no(number)
    assert is_valid_receipt_no(display_receipt_no(number).lower())
    assert receipt_day(number) == day and number[3:7] == term


@given(days, terminals, seqs, st.data())
def test_every_single_substitution_is_rejected(day: date, term: str, seq: int, data) -> None:
    number = new_receipt_no(day, term, seq)
    pos = data.draw(st.integers(0, len(number) - 1))
    other = data.draw(st.sampled_from([c for c in ALPHABET if c != number[pos]]))
    assert not is_valid_receipt_no(number[:pos] + other + number[pos + 1 :])


@given(days, terminals, seqs, st.data())
def test_every_adjacent_swap_is_rejected(day: date, term: str, seq: int, data) -> None:
    number = new_receipt_no(day, term, seq)
    pos = data.draw(st.integers(0, len(number) - 2))
    swapped = number[:pos] + number[pos + 1] + number[pos] + number[pos + 2 :]
    if swapped != number:
        assert not is_valid_receipt_no(swapped)


def test_exhaustively_all_substitutions_and_swaps_of_one_number() -> None:
    number = new_receipt_no(date(2026, 11, 26), "7QXM", 4)
    for pos in range(11):
        for c in ALPHABET:
            if c != number[pos]:
                assert not is_valid_receipt_no(number[:pos] + c + number[pos + 1 :])
        if pos < 10 and number[pos] != number[pos + 1]:
            assert not is_valid_receipt_no(
                number[:pos] + number[pos + 1] + number[pos] + number[pos + 2 :]
            )


def test_typing_mistakes_are_forgiven() -> None:
    number = new_receipt_no(date(2026, 1, 1), "1L0O", 10)
    assert number[3:7] == "1100"
    typed = display_receipt_no(number).lower().replace("1", "l").replace("0", "o")
    assert normalise_receipt_no(typed) == number
    assert normalise_receipt_no(f" {number[:5]} {number[5:]} ") == number


def test_numbers_sort_by_day_then_sequence() -> None:
    numbers = [
        new_receipt_no(date(2026, 1, 2), "ZZZZ", 1),
        new_receipt_no(date(2026, 1, 1), "AAAA", 2),
        new_receipt_no(date(2026, 1, 1), "AAAA", 10),
        new_receipt_no(date(2025, 12, 31), "ZZZZ", 32000),
    ]
    assert sorted(numbers) == [numbers[3], numbers[1], numbers[2], numbers[0]]


def test_malformed_inputs_are_invalid() -> None:
    for bad in ("", "123", "U" * 11, "ABC-DEFG-HJK-MN", "!" * 11):
        assert not is_valid_receipt_no(bad)


def test_a_typo_is_told_apart_from_garbage() -> None:
    good = new_receipt_no(date(2026, 11, 26), "7QXM", 4)
    swapped = good[:3] + good[4] + good[3] + good[5:]
    assert not is_mistyped_receipt_no(good)
    assert is_mistyped_receipt_no(display_receipt_no(swapped))
    assert not is_mistyped_receipt_no("hello")


@given(days, terminals, seqs)
def test_the_owner_terminal_is_read_back_from_any_typed_form(
    day: date, term: str, seq: int
) -> None:
    number = new_receipt_no(day, term, seq)
    assert receipt_terminal_id(number) == term
    assert receipt_terminal_id(display_receipt_no(number).lower().replace("1", "l")) == term


def test_a_number_failing_its_check_names_no_owner() -> None:
    good = new_receipt_no(date(2026, 11, 26), "7QXM", 4)
    swapped = good[:4] + good[5] + good[4] + good[6:]  # inside the terminal's characters
    for bad in (swapped, "hello", ""):
        assert receipt_terminal_id(bad) is None


def test_one_clean_up_rule_for_every_typed_form() -> None:
    assert normalise_crockford(" 0k3-7qxm_00.4 r ") == "0K37QXM004R"
    assert normalise_crockford("io-L") == "101"
    assert compact_receipt_no("0k3 7qxm oo4 r") == "0K37QXM004R"  # shape only, not the check
    assert compact_receipt_no("0K3-7QXM") is None
    assert compact_receipt_no("ÜBER-NUMMER") is None
    assert re.fullmatch(TERMINAL_ID_PATTERN, "7QXM") and not re.fullmatch(
        TERMINAL_ID_PATTERN, "7QXU"
    )
