"""Validating filled forms: every problem at once, tied to its field, in both languages."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forms.catalog import Catalog, load_sample_catalog
from forms.model import ServiceItem
from tests.forms.forms_fixtures import answers_for, choice_field, item_data, text_data

SAMPLE_CODES = [
    "BDC-001", "GA-001", "GA-002", "GJJ-001", "GJJ-002", "MZ-001", "MZ-002",
    "RS-001", "RS-002", "SCJG-001", "SCJG-002", "YB-001", "YB-002",
]  # fmt: skip


@pytest.mark.parametrize("code", SAMPLE_CODES)
def test_each_answer_set_validates(sample_catalog: Catalog, code: str) -> None:
    report = sample_catalog.require(code).validate(answers_for(code))
    assert report.ok, report.messages("en")
    assert report.problems == ()


def test_answer_sets_cover_the_catalog(sample_catalog: Catalog) -> None:
    assert sorted(sample_catalog.items) == SAMPLE_CODES


def test_cleaned_values_are_normalised(sample_catalog: Catalog) -> None:
    item = sample_catalog.require("MZ-002")
    answers = answers_for("MZ-002") | {
        "applicant_name": "  邓桂兰 ",
        "applicant_id_no": answers_for("MZ-002")["applicant_id_no"].lower(),
        "phone": "0791 85721234",
        "address": "江西省南昌市   南昌县莲塘镇",
        "monthly_income": "1,350.5",
    }
    cleaned = item.validate(answers).cleaned
    assert cleaned["applicant_name"] == "邓桂兰"
    assert cleaned["applicant_id_no"] == answers_for("MZ-002")["applicant_id_no"].upper()
    assert cleaned["phone"] == "079185721234"
    assert cleaned["address"] == "江西省南昌市 南昌县莲塘镇"
    assert cleaned["monthly_income"] == 1350.5
    assert cleaned["members"][1]["income"] == 1350.0
    assert list(cleaned) == [f.code for f in item.fields if f.code in cleaned]  # form order


def test_every_problem_at_once_with_paths(sample_catalog: Catalog) -> None:
    item = sample_catalog.require("MZ-002")
    answers = answers_for("MZ-002") | {
        "applicant_name": "",
        "applicant_id_no": "36012119580407026",
        "phone": "12345",
        "marital_status": "married",  # reveals and requires spouse_id_no, left empty
        "monthly_income": "-1",
        "special_case": ["lottery"],
        "members": [
            {"name": "甲", "relation": "self", "id_no": "x", "employed": "yes"},
            {"relation": "cousin", "employed": "no", "income": "abc"},
        ],
        "shoe_size": 42,
    }
    report = item.validate(answers)
    assert not report.ok
    assert [p.path for p in report.problems] == [
        "applicant_name", "applicant_id_no", "phone", "spouse_id_no", "monthly_income",
        "special_case", "members[0].id_no", "members[0].employer", "members[1].name",
        "members[1].relation", "members[1].id_no", "shoe_size",
    ]  # fmt: skip
    assert report.for_field("spouse_id_no")[0].text.en == "this field is required"
    assert report.for_field("spouse_id_no")[0].text.zh == "此项必填"
    assert report.for_field("monthly_income")[0].text.en == "must not be less than 0"
    assert "lottery" in report.for_field("special_case")[0].text.zh
    assert report.for_field("shoe_size")[0].text.en == "there is no such field in this form"
    # members[1].income is hidden (not employed): its bad value is not an error
    assert report.for_field("members[1].income") == ()
    assert "members" not in report.cleaned or all(
        "income" not in m for m in report.cleaned["members"][1:]
    )


def test_messages_in_both_languages(sample_catalog: Catalog) -> None:
    report = sample_catalog.require("GA-001").validate({"phone": "abc"})
    zh, en = report.messages("zh_CN"), report.messages("en")
    assert len(zh) == len(en) == len(report.problems) >= 5
    assert "name: 此项必填" in zh and "name: this field is required" in en
    assert any("电话号码" in m for m in zh) and any("phone number" in m for m in en)


def test_hidden_fields_are_dropped_not_validated(sample_catalog: Catalog) -> None:
    item = sample_catalog.require("GA-001")
    answers = answers_for("GA-001") | {"delivery": "counter", "post_address": "x"}
    report = item.validate(answers)
    assert report.ok  # "x" would be too short an address, but the field is hidden
    assert "post_address" not in report.cleaned
    assert "post_address" not in report.visible


def test_required_if_without_show_if(sample_catalog: Catalog) -> None:
    item = sample_catalog.require("GA-001")
    answers = answers_for("GA-001")
    del answers["expiry_date"]
    assert [p.path for p in item.validate(answers).problems] == ["expiry_date"]
    answers["reason"] = "damaged"
    assert item.validate(answers).ok
    assert "expiry_date" not in item.validate(answers).required


def test_group_conditions_read_their_entry_and_the_form() -> None:
    item = ServiceItem.from_dict(
        item_data(
            [
                choice_field("status", ["single", "married"]),
                {
                    "code": "people",
                    "type": "group",
                    "label": text_data("人员"),
                    "min_items": 1,
                    "max_items": 2,
                    "fields": [
                        choice_field("kind", ["child", "adult"], required=True),
                        {"code": "school", "type": "text", "label": text_data("学校"),
                         "show_if": {"field": "kind", "equals": "child"}, "required": True},
                        {"code": "spouse", "type": "text", "label": text_data("配偶"),
                         "required_if": {"all": [{"field": "kind", "equals": "adult"},
                                                 {"field": "status", "equals": "married"}]}},
                    ],
                },
            ]
        )
    )  # fmt: skip
    answers: dict[str, Any] = {
        "status": "married",
        "people": [{"kind": "child"}, {"kind": "adult", "school": "ignored"}],
    }
    report = item.validate(answers)
    assert [p.path for p in report.problems] == ["people[0].school", "people[1].spouse"]
    assert "people[1].school" not in report.visible and "people[0].school" in report.visible
    assert report.cleaned["people"][1] == {"kind": "adult"}
    assert item.validate({"status": "single", "people": answers["people"]}).messages("en") == [
        "people[0].school: this field is required"
    ]
    too_many = {"people": [{"kind": "adult"}] * 3}
    assert item.validate(too_many).messages("en") == ["people: allows at most 2 entries"]
    assert item.validate({"people": []}).ok  # not required: an empty group is allowed
    assert item.validate({"people": "x"}).messages("en") == ["people: must be a list of entries"]


def test_chained_conditions_hide_what_depends_on_hidden_fields() -> None:
    item = ServiceItem.from_dict(
        item_data(
            [
                choice_field("a", ["yes", "no"]),
                {**choice_field("b", ["yes", "no"]), "show_if": {"field": "a", "equals": "yes"}},
                {"code": "c", "type": "text", "label": text_data("丙"), "required": True,
                 "show_if": {"field": "b", "equals": "yes"}},
            ]
        )
    )  # fmt: skip
    assert item.validate({"a": "yes", "b": "yes"}).messages("en") == ["c: this field is required"]
    hidden = item.validate({"a": "no", "b": "yes"})  # b hidden, so c too
    assert hidden.ok and hidden.cleaned == {"a": "no"}
    assert [f.code for f in item.visible_fields({"a": "yes"})] == ["a", "b"]


def test_answers_must_be_a_mapping(sample_catalog: Catalog) -> None:
    report = sample_catalog.require("GA-001").validate(["not", "a", "dict"])  # type: ignore[arg-type]
    assert report.messages("en") == [": answers must be a mapping of field codes"]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


CATALOG = load_sample_catalog()


@settings(max_examples=200)
@given(st.sampled_from(SAMPLE_CODES), st.data())
def test_any_json_answers_give_a_report_never_a_crash(code: str, data: st.DataObject) -> None:
    item = CATALOG.require(code)
    keys = [f.code for f in item.fields] + ["stray"]
    answers = data.draw(st.dictionaries(st.sampled_from(keys), JSON, max_size=len(keys)))
    report = item.validate(answers)
    assert all(p.text.zh and p.text.en for p in report.problems)
    assert set(report.cleaned) <= set(keys) - {"stray"}
    item.required_materials(answers)
