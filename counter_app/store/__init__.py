"""The local store: `open_store(path) -> Store`, schema migrations, and the two functions
the sync engine uses to write what came down from the platform (`apply_remote_status`,
`import_catalog_item`)."""

from __future__ import annotations

from pathlib import Path

from counter_app.store.db import Store, connect, dumps, guard, translate
from counter_app.store.migrations import migrate

__all__ = [
    "Store",
    "apply_remote_status",
    "dumps",
    "guard",
    "import_catalog_item",
    "open_store",
    "translate",
]


def open_store(path: Path | str, *, readonly: bool = False, upto: int | None = None) -> Store:
    """Open (creating if needed) the database at `path` and bring its schema up to date.

    `readonly` opens without write access (for inspection tools); `upto` stops migrating at
    that version (tests build old schemas with it)."""
    path = Path(path)
    store = Store(connect(path, readonly=readonly), path)
    try:
        if not readonly:
            migrate(store, upto)
    except BaseException:
        store.close()
        raise
    return store


from counter_app.store.catalog import import_catalog_item  # noqa: E402
from counter_app.store.remote import apply_remote_status  # noqa: E402
