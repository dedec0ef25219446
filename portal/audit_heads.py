"""Catching a rewritten audit chain on the platform.

Every push carries the terminal's chain head (seq, hash) and an anchor: the terminal's hash
*now* at the seq of the head the platform confirmed last. Both go into `audit_heads`, which
thereby holds every (seq, hash) the platform was ever told. An honest chain only grows, so
one seq always has one hash; someone who edits or deletes entries with the sqlite3 shell
and recomputes the hashes after them changes the hash at the anchor, and the platform then
holds two hashes for that seq. `broken_chains` lists those; the push itself still succeeds
(the hall keeps working) and a warning is logged for the operators.
"""

from __future__ import annotations

import logging

from sqlalchemy import Connection, func, insert, select

from portal.db import Database, now_iso
from portal.enrollment import TerminalInfo
from sync.protocol import AuditHead, ChainHead

log = logging.getLogger(__name__)


def record_anchor(db: Database, conn: Connection, term: TerminalInfo, head: AuditHead) -> bool:
    """Keep the anchor of `head`; False (and a warning) when it contradicts what this
    terminal reported before for that seq."""
    if head.anchor_seq is None:
        return True
    heads = db.t("audit_heads")
    conn.execute(
        insert(heads).values(
            terminal_id=term.terminal_id,
            seq=head.anchor_seq,
            hash=head.anchor_hash or "",
            received_at=now_iso(),
        )
    )
    seen = conn.execute(
        select(func.count(heads.c.hash.distinct())).where(
            heads.c.terminal_id == term.terminal_id, heads.c.seq == head.anchor_seq
        )
    ).scalar_one()
    if seen > 1:
        log.warning(
            "audit chain of terminal %s was rewritten at or below entry %d",
            term.terminal_id,
            head.anchor_seq,
        )
    return bool(seen == 1)


def broken_chains(db: Database) -> dict[str, list[int]]:
    """terminal ID -> the seqs for which it reported two different hashes (rewritten)."""
    heads = db.t("audit_heads")
    query = (
        select(heads.c.terminal_id, heads.c.seq)
        .group_by(heads.c.terminal_id, heads.c.seq)
        .having(func.count(heads.c.hash.distinct()) > 1)
        .order_by(heads.c.terminal_id, heads.c.seq)
    )
    found: dict[str, list[int]] = {}
    with db.begin() as conn:
        for terminal_id, seq in conn.execute(query):
            found.setdefault(terminal_id, []).append(int(seq))
    return found


def last_head(db: Database, term: TerminalInfo) -> ChainHead:
    """The head the terminal pushed last (what `GET /api/v1/audit-head` answers, to that
    terminal only)."""
    terms = db.t("terminals")
    with db.begin() as conn:
        row = conn.execute(
            select(terms.c.audit_seq, terms.c.audit_hash).where(
                terms.c.terminal_id == term.terminal_id
            )
        ).first()
    if row is None or row.audit_seq is None:
        return ChainHead(seq=0, hash="")
    return ChainHead(seq=int(row.audit_seq), hash=str(row.audit_hash or ""))
