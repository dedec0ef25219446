"""The one canonical JSON and the one content hash, shared by the terminal and the platform.

Canonical JSON: keys sorted, no spaces, UTF-8 kept (not \\u-escaped). The terminal's store
writes every JSON column with it (stable for diffs and for the audit chain), the platform its
JSON columns and feed rows, and the content hash is taken over it.

The content hash of an application is the SHA-256 of the canonical JSON of its wire form
(`sync.protocol.ApplicationIn`, JSON mode) without `status`, which moves on its own after
intake, and without the hash itself. It is computed once, at intake, over the record the
outbox will send; the platform recomputes it to check what arrived, and an application
pushed again with the same hash is a duplicate, never a conflict. (Before issue 13 the
terminal also kept a hash of its own snapshot, status included; that one is gone, and the
wire definition is unchanged, so what enrolled terminals pushed still matches.)

No pydantic at import: the store imports `canonical_json`, and opening a store is on the
counter window's start path.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sync.protocol import ApplicationIn

#: Wire fields the content hash leaves out: the status moves on after intake.
UNHASHED = frozenset({"status", "content_hash"})


def canonical_json(value: Any) -> str:
    """`value` as canonical JSON (sorted keys, no spaces, UTF-8 kept)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def content_hash(app: ApplicationIn | Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the application's canonical JSON without `UNHASHED` fields.

    A mapping must be the JSON form of an `ApplicationIn` (`model_dump(mode="json")`), as
    the outbox stores it: the hash is over JSON values, so the form decides it."""
    if isinstance(app, Mapping):
        body = {key: value for key, value in app.items() if key not in UNHASHED}
    else:
        body = app.model_dump(mode="json", exclude=set(UNHASHED))
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()
