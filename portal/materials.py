"""Material files, content-addressed (`ab/<sha256>`) in the blob store, uploaded resumably.

An upload is a series of PUTs of consecutive chunks into the blob store's upload
`<terminal>/<sha>.<total>`. The store holds its progress (`portal.blobs`: a partial file's
length, or the chunk objects written), so any app server can continue an upload another
one started, a restarted server resumes where the store says, and a broken connection
resumes at the last byte stored. At the last byte the SHA-256 is checked, then the upload
becomes the object and is recorded: a file is either complete and correct or not there.

Halls do not learn about each other's files: a file counts as held for a hall only once a
terminal of that hall uploaded it whole (`material_holders`), so "which are missing?" and
the upload state never tell whether another hall holds a file, or its size. A terminal whose
hall lacks a file the platform already has uploads it whole, as proof it holds the bytes;
the stored copy stays one.

Quotas: a terminal may have at most `max_open_uploads` unfinished uploads and
`max_upload_bytes_in_flight` bytes declared by them (429 + Retry-After beyond), and an
upload untouched for `partial_upload_ttl` is deleted whenever a new one starts.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

from sqlalchemy import Connection, select

from forms.text import Text
from portal.blobs import BlobStore, FolderBlobs, open_blobs
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
from portal.settings import Settings
from sync.protocol import UploadState

TAMPERED = Text(
    "存储的材料与其校验值不符（已被改动或损坏）。",
    "The stored material does not match its checksum (altered or damaged).",
)


def key_of(sha: str) -> str:
    """The object key of a material: content-addressed, 256 folders by its first byte."""
    return f"{sha[:2]}/{sha}"


def _storage_error(exc: OSError) -> StorageError:
    why = exc.strerror or str(exc)
    return StorageError(Text(f"材料存储失败：{why}", f"Cannot store material: {why}"))


class MaterialStore:
    def __init__(self, db: Database, settings: Settings, blobs: BlobStore | None = None) -> None:
        self.db = db
        self.blobs = blobs or open_blobs(settings.blobs, settings.materials_dir)
        self.max_bytes = settings.max_material_bytes
        self.max_chunk = settings.max_chunk_bytes
        self.max_open = settings.max_open_uploads
        self.max_in_flight = settings.max_upload_bytes_in_flight
        self.ttl = settings.partial_upload_ttl.total_seconds()

    @property
    def root(self) -> Path:
        """The folder of a folder store (tests and tools that look at the files)."""
        assert isinstance(self.blobs, FolderBlobs), self.blobs.describe()
        return self.blobs.root

    def path_of(self, sha: str) -> Path:
        """The file of `sha` in a folder store (other stores have no path: use `read`)."""
        assert isinstance(self.blobs, FolderBlobs), self.blobs.describe()
        return self.blobs.path(key_of(sha))

    def read(self, sha: str) -> bytes | None:
        """The bytes of material `sha`, checked against it; None if it is not stored, a
        StorageError if what is stored is not what was uploaded."""
        try:
            data = self.blobs.get(key_of(sha))
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise _storage_error(exc) from exc
        if hashlib.sha256(data).hexdigest() != sha:
            raise StorageError(TAMPERED)
        return data

    def _held(self, hashes: list[str], hall: str) -> set[str]:
        with self.db.begin() as conn:
            return self.held_in(conn, hashes, hall)

    def held_in(self, conn: Connection, hashes: list[str], hall: str) -> set[str]:
        """Those of `hashes` that `hall` holds complete, read in the caller's transaction
        (a push asks this on the connection that stores its batch)."""
        holders = self.db.t("material_holders")
        query = select(holders.c.sha256).where(
            holders.c.hall == hall, self.db.one_of(holders.c.sha256, hashes)
        )
        return set(conn.scalars(query))

    def missing(self, hashes: list[str], hall: str) -> list[str]:
        """Those of `hashes` that `hall` has not uploaded complete, in the order asked."""
        held = self._held(hashes, hall) if hashes else set()
        return [h for h in dict.fromkeys(hashes) if h not in held]

    def state(self, sha: str, total: int | None, term: TerminalInfo) -> UploadState:
        """How much of `sha` `term` has sent (of an upload of `total` bytes, when given)."""
        try:
            return self._state(sha, total, term)
        except OSError as exc:
            raise _storage_error(exc) from exc

    def _state(self, sha: str, total: int | None, term: TerminalInfo) -> UploadState:
        if self._held([sha], term.hall):
            size = self.blobs.size(key_of(sha))
            return UploadState(
                sha256=sha, received=size or 0, total=size, complete=True, max_chunk=self.max_chunk
            )
        if total is None:
            return UploadState(sha256=sha, received=0, complete=False, max_chunk=self.max_chunk)
        received = self.blobs.received(self._upload(sha, total, term))
        return UploadState(
            sha256=sha, received=received, total=total, complete=False, max_chunk=self.max_chunk
        )

    @staticmethod
    def _upload(sha: str, total: int, term: TerminalInfo) -> str:
        return f"{term.terminal_id}/{sha}.{total}"

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
            raise _storage_error(exc) from exc

    def _append(
        self, sha: str, offset: int, total: int, data: bytes, term: TerminalInfo
    ) -> UploadState:
        upload = self._upload(sha, total, term)
        if offset == 0 and len(data) == total:
            return self._whole(sha, data, upload, term)
        if self.blobs.received(upload) == 0:
            if offset != 0:
                raise OffsetMismatch(0)
            self._admit(total, term)
        received = self.blobs.append(upload, offset, data)
        if received == total:
            self.blobs.finish(upload, key_of(sha), sha, total)
            self._record(sha, total, term.hall)
            return UploadState(sha256=sha, received=total, total=total, complete=True)
        return UploadState(sha256=sha, received=received, total=total, complete=False)

    def _whole(self, sha: str, data: bytes, upload: str, term: TerminalInfo) -> UploadState:
        """A file in one PUT (most materials): checked in memory and stored as the object
        at once, with no upload in between (on S3 one PUT instead of a chunk, a listing,
        a read-back and a copy). A partial upload of it left earlier is dropped."""
        if hashlib.sha256(data).hexdigest() != sha:
            raise ChecksumMismatch()
        if not self.blobs.exists(key_of(sha)):
            self.blobs.put(key_of(sha), data)
        self.blobs.abort(upload)
        self._record(sha, len(data), term.hall)
        return UploadState(sha256=sha, received=len(data), total=len(data), complete=True)

    def _admit(self, total: int, term: TerminalInfo) -> None:
        """A new upload: expire abandoned ones first, then keep `term` within its quotas."""
        self.expire()
        open_ = self.blobs.uploads(f"{term.terminal_id}/")
        declared = sum(int(u.name.rsplit(".", 1)[-1]) for u in open_)
        if len(open_) >= self.max_open or declared + total > self.max_in_flight:
            raise QuotaExceeded(len(open_), self.max_open, self.max_in_flight)

    def expire(self, now: float | None = None) -> int:
        """Delete unfinished uploads untouched for longer than the TTL; how many went."""
        cutoff = (time.time() if now is None else now) - self.ttl
        stale = [u for u in self.blobs.uploads() if u.touched < cutoff]
        for upload in stale:
            self.blobs.abort(upload.name)  # another app server may have swept it already
        return len(stale)

    def put_whole(self, data: bytes, hall: str) -> str:
        """Keep `data` (a document the platform itself holds, e.g. a licence it issued) as a
        complete file held by `hall`; its SHA-256. Stored atomically by the blob store, so
        the file is whole or absent."""
        sha = hashlib.sha256(data).hexdigest()
        try:
            if not self.blobs.exists(key_of(sha)):
                self.blobs.put(key_of(sha), data)
        except OSError as exc:
            raise _storage_error(exc) from exc
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
