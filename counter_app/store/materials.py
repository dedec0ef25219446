"""Materials (scanned documents, photos, the signature) stored by content: SHA-256.

Files live under `data_dir/materials/ab/<sha256>`; the same bytes are stored once however
often they are given, and uploaded once. Every file and its folder entry are fsynced BEFORE
the commit of the transaction that refers to it, so a committed row never points at a missing
or half-written file (an unreferenced file after a crash is harmless and can be collected).

`put_many` stores one application's files with ONE round of fsyncs: write each to a
temporary name, rename them all into place, then fsync every file and each folder once, all
at the same time (a small thread pool: fsyncs issued together share the disk's flushes, ext4
commits them in one journal transaction). `put_many_behind` returns while those fsyncs run,
so the intake writes its rows meanwhile and waits for them just before its commit. The old
write-fsync-rename-fsync cycle per file made each file wait for two flushes of its own (54%
of an intake with materials, docs/performance.md). The price: after a power cut in the middle
of a `put_many` a file under its final name may be incomplete. No row refers to it (the
commit comes after the fsyncs), and a later `put` of the same bytes checks the content, not
just the size, before it keeps the copy in place.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from counter_app.errors import NotFound, StoreError
from forms.text import Text
from sync.file_types import normalise_extension as normalise_extension  # re-exported
from sync.file_types import sniff as sniff  # re-exported

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor  # start-up: see the docstring

_FSYNC_THREADS = 8


@dataclass(frozen=True, slots=True)
class StoredMaterial:
    """A material's identity and facts: what the submission rows refer to."""

    sha256: str
    size: int
    mime: str
    extension: str


class MaterialStore:
    """The content-addressed folder of material files."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put(self, source: Path | bytes) -> StoredMaterial:
        """Store `source` (a file or bytes) durably; returns its SHA-256, size and type."""
        return self.put_many([source])[0]

    def put_many(self, sources: Sequence[Path | bytes]) -> list[StoredMaterial]:
        """Store every source durably, in order; returns what `put` returns for each.

        All are durable (data and folder entries fsynced) when this returns; after an error
        none of the temporary files is left, and files already in place are only harmless
        unreferenced copies."""
        return self.put_many_behind(sources).wait()

    def put_many_behind(self, sources: Sequence[Path | bytes]) -> Syncing:
        """`put_many`, returning once the files are in place, while their fsyncs run on:
        the caller does its own work meanwhile (the intake: its SQL statements, ~1 ms) and
        calls `wait()` before the commit that refers to them."""
        try:
            with _Staged() as staged:
                self.root.mkdir(parents=True, exist_ok=True)
                stored = [self._stage(source, staged) for source in sources]
                staged.close_files()
                moved = zip(staged.paths, stored, strict=True)
                to_sync = {p for tmp, m in moved for p in self._move_into_place(tmp, m.sha256)}
            return Syncing(stored, [_pool().submit(_fsync_path, path) for path in to_sync])
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

    def _stage(self, source: Path | bytes, staged: _Staged) -> StoredMaterial:
        """Write `source` to a temporary file in the folder (not yet fsynced) and hash it."""
        if isinstance(source, bytes):
            return self._stage_stream(io.BytesIO(source), None, staged)
        with open(source, "rb") as fh:
            return self._stage_stream(fh, source.name, staged)

    def _stage_stream(self, stream: BinaryIO, name: str | None, staged: _Staged) -> StoredMaterial:
        head = stream.read(16)
        ext, mime = sniff(head, name)
        digest = hashlib.sha256(head)
        out = staged.new_file(self.root)
        out.write(head)
        size = len(head) + _copy_hashing(stream, out, digest)
        out.flush()
        return StoredMaterial(digest.hexdigest(), size, mime, ext)

    def _move_into_place(self, tmp: Path, sha: str) -> tuple[Path, ...]:
        """Rename `tmp` to its final name; what to fsync for it: the file, its folder, and
        the materials folder too when the bucket folder is new (its entry must last as
        well). A copy already in place is kept only if its bytes are right (a power cut may
        have torn it), and fsynced all the same: another thread may have renamed it an
        instant ago and not be done with its fsyncs yet."""
        final = self.path_for(sha)
        if final.is_file() and _sha256_of(final) == sha:
            return (final, final.parent)  # same bytes already stored: keep the one copy
        try:
            final.parent.mkdir()
        except FileExistsError:
            os.replace(tmp, final)
            return (final, final.parent)
        os.replace(tmp, final)
        return (final, final.parent, self.root)


class _Staged:
    """The temporary files of one `put_many`: closed and removed on the way out (a renamed
    one is gone already)."""

    def __init__(self) -> None:
        self.files: list[BinaryIO] = []
        self.paths: list[Path] = []

    def new_file(self, folder: Path) -> BinaryIO:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".incoming-")
        self.paths.append(Path(tmp))
        out = os.fdopen(fd, "wb")
        self.files.append(out)
        return out

    def close_files(self) -> None:
        for out in self.files:
            out.close()

    def __enter__(self) -> _Staged:
        return self

    def __exit__(self, *exc: object) -> None:
        for out in self.files:  # closing flushes: on a full disk that fails, and the
            with contextlib.suppress(OSError):  # temporary files must still go
                out.close()
        for tmp in self.paths:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)


@cache
def _pool() -> ThreadPoolExecutor:
    """Made on the first intake with files (importing concurrent.futures at start-up would
    cost the login window ~3 ms for nothing)."""
    from concurrent.futures import ThreadPoolExecutor

    return ThreadPoolExecutor(_FSYNC_THREADS, thread_name_prefix="fsync")


class Syncing:
    """Files in place whose fsyncs are under way (`MaterialStore.put_many_behind`)."""

    def __init__(self, stored: list[StoredMaterial], fsyncs: list[Future[None]]) -> None:
        self.stored, self.fsyncs = stored, fsyncs

    def wait(self) -> list[StoredMaterial]:
        """The stored materials, once every file and folder entry is durable; the first
        error after all have finished, as the clerk's message (a full disk...)."""
        from concurrent.futures import wait  # start-up: ~45 ms; the store opens before login

        wait(self.fsyncs)
        try:
            for future in self.fsyncs:
                future.result()
        except OSError as exc:
            raise _os_error(exc) from exc
        return self.stored


def _copy_hashing(stream: BinaryIO, out: BinaryIO, digest: Any) -> int:
    size = 0
    while chunk := stream.read(1 << 20):
        digest.update(chunk)
        out.write(chunk)
        size += len(chunk)
    return size


def _sha256_of(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _fsync_path(path: Path) -> None:
    """fsync a file or a folder by name (Linux flushes an inode through any descriptor)."""
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
