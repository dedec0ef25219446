"""The applicant block: one identifier, a name, a phone."""

from __future__ import annotations

import pytest

from forms.applicant import validate_applicant


def test_person_is_normalised() -> None:
    report = validate_applicant("person", " 11010519491231002x", " 张  三 ", "+86 138 0013 8000")
    assert report.ok
    assert report.cleaned == {
        "id_no": "11010519491231002X",
        "name": "张 三",
        "phone": "13800138000",
    }


def test_company_uses_the_credit_code() -> None:
    name, phone = "福建某某有限公司", "0591-87654321"
    report = validate_applicant("company", "91350100m000100y43", name, phone)
    assert report.ok and report.cleaned["id_no"] == "91350100M000100Y43"
    wrong = validate_applicant("company", "11010519491231002X", name, phone)  # a person's ID
    assert [p.path for p in wrong.problems] == ["applicant.id_no"]
    assert "region code" in wrong.problems[0].text.en


def test_every_problem_at_once() -> None:
    report = validate_applicant("person", "110105194912310021", "X1", "123")
    assert [p.path for p in report.problems] == [
        "applicant.id_no", "applicant.name", "applicant.phone",
    ]  # fmt: skip
    assert "check character" in report.for_field("applicant.id_no")[0].text.en
    assert "校验位" in report.for_field("applicant.id_no")[0].text.zh
    assert report.cleaned == {}


def test_empty_values_are_required() -> None:
    report = validate_applicant("person", "", "  ", "")
    assert report.messages("zh_CN") == [
        "applicant.id_no: 此项必填", "applicant.name: 此项必填", "applicant.phone: 此项必填",
    ]  # fmt: skip


def test_names() -> None:
    assert validate_applicant("person", "11010519491231002X", "买买提·艾力", "13800138000").ok
    assert validate_applicant("person", "11010519491231002X", "Anna-Lena Meyer", "13800138000").ok
    too_long = validate_applicant("person", "11010519491231002X", "张" * 51, "13800138000")
    assert (
        too_long.for_field("applicant.name")[0].text.en == "the name must have 2 to 50 characters"
    )


def test_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        validate_applicant("robot", "x", "y", "z")
