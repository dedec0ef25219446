"""Building items from definitions: every mistake reported with its file and line, and the
JSON round trip the store and sync rely on."""

from __future__ import annotations

from pathlib import Path

import pytest

from forms.catalog import load_item
from forms.errors import CatalogError, LoadProblem
from tests.forms.forms_fixtures import HEADER, HEADER_LINES, WriteItem

L = HEADER_LINES  # body line n is file line L + n


def problems_of(path: Path) -> list[LoadProblem]:
    with pytest.raises(CatalogError) as exc:
        load_item(path)
    return list(exc.value.problems)


def lines_and_en(path: Path) -> list[tuple[int, str]]:
    """(line, English text) of every problem, after checking each names the file."""
    problems = problems_of(path)
    assert {p.file for p in problems} == {str(path)}
    assert all(p.text.zh and p.text.zh != p.text.en for p in problems)
    return [(p.line, p.text.en) for p in problems]


def test_unknown_field_type(write_item: WriteItem) -> None:
    path = write_item(
        """
        fields:
          - code: name
            type: txt
            label: {zh: 姓名, en: Name}
        """
    )
    [problem] = problems_of(path)
    assert problem.file == str(path)
    assert problem.line == L + 3
    assert problem.text.en.startswith("unknown field type txt")
    assert "未知的字段类型 txt" in problem.text.zh
    assert str(problem).startswith(f"{path}:{L + 3}: ")


def test_unknown_keys_at_their_own_lines(write_item: WriteItem) -> None:
    path = write_item(
        """
        colour: red
        fields:
          - code: name
            type: text
            label: {zh: 姓名, en: Name}
            min: 3
        """
    )
    assert lines_and_en(path) == [(L + 1, "unknown key colour"), (L + 6, "unknown key min")]


def test_condition_naming_a_missing_field(write_item: WriteItem) -> None:
    path = write_item(
        """
        materials:
          - code: proof
            name: {zh: 证明, en: Proof}
            requirement: required_if
            condition: {field: nowhere, equals: x}
        fields:
          - code: name
            type: text
            label: {zh: 姓名, en: Name}
            show_if:
              any:
                - {field: nowhere, filled: true}
                - {field: ghost, equals: "1"}
        """
    )
    assert lines_and_en(path) == [
        (L + 5, "the condition names a missing field nowhere"),
        (L + 12, "the condition names a missing field nowhere"),
        (L + 13, "the condition names a missing field ghost"),
    ]


def test_duplicate_field_and_material_codes(write_item: WriteItem) -> None:
    path = write_item(
        """
        materials:
          - {code: proof, name: {zh: 证明, en: Proof}}
          - {code: proof, name: {zh: 证明二, en: Proof 2}}
        fields:
          - {code: name, type: text, label: {zh: 姓名, en: Name}}
          - {code: age, type: number, label: {zh: 年龄, en: Age}}
          - code: name
            type: text
            label: {zh: 姓名二, en: Name 2}
        """
    )
    assert lines_and_en(path) == [
        (L + 3, "the code proof is used twice"),
        (L + 7, "the code name is used twice"),
    ]


def test_cycle_between_conditions(write_item: WriteItem) -> None:
    path = write_item(
        """
        fields:
          - code: a
            type: text
            label: {zh: 甲, en: A}
            show_if: {field: b, filled: true}
          - code: b
            type: text
            label: {zh: 乙, en: B}
            required_if: {field: a, filled: true}
          - code: c
            type: text
            label: {zh: 丙, en: C}
            show_if: {field: c, filled: true}
        """
    )
    found = lines_and_en(path)
    assert len(found) == 2
    assert found[0][0] == L + 5 and "cycle" in found[0][1]
    assert "a" in found[0][1] and "b" in found[0][1]
    assert found[1] == (L + 13, "conditions depend on each other in a cycle: c → c")


def test_cycle_inside_a_group_is_found_too(write_item: WriteItem) -> None:
    path = write_item(
        """
        fields:
          - code: members
            type: group
            label: {zh: 成员, en: Members}
            fields:
              - {code: x, type: text, label: {zh: 甲, en: X}, show_if: {field: y, filled: true}}
              - {code: y, type: text, label: {zh: 乙, en: Y}, show_if: {field: x, filled: true}}
        """
    )
    [(line, text)] = lines_and_en(path)
    assert line == L + 6 and "cycle" in text


def test_group_fields_are_not_visible_from_outside(write_item: WriteItem) -> None:
    path = write_item(
        """
        fields:
          - code: members
            type: group
            label: {zh: 成员, en: Members}
            fields:
              - {code: x, type: text, label: {zh: 甲, en: X}}
          - {code: z, type: text, label: {zh: 丙, en: Z}, show_if: {field: x, filled: true}}
        """
    )
    assert lines_and_en(path) == [(L + 7, "the condition names a missing field x")]


