"""The conditions mini-language: evaluation and its data form."""

from __future__ import annotations

from typing import Any

import pytest

from forms.conditions import FieldTest, Join, parse_condition, referenced_fields
from forms.source import Reader

VALUES: dict[str, Any] = {"status": "married", "kids": 2, "benefits": ["pension"], "empty": ""}


def cond(data: Any) -> FieldTest | Join:
    reader = Reader("test")
    found = parse_condition(data, (), reader)
    assert found is not None, reader.problems
    return found


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"field": "status", "equals": "married"}, True),
        ({"field": "status", "equals": "single"}, False),
        ({"field": "kids", "equals": 2}, True),
        ({"field": "status", "in": ["married", "widowed"]}, True),
        ({"field": "benefits", "contains": "pension"}, True),
        ({"field": "benefits", "contains": "rent"}, False),
        ({"field": "status", "contains": "married"}, False),  # not a list
        ({"field": "missing", "equals": "x"}, False),
        ({"field": "missing", "filled": False}, True),
        ({"field": "empty", "filled": True}, False),
        ({"field": "kids", "filled": True}, True),
        ({"not": {"field": "status", "equals": "single"}}, True),
        ({"all": [{"field": "kids", "equals": 2}, {"field": "status", "equals": "x"}]}, False),
        ({"any": [{"field": "kids", "equals": 2}, {"field": "status", "equals": "x"}]}, True),
    ],
)
def test_evaluate(data: Any, expected: bool) -> None:
    assert cond(data).evaluate(VALUES) is expected


def test_data_form_round_trips_and_lists_fields() -> None:
    data = {
        "any": [
            {"field": "a", "in": ["x", "y"]},
            {"not": {"all": [{"field": "b", "filled": True}, {"field": "c", "equals": 1}]}},
        ]
    }
    parsed = cond(data)
    assert parsed.to_data() == data
    assert cond(parsed.to_data()) == parsed
    assert referenced_fields(parsed) == {"a", "b", "c"}


def test_every_mistake_in_a_nested_condition_is_reported() -> None:
    reader = Reader("f.yaml", {("show_if",): 4, ("show_if", "all", 1): 6})
    data = {"all": [{"field": "a", "filled": "yes"}, {"field": "", "equals": 1}]}
    assert parse_condition(data, ("show_if",), reader) is None
    assert [(p.line, p.text.en) for p in reader.problems] == [
        (4, "filled takes true or false"),
        (6, "a condition's field must be a field code"),
    ]


def test_unquoted_number_matches_a_text_choice_value() -> None:
    assert cond({"field": "grade", "equals": 60}).evaluate({"grade": "60"})
    assert cond({"field": "grade", "in": [60, 100]}).evaluate({"grade": "100"})
    assert cond({"field": "grades", "contains": 60}).evaluate({"grades": ["60"]})
    assert not cond({"field": "grade", "equals": 60}).evaluate({"grade": "600"})
