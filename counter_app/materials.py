"""Materials (scanned documents, photos, the signature) stored by content: SHA-256.

Files live under `data_dir/materials/ab/<sha256>`; the same bytes are stored once however
often they are given, and uploaded once. A file is written to a temporary name, fsynced and
renamed into place BEFORE the database transaction that refers to it, so a committed row
never points at a missing or half-written file (an unreferenced file after a crash is
harmless and can be collected).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import mimetypes
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from counter_app.errors import NotFound, StoreError
from forms.text import Text

#: (magic bytes at offset 0, extension, MIME type): enough for what halls scan and photograph.
_MAGIC = (
    (b"%PDF-", "pdf", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
    (b"\xff\xd8\xff", "jpg", "image/jpeg"),
    (b"II*\x00", "tif", "image/tiff"),
    (b"MM\x00*", "tif", "image/tiff"),
    (b"GIF8", "gif", "image/gif"),
    (b"PK\x03\x04", "zip", "application/zip"),
)
_SAME = {"jpeg": "jpg", "tiff": "tif"}
_SNIFFED = frozenset(ext for _, ext, _ in _MAGIC)


@dataclass(frozen=True, slots=True)
class StoredMaterial:
    """A material's identity and facts: what the submission rows refer to."""

    sha256: str
    size: int
    mime: str
    extension: str


def sniff(head: bytes, name: str | None = None) -> tuple[str, str]:
    """(extension, MIME type) from the first bytes; the file name only when bytes say nothing
    and the name claims no type whose bytes we know (a program renamed scan.pdf is "bin")."""
    for magic, ext, mime in _MAGIC:
        if head.startswith(magic):
            return ext, mime
    suffix = Path(name).suffix.lower().lstrip(".") if name else ""
    suffix = _SAME.get(suffix, suffix)
    if suffix in _SNIFFED:
        return "bin", "application/octet-stream"
    guessed = mimetypes.guess_type(f"x.{suffix}")[0] if suffix else None
    return suffix or "bin", guessed or "application/octet-stream"


def normalise_extension(ext: str) -> str:
    ext = ext.lower().lstrip(".")
    return _SAME.get(ext, ext)


class MaterialStore:
    """The content-addressed folder of material files."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put(self, source: Path | bytes) -> StoredMaterial:
        """Store `source` (a file or bytes) durably; returns its SHA-256, size and type."""
        try:
            if isinstance(source, bytes):
                return self._put_stream(io.BytesIO(source), None)
            with open(source, "rb") as fh:
                return self._put_stream(fh, source.name)
        except FileNotFoundError as exc:
            name = str(exc.filename)
            raise NotFound(Text(f"找不到文件：{name}", f"File not found: {name}")) from exc
        except OSError as exc:
            raise _os_error(exc) from exc

    def open(self, sha256: str) -> BinaryIO:
        try:
            return open(self.path_for(sha256), "rb")
        except OSError as exc:
            raise NotFound(
                Text(f"材料文件缺失：{sha256}", f"Material file missing: {sha256}")
            ) from exc

    def read(self, sha256: str) -> bytes:
        with self.open(sha256) as fh:
            return fh.read()

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def _put_stream(self, stream: BinaryIO, name: str | None) -> StoredMaterial:
        self.root.mkdir(parents=True, exist_ok=True)
        head = stream.read(16)
        ext, mime = sniff(head, name)
        digest = hashlib.sha256(head)
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(head)
                size = len(head) + _copy_hashing(stream, out, digest)
                out.flush()
                os.fsync(out.fileno())
            sha = digest.hexdigest()
            self._move_into_place(Path(tmp), sha)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        return StoredMaterial(sha, size, mime, ext)

    def _move_into_place(self, tmp: Path, sha: str) -> None:
        final = self.path_for(sha)
        if final.is_file() and final.stat().st_size == tmp.stat().st_size:
            return  # same bytes already stored: keep the one copy
        final.parent.mkdir(exist_ok=True)
        os.replace(tmp, final)
        _fsync_dir(final.parent)


def _copy_hashing(stream: BinaryIO, out: BinaryIO, digest: Any) -> int:
    size = 0
    while chunk := stream.read(1 << 20):
        digest.update(chunk)
        out.write(chunk)
        size += len(chunk)
    return size


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _os_error(exc: OSError) -> StoreError:
    """The clerk-facing error for a failed file operation in the data folder."""
    if exc.errno == errno.ENOSPC:
        return StoreError(
            Text(
                "磁盘已满，材料未保存。请清理磁盘空间后重试。",
                "The disk is full; the material was not saved. Free space and retry.",
            )
        )
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return StoreError(
            Text(
                "材料文件夹不可写，请检查数据文件夹的权限。",
                "The materials folder is not writable; check the data folder.",
            )
        )
    return StoreError(
        Text(f"保存材料时出错：{exc.strerror}", f"Saving the material failed: {exc.strerror}")
    )


def copy_out(store: MaterialStore, sha256: str, dest: Path) -> None:
    """Copy a stored material to `dest` (export, reprint of attachments)."""
    with store.open(sha256) as src, open(dest, "wb") as out:
        shutil.copyfileobj(src, out)
