"""The blob-store interface both back-ends implement, and the one rule for object keys."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from forms.text import Text
from portal.errors import Invalid

#: Slash-separated segments of letters, digits, '.', '_' and '-'; no segment of dots only.
#: A key is a path inside the store: '..', an absolute path, a backslash or a NUL would
#: leave the folder (or name another tenant's prefix in a bucket).
KEY = re.compile(r"[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*")
BAD_KEY = Text("存储键无效。", "Invalid storage key.")


def check_key(key: str) -> str:
    """`key` if it stays inside the store, else Invalid (400)."""
    if not KEY.fullmatch(key) or any(part.strip(".") == "" for part in key.split("/")):
        raise Invalid(BAD_KEY)
    return key


@dataclass(frozen=True)
class UploadInfo:
    """An unfinished upload: its name, bytes received so far, when last written (epoch s)."""

    name: str
    received: int
    touched: float


class BlobStore(Protocol):
    """Objects by key, and resumable uploads that become objects once their bytes check."""

    def describe(self) -> str:
        """Where the bytes go, for messages and `portal doctor` (no secrets)."""
        ...

    def put(self, key: str, data: bytes) -> None:
        """Store `data` under `key` atomically (a reader sees all of it or nothing)."""
        ...

    def get(self, key: str) -> bytes:
        """The object's bytes (FileNotFoundError if there is none)."""
        ...

    def stream(self, key: str, block: int = 1 << 20) -> Iterator[bytes]:
        """The object's bytes in blocks (FileNotFoundError if there is none)."""
        ...

    def exists(self, key: str) -> bool: ...

    def size(self, key: str) -> int | None:
        """The object's length, None if there is none."""
        ...

    def delete(self, key: str) -> None:
        """Remove the object (no error if it is already gone)."""
        ...

    def received(self, upload: str) -> int:
        """How many bytes of `upload` are stored (0 for an upload never started)."""
        ...

    def append(self, upload: str, offset: int, data: bytes) -> int:
        """Store `data` at `offset` of `upload`, which must be exactly where it stands
        (OffsetMismatch with that position otherwise); the bytes now received."""
        ...

    def finish(self, upload: str, key: str, sha256: str, size: int) -> None:
        """Check the SHA-256 of all `size` bytes of `upload`, then make it the object `key`
        and drop the upload. A mismatch drops the upload and raises ChecksumMismatch; an
        upload another request of the same terminal finished (or dropped) meanwhile raises
        OffsetMismatch with where it now stands, so the terminal asks again."""
        ...

    def uploads(self, prefix: str = "") -> list[UploadInfo]:
        """The unfinished uploads whose names start with `prefix`."""
        ...

    def abort(self, upload: str) -> None:
        """Drop an unfinished upload (no error if it is already gone)."""
        ...

    def problems(self, deep: bool = False) -> list[Text]:
        """What is wrong with the store: not writable, readable by others, unreachable."""
        ...
