"""Broken catalog definition files through the IT import path (`Terminal.import_catalog`,
what `counter-app catalog import` runs): each is one clear error naming the file and the
line, in both languages, in bounded time and memory; the catalog stays as it was."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from counter_app.terminal import Terminal
from forms.errors import CatalogError

GOOD = (Path(__file__).parents[1] / "sync" / "data" / "SYNC-001.yaml").read_text("utf-8")
GOOD = GOOD.replace("SYNC-001", "BAD-001")


def fields(*lines: str) -> str:
    return GOOD.split("fields:")[0] + "fields:\n" + "\n".join(lines) + "\n"


ALIAS_BOMB = "code: BOMB-001\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefg", "bcdefgh", strict=True)
)

#: name -> (file text, the line the error must name, words of the English message)
CASES: dict[str, tuple[str, int, str]] = {
    "syntax": (GOOD.replace("fee: \"0.00\"", "fee: [\"0.00\""), 11, "syntax"),
    "wrong type": (GOOD.replace("promised_days: 5", "promised_days: five"), 9, "whole number"),
    "missing reference": (
        fields(
            "  - {code: note, type: text, label: {zh: 备注, en: Note}, required: true,",
            "     show_if: {field: nowhere, equals: x}}",
        ),
        23, "nowhere",
    ),
    "condition cycle": (
        fields(
            "  - {code: a, type: text, label: {zh: 甲, en: A}, show_if: {field: b, equals: x}}",
            "  - {code: b, type: text, label: {zh: 乙, en: B}, show_if: {field: a, equals: x}}",
        ),
        22, "cycle",
    ),
    "alias cycle": ("code: SELF-001\nx: &x [1, *x]\n", 2, "cycle"),
    "alias bomb": (ALIAS_BOMB, 0, "more than"),
    "deep nesting": ("code: DEEP-001\nx: " + "[" * 50_000 + "]" * 50_000 + "\n", 2, "nesting"),
    "huge file": (
        GOOD + "".join(f"# padding line {i} {'x' * 80}\n" for i in range(30_000)), 0, "too large"
    ),
    "not UTF-8": (GOOD.replace("同步测试事项", "\udcff"), 0, "cannot read"),
    "empty": ("", 0, "empty"),
}  # fmt: skip


@pytest.fixture
def catalog_dir(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "catalog"
    folder.mkdir()
    yield folder


@pytest.mark.parametrize("case", sorted(CASES))
def test_broken_definition_is_one_clear_error_with_its_place(
    terminal: Terminal, catalog_dir: Path, case: str
) -> None:
    text, line, words = CASES[case]
    path = catalog_dir / "BAD-001.yaml"
    path.write_bytes(text.encode("utf-8", errors="surrogateescape"))
    before = [(i.code, i.version) for i in terminal.service_items()]
    with pytest.raises(CatalogError) as info:  # an expansion bomb ends here, not in memory
        terminal.import_catalog(path)
    en, zh = info.value.message("en"), info.value.message("zh_CN")
    assert str(path) in en and str(path) in zh
    assert words in en.lower(), en
    if line:
        assert re.search(rf"{re.escape(str(path))}:{line}\b", en), en
    assert [(i.code, i.version) for i in terminal.service_items()] == before
