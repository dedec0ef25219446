"""Content-addressed material files: chunked, resumable, checked, limited."""

from __future__ import annotations

import hashlib
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest

from portal.db import Database
from portal.enrollment import TerminalInfo
from portal.errors import (
    ChecksumMismatch,
    Invalid,
    OffsetMismatch,
    QuotaExceeded,
    StorageError,
    TooLarge,
)
from portal.materials import MaterialStore
from portal.settings import Settings

DATA = bytes(range(256)) * 200  # 51,200 bytes
SHA = hashlib.sha256(DATA).hexdigest()
T = TerminalInfo("AAAA", "东湖大厅", 1)


@pytest.fixture
def settings(settings: Settings, blob_spec: str) -> Settings:
    """Every test here on each blob back-end (a folder; an S3 bucket on a real server)."""
    return replace(settings, blobs=blob_spec)


@pytest.fixture
def store(db: Database, settings: Settings) -> MaterialStore:
    return MaterialStore(db, settings)


def test_chunks_resume_and_complete_once(store: MaterialStore) -> None:
    assert store.missing([SHA, SHA], T.hall) == [SHA]
    assert store.put_chunk(SHA, 0, len(DATA), DATA[:10_000], T).received == 10_000
    assert store.state(SHA, len(DATA), T).received == 10_000  # what a resuming client asks
    with pytest.raises(OffsetMismatch) as info:
        store.put_chunk(SHA, 0, len(DATA), DATA[:10_000], T)  # a chunk whose reply was lost
    assert info.value.received == 10_000
    offset = 10_000
    while offset < len(DATA):
        state = store.put_chunk(SHA, offset, len(DATA), DATA[offset : offset + 16_384], T)
        offset = state.received
    assert state.complete and store.missing([SHA], T.hall) == []
    assert store.read(SHA) == DATA
    assert store.put_chunk(SHA, 0, len(DATA), DATA[:100], T).complete  # already there
    assert store.state(SHA, None, T).complete


def test_damaged_file_discarded_and_refused(store: MaterialStore) -> None:
    damaged = b"x" + DATA[1:16_000]
    with pytest.raises(ChecksumMismatch):
        store.put_chunk(SHA[:-1] + "0", 0, len(damaged), damaged, T)
    assert store.state(SHA[:-1] + "0", len(damaged), T).received == 0
    assert store.read(SHA[:-1] + "0") is None and store.blobs.uploads() == []


def test_limits(store: MaterialStore) -> None:
    with pytest.raises(TooLarge) as info:
        store.put_chunk(SHA, 0, 100_001, b"x", T)
    assert "100000" in info.value.message("en") and info.value.status_code == 413
    with pytest.raises(TooLarge):
        store.put_chunk(SHA, 0, len(DATA), DATA[:16_385], T)  # one chunk over the chunk limit
    with pytest.raises(Invalid):
        store.put_chunk(SHA, 51_000, len(DATA), DATA[:1000], T)  # goes past the end


def test_empty_file(store: MaterialStore) -> None:
    empty = hashlib.sha256(b"").hexdigest()
    assert store.put_chunk(empty, 0, 0, b"", T).complete


def test_unwritable_folder_is_a_storage_error(db: Database, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    store = MaterialStore(db, Settings(db_url="", materials_dir=blocker))
    with pytest.raises(StorageError) as info:
        store.put_chunk(SHA, 0, len(DATA), DATA[:100], T)
    assert "Cannot store material" in info.value.message("en")


def _upload_whole(store: MaterialStore, sha: str, data: bytes) -> str:
    try:
        return "complete" if store.put_chunk(sha, 0, len(data), data, T).complete else "partial"
    except OffsetMismatch:  # 409: the other server is writing it; the client resumes
        return "resume"


def test_two_app_servers_finishing_the_same_file_both_answer_complete(
    db: Database, settings: Settings
) -> None:
    """Terminals upload the same material through several app servers at once: a server
    finishing second must not fail on the record the first one made (it was an HTTP 500 on
    PostgreSQL). Each answers complete, or 409 with where to resume."""
    first, second = MaterialStore(db, settings), MaterialStore(db, settings)
    first._record(SHA, len(DATA), T.hall)
    second._record(SHA, len(DATA), T.hall)  # the same file, recorded by the other server meanwhile
    assert first.missing([SHA], T.hall) == []
    other = bytes(reversed(DATA))[: settings.max_chunk_bytes]
    sha = hashlib.sha256(other).hexdigest()
    stores = [MaterialStore(db, settings) for _ in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda s: _upload_whole(s, sha, other), stores))
    assert "complete" in answers and set(answers) <= {"complete", "resume"}
    assert first.missing([sha], T.hall) == [] and first.read(sha) == other


def test_unreachable_object_store_is_a_storage_error(
    db: Database, s3_env: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bucket's endpoint does not answer (a closed port): a clear 500 naming S3, and
    nothing recorded as held."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{closed}")
    store = MaterialStore(db, Settings(db_url="", blobs="s3://gone/materials"))
    with pytest.raises(StorageError) as info:
        store.put_chunk(SHA, 0, len(DATA), DATA[:100], T)
    assert "Cannot store material: S3" in info.value.message("en")
    assert store.missing([SHA], T.hall) == [SHA]


def test_quota_and_expiry_count_what_the_store_holds(store: MaterialStore) -> None:
    """Open uploads are counted from the store itself (any app server sees the same), and
    abandoned ones expire and free the quota."""
    for n in range(store.max_open):
        data = f"upload {n}".encode() * 10
        state = store.put_chunk(hashlib.sha256(data).hexdigest(), 0, len(data), data[:5], T)
        assert state.received == 5
    one_more = b"one upload too many" * 10
    sha = hashlib.sha256(one_more).hexdigest()
    with pytest.raises(QuotaExceeded):
        store.put_chunk(sha, 0, len(one_more), one_more[:5], T)
    assert {u.received for u in store.blobs.uploads(f"{T.terminal_id}/")} == {5}
    assert store.expire(now=time.time() + store.ttl + 60) == store.max_open
    assert store.blobs.uploads() == []
    assert store.put_chunk(
        hashlib.sha256(one_more).hexdigest(), 0, len(one_more), one_more, T
    ).complete
