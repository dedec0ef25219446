"""Identifier validators: resident identity numbers (GB 11643), unified social credit codes
(GB 32100, with the embedded GB 11714 organisation code), mobile and landline numbers, e-mail.

The `parse_*` functions raise `IdentifierError` whose text names the rule that failed, so the
clerk knows whether a digit was mistyped or the number is simply not an ID; the `is_valid_*`
functions are the yes/no form for callers that only need that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from forms.errors import IdentifierError
from forms.text import Text

# GB 11643: ISO 7064 MOD 11-2, weights 2^(17-i) mod 11.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"  # indexed by (weighted sum mod 11)
# GB/T 2260 province-level codes; 81/82/83 are used by the residence permits of Hong Kong,
# Macao and Taiwan residents, which carry numbers in the same format.
_PROVINCE_RANGES = ((11, 15), (21, 23), (31, 37), (41, 46), (50, 54), (61, 65), (71, 71))
PROVINCE_CODES = frozenset(
    [str(n) for low, high in _PROVINCE_RANGES for n in range(low, high + 1)] + ["81", "82", "83"]
)
EARLIEST_BIRTH = date(1900, 1, 1)

# GB 32100: 31 characters (no I O Z S V), weights 3^i mod 31.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# First character: the registration authority (机构编制, 外交, 司法行政, 文化, 民政, 旅游,
# 宗教, 工会, 工商/市场监管, 中央军委改革和编制办公室, 农业, 其他).
USCC_DEPARTMENTS = frozenset("123456789ANY")
# GB 11714 organisation code: 8 body characters, weights below, MOD 11 check digit or X.
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

MOBILE_RE = re.compile(r"1[3-9]\d{9}")
LANDLINE_RE = re.compile(r"0\d{2,3}-?\d{7,8}(-\d{1,6})?")
EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


@dataclass(frozen=True, slots=True)
class ResidentId:
    """A valid resident identity number and what it encodes."""

    number: str  # normalised: 18 characters, upper-case X
    birth_date: date
    sex: str  # "male" | "female" (17th digit odd = male)
    region_code: str  # the first six digits (GB/T 2260 administrative division)


@dataclass(frozen=True, slots=True)
class Uscc:
    """A valid unified social credit code and its parts."""

    code: str
    department: str  # registration authority code (1st character)
    org_type: str  # organisation type within that authority (2nd character)
    region_code: str  # characters 3-8
    org_code: str  # characters 9-17, a GB 11714 organisation code


def _fail(zh: str, en: str) -> IdentifierError:
    return IdentifierError(Text(zh, en))


def resident_id_check_char(first17: str) -> str:
    """The GB 11643 check character for 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise _fail("校验位只能由17位数字算出", "the check character needs exactly 17 digits")
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def _id_birth_date(number: str, today: date) -> date:
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise _fail(
            f"身份证号码中的出生日期 {number[6:14]} 不是真实日期",
            f"the birth date {number[6:14]} in the ID number is not a real date",
        ) from None
    if born > today:
        raise _fail(
            "身份证号码中的出生日期在未来", "the birth date in the ID number is in the future"
        )
    if born < EARLIEST_BIRTH:
        raise _fail(
            "身份证号码中的出生日期早于1900年", "the birth date in the ID number is before 1900"
        )
    return born


def parse_resident_id(s: str, today: date | None = None) -> ResidentId:
    """Check `s` against GB 11643 and decode it; a lower-case x is accepted and upper-cased.

    Raises `IdentifierError` naming the first rule broken: length, characters, region,
    birth date, check character (in that order, so the message points at the real mistake).
    """
    number = s.strip().upper()
    if len(number) != 18:
        raise _fail(
            f"身份证号码应为18位，实际为{len(number)}位",
            f"an ID number has 18 characters, this one has {len(number)}",
        )
    if not (number[:17].isascii() and number[:17].isdigit()) or number[17] not in "0123456789X":
        raise _fail(
            "身份证号码只能是17位数字加一位数字或X",
            "an ID number is 17 digits followed by a digit or X",
        )
    if number[:2] not in PROVINCE_CODES:
        raise _fail(
            f"身份证号码的地区码 {number[:6]} 不存在",
            f"the region code {number[:6]} of the ID number does not exist",
        )
    born = _id_birth_date(number, today or date.today())
    if resident_id_check_char(number[:17]) != number[17]:
        raise _fail(
            "身份证号码校验位不符，请核对是否输错或颠倒了数字",
            "the ID number's check character does not match: a digit is wrong or swapped",
        )
    sex = "male" if int(number[16]) % 2 else "female"
    return ResidentId(number, born, sex, number[:6])


