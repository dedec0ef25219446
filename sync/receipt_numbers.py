"""Receipt numbers: unique across terminals without coordination, sortable, typable.

Layout (11 characters, Crockford base32, shown grouped as ``DDD-TTTT-SSS-C``):

    DDD   days since 2024-01-01 (hall local date) — 32,768 days, until 2113
    TTTT  the terminal's ID — uniqueness across terminals without talking to anyone
    SSS   the terminal's sequence within that day — 32,768 applications a day
    C     check character (Damm algorithm over GF(32))

Crockford's alphabet (0-9 A-Z without I L O U) is in ASCII order, so numbers sort by day
as plain strings, and it reads aloud without the I/1, O/0 confusions; when typed, i/l are
read as 1, o as 0, case and hyphens/spaces do not matter.

This module is the one home of the receipt number (issue 13): the terminal, the printed QR
and the platform (tracking page, push checks) all parse, check and clean it here. The same
clean-up rule (`normalise_crockford`) serves every Crockford string people type: terminal IDs
and enrollment codes too.

Why Damm: with the quasigroup x∘y = a·x + y in GF(32) (a ∉ {0, 1}) the check catches every
single wrong character and every swap of two neighbours, with no extra check symbols (a
weighted sum mod 32 would miss some swaps because 32 is not prime).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from forms.text import Text

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
EPOCH = date(2024, 1, 1)
LENGTH = 11
TERMINAL_CHARS = 4
TERMINAL_SLICE = slice(3, 3 + TERMINAL_CHARS)  # DDD TTTT SSS C: the terminal is 3..6
SEQ_SLICE = slice(3 + TERMINAL_CHARS, LENGTH - 1)  # the day's sequence is 7..9
#: A terminal ID on the wire: four Crockford characters, already normalised.
TERMINAL_ID_PATTERN = f"^[{ALPHABET}]{{{TERMINAL_CHARS}}}$"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_TYPO = str.maketrans({"I": "1", "L": "1", "O": "0"})
_DROP = re.compile(r"[\s\-_.]+")
_POLY = 0b100101  # x^5 + x^2 + 1, primitive over GF(2)
_A = 2  # the multiplier a = x; any element but 0 and 1 works


def _gf_mul(x: int, y: int) -> int:
    """Multiply in GF(32) = GF(2)[x] / (x^5 + x^2 + 1)."""
    result = 0
    while y:
        if y & 1:
            result ^= x
        y >>= 1
        x <<= 1
        if x & 0b100000:
            x ^= _POLY
    return result


def _damm(values: list[int]) -> int:
    interim = 0
    for v in values:
        interim = _gf_mul(_A, interim) ^ v
    return interim


def check_char(body: str) -> str:
    """The check character for `body` (valid Crockford characters, normalised)."""
    interim = _damm([_VALUE[c] for c in body])
    return ALPHABET[_gf_mul(_A, interim)]  # a·interim + c = 0  <=>  c = a·interim


def encode(value: int, width: int) -> str:
    """`value` in base32, zero-padded to `width` characters."""
    if not 0 <= value < 32**width:
        raise ValueError(f"{value} does not fit in {width} base32 characters")
    chars = []
    for _ in range(width):
        value, digit = divmod(value, 32)
        chars.append(ALPHABET[digit])
    return "".join(reversed(chars))


def decode(text: str) -> int:
    value = 0
    for ch in text:
        value = value * 32 + _VALUE[ch]
    return value


def normalise_crockford(text: str) -> str:
    """THE clean-up rule for typed Crockford strings (receipt numbers, terminal IDs,
    enrollment codes): upper case, white space, hyphens, underscores and dots dropped, I/L
    read as 1 and O as 0 (as typed or read aloud). The result may still hold characters
    outside the alphabet: check with `is_crockford`."""
    return _DROP.sub("", text).upper().translate(_TYPO)


#: Receipt numbers are cleaned by the one rule; the name says what is being cleaned.
normalise_receipt_no = normalise_crockford


def is_crockford(text: str) -> bool:
    """True when `text` is non-empty and every character is in the alphabet (no clean-up)."""
    return bool(text) and all(c in _VALUE for c in text)


def compact_receipt_no(text: str) -> str | None:
    """The normalised receipt number when `text` has its shape (11 Crockford characters,
    check not yet looked at), else None."""
    s = normalise_crockford(text)
    return s if len(s) == LENGTH and is_crockford(s) else None


def is_valid_receipt_no(text: str) -> bool:
    """True when `text` (as typed) is a well-formed receipt number with a correct check."""
    s = compact_receipt_no(text)
    return s is not None and _damm([_VALUE[c] for c in s]) == 0


def is_mistyped_receipt_no(text: str) -> bool:
    """True when `text` has the shape of a receipt number but its check character fails:
    one character typed wrong or two neighbours swapped, so the reader can be told so."""
    return compact_receipt_no(text) is not None and not is_valid_receipt_no(text)


def mistyped_message(text: str) -> Text:
    """What the terminal and the tracking page both say of a number whose check fails.
    Only the normalised number is echoed (alphabet characters), never the raw input."""
    shown = display_receipt_no(text)
    return Text(
        f"编号 {shown} 的校验位不符：可能有一位输错或相邻两位颠倒，请对照回执重新输入。",
        f"Receipt number {shown} fails its check: one character is wrong or two neighbours "
        "are swapped; please type it again from the receipt.",
    )


def new_receipt_no(day: date, terminal_id: str, seq: int) -> str:
    """The compact receipt number of the `seq`-th (from 1) application of `day` at a terminal."""
    terminal = normalise_crockford(terminal_id)
    if len(terminal) != TERMINAL_CHARS or not is_crockford(terminal):
        raise ValueError(f"terminal ID must be 4 Crockford base32 characters: {terminal_id!r}")
    body = encode((day - EPOCH).days, 3) + terminal + encode(seq, 3)
    return body + check_char(body)


def display_receipt_no(text: str) -> str:
    """The grouped form people read and type: DDD-TTTT-SSS-C."""
    s = normalise_receipt_no(text)
    return f"{s[:3]}-{s[3:7]}-{s[7:10]}-{s[10:]}"


def receipt_day(text: str) -> date:
    """The day a (valid) receipt number was issued."""
    return EPOCH + timedelta(days=decode(normalise_receipt_no(text)[:3]))


def receipt_terminal_id(text: str) -> str | None:
    """The ID of the terminal that issued a receipt number (characters 4-7), or None when
    `text` is not a valid number (wrong shape or failed check character). The platform
    compares it with the terminal that pushes, so no terminal can take another's numbers."""
    if not is_valid_receipt_no(text):
        return None
    return normalise_crockford(text)[TERMINAL_SLICE]
