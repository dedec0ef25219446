"""Checks that need the whole form: conditions naming missing fields or options, and cycles.

Fields live in scopes: the form is one, each group's entry is another nested in it. A
condition may read a field of its own scope or of any enclosing one (a family member's field
may depend on the applicant's marital status), never one inside a group from outside.
Within one scope, "A's condition reads B" is an edge; a cycle means no order exists in which
the conditions can be evaluated, so the loader refuses it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter
from typing import TYPE_CHECKING, Any

from forms.source import NodePath, Reader
from forms.text import Text

if TYPE_CHECKING:
    from forms.model import FieldSpec


@dataclass
class Scope:
    """The fields of one level and the raw conditions found in it (data and path)."""

    parent: Scope | None
    specs: dict[str, FieldSpec] = field(default_factory=dict)
    owners: dict[NodePath, str] = field(default_factory=dict)  # field path -> code
    pending: list[tuple[Any, NodePath]] = field(default_factory=list)
    children: list[Scope] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.parent is not None:
            self.parent.children.append(self)

    def add(self, spec: FieldSpec, path: NodePath) -> None:
        self.specs.setdefault(spec.code, spec)
        self.owners[path] = spec.code

    def find(self, code: str) -> FieldSpec | None:
        scope: Scope | None = self
        while scope is not None:
            if code in scope.specs:
                return scope.specs[code]
            scope = scope.parent
        return None


def leaves(data: Any, path: NodePath) -> Iterator[tuple[dict[str, Any], NodePath]]:
    """Each `{field: ...}` test inside raw condition data, with its path."""
    if not isinstance(data, dict):
        return
    if "field" in data:
        yield data, path
    elif isinstance(data.get("not"), dict):
        yield from leaves(data["not"], (*path, "not"))
    for join in ("all", "any"):
        for i, item in enumerate(data.get(join) or []):
            yield from leaves(item, (*path, join, i))


def _check_values(test: dict[str, Any], path: NodePath, spec: FieldSpec, reader: Reader) -> None:
    if not spec.options:
        return
    for op in ("equals", "in", "contains"):
        if op not in test:
            continue
        values = test[op] if isinstance(test[op], list) else [test[op]]
        known = {o.value for o in spec.options}
        for value in values:
            if str(value) not in known:
                reader.add(
                    (*path, op),
                    Text(
                        f"条件中的值 {value} 不是字段 {spec.code} 的选项",
                        f"the value {value} is not an option of the field {spec.code}",
                    ),
                )


def _edges(scope: Scope, reader: Reader) -> tuple[dict[str, set[str]], dict[str, NodePath]]:
    """Check every test of the scope; return same-scope dependency edges and where they are."""
    graph: dict[str, set[str]] = {code: set() for code in scope.specs}
    where: dict[str, NodePath] = {}
    for data, path in scope.pending:
        owner = scope.owners.get(path[:-1])
        for test, test_path in leaves(data, path):
            name = test["field"]
            spec = scope.find(name)
            if spec is None:
                reader.add(
                    (*test_path, "field"),
                    Text(
                        f"条件引用了不存在的字段 {name}",
                        f"the condition names a missing field {name}",
                    ),
                )
                continue
            _check_values(test, test_path, spec, reader)
            if owner is not None and name in scope.specs:
                graph[owner].add(name)
                where.setdefault(owner, path)
    return graph, where


def _cycles(graph: dict[str, set[str]], where: dict[str, NodePath], reader: Reader) -> None:
    """Report every cycle: after each one found, drop its fields and look again."""
    while True:
        try:
            TopologicalSorter(graph).prepare()
            return
        except CycleError as exc:
            cycle: list[str] = exc.args[1]
            shown = " → ".join(reversed(cycle))
            first = sorted(cycle[:-1] or cycle, key=lambda c: reader.line(where.get(c, ())))[0]
            reader.add(
                where.get(first, ()),
                Text(
                    f"条件之间循环依赖：{shown}",
                    f"conditions depend on each other in a cycle: {shown}",
                ),
            )
            for code in cycle:
                graph.pop(code, None)
            for deps in graph.values():
                deps.difference_update(cycle)


def check_references(scope: Scope, reader: Reader) -> None:
    """Run the whole-form checks on `scope` and every scope nested in it."""
    graph, where = _edges(scope, reader)
    _cycles(graph, where, reader)
    for child in scope.children:
        check_references(child, reader)
