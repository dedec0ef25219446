"""Material files, content-addressed on disk (`<dir>/ab/<sha256>`), uploaded resumably.

An upload is a series of PUTs of consecutive chunks into
`<dir>/partial/<terminal>/<sha>.<total>`. The file's length IS the upload's progress, so any
app server sharing the folder can continue an upload another one started, and a broken
connection resumes at the last byte that reached the disk. A per-file `flock` keeps two
writers of the same file apart. At the last byte the SHA-256 is checked, then the file is
renamed into place and recorded: a file is either complete and correct or not there at all.
Files are created 0600 in 0700 folders whatever the umask (`portal.files`): they are
citizens' documents.

Halls do not learn about each other's files: a file counts as held for a hall only once a
terminal of that hall uploaded it whole (`material_holders`), so "which are missing?" and
the upload state never tell whether another hall holds a file, or its size. A terminal whose
hall lacks a file the platform already has uploads it whole, as proof it holds the bytes;
the copy on disk stays one.

Quotas: a terminal may have at most `max_open_uploads` unfinished uploads and
`max_upload_bytes_in_flight` bytes declared by them (429 + Retry-After beyond), and an
upload untouched for `partial_upload_ttl` is deleted whenever a new one starts.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import time
from contextlib import suppress
from pathlib import Path

from sqlalchemy import select

from forms.text import Text
from portal.db import Database, now_iso
from portal.enrollment import TerminalInfo
from portal.errors import (
    ChecksumMismatch,
    Invalid,
    OffsetMismatch,
    QuotaExceeded,
    StorageError,
    TooLarge,
)
from portal.files import open_private, private_dir
from portal.settings import Settings
from sync.protocol import UploadState


class MaterialStore:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.root = settings.materials_dir
        self.max_bytes = settings.max_material_bytes
        self.max_chunk = settings.max_chunk_bytes
        self.max_open = settings.max_open_uploads
        self.max_in_flight = settings.max_upload_bytes_in_flight
        self.ttl = settings.partial_upload_ttl.total_seconds()
        with suppress(OSError):  # a folder that cannot be made fails each upload, clearly
            private_dir(self.root)

    def path_of(self, sha: str) -> Path:
        return self.root / sha[:2] / sha

    def _partials(self, term: TerminalInfo) -> Path:
        return self.root / "partial" / term.terminal_id

    def _partial(self, sha: str, total: int, term: TerminalInfo) -> Path:
        return self._partials(term) / f"{sha}.{total}"

    def _held(self, hashes: list[str], hall: str) -> set[str]:
        holders = self.db.t("material_holders")
        query = select(holders.c.sha256).where(holders.c.hall == hall, holders.c.sha256.in_(hashes))
        with self.db.begin() as conn:
            return set(conn.scalars(query))

    def missing(self, hashes: list[str], hall: str) -> list[str]:
        """Those of `hashes` that `hall` has not uploaded complete, in the order asked."""
        held = self._held(hashes, hall) if hashes else set()
        return [h for h in dict.fromkeys(hashes) if h not in held]

    def state(self, sha: str, total: int | None, term: TerminalInfo) -> UploadState:
        """How much of `sha` `term` has sent (of an upload of `total` bytes, when given)."""
        if self._held([sha], term.hall):
            path = self.path_of(sha)
            size = path.stat().st_size if path.exists() else None
            return UploadState(
                sha256=sha, received=size or 0, total=size, complete=True, max_chunk=self.max_chunk
            )
        if total is None:
            return UploadState(sha256=sha, received=0, complete=False, max_chunk=self.max_chunk)
        part = self._partial(sha, total, term)
        received = part.stat().st_size if part.exists() else 0
        return UploadState(
            sha256=sha, received=received, total=total, complete=False, max_chunk=self.max_chunk
        )

    def check_size(self, total: int, chunk: int) -> None:
        """Refuse (413) before reading a body that would break the limits."""
        if total > self.max_bytes:
            raise TooLarge(total, self.max_bytes)
        if chunk > self.max_chunk:
            raise TooLarge(chunk, self.max_chunk)

    def put_chunk(
        self, sha: str, offset: int, total: int, data: bytes, term: TerminalInfo
    ) -> UploadState:
        """Append `data` at `offset`; offsets must follow on exactly (else 409 + where)."""
        self.check_size(total, len(data))
        if offset < 0 or offset + len(data) > total:
            raise Invalid(Text("分块超出文件长度。", "Chunk goes past the file's length."))
        if self._held([sha], term.hall):
            return self.state(sha, None, term)
        try:
            return self._append(sha, offset, total, data, term)
        except OSError as exc:
            raise StorageError(
                Text(f"材料存储失败：{exc.strerror}", f"Cannot store material: {exc.strerror}")
            ) from exc

    def _append(
        self, sha: str, offset: int, total: int, data: bytes, term: TerminalInfo
    ) -> UploadState:
        part = self._partial(sha, total, term)
        if not part.exists():
            self._admit(total, term)
        private_dir(part.parent)
        with os.fdopen(open_private(part, os.O_WRONLY | os.O_APPEND), "ab") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            have = fh.seek(0, os.SEEK_END)
            if have != offset:
                raise OffsetMismatch(have)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
            received = have + len(data)
            if received == total:
                self._finish(sha, part, total, term.hall)
                return UploadState(sha256=sha, received=total, total=total, complete=True)
        return UploadState(sha256=sha, received=received, total=total, complete=False)

    def _admit(self, total: int, term: TerminalInfo) -> None:
        """A new upload: expire abandoned ones first, then keep `term` within its quotas."""
        self.expire()
        folder = self._partials(term)
        open_ = [p for p in folder.iterdir() if p.is_file()] if folder.is_dir() else []
        declared = sum(int(p.suffix[1:]) for p in open_ if p.suffix[1:].isdigit())
        if len(open_) >= self.max_open or declared + total > self.max_in_flight:
            raise QuotaExceeded(len(open_), self.max_open, self.max_in_flight)

    def expire(self, now: float | None = None) -> int:
        """Delete unfinished uploads untouched for longer than the TTL; how many went."""
        cutoff = (time.time() if now is None else now) - self.ttl
        gone = 0
        for part in (self.root / "partial").rglob("*"):
            with suppress(FileNotFoundError):  # another app server swept it a moment ago
                if part.is_file() and part.stat().st_mtime < cutoff:
                    part.unlink()
                    gone += 1
        return gone

    def _finish(self, sha: str, part: Path, total: int, hall: str) -> None:
        digest = hashlib.sha256()
        with open(part, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        if digest.hexdigest() != sha:
            part.unlink()
            raise ChecksumMismatch()
        final = self.path_of(sha)
        if final.exists():  # another hall's copy: the bytes are proven, one copy is kept
            part.unlink()
        else:
            private_dir(final.parent)
            os.replace(part, final)
            dir_fd = os.open(final.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        self._record(sha, total, hall)

    def put_whole(self, data: bytes, hall: str) -> str:
        """Keep `data` (a document the platform itself holds, e.g. a licence it issued) as a
        complete file held by `hall`; its SHA-256. Written aside and renamed into place, like
        an upload's last chunk, so the file is whole or absent."""
        sha = hashlib.sha256(data).hexdigest()
        final = self.path_of(sha)
        try:
            if not final.exists():
                private_dir(final.parent)
                part = final.with_name(f".{sha}.{os.getpid()}.part")
                with os.fdopen(open_private(part, os.O_WRONLY | os.O_TRUNC), "wb") as fh:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(part, final)
        except OSError as exc:
            raise StorageError(
                Text(f"材料存储失败：{exc.strerror}", f"Cannot store material: {exc.strerror}")
            ) from exc
        self._record(sha, len(data), hall)
        return sha

    def _record(self, sha: str, size: int, hall: str) -> None:
        """Record a complete file and that `hall` holds it; another app server may have
        recorded either a moment ago."""
        mats, holders = self.db.t("materials"), self.db.t("material_holders")
        stmt = self.db.insert(mats).values(sha256=sha, size=size, stored_at=now_iso())
        held = self.db.insert(holders).values(sha256=sha, hall=hall, held_since=now_iso())
        with self.db.begin() as conn:
            conn.execute(stmt.on_conflict_do_nothing(index_elements=[mats.c.sha256]))
            conn.execute(
                held.on_conflict_do_nothing(index_elements=[holders.c.sha256, holders.c.hall])
            )
