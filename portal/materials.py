"""Material files, content-addressed on disk (`<dir>/ab/<sha256>`), uploaded resumably.

An upload is a series of PUTs of consecutive chunks into `<dir>/partial/<sha>.<total>`. The
file's length IS the upload's progress, so any app server sharing the folder can continue an
upload another one started, and a broken connection resumes at the last byte that reached
the disk. A per-file `flock` keeps two writers of the same file apart. At the last byte the
SHA-256 is checked, then the file is renamed into place and recorded: a file is either
complete and correct or not there at all. Files are created 0600 in 0700 folders whatever
the umask (`portal.files`): they are citizens' documents.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from contextlib import suppress
from pathlib import Path

from sqlalchemy import select

from forms.text import Text
from portal.db import Database, now_iso
from portal.errors import ChecksumMismatch, Invalid, OffsetMismatch, StorageError, TooLarge
from portal.files import open_private, private_dir
from portal.settings import Settings
from sync.protocol import UploadState


class MaterialStore:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.root = settings.materials_dir
        with suppress(OSError):  # a folder that cannot be made fails each upload, clearly
            private_dir(self.root)
        self.max_bytes = settings.max_material_bytes
        self.max_chunk = settings.max_chunk_bytes

    def path_of(self, sha: str) -> Path:
        return self.root / sha[:2] / sha

    def _partial(self, sha: str, total: int) -> Path:
        return self.root / "partial" / f"{sha}.{total}"

    def _known(self, hashes: list[str]) -> set[str]:
        mats = self.db.t("materials")
        with self.db.begin() as conn:
            return set(conn.scalars(select(mats.c.sha256).where(mats.c.sha256.in_(hashes))))

    def missing(self, hashes: list[str]) -> list[str]:
        """Those of `hashes` the platform does not hold complete, in the order asked."""
        known = self._known(hashes)
        return [h for h in dict.fromkeys(hashes) if h not in known]

    def state(self, sha: str, total: int | None = None) -> UploadState:
        """How much of `sha` has arrived (of an upload of `total` bytes, when given)."""
        if self._known([sha]):
            size = self.path_of(sha).stat().st_size if self.path_of(sha).exists() else None
            return UploadState(
                sha256=sha, received=size or 0, total=size, complete=True, max_chunk=self.max_chunk
            )
        if total is None:
            return UploadState(sha256=sha, received=0, complete=False, max_chunk=self.max_chunk)
        part = self._partial(sha, total)
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

    def put_chunk(self, sha: str, offset: int, total: int, data: bytes) -> UploadState:
        """Append `data` at `offset`; offsets must follow on exactly (else 409 + where)."""
        self.check_size(total, len(data))
        if offset < 0 or offset + len(data) > total:
            raise Invalid(Text("分块超出文件长度。", "Chunk goes past the file's length."))
        if self._known([sha]):
            return self.state(sha)
        try:
            return self._append(sha, offset, total, data)
        except OSError as exc:
            raise StorageError(
                Text(f"材料存储失败：{exc.strerror}", f"Cannot store material: {exc.strerror}")
            ) from exc

    def _append(self, sha: str, offset: int, total: int, data: bytes) -> UploadState:
        part = self._partial(sha, total)
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
                self._finish(sha, part, total)
                return UploadState(sha256=sha, received=total, total=total, complete=True)
        return UploadState(sha256=sha, received=received, total=total, complete=False)

    def _finish(self, sha: str, part: Path, total: int) -> None:
        digest = hashlib.sha256()
        with open(part, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        if digest.hexdigest() != sha:
            part.unlink()
            raise ChecksumMismatch()
        final = self.path_of(sha)
        private_dir(final.parent)
        os.replace(part, final)
        dir_fd = os.open(final.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        self._record(sha, total)

    def _record(self, sha: str, size: int) -> None:
        """Record a complete file; another app server may have recorded it a moment ago."""
        mats = self.db.t("materials")
        stmt = self.db.insert(mats).values(sha256=sha, size=size, stored_at=now_iso())
        with self.db.begin() as conn:
            conn.execute(stmt.on_conflict_do_nothing(index_elements=[mats.c.sha256]))
