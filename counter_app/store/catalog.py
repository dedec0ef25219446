"""Service-item definitions in the store: every version kept, as the JSON `forms` round-trips.

A submission names the (code, version) it was filled against, so an old application still
shows and prints with its own form after the catalog moved on. Importing the same version
twice is a no-op; the same version with different content is refused (a version number
must mean one definition everywhere, on every terminal and on the platform).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from counter_app.errors import ConflictError, NotFound
from counter_app.store.db import Store
from forms.catalog import load_catalog
from forms.model import ServiceItem
from forms.text import Text
from sync.canonical import canonical_json


@functools.lru_cache(maxsize=512)
def _parse(definition: str) -> ServiceItem:
    return ServiceItem.from_dict(json.loads(definition))


def import_catalog_item(store: Store, item: Mapping[str, Any] | ServiceItem) -> bool:
    """Store one item version (a dict as `ServiceItem.to_dict()` makes, or the item).
    Returns True when it was new. Raises forms' CatalogError for a malformed dict and
    ConflictError when that code and version exist with other content."""
    parsed = item if isinstance(item, ServiceItem) else ServiceItem.from_dict(dict(item))
    definition = canonical_json(parsed.to_dict())
    with store.transaction():
        existing = store.scalar(
            "SELECT definition FROM catalog_items WHERE code = ? AND version = ?",
            (parsed.code, parsed.version),
        )
        if existing is not None:
            if existing != definition:
                raise ConflictError(
                    Text(
                        f"事项 {parsed.code} 第 {parsed.version} 版已存在且内容不同，"
                        "请提高版本号。",
                        f"Item {parsed.code} version {parsed.version} exists with other content; "
                        "raise the version number.",
                    )
                )
            return False
        store.insert(
            "catalog_items",
            {
                "code": parsed.code,
                "version": parsed.version,
                "definition": definition,
                "imported_at": datetime.now(UTC).isoformat(),
            },
        )
    return True


def import_path(store: Store, path: Path) -> tuple[int, int]:
    """Import a YAML file or a folder of them; returns (new versions, unchanged)."""
    catalog = load_catalog(path)
    new = sum(import_catalog_item(store, item) for item in catalog.items.values())
    return new, len(catalog.items) - new


def get_item(store: Store, code: str, version: int | None = None) -> ServiceItem:
    """An item at `version`, or its latest version; NotFound when absent."""
    if version is None:
        row = store.one(
            "SELECT definition FROM catalog_items WHERE code = ? ORDER BY version DESC LIMIT 1",
            (code,),
        )
    else:
        row = store.one(
            "SELECT definition FROM catalog_items WHERE code = ? AND version = ?", (code, version)
        )
    if row is None:
        raise NotFound(
            Text(f"服务事项目录中没有 {code}。", f"No service item {code} in the catalog.")
        )
    return _parse(row["definition"])


def latest_items(store: Store) -> list[ServiceItem]:
    """The latest version of every item, by code."""
    rows = store.query(
        "SELECT c.definition FROM catalog_items c JOIN (SELECT code, MAX(version) AS v "
        "FROM catalog_items GROUP BY code) m ON c.code = m.code AND c.version = m.v "
        "ORDER BY c.code"
    )
    return [_parse(r["definition"]) for r in rows]


def versions(store: Store, code: str) -> list[int]:
    return [
        r["version"]
        for r in store.query(
            "SELECT version FROM catalog_items WHERE code = ? ORDER BY version", (code,)
        )
    ]
