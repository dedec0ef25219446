"""The generated form: every sample item's answer set goes in and comes out unchanged and
valid, through an editor of the right kind for each field type."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit

from counter_app.ui.intake.form_view import ChoiceEditor, FormView, GroupEditor, MultiEditor
from forms.catalog import load_catalog

ROOT = Path(__file__).resolve().parents[2]
ANSWERS = sorted((ROOT / "tests/forms/answers").glob("*.json"))
CATALOG = load_catalog(ROOT / "assets/catalog")


def _typed(value):  # type: ignore[no-untyped-def]
    """Answers as a clerk types them: text for scalars, empty answers left out."""
    if isinstance(value, dict):
        return {k: _typed(v) for k, v in value.items() if v not in ("", [], None)}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    return str(value)


def _types(fields) -> set[str]:  # type: ignore[no-untyped-def]
    out: set[str] = set()
    for f in fields:
        out.add(f.type)
        out |= _types(f.children)
    return out


def test_the_samples_cover_every_field_type() -> None:
    seen = set().union(*(_types(item.fields) for item in CATALOG.items.values()))
    assert seen >= {
        "text",
        "number",
        "date",
        "choice",
        "multichoice",
        "phone",
        "email",
        "resident_id",
        "uscc",
        "address",
        "group",
    }


@pytest.mark.parametrize("path", ANSWERS, ids=[p.stem for p in ANSWERS])
def test_answer_set_round_trips_and_validates(qtbot, path: Path) -> None:
    item = CATALOG.get(path.stem)
    answers = json.loads(path.read_text("utf-8"))
    form = FormView(item.fields)
    qtbot.addWidget(form)
    form.set_values(answers)
    assert _typed(form.all_values()) == _typed(answers)  # the editors hold what was typed
    report = item.validate(form.all_values())
    assert report.ok, [(p.path, str(p.text)) for p in report.problems]


def test_each_field_type_gets_its_editor(qtbot) -> None:
    kinds = {}
    for item in CATALOG.items.values():
        form = FormView(item.fields)
        qtbot.addWidget(form)
        for row in form.rows.values():
            kinds.setdefault(row.spec.type, type(row.editor))
    assert kinds["choice"] is ChoiceEditor and issubclass(ChoiceEditor, QComboBox)
    assert kinds["multichoice"] is MultiEditor
    assert kinds["group"] is GroupEditor
    for line in ("text", "number", "date", "phone", "email", "resident_id", "uscc", "address"):
        if line in kinds:
            assert issubclass(kinds[line], QLineEdit), line


def test_group_entries_add_and_remove_and_keep_their_paths(qtbot) -> None:
    item = CATALOG.get("MZ-002")
    form = FormView(item.fields)
    qtbot.addWidget(form)
    group = form.rows["members"].editor
    first = group.add_entry({"name": "甲", "relation": "self"})
    group.add_entry({"name": "乙", "relation": "child"})
    assert [v["name"] for v in group.value()] == ["甲", "乙"]
    group.remove_entry(group.entries[0][0])
    assert [v["name"] for v in group.value()] == ["乙"]
    assert group.entries[0][1].rows["name"].path == "members[0].name"
    assert first is not None
    multi = form.rows["special_case"].editor
    multi.set_value(["disability"])
    assert [c.isChecked() for c in multi.findChildren(QCheckBox)][:1] == [True]
