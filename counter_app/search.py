"""Finding applications at the counter: by receipt number, identifier, name or phone.

One search box takes whatever the clerk types or the scanner sends, and the kind of text
decides the lookup. Every lookup is an index seek or an index range (name and phone
prefixes as `>= x AND < x+U+10FFFF`, never LIKE '%x%'), so it stays in milliseconds with a
million applications.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from counter_app.store.db import Store
from sync.receipt_numbers import is_valid_receipt_no, normalise_receipt_no

_SELECT = (
    "SELECT s.uuid, s.receipt_no, s.kind, s.service_code, s.status, s.accepted_at, "
    "s.due_date, s.sync_state, a.id_no, a.name, a.phone FROM submissions s "
    "JOIN applicants a ON a.id_no = s.applicant_id "
)
_TOP = "\U0010ffff"
_IDENTIFIER = re.compile(r"^[0-9A-Za-z]{15,18}$")
_DIGITS = re.compile(r"^\+?[0-9][0-9 \-]{2,}$")


@dataclass(frozen=True, slots=True)
class SearchHit:
    uuid: str
    receipt_no: str
    kind: str
    service_code: str
    status: str
    accepted_at: datetime
    due_date: date | None
    sync_state: str
    id_no: str
    name: str
    phone: str | None


def _hits(rows: list[dict[str, Any]]) -> list[SearchHit]:
    return [
        SearchHit(
            **{
                **r,
                "accepted_at": datetime.fromisoformat(r["accepted_at"]),
                "due_date": date.fromisoformat(r["due_date"]) if r["due_date"] else None,
            }
        )
        for r in rows
    ]


def by_receipt_no(store: Store, text: str) -> list[SearchHit]:
    """Exact match on the normalised number (typed with hyphens, lower case, O for 0...)."""
    rows = store.query(_SELECT + "WHERE s.receipt_no = ?", (normalise_receipt_no(text),))
    return _hits(rows)


def by_identifier(store: Store, id_no: str, limit: int = 50) -> list[SearchHit]:
    """Every application of the applicant with this resident ID / credit code, newest first."""
    rows = store.query(
        _SELECT + "WHERE s.applicant_id = ? ORDER BY s.accepted_at DESC LIMIT ?",
        (id_no.strip().upper(), limit),
    )
    return _hits(rows)


def by_name(store: Store, prefix: str, limit: int = 50) -> list[SearchHit]:
    """Applicants whose name starts with `prefix`, newest applications first."""
    p = prefix.strip()
    return _by_applicant_range(store, "name", p, limit) if p else []


def by_phone(store: Store, prefix: str, limit: int = 50) -> list[SearchHit]:
    """Applicants whose phone number starts with the digits given."""
    p = re.sub(r"[^0-9]", "", prefix)
    return _by_applicant_range(store, "phone", p, limit) if p else []


def _by_applicant_range(store: Store, column: str, prefix: str, limit: int) -> list[SearchHit]:
    rows = store.query(
        _SELECT + f"WHERE a.id_no IN (SELECT id_no FROM applicants WHERE {column} >= ? "
        f"AND {column} < ? LIMIT ?) ORDER BY s.accepted_at DESC LIMIT ?",
        (prefix, prefix + _TOP, limit, limit),
    )
    return _hits(rows)


def search(store: Store, text: str, limit: int = 50) -> list[SearchHit]:
    """Whatever was typed or scanned: a receipt number, an identifier, a phone or a name."""
    text = text.strip()
    if not text:
        return []
    if is_valid_receipt_no(text):
        hits = by_receipt_no(store, text)
        if hits:
            return hits
    if _IDENTIFIER.match(text):
        hits = by_identifier(store, text, limit)
        if hits:
            return hits
    if _DIGITS.match(text):
        return by_phone(store, text, limit)
    return by_name(store, text, limit)
