"""Content-addressed material files: stored once, fsynced, typed by their bytes."""

from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path

import pytest

from counter_app.errors import NotFound, StoreError
from counter_app.store.materials import MaterialStore, _os_error, copy_out, sniff
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


def _record_disk_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """(call, what) for every fsync and rename, in order: a power cut cannot be staged in a
    test, so the order that makes the files survive one is what is checked."""
    calls: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        calls.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    def replace(src: str | Path, dst: str | Path) -> None:
        calls.append(("rename", str(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    return calls


def test_put_many_renames_all_then_fsyncs_every_file_and_folder_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = MaterialStore(tmp_path / "m")
    store.put(b"%PDF-warm up the folder")
    calls = _record_disk_calls(monkeypatch)
    scan = tmp_path / "scan.jpg"
    scan.write_bytes(JPG)
    given = [PDF, JPG, PNG, PDF]
    stored = store.put_many([PDF, scan, PNG, PDF])
    assert [s.extension for s in stored] == ["pdf", "jpg", "png", "pdf"]
    assert [store.read(s.sha256) for s in stored] == given
    kinds = [kind for kind, _ in calls]
    finals = {store.path_for(s.sha256) for s in stored}
    assert {Path(dst) for kind, dst in calls if kind == "rename"} == finals
    assert kinds == ["rename"] * 3 + ["fsync"] * (len(kinds) - 3)  # the copy of PDF: no rename
    synced = [Path(what) for kind, what in calls if kind == "fsync"]
    # each file, each bucket folder and (for the buckets made new here) the materials folder,
    # once each, after the last rename: one round of flushes for the whole application
    assert sorted(synced) == sorted(finals | {p.parent for p in finals} | {store.root})
    assert not list(store.root.glob(".incoming-*"))


def test_a_torn_copy_in_place_is_replaced_not_trusted(tmp_path: Path) -> None:
    """After a power cut during put_many a file under its final name may be incomplete (no
    row refers to it yet): the next put of those bytes must not keep it for its size."""
    store = MaterialStore(tmp_path / "m")
    sha = store.put(PDF).sha256
    store.path_for(sha).write_bytes(bytes(len(PDF)))  # same size, zeros: what a cut can leave
    assert store.put_many([PDF])[0].sha256 == sha
    assert store.read(sha) == PDF


def test_put_many_failure_leaves_no_temporary_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = MaterialStore(tmp_path / "m")
    with pytest.raises(NotFound):
        store.put_many([PDF, tmp_path / "gone.jpg"])

    def failing_fsync(fd: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(os, "fsync", failing_fsync)  # a disk fault: cannot be made for real
    with pytest.raises(StoreError) as err:
        store.put_many([PDF, PNG])
    assert "failed" in err.value.message("en")
    assert not list(store.root.glob(".incoming-*"))
    monkeypatch.undo()
    again = store.put_many([PDF, PNG])  # the disk is back: the same files store normally
    assert [store.read(s.sha256) for s in again] == [PDF, PNG]
