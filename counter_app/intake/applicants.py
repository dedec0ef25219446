"""Applicants by their "one number": what the terminal already knows, for reuse.

An applicant is filed under the normalised resident ID or credit code (upper-case X and
letters, as `forms.applicant` cleans it), so the same person typed with a lower-case x is
the same applicant.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from counter_app.store.db import Store


@dataclass(frozen=True, slots=True)
class Prefill:
    """What the terminal already knows about an applicant."""

    applicant: dict[str, Any] | None  # id_no, kind, name, phone; None for a newcomer
    last_answers: dict[str, dict[str, Any]]  # service code -> cleaned answers last time
    materials: dict[str, list[dict[str, Any]]]  # material code -> copies, newest first


def prefill(store: Store, id_no: str) -> Prefill:
    """Known data of the applicant with this identifier, and every material they gave
    (newest copy first); whether one may be reused is the item's MaterialSpec's call."""
    key = id_no.strip().upper()
    row = store.one(
        "SELECT id_no, kind, name, phone, last_answers FROM applicants WHERE id_no = ?", (key,)
    )
    if row is None:
        return Prefill(None, {}, {})
    last = json.loads(row.pop("last_answers"))
    copies: dict[str, list[dict[str, Any]]] = {}
    for m in store.query(
        "SELECT am.material_code, am.sha256, am.given_at, m.size, m.mime FROM "
        "applicant_materials am JOIN materials m ON m.sha256 = am.sha256 "
        "WHERE am.applicant_id = ? ORDER BY am.given_at DESC, am.rowid DESC",
        (key,),
    ):
        copies.setdefault(m.pop("material_code"), []).append(m)
    return Prefill(row, last, copies)
