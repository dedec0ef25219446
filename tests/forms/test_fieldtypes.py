"""Field types: what each accepts, how it cleans, what it says when it refuses."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from forms.fieldtypes import FIELD_TYPES, ValueProblem
from forms.model import Constraints, FieldSpec, Option
from forms.text import Text

LABEL = Text("字段", "Field")
OPTIONS = (Option("a", Text("甲", "A")), Option("b", Text("乙", "B")), Option("c", Text("丙", "C")))


def spec(ftype: str, **kwargs: Any) -> FieldSpec:
    constraints = {k: kwargs.pop(k) for k in list(kwargs) if hasattr(Constraints(), k)}
    return FieldSpec("f", ftype, LABEL, constraints=Constraints(**constraints), **kwargs)


def parse(ftype: str, raw: Any, **kwargs: Any) -> Any:
    s = spec(ftype, **kwargs)
    return s.kind.parse(raw, s)


def refusal(ftype: str, raw: Any, **kwargs: Any) -> str:
    with pytest.raises(ValueProblem) as exc:
        parse(ftype, raw, **kwargs)
    assert exc.value.text.zh and exc.value.text.zh != exc.value.text.en
    return exc.value.text.en


def test_all_eleven_types_are_registered() -> None:
    assert set(FIELD_TYPES) == {
        "text", "number", "date", "choice", "multichoice", "phone", "email",
        "resident_id", "uscc", "address", "group",
    }  # fmt: skip


def test_text() -> None:
    assert parse("text", "  张三 ") == "张三"
    assert parse("text", 12) == "12"
    assert refusal("text", "a", min_len=2) == "needs at least 2 characters"
    assert refusal("text", "abc", max_len=2) == "allows at most 2 characters"
    assert refusal("text", "12a", pattern="[0-9]+") == "is not in the expected format"
    assert refusal("text", ["x"]) == "must be text"
    assert refusal("text", True) == "must be text"


def test_address() -> None:
    assert parse("address", " 南昌市  东湖区 八一大道1号 ") == "南昌市 东湖区 八一大道1号"
    assert "at least 5" in refusal("address", "南昌")
    assert parse("address", "北京", min_len=2) == "北京"


def test_number() -> None:
    assert parse("number", "42") == 42 and isinstance(parse("number", 42.0), int)
    assert parse("number", "1,234.50", decimals=2) == 1234.5
    assert refusal("number", "1.5") == "must be a whole number"
    assert refusal("number", "1.555", decimals=2) == "allows at most 2 decimal places"
    assert refusal("number", "5", min=6) == "must not be less than 6"
    assert refusal("number", 7, max=6) == "must not be more than 6"
    for bad in ("abc", "NaN", "Infinity", True, None, [1]):
        assert refusal("number", bad) == "must be a number"


def test_date() -> None:
    for raw in ("2025-01-31", "2025/1/31", "2025.01.31", "2025年1月31日", "20250131"):
        assert parse("date", raw) == "2025-01-31"
    assert refusal("date", "2025-02-30") == "is not a real date"
    assert refusal("date", "31/01/2025") == "must be a date such as 2025-01-31"
    assert refusal("date", 20250131) == "must be a date such as 2025-01-31"
    assert refusal("date", "1999-12-31", min="2000-01-01") == "must not be before 2000-01-01"
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    assert refusal("date", tomorrow, max="today").startswith("must not be after")
    assert parse("date", date.today().isoformat(), max="today", min="today")


def test_choice_and_multichoice() -> None:
    assert parse("choice", "b", options=OPTIONS) == "b"
    assert refusal("choice", "z", options=OPTIONS) == "is not one of the choices: z"
    assert parse("multichoice", ["c", "a", "c"], options=OPTIONS) == ["a", "c"]
    assert refusal("multichoice", "a", options=OPTIONS) == "must be a list of the chosen options"
    assert refusal("multichoice", ["a", "y", "x"], options=OPTIONS).endswith("x, y")
    assert refusal("multichoice", ["a"], options=OPTIONS, min_items=2) == "choose at least 2"
    assert refusal("multichoice", ["a", "b"], options=OPTIONS, max_items=1) == "choose at most 1"
    assert spec("choice", options=OPTIONS).option_label("b") == Text("乙", "B")


def test_phone() -> None:
    assert parse("phone", "+86 139-0791-0001") == "13907910001"
    assert parse("phone", "0791-86688888") == "0791-86688888"
    assert "mobile" in refusal("phone", "0791-86688888", mobile_only=True)
    assert "phone number" in refusal("phone", "12345")


def test_email_and_identifiers() -> None:
    assert parse("email", " a@example.com ") == "a@example.com"
    assert refusal("email", "a@b") == "is not a valid e-mail address"
    assert parse("resident_id", "11010519491231002x") == "11010519491231002X"
    assert "check character" in refusal("resident_id", "110105194912310021")
    assert parse("uscc", "91350100m000100y43") == "91350100M000100Y43"
    assert "18 characters" in refusal("uscc", "913501")
