"""What `audit.verify` compares the hash chain with, so that rewriting the database alone is
not enough to hide a change:

- **The head file** (`audit_head`, 0600, next to the database): the chain's last seq and hash,
  rewritten after every commit that appended to the chain, in place: one write of a
  fixed-width record (86 bytes, inside one disk sector, so a power cut leaves the old record
  or the new one). A temporary file renamed over it cost an intake ~0.4 ms (ext4 renames
  queue behind the journal commit the intake's own fsyncs start); this costs ~2 us. The
  price: `audit verify` reading in the very microsecond of a write could see a partly
  written record and call the file unreadable (run it again). Deleting the last entries
  *and* the `audit_head` setting no longer passes: the file still names the entry that was
  there. It is never behind the database by more than a crash between a commit and the
  write, and a file behind the chain is still consistent with it (the chain's entry at the
  file's seq has the file's hash), so only a file *ahead* of the chain or disagreeing with
  it is a problem.
- **Row states**: every entry about an application (its entity is the receipt number)
  carries `state`, a SHA-256 over the fields whose change matters: receipt number, kind,
  status, applicant ID, service, answers, content hash, signature, rating and the material
  hashes. Every code path that changes one of them appends an entry in the same transaction,
  so the latest entry's state must equal the state recomputed from the current rows;
  an application with no entry at all was inserted outside the program.

Both live in the same folder as the database, so someone who knows them both can still
rewrite everything consistently; what catches that is the platform, which keeps every head
it was told (`portal.audit_heads`) and answers the last one to `counter-app audit verify`
(`GET /api/v1/audit-head`, compared by `audit.against_platform`).
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from counter_app.store.db import Store
from sync.canonical import canonical_json

HEAD_FILE = "audit_head"
STATE = "state"
log = logging.getLogger(__name__)

#: The columns of `submissions` whose change matters (with the material hashes).
STATE_FIELDS = (
    "receipt_no",
    "kind",
    "status",
    "applicant_id",
    "service_code",
    "answers",
    "content_hash",
    "signature",
    "rating",
)
#: One statement per entry (it was two: the row, then its materials): the audit entry of
#: every pulled status change computes it, so it is on the sync pull's hot path.
_STATE_ROW = (
    f"SELECT {', '.join(STATE_FIELDS)}, (SELECT json_group_array(json_array(material_code, "
    "sha256)) FROM submission_materials m WHERE m.uuid = s.uuid) AS materials "
    "FROM submissions s WHERE receipt_no = ?"
)


# -- row states ----------------------------------------------------------------------------
def state_digest(fields: Mapping[str, Any], materials: Iterable[tuple[str, str]]) -> str:
    """The digest of one application: its STATE_FIELDS as stored (answers as the stored
    JSON text) and its (material code, SHA-256) pairs in any order. Also used by the
    benchmark's database generator, which writes rows without the store."""
    body = [{k: fields[k] for k in STATE_FIELDS}, sorted([c, s] for c, s in materials)]
    return hashlib.sha256(canonical_json(body).encode()).hexdigest()


def state_of(store: Store, receipt_no: str) -> str | None:
    """The digest of the application `receipt_no` as its rows stand; None when there is no
    such application (the entity of an entry is not always one)."""
    if not receipt_no:
        return None
    row = store.one(_STATE_ROW, (receipt_no,))
    if row is None:
        return None
    return state_digest(row, json.loads(row["materials"]))


def stated(detail: str) -> str | None:
    """The `state` an entry's detail carries (None for other entries, and for entries from
    before states were recorded)."""
    try:
        value = json.loads(detail).get(STATE)
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


_ALL_STATES = (
    f"SELECT {', '.join(STATE_FIELDS)}, (SELECT json_group_array(json_array(material_code, "
    "sha256)) FROM submission_materials m WHERE m.uuid = s.uuid) AS materials "
    "FROM submissions s ORDER BY receipt_no"
)


def changed_applications(
    store: Store, latest: dict[str, tuple[int, str]]
) -> tuple[list[tuple[int, str]], list[str]]:
    """(seq of the latest entry, receipt number) of each application whose rows differ from
    the state that entry recorded, and the receipt numbers with no recorded state at all.
    `latest` maps entity -> (seq, state) of its latest entry carrying one. One query."""
    changed, unrecorded = [], []
    for row in store.query(_ALL_STATES):
        receipt_no = row["receipt_no"]
        if receipt_no not in latest:
            unrecorded.append(receipt_no)
            continue
        seq, recorded = latest[receipt_no]
        if state_digest(row, json.loads(row["materials"])) != recorded:
            changed.append((seq, receipt_no))
    return changed, unrecorded


# -- the head file -------------------------------------------------------------------------
def head_file(store: Store) -> Path | None:
    """Where the head file of this database lives (None for a database in memory)."""
    path = Path(store.path)
    return None if str(path) in ("", ":memory:") else path.with_name(HEAD_FILE)


def write_head_file(store: Store) -> None:
    """Write the committed chain head to the head file (0600, never through a symbolic
    link). A failure is logged, not raised: the commit it follows has happened, and a file
    behind the chain is still consistent with it."""
    path = head_file(store)
    row = store.one("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
    if path is None or row is None:
        return
    record = f"{row['seq']:020d}:{row['hash']}\n".encode("ascii")
    try:
        fd = _open_head(path)
        try:
            os.pwrite(fd, record, 0)
            found = os.fstat(fd)
            if found.st_size != len(record):  # new, or longer (written by hand)
                os.ftruncate(fd, len(record))
            if found.st_mode & 0o077:  # made by someone else, readable by others
                os.fchmod(fd, 0o600)
        finally:
            os.close(fd)
    except OSError as exc:
        log.warning("audit head file not written: %s", exc.strerror)


def _open_head(path: Path) -> int:
    """The head file for writing. Whatever else stands in its place (a symbolic link, a
    pipe) is replaced by the file, not written through, as renaming a new file over it did."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as exc:
        if exc.errno not in (errno.ELOOP, errno.ENXIO):  # a link; a pipe nobody reads
            raise
        os.unlink(path)
        return os.open(path, flags, 0o600)
    if stat.S_ISREG(os.fstat(fd).st_mode):
        return fd
    os.close(fd)  # a pipe someone reads, a device
    os.unlink(path)
    return os.open(path, flags, 0o600)


def read_head_file(store: Store) -> tuple[int, str] | None:
    """(seq, hash) from the head file; None when there is none; (-1, "") when unreadable."""
    path = head_file(store)
    if path is None or not path.exists():
        return None
    try:
        seq, _, digest = path.read_text(encoding="ascii").strip().partition(":")
        return int(seq), digest
    except (OSError, ValueError, UnicodeDecodeError):
        return (-1, "")