def test_every_problem_of_a_file_at_once(write_item: WriteItem) -> None:
    path = write_item(
        """
        fields:
          - {code: Bad-Code, type: text, label: {zh: 甲, en: A}}
          - {code: b, type: nope, label: {zh: 乙, en: B}}
          - {code: c, type: choice, label: {zh: 丙, en: C}}
          - {code: d, type: text, label: {zh: 丁}}
          - {code: e, type: text, label: {zh: 戊, en: E}, pattern: "(", required: maybe}
          - {code: f, type: number, label: {zh: 己, en: F}, min: 5, max: 1}
          - {code: g, type: date, label: {zh: 庚, en: G}, min: yesterday}
        """
    )
    found = lines_and_en(path)
    assert [line for line, _ in found] == [L + 2, L + 3, L + 4, L + 5] + [L + 6] * 2 + [
        L + 7,
        L + 8,
    ]
    texts = " | ".join(text for _, text in found)
    for expected in (
        "code Bad-Code must match",
        "unknown field type nope",
        "a choice field needs a non-empty options list",
        "the key en is missing",
        "the regular expression is wrong",
        "must be true or false",
        "min is greater than max",
        "a date limit is YYYY-MM-DD or today",
    ):
        assert expected in texts


def test_condition_values_must_be_options(write_item: WriteItem) -> None:
    path = write_item(
        """
        fields:
          - code: status
            type: choice
            label: {zh: 状况, en: Status}
            options:
              - {value: single, zh: 未婚, en: Single}
          - code: spouse
            type: text
            label: {zh: 配偶, en: Spouse}
            show_if: {field: status, in: [single, maried]}
        """
    )
    assert lines_and_en(path) == [(L + 10, "the value maried is not an option of the field status")]


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ("{field: a}", "a condition needs exactly one of equals/in/contains/filled"),
        ("{field: a, filled: 1}", "filled takes true or false"),
        ("{field: a, in: x}", "the value of in has the wrong type"),
        ("{all: []}", "all needs a non-empty list of conditions"),
        ("{whatever: 1}", "a condition needs field, or one of all/any/not"),
        ("{field: a, equals: 1, also: 2}", "unknown key also in a condition"),
        ("[a]", "a condition must be a mapping (key: value)"),
    ],
)
def test_malformed_conditions(write_item: WriteItem, condition: str, message: str) -> None:
    path = write_item(
        f"""
        fields:
          - {{code: a, type: text, label: {{zh: 甲, en: A}}}}
          - code: b
            type: text
            label: {{zh: 乙, en: B}}
            show_if: {condition}
        """
    )
    assert lines_and_en(path) == [(L + 6, message)]


def test_material_rules(write_item: WriteItem) -> None:
    path = write_item(
        """
        materials:
          - code: a
            name: {zh: 甲, en: A}
            requirement: required_if
          - code: b
            name: {zh: 乙, en: B}
            requirement: sometimes
            file_types: [PDF, "j p g"]
            max_bytes: 0
        fields: []
        """
    )
    found = lines_and_en(path)
    assert found == [
        (L + 2, "condition goes with required_if"),
        (L + 7, "must be one of required/optional/required_if"),
        (L + 8, "file type j p g is not an extension"),
        (L + 9, "must be a whole number >= 1"),
    ]


def test_item_header_rules(write_item: WriteItem) -> None:
    header = HEADER.replace("version: 1", "version: 0").replace('fee: "0.00"', "fee: -3")
    header = header.replace("promised_days: 5", "promised_days: 11")
    header = header.replace("applicant_kind: person", "applicant_kind: robot")
    path = write_item("fields: []\n", header=header)
    assert lines_and_en(path) == [
        (2, "must be a whole number >= 1"),
        (5, "must be one of person/company"),
        (7, "the promised time limit exceeds the legal one"),
        (8, 'fee must be yuan such as "0.00"'),
    ]


def test_missing_item_keys(write_item: WriteItem) -> None:
    path = write_item("", header="code: X-1\nversion: 1\n")
    found = lines_and_en(path)
    assert (1, "the key fields is missing") in found
    assert (1, "the key name is missing") in found


def test_top_level_must_be_a_mapping(write_item: WriteItem) -> None:
    path = write_item("", header="- just\n- a list\n")
    assert lines_and_en(path) == [(1, "a mapping (key: value) is expected here")]


def test_fee_accepts_numbers_and_normalises(write_item: WriteItem) -> None:
    path = write_item("fields: []\n", header=HEADER.replace('fee: "0.00"', "fee: 20"))
    assert load_item(path).fee == "20.00"


def test_comments_are_allowed(write_item: WriteItem) -> None:
    path = write_item("# IT note: no fields yet\nfields: []  # none\n")
    assert load_item(path).fields == ()


# -- JSON round trip --------------------------------------------------------------------------
