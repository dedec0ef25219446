"""The local store: `open_store(path) -> Store`, schema migrations, and the two functions
the sync engine uses to write what came down from the platform (`apply_remote_status`,
`import_catalog_item`).

Those two are re-exported lazily (module `__getattr__`): `store.catalog` loads the form
model and YAML (~40 ms) and `store.remote` the audit log, none of which opening a store
needs, and the counter window opens its store while the clerk waits for the login window."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from counter_app.store.db import Store, connect, guard, translate
from counter_app.store.migrations import migrate

if TYPE_CHECKING:
    from counter_app.store.catalog import import_catalog_item
    from counter_app.store.remote import apply_remote_status

__all__ = [
    "Store",
    "apply_remote_status",
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
            if str(path) != ":memory:":
                store.checkpoint_in_background()
    except BaseException:
        store.close()
        raise
    return store


def __getattr__(name: str) -> Any:
    """The lazy re-exports, written as plain imports so that freezers and readers see
    them; any other name (a submodule not imported yet) is not here."""
    value: Any
    if name == "import_catalog_item":
        # start-up: the lazy re-exports (see the module docstring)
        from counter_app.store.catalog import import_catalog_item as value
    elif name == "apply_remote_status":
        # start-up: the lazy re-exports (see the module docstring)
        from counter_app.store.remote import apply_remote_status as value
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # later lookups skip this function
    return value
