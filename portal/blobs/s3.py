"""The S3 back-end: objects in a bucket of any S3-compatible store (AWS, Aliyun OSS,
Tencent COS, Huawei OBS, MinIO, Ceph RGW...), through boto3.

Keys are `<prefix><key>`. An unfinished upload is a set of chunk objects
`<prefix>partial/<name>/<offset, 12 digits>`, one per PUT the terminal sent; its progress is
the run of chunks that follow on from offset 0, read back by listing, so any app server
(or one restarted) sees the same progress and nothing is kept in memory. At the last byte
the chunks are read back in order while hashing, the whole is written as one object
(boto3's managed transfer: multipart above 8 MiB) only if the SHA-256 matches, and the
chunks are deleted.

Why chunk objects and not one S3 multipart upload per file: S3 refuses parts under 5 MiB
except the last, and the sync protocol's chunks are at most `max_chunk_bytes` (4 MiB) and
of any size a terminal chose; an open multipart upload is also invisible to a plain listing
(expiring one needs its upload id) and its bytes cannot be hashed before they are visible.
Composing at the end costs one extra read of the file inside the data centre; it checks
the bytes before any reader can see them.

Endpoint and credentials come from boto3's own environment and files, never argv:
`AWS_ENDPOINT_URL`, `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` or
`AWS_SHARED_CREDENTIALS_FILE` (which `problems()` wants 0600), `AWS_CONFIG_FILE`.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from forms.text import Text
from portal.blobs.base import BAD_KEY, UploadInfo, check_key
from portal.errors import ChecksumMismatch, Invalid, OffsetMismatch

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

T = TypeVar("T")
UPLOADS = "partial/"
NOT_FOUND = {"404", "NoSuchKey", "NotFound"}
REFUSED = {"403", "AccessDenied", "SignatureDoesNotMatch", "InvalidAccessKeyId"}
KEYS_HINT = (
    "the store refused the key pair: check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or "
    "AWS_SHARED_CREDENTIALS_FILE"
)
#: Only the checksums S3 requires: several S3-compatible stores refuse botocore's newer
#: default CRC headers. Bytes are checked by their SHA-256 here anyway.
CONFIG = Config(
    request_checksum_calculation="when_required",
    response_checksum_validation="when_required",
    retries={"max_attempts": 4, "mode": "standard"},
    connect_timeout=5,
    read_timeout=30,
)


def _os_error(exc: Exception) -> OSError:
    """A boto3 failure as the OSError the material store turns into a clear 503/500."""
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        code = str(err.get("Code", ""))
        if code in NOT_FOUND:
            return FileNotFoundError(errno.ENOENT, f"S3 {code}")
        if code in REFUSED:
            return PermissionError(errno.EACCES, f"S3 {code}: {KEYS_HINT}")
        return OSError(errno.EIO, f"S3 {code}: {err.get('Message', '')}".strip(": "))
    return OSError(errno.EIO, f"S3: {exc}")


@contextmanager
def _s3() -> Iterator[None]:
    try:
        yield
    except (ClientError, BotoCoreError) as exc:
        raise _os_error(exc) from exc


class S3Blobs:
    """Objects and resumable uploads under `prefix` in `bucket`."""

    def __init__(self, client: S3Client, bucket: str, prefix: str = "") -> None:
        self.client, self.bucket = client, bucket
        self.prefix = f"{check_key(prefix.strip('/'))}/" if prefix.strip("/") else ""

    @classmethod
    def from_url(cls, url: str) -> S3Blobs:
        """`s3://bucket[/prefix]`, the rest from boto3's environment and files."""
        bucket, _, prefix = url.removeprefix("s3://").partition("/")
        if not bucket:
            raise Invalid(BAD_KEY)
        return cls(boto3.client("s3", config=CONFIG), bucket, prefix)

    def describe(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    def _key(self, key: str) -> str:
        if check_key(key).startswith(UPLOADS):
            raise Invalid(BAD_KEY)  # the uploads' own namespace
        return self.prefix + key

    def _call(self, fn: Callable[..., T], **kwargs: Any) -> T:
        with _s3():
            return fn(Bucket=self.bucket, **kwargs)

    def put(self, key: str, data: bytes) -> None:
        self._call(self.client.put_object, Key=self._key(key), Body=data)

    def get(self, key: str) -> bytes:
        reply = self._call(self.client.get_object, Key=self._key(key))
        with _s3():
            return reply["Body"].read()

    def stream(self, key: str, block: int = 1 << 20) -> Iterator[bytes]:
        reply = self._call(self.client.get_object, Key=self._key(key))
        with _s3():
            yield from reply["Body"].iter_chunks(block)

    def size(self, key: str) -> int | None:
        try:
            return self._call(self.client.head_object, Key=self._key(key))["ContentLength"]
        except FileNotFoundError:
            return None

    def exists(self, key: str) -> bool:
        return self.size(key) is not None

    def delete(self, key: str) -> None:
        self._call(self.client.delete_object, Key=self._key(key))

    def _list(self, prefix: str) -> Iterator[dict[str, Any]]:
        pages = self.client.get_paginator("list_objects_v2")
        with _s3():
            for page in pages.paginate(Bucket=self.bucket, Prefix=prefix):
                yield from page.get("Contents", [])  # type: ignore[misc]

    def _chunks(self, upload: str) -> list[tuple[int, int]]:
        """The (offset, size) of the chunks that follow on from 0, in order."""
        base = f"{self.prefix}{UPLOADS}{check_key(upload)}/"
        sizes = {}
        for obj in self._list(base):
            tail = obj["Key"][len(base) :]
            if tail.isdigit() and obj["Size"] > 0:
                sizes[int(tail)] = int(obj["Size"])
        return _chain(sizes)

    def _chunk_key(self, upload: str, offset: int) -> str:
        return f"{self.prefix}{UPLOADS}{upload}/{offset:012d}"

    def received(self, upload: str) -> int:
        return _received(self._chunks(upload))

    def append(self, upload: str, offset: int, data: bytes) -> int:
        have = self.received(upload)
        if have != offset:
            raise OffsetMismatch(have)
        if data:  # an empty chunk adds nothing (and would loop the chain)
            self._call(self.client.put_object, Key=self._chunk_key(upload, offset), Body=data)
        return offset + len(data)

    def finish(self, upload: str, key: str, sha256: str, size: int) -> None:
        target = self._key(key)
        with tempfile.SpooledTemporaryFile(max_size=8 << 20) as whole:
            digest = self._compose(upload, whole)
            if whole.tell() != size:  # another request finished or dropped it meanwhile
                raise OffsetMismatch(self.received(upload))
            if digest != sha256:
                self.abort(upload)
                raise ChecksumMismatch()
            if self.size(key) is None:  # the same bytes stored by another upload: keep one
                whole.seek(0)
                with _s3():
                    self.client.upload_fileobj(whole, self.bucket, target)
        self.abort(upload)

    def _compose(self, upload: str, whole: IO[bytes]) -> str:
        """Copy the upload's chunks in order into `whole`; their SHA-256."""
        digest = hashlib.sha256()
        for offset, _size in self._chunks(upload):
            try:
                reply = self._call(self.client.get_object, Key=self._chunk_key(upload, offset))
            except FileNotFoundError:
                break  # deleted by the request that finished it: the length tells
            with _s3():
                for block in reply["Body"].iter_chunks(1 << 20):
                    digest.update(block)
                    whole.write(block)
        return digest.hexdigest()

    def uploads(self, prefix: str = "") -> list[UploadInfo]:
        """One listing of the chunks under `prefix`, grouped by upload."""
        base = f"{self.prefix}{UPLOADS}"
        sizes: dict[str, dict[int, int]] = {}
        touched: dict[str, float] = {}
        for obj in self._list(base + prefix):
            name, _, tail = obj["Key"][len(base) :].rpartition("/")
            if tail.isdigit() and obj["Size"] > 0:
                sizes.setdefault(name, {})[int(tail)] = int(obj["Size"])
            touched[name] = max(touched.get(name, 0.0), obj["LastModified"].timestamp())
        return [
            UploadInfo(name, _received(_chain(sizes.get(name, {}))), at)
            for name, at in touched.items()
        ]

    def abort(self, upload: str) -> None:
        base = f"{self.prefix}{UPLOADS}{check_key(upload)}/"
        keys = [{"Key": obj["Key"]} for obj in self._list(base)]
        for start in range(0, len(keys), 1000):  # DeleteObjects takes 1,000 keys at a time
            batch = keys[start : start + 1000]
            self._call(self.client.delete_objects, Delete={"Objects": batch, "Quiet": True})

    def problems(self, deep: bool = False) -> list[Text]:
        found = _credential_files()
        probe = f".probe-{os.getpid()}"
        try:
            self._call(self.client.head_bucket)
            self.put(probe, b"")
            self.delete(probe)
        except OSError as exc:
            found.append(
                Text(
                    f"对象存储 {self.describe()} 不可用：{exc.strerror}",
                    f"The object store {self.describe()} is not usable: {exc.strerror}",
                )
            )
        return found


def _chain(sizes: dict[int, int]) -> list[tuple[int, int]]:
    """The chunks (offset -> size) that follow on from offset 0, in order; a chunk left at
    another offset (a retry whose reply was lost) is not part of the file."""
    chain, at = [], 0
    while at in sizes:
        chain.append((at, sizes[at]))
        at += sizes[at]
    return chain


def _received(chain: list[tuple[int, int]]) -> int:
    return chain[-1][0] + chain[-1][1] if chain else 0


def _credential_files() -> list[Text]:
    """boto3's credential and config files if another local account could read them."""
    found = []
    for var, default in (
        ("AWS_SHARED_CREDENTIALS_FILE", "credentials"),
        ("AWS_CONFIG_FILE", "config"),
    ):
        path = Path(os.environ.get(var) or Path.home() / ".aws" / default)
        if path.is_file() and stat.S_IMODE(path.stat().st_mode) & 0o077:
            mode = oct(stat.S_IMODE(path.stat().st_mode))[2:]
            found.append(
                Text(
                    f"{path} 的权限为 {mode}，其他本机账户可以读取对象存储密钥；"
                    f"请执行 chmod 600 {path}。",
                    f"{path} is mode {mode}: other local accounts can read the object store's "
                    f"keys; run chmod 600 {path}.",
                )
            )
    return found
