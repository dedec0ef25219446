"""Where definition data comes from and where each piece of it sits.

A definition is read into plain Python values plus a map from each value's *path* (keys and
list indexes from the top, e.g. ``("fields", 2, "show_if")``) to its 1-based line. The map
comes from PyYAML's composed node tree (`start_mark.line`), because `yaml.safe_load` throws
positions away. Data that arrives as JSON (`ServiceItem.from_dict`) simply has no lines, so
one builder serves both and reports line 0 there.
"""

from __future__ import annotations

import datetime
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from forms.errors import LoadProblem
from forms.text import Text

NodePath = tuple[Hashable, ...]
# libyaml's parser when PyYAML was built with it (several times faster); marks are the same.
Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Reader:
    """Collects every problem found while building from one source, each with its line."""

    file: str
    lines: Mapping[NodePath, int] = field(default_factory=dict)
    problems: list[LoadProblem] = field(default_factory=list)

    def line(self, path: NodePath) -> int:
        """The line of `path`, or of its nearest ancestor that has one (0 when none)."""
        for end in range(len(path), -1, -1):
            found = self.lines.get(path[:end])
            if found is not None:
                return found
        return 0

    def add(self, path: NodePath, text: Text) -> None:
        self.problems.append(LoadProblem(self.file, self.line(path), text))

    def key_line_path(self, path: NodePath) -> NodePath:
        """The path under which the *key* (rather than the value) of `path` is recorded."""
        return ("@key", *path)

    def add_at_key(self, path: NodePath, text: Text) -> None:
        """Report at the line of the mapping key itself, for unknown or duplicate keys."""
        line = self.lines.get(self.key_line_path(path))
        if line is None:
            line = self.line(path)
        self.problems.append(LoadProblem(self.file, line, text))


def _plain_scalar(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    value = loader.construct_object(node, deep=True)
    # Dates stay text: JSON has no date type, and to_dict/from_dict must round-trip.
    if isinstance(value, datetime.date):
        return node.value
    return value


#: More values than any real definition has: a file that expands beyond (an alias bomb,
#: "billion laughs") is refused instead of taking minutes and gigabytes.
MAX_VALUES = 200_000


class _Refused(Exception):
    """The document cannot be turned into values at all (a cycle, too large)."""

    def __init__(self, node: yaml.Node, text: Text) -> None:
        super().__init__(text.en)
        self.line, self.text = node.start_mark.line + 1, text


class _Composer:
    """Turns a composed YAML node tree into values, recording lines and duplicate keys.
    Aliases are allowed (`options: *status`), but not one inside itself, and the expanded
    document is capped at MAX_VALUES values."""

    def __init__(self, loader: yaml.SafeLoader, reader: Reader, lines: dict[NodePath, int]) -> None:
        self.loader, self.reader, self.lines = loader, reader, lines
        self.count, self.open = 0, set[int]()

    def value(self, node: yaml.Node, path: NodePath) -> Any:
        self.lines.setdefault(path, node.start_mark.line + 1)
        self.count += 1
        if self.count > MAX_VALUES:
            raise _Refused(node, _TOO_BIG)
        if not isinstance(node, yaml.MappingNode | yaml.SequenceNode):
            return _plain_scalar(self.loader, node)
        if id(node) in self.open:
            raise _Refused(node, _CYCLE)
        self.open.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self.mapping(node, path)
            return [self.value(item, (*path, i)) for i, item in enumerate(node.value)]
        finally:
            self.open.discard(id(node))

    def mapping(self, node: yaml.MappingNode, path: NodePath) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                key = _plain_scalar(self.loader, key_node)
            else:
                key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in result:
                self.reader.problems.append(
                    LoadProblem(
                        self.reader.file,
                        line,
                        Text(f"键 {key} 重复出现", f"the key {key} appears more than once"),
                    )
                )
                continue
            self.lines[("@key", *path, key)] = line
            result[key] = self.value(value_node, (*path, key))
        return result


_TOO_BIG = Text(
    f"文件展开后超过 {MAX_VALUES} 个值（别名 * 用得太多？）",
    f"the file expands to more than {MAX_VALUES} values (too many * aliases?)",
)
_CYCLE = Text(
    "别名引用了包含它自己的内容（循环）", "an alias refers to a value that contains it (a cycle)"
)


def read_yaml(text: str, file: str) -> tuple[Any, Reader]:
    """Parse `text`; syntax errors become problems (with the line PyYAML points at).

    Returns the document as plain values (None when it could not be read) and the reader
    that holds the line map and any problems so far.
    """
    lines: dict[NodePath, int] = {}
    reader = Reader(file, lines)
    loader = Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            reader.add((), Text("文件是空的", "the file is empty"))
            return None, reader
        return _Composer(loader, reader, lines).value(node, ()), reader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        problem = exc.problem or "syntax error"
        reader.problems.append(
            LoadProblem(
                file, line, Text(f"YAML 语法错误：{problem}", f"YAML syntax error: {problem}")
            )
        )
        return None, reader
    except yaml.YAMLError as exc:
        reader.add((), Text(f"YAML 错误：{exc}", f"YAML error: {exc}"))
        return None, reader
    except _Refused as exc:
        reader.problems.append(LoadProblem(file, exc.line, exc.text))
        return None, reader
    except RecursionError:
        reader.add((), Text("文件嵌套层次过深", "the file is nested too deeply"))
        return None, reader
    finally:
        loader.dispose()
