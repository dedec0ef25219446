"""The folder back-end: objects are files under one folder (a local disk or a shared
network mount such as NFS), `<root>/<key>`; unfinished uploads are `<root>/partial/<name>`.

Nothing lives in the process: an upload's progress IS its partial file's length, a per-file
`flock` keeps two writers (two app servers on one mount) apart, and an object appears by
`os.replace` after an fsync, so a reader sees a whole, checked file or none. Everything is
created 0600 in 0700 folders whatever the umask (`portal.files`): they are citizens'
documents.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

from forms.text import Text
from portal.blobs.base import BAD_KEY, UploadInfo, check_key
from portal.errors import ChecksumMismatch, Invalid, OffsetMismatch
from portal.files import folder_problems, open_private, private_dir

UPLOADS = "partial"


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class FolderBlobs:
    """Objects and resumable uploads in the folder `root`."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def describe(self) -> str:
        return f"folder:{self.root}"

    def path(self, key: str) -> Path:
        """The file of object `key` (keys under partial/ are uploads, never objects)."""
        if check_key(key).split("/", 1)[0] == UPLOADS:
            raise Invalid(BAD_KEY)  # the uploads' own namespace
        return self.root / key

    def _upload(self, upload: str) -> Path:
        return self.root / UPLOADS / check_key(upload)

    def put(self, key: str, data: bytes) -> None:
        final = self.path(key)
        private_dir(final.parent)
        fd, tmp = tempfile.mkstemp(dir=final.parent, prefix=".put-")  # mkstemp: 0600
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, final)
        except BaseException:
            with suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        _fsync_dir(final.parent)

    def get(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def stream(self, key: str, block: int = 1 << 20) -> Iterator[bytes]:
        with open(self.path(key), "rb") as fh:
            yield from iter(lambda: fh.read(block), b"")

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def size(self, key: str) -> int | None:
        try:
            return self.path(key).stat().st_size
        except FileNotFoundError:
            return None

    def delete(self, key: str) -> None:
        with suppress(FileNotFoundError):
            self.path(key).unlink()

    def received(self, upload: str) -> int:
        try:
            return self._upload(upload).stat().st_size
        except FileNotFoundError:
            return 0

    def append(self, upload: str, offset: int, data: bytes) -> int:
        part = self._upload(upload)
        private_dir(part.parent)
        with os.fdopen(open_private(part, os.O_WRONLY | os.O_APPEND), "ab") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            have = fh.seek(0, os.SEEK_END)
            if have != offset:
                raise OffsetMismatch(have)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
            return have + len(data)

    def finish(self, upload: str, key: str, sha256: str, size: int) -> None:
        part, final = self._upload(upload), self.path(key)
        digest, read = hashlib.sha256(), 0
        try:
            with open(part, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(block)
                    read += len(block)
        except FileNotFoundError:
            raise OffsetMismatch(self.received(upload)) from None
        if read != size:
            raise OffsetMismatch(read)
        if digest.hexdigest() != sha256:
            part.unlink()
            raise ChecksumMismatch()
        if final.exists():  # the same bytes arrived by another upload: one copy is kept
            part.unlink()
            return
        private_dir(final.parent)
        os.replace(part, final)
        _fsync_dir(final.parent)

    def uploads(self, prefix: str = "") -> list[UploadInfo]:
        base = self.root / UPLOADS
        found = []
        for part in base.rglob("*") if base.is_dir() else []:
            with suppress(FileNotFoundError):  # another app server finished or swept it
                name = part.relative_to(base).as_posix()
                if name.startswith(prefix) and part.is_file():
                    info = part.stat()
                    found.append(UploadInfo(name, info.st_size, info.st_mtime))
        return found

    def abort(self, upload: str) -> None:
        with suppress(FileNotFoundError):
            self._upload(upload).unlink()

    def problems(self, deep: bool = False) -> list[Text]:
        found = folder_problems(self.root, deep)
        try:
            private_dir(self.root)
            fd, probe = tempfile.mkstemp(dir=self.root, prefix=".probe-")
            os.close(fd)
            os.unlink(probe)
        except OSError as exc:
            found.append(
                Text(
                    f"材料文件夹 {self.root} 不可写：{exc.strerror}",
                    f"The materials folder {self.root} is not writable: {exc.strerror}",
                )
            )
        return found
