"""Fixtures for the forms tests: the sample catalog, its answer sets, and a writer of
definition files whose line numbers the tests can rely on."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from forms.catalog import SAMPLE_CATALOG_DIR, Catalog, load_catalog
from tests.forms.forms_fixtures import HEADER, WriteItem


@pytest.fixture(scope="session")
def sample_catalog() -> Catalog:
    return load_catalog(SAMPLE_CATALOG_DIR)


@pytest.fixture
def write_item(tmp_path: Path) -> WriteItem:
    """Write HEADER + `body` (dedented) to a file; returns its path."""

    def write(body: str, name: str = "item.yaml", header: str = HEADER) -> Path:
        path = tmp_path / name
        path.write_text(header + textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
        return path

    return write
