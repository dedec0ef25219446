"""A replaced terminal keeps its work (issue 16): a window moves to a new PC as the SAME
terminal ID.

IT issues a replacement code for an existing terminal (`portal replace-code TERMINAL`): a
one-time code of that terminal's hall and window that names the terminal it replaces
(`enroll_codes.replaces`, migration 50 in `portal.replacement_schema`). Enrolling with it
keeps the terminal ID whatever the new PC proposes, takes the new PC's key and code secret,
and issues a new token: the old token is refused from then on (401, it is no longer known).
The old key and code secret are kept in `terminal_keys`, so tracking codes printed on the
old PC's receipts still open their pages. Every enrollment reply tells the highest receipt
number the platform holds from that terminal ID, so the terminal numbers above it
(`counter_app.ops.replacement`).
"""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, Select, func, select

from forms.text import Text
from portal.db import Database, now_iso
from portal.errors import NotFound


def issue_code(db: Database, terminal_id: str, ttl: timedelta) -> str:
    """A one-time code that enrolls a new PC as `terminal_id` (its hall and window)."""
    from portal import enrollment

    tid = terminal_id.strip().upper()
    terms, codes = db.t("terminals"), db.t("enroll_codes")
    with db.begin() as conn:
        row = conn.execute(select(terms).where(terms.c.terminal_id == tid)).one_or_none()
    if row is None:
        raise NotFound(Text(f"平台上没有终端 {tid}。", f"No terminal {tid} here."))
    code = enrollment.issue_code(db, row.hall, row.window, ttl)
    with db.begin() as conn:
        conn.execute(
            codes.update()
            .where(codes.c.code_hash == _sha(enrollment.normalise_code(code)))
            .values(replaces=tid)
        )
    return code


def replaces(db: Database, conn: Connection, code_hash: str) -> str | None:
    """The terminal ID the code re-enrolls (None: an ordinary code)."""
    codes = db.t("enroll_codes")
    found = conn.execute(select(codes.c.replaces).where(codes.c.code_hash == code_hash))
    value = found.scalar_one_or_none()
    return str(value) if value else None


def keep_old_key(db: Database, conn: Connection, terminal_id: str) -> dict[str, Any]:
    """Keep the terminal's key and code secret before the new PC's replace them; what the
    reply tells the new PC about the key it replaces."""
    terms = db.t("terminals")
    row = conn.execute(select(terms).where(terms.c.terminal_id == terminal_id)).one()
    conn.execute(
        db.t("terminal_keys").insert().values(
            terminal_id=terminal_id, public_key=row.public_key, code_secret=row.code_secret,
            enrolled_at=row.enrolled_at, replaced_at=now_iso(),
        )
    )  # fmt: skip
    return {"replaced_key": fingerprint(row.public_key), "replaced_key_since": row.enrolled_at}


def replaced_key(db: Database, conn: Connection, terminal_id: str) -> dict[str, Any]:
    """What `keep_old_key` told, read back for a retry whose first reply was lost."""
    keys = db.t("terminal_keys")
    query = (
        select(keys.c.public_key, keys.c.enrolled_at)
        .where(keys.c.terminal_id == terminal_id)
        .order_by(keys.c.replaced_at.desc())
        .limit(1)
    )
    row = conn.execute(query).one_or_none()
    if row is None:
        return {}
    return {"replaced_key": fingerprint(row.public_key), "replaced_key_since": row.enrolled_at}


def highest_receipt(db: Database, conn: Connection, terminal_id: str) -> str:
    """The highest receipt number the platform holds from `terminal_id` ("" for none).
    The compact form sorts as (day, sequence): fixed width, Crockford digits in order."""
    apps = db.t("applications")
    query = select(func.max(apps.c.receipt_no)).where(apps.c.terminal_id == terminal_id)
    return str(conn.execute(query).scalar_one_or_none() or "")


def fingerprint(public_key_b64: str) -> str:
    """A key as people compare it: the first 16 hex digits of the raw key's SHA-256."""
    raw = base64.b64decode(public_key_b64)
    return hashlib.sha256(raw).hexdigest()[:16]


def old_secrets(db: Database, terminal_id: Any) -> Select[Any]:
    """The code secrets (base64) the terminal had before its replacements."""
    keys = db.t("terminal_keys")
    return select(keys.c.code_secret).where(keys.c.terminal_id == terminal_id)


def _sha(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()
