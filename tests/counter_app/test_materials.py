"""Content-addressed material files: stored once, fsynced, typed by their bytes."""

from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path

import pytest

from counter_app.errors import NotFound, StoreError
from counter_app.materials import MaterialStore, _os_error, copy_out, sniff
from tests.counter_app.counter_testing import JPG, PDF, PNG


def test_bytes_and_file_with_same_content_stored_once(tmp_path: Path) -> None:
    store = MaterialStore(tmp_path / "materials")
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(PDF)
    a, b = store.put(PDF), store.put(scan)
    assert a == b and a.sha256 == hashlib.sha256(PDF).hexdigest()
    assert (a.size, a.mime, a.extension) == (len(PDF), "application/pdf", "pdf")
    path = store.path_for(a.sha256)
    assert path.parent.name == a.sha256[:2] and path.read_bytes() == PDF
    assert [p for p in (tmp_path / "materials").rglob("*") if p.is_file()] == [path]


def test_large_file_streams_and_round_trips(tmp_path: Path) -> None:
    store = MaterialStore(tmp_path / "m")
    big = tmp_path / "big.jpg"
    big.write_bytes(JPG + bytes(range(256)) * 20_000)  # ~5 MB, several chunks
    stored = store.put(big)
    copy_out(store, stored.sha256, tmp_path / "out.jpg")
    assert (tmp_path / "out.jpg").read_bytes() == big.read_bytes()
    assert stored.mime == "image/jpeg" and store.exists(stored.sha256)


def test_type_comes_from_bytes_not_name() -> None:
    assert sniff(PNG, "photo.pdf") == ("png", "image/png")
    assert sniff(b"plain text", "notes.txt") == ("txt", "text/plain")
    assert sniff(b"plain", None) == ("bin", "application/octet-stream")


def test_missing_source_and_missing_material(tmp_path: Path) -> None:
    store = MaterialStore(tmp_path / "m")
    with pytest.raises(NotFound):
        store.put(tmp_path / "nope.pdf")
    with pytest.raises(NotFound):
        store.read("0" * 64)


def test_unwritable_folder_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "m"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(StoreError) as err:
        MaterialStore(blocker).put(PDF)
    assert "material" in err.value.message("en")


@pytest.mark.parametrize(
    ("code", "words"),
    [(errno.ENOSPC, "disk is full"), (errno.EACCES, "not writable"), (errno.EIO, "failed")],
)
def test_os_errors_translated(code: int, words: str) -> None:
    """A full disk cannot be produced safely in a test run (and root ignores permissions),
    so the translation itself is checked with the errno the kernel would give."""
    error = _os_error(OSError(code, os.strerror(code)))
    assert words in error.message("en") and error.message("zh_CN")
