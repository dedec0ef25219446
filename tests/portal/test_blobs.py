"""The blob-store interface on each back-end (a folder; a bucket on a real S3 server): what
`MaterialStore` and later callers (result documents, downloads) rely on."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from portal.blobs import BlobStore, open_blobs
from portal.errors import OffsetMismatch


@pytest.fixture
def blobs(blob_spec: str, tmp_path: Path) -> BlobStore:
    return open_blobs(blob_spec, tmp_path / "materials")


def test_objects_round_trip_whole_and_streamed(blobs: BlobStore) -> None:
    data = os.urandom(3 * 1024 * 1024 + 17)
    assert not blobs.exists("ab/doc") and blobs.size("ab/doc") is None
    blobs.put("ab/doc", data)
    assert blobs.exists("ab/doc") and blobs.size("ab/doc") == len(data)
    assert blobs.get("ab/doc") == data
    blocks = list(blobs.stream("ab/doc", block=1 << 20))
    assert b"".join(blocks) == data and len(blocks) >= 4
    blobs.put("ab/doc", b"replaced")  # a reader sees the old or the new bytes, never a mix
    assert blobs.get("ab/doc") == b"replaced"
    blobs.delete("ab/doc")
    blobs.delete("ab/doc")  # already gone: no error
    assert not blobs.exists("ab/doc")
    with pytest.raises(FileNotFoundError):
        blobs.get("ab/doc")
    with pytest.raises(FileNotFoundError):
        list(blobs.stream("ab/doc"))


def test_an_upload_is_its_own_progress(blobs: BlobStore) -> None:
    assert blobs.received("T1/x.9") == 0 and blobs.uploads() == []
    assert blobs.append("T1/x.9", 0, b"abc") == 3
    assert blobs.append("T1/x.9", 3, b"def") == 6
    with pytest.raises(OffsetMismatch) as info:
        blobs.append("T1/x.9", 3, b"def")  # the same chunk again
    assert info.value.received == 6
    with pytest.raises(OffsetMismatch):
        blobs.append("T1/x.9", 9, b"g")  # a gap
    assert [(u.name, u.received) for u in blobs.uploads("T1/")] == [("T1/x.9", 6)]
    assert blobs.uploads("T2/") == []
    blobs.abort("T1/x.9")
    assert blobs.received("T1/x.9") == 0 and blobs.uploads() == []
