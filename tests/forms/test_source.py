"""Reading YAML with a line for every value."""

from __future__ import annotations

from forms.source import read_yaml


def test_values_keep_their_lines() -> None:
    data, reader = read_yaml("a: 1\nb:\n  - x: 2\n    d: 2025-01-31\n", "f.yaml")
    assert data == {"a": 1, "b": [{"x": 2, "d": "2025-01-31"}]}  # dates stay text, as JSON
    assert reader.line(("b", 0, "d")) == 4
    assert reader.line(("b", 0, "missing")) == 3  # nearest known ancestor
    assert not reader.problems


def test_syntax_error_is_a_problem_with_its_line() -> None:
    data, reader = read_yaml("a: 1\nb: [1, 2\nc: 3\n", "bad.yaml")
    assert data is None
    [problem] = reader.problems
    assert (problem.file, problem.line) == ("bad.yaml", 3)
    assert "YAML" in problem.text.en and "YAML" in problem.text.zh


def test_duplicate_key_reports_the_second_line() -> None:
    data, reader = read_yaml("a: 1\nb: 2\na: 3\n", "dup.yaml")
    assert data == {"a": 1, "b": 2}
    assert [(p.line, p.text.en) for p in reader.problems] == [
        (3, "the key a appears more than once")
    ]


def test_empty_file_is_a_problem() -> None:
    data, reader = read_yaml("# only a comment\n", "empty.yaml")
    assert data is None
    assert reader.problems[0].text.en == "the file is empty"


def test_several_documents_are_a_syntax_problem() -> None:
    _, reader = read_yaml("a: 1\n---\nb: 2\n", "two.yaml")
    assert reader.problems and reader.problems[0].line == 2
