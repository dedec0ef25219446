"""Catalog versions in the store: every version kept, re-import a no-op, a changed
definition under an old version refused. (Not test_catalog: forms has one.)"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from counter_app.errors import ConflictError, NotFound
from counter_app.store import import_catalog_item
from counter_app.store.catalog import get_item, latest_items, versions
from counter_app.terminal import Terminal
from forms.errors import CatalogError
from forms.text import Text

ROOT = Path(__file__).resolve().parents[3]


def test_import_sample_catalog_and_reimport_is_noop(terminal: Terminal) -> None:
    new, same = terminal.import_catalog(ROOT / "assets" / "catalog")
    assert new >= 12 and same == 0
    assert terminal.import_catalog(ROOT / "assets" / "catalog") == (0, new)
    assert len(latest_items(terminal.store)) == new + 1  # and TEST-001


def test_every_version_kept_latest_served(terminal: Terminal) -> None:
    v1 = get_item(terminal.store, "TEST-001")
    v2 = replace(v1, version=2, name=Text("测试事项（新）", "Test item (new)"))
    assert import_catalog_item(terminal.store, v2.to_dict())
    assert versions(terminal.store, "TEST-001") == [1, 2]
    assert get_item(terminal.store, "TEST-001").name.en == "Test item (new)"
    assert get_item(terminal.store, "TEST-001", 1) == v1
    assert get_item(terminal.store, "TEST-001", 1).to_dict() == v1.to_dict()


def test_same_version_other_content_refused(terminal: Terminal) -> None:
    v1 = get_item(terminal.store, "TEST-001")
    with pytest.raises(ConflictError) as err:
        import_catalog_item(terminal.store, replace(v1, promised_days=1).to_dict())
    assert "raise the version" in err.value.message("en")


def test_malformed_definition_refused(terminal: Terminal) -> None:
    with pytest.raises(CatalogError):
        import_catalog_item(terminal.store, {"code": "X"})
    with pytest.raises(NotFound):
        get_item(terminal.store, "X")
