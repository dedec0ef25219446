"""The applicant block every application starts with: who applies and how to reach them.

The identifier is the applicant's "one number": a resident ID for a person, a unified social
credit code for a company. Its normalised form (upper-case X / letters) is the key the store
files the applicant's data and materials under, so `cleaned["id_no"]` must be used as is.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from forms.errors import IdentifierError
from forms.fieldtypes import ValueProblem, problem
from forms.validation import REQUIRED, FieldProblem, ValidationReport
from forms.validators import (
    is_valid_landline,
    is_valid_mobile,
    normalize_phone,
    parse_resident_id,
    parse_uscc,
)

PERSON_NAME_RE = re.compile(r"[^\W\d_]+(?:[ ·•.\-'][^\W\d_]+)*")
NAME_LIMITS = {"person": (2, 50), "company": (2, 100)}


Check = Callable[[str, str], str]


def _id_no(kind: str, id_no: str) -> str:
    try:
        return parse_resident_id(id_no).number if kind == "person" else parse_uscc(id_no).code
    except IdentifierError as exc:
        raise ValueProblem(exc.text) from None


def _name(kind: str, name: str) -> str:
    low, high = NAME_LIMITS[kind]
    if not low <= len(name) <= high:
        raise problem(
            f"名称应为 {low}-{high} 个字", f"the name must have {low} to {high} characters"
        )
    if kind == "person" and PERSON_NAME_RE.fullmatch(name) is None:
        raise problem(
            "姓名只能包含文字、空格和间隔号", "a name may hold only letters, spaces and ·"
        )
    return name


def _phone(kind: str, phone: str) -> str:
    if is_valid_mobile(phone) or is_valid_landline(phone):
        return normalize_phone(phone)
    raise problem(
        "不是有效的电话号码（手机11位，座机须含区号）",
        "not a valid phone number (11-digit mobile, or landline with area code)",
    )


def validate_applicant(kind: str, id_no: str, name: str, phone: str) -> ValidationReport:
    """Check the applicant block; every problem at once, paths "applicant.id_no",
    "applicant.name" and "applicant.phone"; `cleaned` has the keys id_no, name, phone.
    `kind` is "person" or "company" (anything else is a programming error)."""
    if kind not in NAME_LIMITS:
        raise ValueError(f"applicant kind must be person or company, not {kind!r}")
    entries: list[tuple[str, str, Check]] = [
        ("id_no", (id_no or "").strip(), _id_no),
        ("name", " ".join((name or "").split()), _name),
        ("phone", (phone or "").strip(), _phone),
    ]
    problems: list[FieldProblem] = []
    cleaned: dict[str, str] = {}
    for key, value, check in entries:
        try:
            if not value:
                raise ValueProblem(REQUIRED)
            cleaned[key] = check(kind, value)
        except ValueProblem as exc:
            problems.append(FieldProblem(f"applicant.{key}", exc.text))
    paths = frozenset(f"applicant.{key}" for key, _, _ in entries)
    return ValidationReport(tuple(problems), cleaned, paths, paths)
