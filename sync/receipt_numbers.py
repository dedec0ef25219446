"""Receipt numbers: unique across terminals without coordination, sortable, typable.

Layout (11 characters, Crockford base32, shown grouped as ``DDD-TTTT-SSS-C``):

    DDD   days since 2024-01-01 (hall local date) — 32,768 days, until 2113
    TTTT  the terminal's ID — uniqueness across terminals without talking to anyone
    SSS   the terminal's sequence within that day — 32,768 applications a day
    C     check character (Damm algorithm over GF(32))

Crockford's alphabet (0-9 A-Z without I L O U) is in ASCII order, so numbers sort by day
as plain strings, and it reads aloud without the I/1, O/0 confusions; when typed, i/l are
read as 1, o as 0, case and hyphens/spaces do not matter.

Why Damm: with the quasigroup x∘y = a·x + y in GF(32) (a ∉ {0, 1}) the check catches every
single wrong character and every swap of two neighbours, with no extra check symbols (a
weighted sum mod 32 would miss some swaps because 32 is not prime).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
EPOCH = date(2024, 1, 1)
LENGTH = 11
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


def normalise_receipt_no(text: str) -> str:
    """Upper-case, hyphens/spaces dropped, I/L read as 1 and O as 0 (as typed or read aloud).
    The result may still be invalid: check it with `is_valid_receipt_no`."""
    return _DROP.sub("", text).upper().translate(_TYPO)


def is_valid_receipt_no(text: str) -> bool:
    """True when `text` (as typed) is a well-formed receipt number with a correct check."""
    s = normalise_receipt_no(text)
    if len(s) != LENGTH or any(c not in _VALUE for c in s):
        return False
    return _damm([_VALUE[c] for c in s]) == 0


def is_mistyped_receipt_no(text: str) -> bool:
    """True when `text` has the shape of a receipt number but its check character fails:
    one character typed wrong or two neighbours swapped, so the clerk can be told so."""
    s = normalise_receipt_no(text)
    return len(s) == LENGTH and all(c in _VALUE for c in s) and not is_valid_receipt_no(s)


def new_receipt_no(day: date, terminal_id: str, seq: int) -> str:
    """The compact receipt number of the `seq`-th (from 1) application of `day` at a terminal."""
    terminal = normalise_receipt_no(terminal_id)
    if len(terminal) != 4 or any(c not in _VALUE for c in terminal):
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
    return normalise_receipt_no(text)[3:7]
