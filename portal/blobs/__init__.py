"""Where the platform keeps bytes: a blob store with one interface and two back-ends.

`BlobStore` is what `portal.materials` (and anything else that stores files) calls: whole
objects (`put`/`get`/`stream`/`exists`/`size`/`delete`) and resumable uploads (`received`,
`append`, `finish`, `uploads`, `abort`). An upload's progress lives in the store itself
(the partial file's length, or the chunk objects already written), never in an app
server's memory, so a chunk may arrive at any app server and a restarted server continues
where the store says the upload stands.

Back-ends: `FolderBlobs` (the default; a local disk or a shared network mount, atomic
rename, no in-process state) and `S3Blobs` (any S3-compatible object store, through
boto3; `pip install counter-terminal[s3]`). `open_blobs(spec, default_folder)` picks one
from `PORTAL_BLOBS` (`folder:/path` or `s3://bucket/prefix`).
"""

from __future__ import annotations

from pathlib import Path

from forms.text import Text
from portal.blobs.base import BlobStore, UploadInfo, check_key
from portal.blobs.folder import FolderBlobs
from portal.errors import Invalid

__all__ = ["BlobStore", "FolderBlobs", "UploadInfo", "check_key", "open_blobs"]


def open_blobs(spec: str, default_folder: Path) -> BlobStore:
    """The blob store `spec` names: "" or `folder:` = `default_folder`, `folder:/path`, or
    `s3://bucket[/prefix]` (endpoint and credentials from the environment, never argv)."""
    spec = spec.strip()
    if spec.startswith("s3://"):
        from portal.blobs.s3 import S3Blobs  # boto3 is imported only where S3 is used

        return S3Blobs.from_url(spec)
    if spec in ("", "folder:"):
        return FolderBlobs(default_folder)
    if spec.startswith("folder:"):
        return FolderBlobs(Path(spec.removeprefix("folder:")))
    raise Invalid(
        Text(
            f"PORTAL_BLOBS 应为 folder:/路径 或 s3://存储桶/前缀，而不是 {spec!r}。",
            f"PORTAL_BLOBS must be folder:/path or s3://bucket/prefix, not {spec!r}.",
        )
    )
