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


def test_put_many_fsyncs_every_file_then_renames_then_each_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = MaterialStore(tmp_path / "m")
    store.put(b"%PDF-warm up the folder")
    calls = _record_disk_calls(monkeypatch)
    scan = tmp_path / "scan.jpg"
    scan.write_bytes(JPG)
    stored = store.put_many([PDF, scan, PNG, PDF])
    assert [s.extension for s in stored] == ["pdf", "jpg", "png", "pdf"]
    assert all(store.read(s.sha256) == b for s, b in zip(stored, [PDF, JPG, PNG, PDF], strict=True))
    kinds = [kind for kind, _ in calls]
    assert kinds[:4] == ["fsync"] * 4  # every file's data is on disk before any rename
    assert all(Path(what).name.startswith(".incoming-") for _, what in calls[:4])
    renamed = {Path(dst) for kind, dst in calls if kind == "rename"}
    assert renamed == {store.path_for(s.sha256) for s in stored}
    folders = [Path(what) for kind, what in calls[kinds.index("rename") :] if kind == "fsync"]
    assert sorted(folders) == sorted(
        {p.parent for p in renamed} | {store.root}
    )  # + root: new buckets
    assert kinds[-len(folders) :] == ["fsync"] * len(folders)  # after the last rename
    assert not list(store.root.glob(".incoming-*"))


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
    assert [p for p in store.root.rglob("*")] == []  # nothing renamed, nothing half-written
