"""`counter_app.store` re-exports the sync engine's two writers without importing them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import counter_app.store as store_pkg


def test_the_re_exports_are_loaded_on_first_use_only(tmp_path: Path) -> None:
    """`store.catalog` loads the form model and YAML (~40 ms): opening a store, as the
    window does before the login, must not. Fresh interpreter: this one has them."""
    script = (
        "import sys\n"
        "from counter_app.store import open_store\n"
        f"open_store({str(tmp_path / 'c.db')!r}).close()\n"
        "heavy = ('counter_app.store.catalog', 'counter_app.store.remote', 'yaml')\n"
        "assert not [m for m in heavy if m in sys.modules], 'imported at open'\n"
        "from counter_app.store import apply_remote_status, import_catalog_item\n"
        "from counter_app.store.catalog import import_catalog_item as direct\n"
        "assert import_catalog_item is direct\n"
        "assert apply_remote_status.__module__ == 'counter_app.store.remote'\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'open_stor'"):
        _ = store_pkg.open_stor  # type: ignore[attr-defined]
    with pytest.raises(ImportError):
        from counter_app.store import nothing_here  # type: ignore[attr-defined]  # noqa: F401
