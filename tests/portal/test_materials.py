"""Content-addressed material files: chunked, resumable, checked, limited."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from portal.db import Database
from portal.errors import ChecksumMismatch, Invalid, OffsetMismatch, StorageError, TooLarge
from portal.materials import MaterialStore
from portal.settings import Settings

DATA = bytes(range(256)) * 200  # 51,200 bytes
SHA = hashlib.sha256(DATA).hexdigest()


@pytest.fixture
def store(db: Database, settings: Settings) -> MaterialStore:
    return MaterialStore(db, settings)


def test_chunks_resume_and_complete_once(store: MaterialStore) -> None:
    assert store.missing([SHA, SHA]) == [SHA]
    assert store.put_chunk(SHA, 0, len(DATA), DATA[:10_000]).received == 10_000
    assert store.state(SHA, len(DATA)).received == 10_000  # what a resuming client asks
    with pytest.raises(OffsetMismatch) as info:
        store.put_chunk(SHA, 0, len(DATA), DATA[:10_000])  # a chunk whose reply was lost
    assert info.value.received == 10_000
    offset = 10_000
    while offset < len(DATA):
        state = store.put_chunk(SHA, offset, len(DATA), DATA[offset : offset + 16_384])
        offset = state.received
    assert state.complete and store.missing([SHA]) == []
    assert store.path_of(SHA).read_bytes() == DATA
    assert store.put_chunk(SHA, 0, len(DATA), DATA[:100]).complete  # already there
    assert store.state(SHA).complete


def test_damaged_file_discarded_and_refused(store: MaterialStore) -> None:
    damaged = b"x" + DATA[1:16_000]
    with pytest.raises(ChecksumMismatch):
        store.put_chunk(SHA[:-1] + "0", 0, len(damaged), damaged)
    assert store.state(SHA[:-1] + "0", len(damaged)).received == 0
    assert not store.path_of(SHA[:-1] + "0").exists()


def test_limits(store: MaterialStore) -> None:
    with pytest.raises(TooLarge) as info:
        store.put_chunk(SHA, 0, 100_001, b"x")
    assert "100000" in info.value.message("en") and info.value.status_code == 413
    with pytest.raises(TooLarge):
        store.put_chunk(SHA, 0, len(DATA), DATA[:16_385])  # one chunk over the chunk limit
    with pytest.raises(Invalid):
        store.put_chunk(SHA, 51_000, len(DATA), DATA[:1000])  # goes past the end


def test_empty_file(store: MaterialStore) -> None:
    empty = hashlib.sha256(b"").hexdigest()
    assert store.put_chunk(empty, 0, 0, b"").complete


def test_unwritable_folder_is_a_storage_error(db: Database, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    store = MaterialStore(db, Settings(db_url="", materials_dir=blocker))
    with pytest.raises(StorageError) as info:
        store.put_chunk(SHA, 0, len(DATA), DATA[:100])
    assert "Cannot store material" in info.value.message("en")
