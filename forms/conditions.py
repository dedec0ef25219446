"""Conditions as data: when a field is shown or required, when a material is required.

    {field: marital_status, equals: married}
    {field: household_type, in: [agricultural, non_agricultural]}
    {field: benefits, contains: pension}        # for multiple choice
    {field: spouse_id_no, filled: true}
    {all: [...]}, {any: [...]}, {not: {...}}

A condition is evaluated against *cleaned* answers (after parsing), and a hidden or invalid
field counts as unanswered (None), so a chain of conditions behaves as a clerk expects: hiding
a field also hides whatever depended on it.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from forms.source import Reader
from forms.text import Text

Scalar = str | int | float | bool
TESTS = ("equals", "in", "contains", "filled")
JOINS = ("all", "any", "not")


@dataclass(frozen=True, slots=True)
class FieldTest:
    """A test on one field's cleaned value; `field` names a field in scope."""

    field: str
    op: str  # one of TESTS
    value: Scalar | tuple[Scalar, ...]

    def evaluate(self, values: Mapping[str, Any]) -> bool:
        current = values.get(self.field)
        if self.op == "filled":
            return (current not in (None, "", [])) == self.value
        if current is None:
            return False
        if self.op == "equals":
            return _same(current, self.value)
        if self.op == "in":
            assert isinstance(self.value, tuple)
            return any(_same(current, v) for v in self.value)
        return isinstance(current, list) and any(_same(c, self.value) for c in current)

    def fields(self) -> Iterator[FieldTest]:
        yield self

    def to_data(self) -> dict[str, Any]:
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        return {"field": self.field, self.op: value}


@dataclass(frozen=True, slots=True)
class Join:
    """`all`, `any` or `not` over nested conditions (`not` has exactly one)."""

    op: str  # one of JOINS
    items: tuple[Condition, ...]

    def evaluate(self, values: Mapping[str, Any]) -> bool:
        if self.op == "all":
            return all(c.evaluate(values) for c in self.items)
        if self.op == "any":
            return any(c.evaluate(values) for c in self.items)
        return not self.items[0].evaluate(values)

    def fields(self) -> Iterator[FieldTest]:
        for item in self.items:
            yield from item.fields()

    def to_data(self) -> dict[str, Any]:
        if self.op == "not":
            return {"not": self.items[0].to_data()}
        return {self.op: [c.to_data() for c in self.items]}


Condition = FieldTest | Join


def _same(answer: Any, expected: Any) -> bool:
    """Equality that lets `equals: 60` match the choice value "60": choice values are text,
    but a YAML author easily leaves a number unquoted (the loader checks it is an option)."""
    if isinstance(answer, str) and not isinstance(expected, str):
        return answer == str(expected)
    return bool(answer == expected)


def referenced_fields(condition: Condition) -> set[str]:
    """Codes of every field the condition reads."""
    return {test.field for test in condition.fields()}


def _bad(reader: Reader, path: tuple[Hashable, ...], zh: str, en: str) -> None:
    reader.add(path, Text(zh, en))


def _scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool))


def _parse_test(
    data: dict[str, Any], path: tuple[Hashable, ...], reader: Reader
) -> Condition | None:
    ops = [k for k in data if k in TESTS]
    extra = [k for k in data if k not in (*TESTS, "field")]
    for key in extra:
        reader.add_at_key(
            (*path, key), Text(f"条件中未知的键 {key}", f"unknown key {key} in a condition")
        )
    if len(ops) != 1:
        _bad(
            reader,
            path,
            f"条件须恰好有 {'/'.join(TESTS)} 之一",
            f"a condition needs exactly one of {'/'.join(TESTS)}",
        )
        return None
    name, op = data["field"], ops[0]
    value = data[op]
    if not isinstance(name, str) or not name:
        _bad(
            reader,
            (*path, "field"),
            "条件的 field 须为字段代码",
            "a condition's field must be a field code",
        )
        return None
    if op == "in" and isinstance(value, list) and all(_scalar(v) for v in value):
        return None if extra else FieldTest(name, op, tuple(value))
    if op == "filled" and not isinstance(value, bool):
        _bad(reader, (*path, op), "filled 的值须为 true 或 false", "filled takes true or false")
        return None
    if op == "in" or not _scalar(value):
        _bad(reader, (*path, op), f"{op} 的值类型不对", f"the value of {op} has the wrong type")
        return None
    return None if extra else FieldTest(name, op, value)


def _parse_join(
    data: dict[str, Any], path: tuple[Hashable, ...], reader: Reader
) -> Condition | None:
    if len(data) != 1:
        _bad(
            reader, path, "all/any/not 须单独使用", "all/any/not must stand alone in their mapping"
        )
        return None
    op, value = next(iter(data.items()))
    if op == "not":
        inner = parse_condition(value, (*path, op), reader)
        return Join(op, (inner,)) if inner is not None else None
    if not isinstance(value, list) or not value:
        _bad(
            reader,
            (*path, op),
            f"{op} 需要非空的条件列表",
            f"{op} needs a non-empty list of conditions",
        )
        return None
    items = [parse_condition(v, (*path, op, i), reader) for i, v in enumerate(value)]
    if any(i is None for i in items):
        return None
    return Join(op, tuple(i for i in items if i is not None))


def parse_condition(data: Any, path: tuple[Hashable, ...], reader: Reader) -> Condition | None:
    """Build a condition from data, reporting every mistake to `reader` (None if any)."""
    if not isinstance(data, dict):
        _bad(reader, path, "条件须为映射（键: 值）", "a condition must be a mapping (key: value)")
        return None
    if "field" in data:
        return _parse_test(data, path, reader)
    if any(k in data for k in JOINS):
        return _parse_join(data, path, reader)
    _bad(
        reader,
        path,
        "条件须含 field 或 all/any/not",
        "a condition needs field, or one of all/any/not",
    )
    return None
