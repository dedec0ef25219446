"""Validating a filled form: every problem at once, each tied to its field's path.

Fields are resolved in dependency order (a field after the fields its conditions read), so a
condition always sees the cleaned value, or None for a field that is hidden, empty or invalid.
Paths are the field code, and for entries of a group `members[0].id_no` (0-based index).
Answers naming no field of the form are reported: in a batch typed from paper a misspelt key
would otherwise lose data silently. Answers to hidden fields are dropped without a word,
because the clerk changed an earlier answer.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from graphlib import TopologicalSorter
from typing import TYPE_CHECKING, Any

from forms.conditions import referenced_fields
from forms.fieldtypes import ValueProblem, problem
from forms.text import Text

if TYPE_CHECKING:
    from forms.model import FieldSpec, ServiceItem


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """What is wrong with one answer; `path` is e.g. "members[1].id_no"."""

    path: str
    text: Text


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """The outcome of validating answers. `cleaned` holds normalised values of the visible,
    answered, valid fields; `visible` and `required` are the paths shown / required now."""

    problems: tuple[FieldProblem, ...]
    cleaned: dict[str, Any]
    visible: frozenset[str] = frozenset()
    required: frozenset[str] = frozenset()

    @property
    def ok(self) -> bool:
        return not self.problems

    def for_field(self, path: str) -> tuple[FieldProblem, ...]:
        """Problems of the field at `path` (a group's own problems, not its entries')."""
        return tuple(p for p in self.problems if p.path == path)

    def messages(self, lang: str = "zh_CN") -> list[str]:
        """`path: message` lines, for logs and the CLI."""
        return [f"{p.path}: {p.text.get(lang)}" for p in self.problems]


REQUIRED = Text("此项必填", "this field is required")
UNKNOWN = Text("表单中没有这一项", "there is no such field in this form")


def is_empty(value: Any) -> bool:
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


#: `dependency_order` per fields tuple, keyed by identity (the object is kept, so its id
#: cannot be reused): an item's fields never change, and sorting them again for every
#: validation was a tenth of an intake's CPU (docs/performance.md). Bounded: a catalog
#: update makes new items, the old ones' entries are dropped with the rest now and then.
_ORDERS: dict[int, tuple[Sequence[FieldSpec], tuple[FieldSpec, ...]]] = {}
_ORDERS_MAX = 1024


def dependency_order(fields: Sequence[FieldSpec]) -> tuple[FieldSpec, ...]:
    """Fields ordered so that every field comes after the same-scope fields it depends on.

    The loader refuses cycles, so this never fails for a loaded item."""
    hit = _ORDERS.get(id(fields))
    if hit is not None and hit[0] is fields:
        return hit[1]
    order = _sorted(fields)
    if not isinstance(fields, tuple):  # a list may change under its id: not cached
        return order
    if len(_ORDERS) >= _ORDERS_MAX:
        _ORDERS.clear()
    _ORDERS[id(fields)] = (fields, order)
    return order


def _sorted(fields: Sequence[FieldSpec]) -> tuple[FieldSpec, ...]:
    by_code = {f.code: f for f in fields}
    sorter: TopologicalSorter[str] = TopologicalSorter()
    for f in fields:
        deps = set()
        for cond in (f.show_if, f.required_if):
            if cond is not None:
                deps |= referenced_fields(cond) & by_code.keys()
        sorter.add(f.code, *deps)
    return tuple(by_code[c] for c in sorter.static_order())


@dataclass
class _Run:
    """State of one validation: problems per path, visible and required paths."""

    problems: dict[str, list[Text]] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    visible: set[str] = field(default_factory=set)
    required: set[str] = field(default_factory=set)

    def add(self, path: str, text: Text) -> None:
        if path not in self.problems:
            self.problems[path] = []
        self.problems[path].append(text)


def _field(spec: FieldSpec, raw: Any, outer: Mapping[str, Any], path: str, run: _Run) -> Any:
    """Clean one visible answer (None when empty or invalid), recording its problems."""
    needed = spec.required or bool(spec.required_if and spec.required_if.evaluate(outer))
    if needed:
        run.required.add(path)
    if is_empty(raw):
        if needed:
            run.add(path, REQUIRED)
        return None
    try:
        value = spec.kind.parse(raw, spec)
    except ValueProblem as exc:
        run.add(path, exc.text)
        return None
    return _group(spec, value, outer, path, run) if spec.type == "group" else value


def _group(
    spec: FieldSpec, entries: list[Any], outer: Mapping[str, Any], path: str, run: _Run
) -> Any:
    try:
        if spec.min_items is not None and len(entries) < spec.min_items:
            raise problem(
                f"至少填写 {spec.min_items} 条", f"needs at least {spec.min_items} entries"
            )
        if spec.max_items is not None and len(entries) > spec.max_items:
            raise problem(
                f"最多填写 {spec.max_items} 条", f"allows at most {spec.max_items} entries"
            )
    except ValueProblem as exc:
        run.add(path, exc.text)
    return [
        _scope(spec.children, entry, outer, f"{path}[{i}].", run) for i, entry in enumerate(entries)
    ]


def _scope(
    fields: Sequence[FieldSpec],
    answers: Mapping[str, Any],
    outer: Mapping[str, Any],
    prefix: str,
    run: _Run,
) -> dict[str, Any]:
    """Validate one level (the form, or one group entry); returns its cleaned values."""
    for path in (f"{prefix}{f.code}" for f in fields):
        run.order.append(path)
    values: dict[str, Any] = {}
    lookup = ChainMap(values, dict(outer))
    for spec in dependency_order(fields):
        path = f"{prefix}{spec.code}"
        if spec.show_if is not None and not spec.show_if.evaluate(lookup):
            continue
        run.visible.add(path)
        value = _field(spec, answers.get(spec.code), lookup, path, run)
        if value is not None:
            values[spec.code] = value
    codes = {f.code for f in fields}
    for key in answers:
        if key not in codes:
            run.order.append(f"{prefix}{key}")
            run.add(f"{prefix}{key}", UNKNOWN)
    return {f.code: values[f.code] for f in fields if f.code in values}


def _resolve(item: ServiceItem, answers: Mapping[str, Any]) -> tuple[dict[str, Any], _Run]:
    run = _Run()
    if not isinstance(answers, Mapping):
        run.add("", Text("答案应为键值映射", "answers must be a mapping of field codes"))
        return {}, run
    return _scope(item.fields, answers, {}, "", run), run


def validate(item: ServiceItem, answers: Mapping[str, Any]) -> ValidationReport:
    """Validate `answers` against `item`'s form (see `ServiceItem.validate`)."""
    cleaned, run = _resolve(item, answers)
    problems = tuple(
        FieldProblem(path, text) for path in run.order for text in run.problems.pop(path, [])
    )
    problems += tuple(FieldProblem(p, t) for p, texts in run.problems.items() for t in texts)
    return ValidationReport(problems, cleaned, frozenset(run.visible), frozenset(run.required))


def top_level_values(item: ServiceItem, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The cleaned visible top-level values, as material conditions see them."""
    return _resolve(item, answers)[0]