def is_valid_resident_id(s: str) -> bool:
    """True when `s` is a valid GB 11643 resident identity number (lower-case x allowed)."""
    try:
        parse_resident_id(s)
    except IdentifierError:
        return False
    return True


def uscc_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters of a credit code."""
    if len(first17) != 17 or any(c not in USCC_ALPHABET for c in first17):
        raise _fail(
            "校验位只能由17位统一社会信用代码字符算出",
            "the check character needs 17 characters of the credit-code alphabet",
        )
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """The GB 11714 check character (digit or X) of an 8-character organisation code body."""
    values = [int(c, 36) for c in first8]  # 0-9 then A=10 ... Z=35
    check = 11 - sum(v * w for v, w in zip(values, ORG_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def _uscc_structure(code: str) -> None:
    if code[0] not in USCC_DEPARTMENTS:
        raise _fail(
            f"统一社会信用代码第1位登记管理部门代码 {code[0]} 不存在",
            f"the registration authority code {code[0]} (1st character) does not exist",
        )
    if code[1] not in "123456789":
        raise _fail(
            f"统一社会信用代码第2位机构类别代码 {code[1]} 不存在",
            f"the organisation type code {code[1]} (2nd character) does not exist",
        )
    if not code[2:8].isdigit() or code[2:4] not in PROVINCE_CODES | {"10"}:
        raise _fail(
            f"统一社会信用代码第3-8位行政区划码 {code[2:8]} 不存在",
            f"the region code {code[2:8]} (characters 3-8) does not exist",
        )


def parse_uscc(s: str) -> Uscc:
    """Check `s` against GB 32100 (and the GB 11714 code inside it) and split it into parts.

    Lower-case letters are accepted and upper-cased; a code needing I, O, Z, S or V is refused
    because those letters are not in the standard's alphabet.
    """
    code = s.strip().upper()
    if len(code) != 18:
        raise _fail(
            f"统一社会信用代码应为18位，实际为{len(code)}位",
            f"a unified social credit code has 18 characters, this one has {len(code)}",
        )
    bad = sorted({c for c in code if c not in USCC_ALPHABET})
    if bad:
        raise _fail(
            f"统一社会信用代码含有不允许的字符：{''.join(bad)}（不使用 I O Z S V）",
            f"the credit code has characters not allowed: {''.join(bad)} (I O Z S V are unused)",
        )
    _uscc_structure(code)
    if org_code_check_char(code[8:16]) != code[16]:
        raise _fail(
            "统一社会信用代码中的组织机构代码（第9-17位）校验位不符",
            "the organisation code inside the credit code (characters 9-17) fails its check",
        )
    if uscc_check_char(code[:17]) != code[17]:
        raise _fail(
            "统一社会信用代码校验位不符，请核对是否输错或颠倒了字符",
            "the credit code's check character does not match: a character is wrong or swapped",
        )
    return Uscc(code, code[0], code[1], code[2:8], code[8:17])


def is_valid_uscc(s: str) -> bool:
    """True when `s` is a valid GB 32100 unified social credit code."""
    try:
        parse_uscc(s)
    except IdentifierError:
        return False
    return True


def normalize_phone(s: str) -> str:
    """Drop spaces, and for mobiles the +86/0086 prefix and hyphens, as clerks type them."""
    compact = re.sub(r"\s+", "", s)
    digits = compact.replace("-", "")
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix) and MOBILE_RE.fullmatch(digits[len(prefix) :]):
            return digits[len(prefix) :]
    return digits if MOBILE_RE.fullmatch(digits) else compact


def is_valid_mobile(s: str) -> bool:
    """True for a mainland mobile number (11 digits starting 13-19), +86 and spaces allowed."""
    return MOBILE_RE.fullmatch(normalize_phone(s)) is not None


def is_valid_landline(s: str) -> bool:
    """True for a mainland landline with its area code, e.g. 0791-86688888 (extension allowed)."""
    return LANDLINE_RE.fullmatch(normalize_phone(s)) is not None


def is_valid_email(s: str) -> bool:
    """True for a plausible e-mail address (one @, a dotted domain, no spaces)."""
    s = s.strip()
    return len(s) <= 254 and EMAIL_RE.fullmatch(s) is not None
