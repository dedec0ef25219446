"""Backups of a terminal: one zip holding a consistent copy of the database, the material
files it refers to, the terminal key and a manifest with the SHA-256 of every member, signed
with the terminal key (`manifest.sig`, Ed25519 over the manifest's exact bytes).

Why this shape:
- The database is copied with SQLite's online backup API from a separate read connection,
  in one step: in WAL mode that is one read transaction, a consistent snapshot, and the
  counter keeps writing meanwhile (nothing waits for the backup).
- Materials are listed from that snapshot, and a file is always written before the row that
  refers to it commits, so every material the copied database names is on disk.
- The archive is re-read and every member re-hashed after writing, and the copied database
  passes `PRAGMA integrity_check`, before the backup is reported good.
- The terminal key is in the archive: a restored terminal must sign receipts with the same
  key. A backup is therefore as secret as the data folder itself.

Restore reads the archive as untrusted input (`counter_app.ops.backup_archive`: names,
links, sizes, hashes, signature) and unpacks it into a staging folder next to the data
folder; only a fully checked copy is moved in, so a refused archive writes nothing.
Whose backup it is is decided by the signature, not by the manifest's `terminal_id`: over a
folder that holds a terminal key, the manifest must be signed by that key (another key is
another terminal: refused unless `--force`); into an empty folder, the signature is checked
against the key inside the backup, which proves the archive is whole and unaltered since a
terminal signed it, not which terminal that was (see docs/architecture.md, "Backups").
Afterwards the folder is 0700 and the database, key and materials 0600.
"""

from __future__ import annotations

import base64
import contextlib
import errno
import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from counter_app import __version__
from counter_app.ops.backup_archive import (
    DB_MEMBER,
    FORMAT,
    KEY_MEMBER,
    MANIFEST,
    SIGNATURE,
    BackupError,
    Checked,
    Limits,
    bad,
    check_archive,
    copy_member,
    key_matches,
)
from counter_app.ops.progress import each
from counter_app.store import open_store
from counter_app.store.audit_anchors import HEAD_FILE, write_head_file
from counter_app.store.db import connect, guard
from counter_app.terminal import DB_NAME, KEY_NAME, Terminal
from forms.text import Text

__all__ = ["BackupError", "BackupInfo", "Limits", "create_backup", "restore_backup"]
PREFIX = "counter-"
DEFAULT_LIMITS = Limits()
_PACKING, _UNPACKING = Text("备份", "backing up"), Text("恢复", "restoring")


@dataclass(frozen=True, slots=True)
class BackupInfo:
    """What a backup holds (from its manifest)."""

    path: Path
    terminal_id: str
    created_at: datetime
    schema_version: int
    members: int
    size: int


# -- writing -------------------------------------------------------------------------------
def create_backup(terminal: Terminal, out: Path, now: datetime | None = None) -> BackupInfo:
    """Write a verified backup of `terminal` to `out` (atomically: a temp file renamed)."""
    out = out.expanduser()
    with tempfile.TemporaryDirectory(prefix="counter-backup-") as tmp:
        snapshot = Path(tmp) / DB_MEMBER
        _snapshot(terminal.data_dir / DB_NAME, snapshot)
        members = _members(terminal, snapshot)
        manifest = _manifest(terminal, snapshot, members, now)
        _write_zip(terminal, out, members, manifest)
    return verify_backup(out)


def _snapshot(source: Path, dest: Path) -> None:
    """SQLite online backup in one step from a read-only connection (a WAL snapshot)."""
    src = connect(source, readonly=True)
    try:
        with guard(), contextlib.closing(sqlite3.connect(dest)) as dst:
            src.backup(dst)
    finally:
        src.close()


def _members(terminal: Terminal, snapshot: Path) -> dict[str, Path]:
    """Archive name -> file: the snapshot, the key, and each material the snapshot names."""
    members = {DB_MEMBER: snapshot, KEY_MEMBER: terminal.key_path}
    with contextlib.closing(sqlite3.connect(snapshot)) as conn, guard():
        shas = [row[0] for row in conn.execute("SELECT sha256 FROM materials ORDER BY sha256")]
    for sha in shas:
        path = terminal.materials.path_for(sha)
        if path.is_file():  # purged by retention: the row stays, the file is gone on purpose
            members[f"materials/{sha[:2]}/{sha}"] = path
    return members


def _manifest(
    terminal: Terminal, snapshot: Path, members: dict[str, Path], now: datetime | None
) -> dict[str, Any]:
    with contextlib.closing(sqlite3.connect(snapshot)) as conn, guard():
        schema = conn.execute("SELECT COALESCE(MAX(version), 0) FROM _migrations").fetchone()[0]
    return {
        "format": FORMAT,
        "terminal_id": terminal.terminal_id,
        "hall": terminal.hall,
        "created_at": (now or datetime.now(UTC)).astimezone(UTC).isoformat(),
        "schema_version": schema,
        "app_version": __version__,
        "public_key": base64.b64encode(terminal.public_key_bytes()).decode(),
        "members": {name: _sha256_file(path) for name, path in members.items()},
    }


def _write_zip(
    terminal: Terminal, out: Path, members: dict[str, Path], manifest: dict[str, Any]
) -> None:
    body = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.")
        try:
            with os.fdopen(fd, "wb") as raw:
                with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as zf:
                    zf.writestr(MANIFEST, body)
                    zf.writestr(SIGNATURE, terminal.private_key().sign(body))
                    for name, path in each(members.items(), len(members), _PACKING, "file"):
                        zf.write(path, name)
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(tmp, out)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
    except OSError as exc:
        raise _os_error(out, exc) from exc


def _sha256_file(path: Path) -> str:
    try:
        with open(path, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError as exc:
        raise _os_error(path, exc) from exc


# -- reading and verifying -----------------------------------------------------------------
def verify_backup(path: Path, limits: Limits = DEFAULT_LIMITS) -> BackupInfo:
    """Re-read `path` as untrusted input: names, sizes, the manifest and its signature, every
    member's SHA-256, and the database's integrity. BackupError names the first problem."""
    with _open_zip(path) as zf:
        checked = check_archive(zf, path, limits)
        with tempfile.TemporaryDirectory(prefix="counter-verify-") as tmp:
            _unpack(zf, checked, Path(tmp), path, keep={DB_MEMBER, KEY_MEMBER})
    return _info(path, checked)


def _info(path: Path, checked: Checked) -> BackupInfo:
    manifest = checked.manifest
    try:
        return BackupInfo(
            path=path,
            terminal_id=str(manifest["terminal_id"]),
            created_at=datetime.fromisoformat(manifest["created_at"]),
            schema_version=int(manifest["schema_version"]),
            members=len(checked.members),
            size=path.stat().st_size,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise bad(path, Text("清单不完整", "the manifest is incomplete")) from exc


@contextlib.contextmanager
def _open_zip(path: Path) -> Iterator[zipfile.ZipFile]:
    try:
        with zipfile.ZipFile(path) as zf:
            yield zf
    except FileNotFoundError as exc:
        raise BackupError(Text(f"找不到备份文件 {path}", f"No backup file {path}")) from exc
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile) as exc:
        raise bad(path, Text("不是有效的 zip 文件", "not a valid zip file")) from exc
    except OSError as exc:
        raise _os_error(path, exc) from exc


def _unpack(
    zf: zipfile.ZipFile, checked: Checked, dest: Path, path: Path, keep: set[str] | None = None
) -> None:
    """Read and check every member; write those in `keep` (all when None) under `dest`, each
    0600 in 0700 folders; then the key must be the signer's and the database whole."""
    root = dest.resolve()
    members = checked.members.items()
    for name, digest in each(members, len(members), _UNPACKING, "file"):
        if keep is not None and name not in keep:
            copy_member(zf, name, digest, None, path)
            continue
        target = (dest / name).resolve()
        if not target.is_relative_to(root):  # names are allow-listed; this is the backstop
            raise bad(path, Text(f"成员 {name} 指向文件夹之外", f"member {name} escapes"))
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            copy_member(zf, name, digest, out, path)
            out.flush()
            os.fsync(out.fileno())
    if not key_matches((dest / KEY_MEMBER).read_bytes(), checked.signer):
        raise bad(path, Text("密钥与签名不符", "the key is not the one that signed it"))
    _check_db(dest / DB_MEMBER, path)


def _check_db(db: Path, path: Path) -> None:
    try:
        with contextlib.closing(sqlite3.connect(db)) as conn:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.Error as exc:
        raise bad(path, Text(f"数据库无法打开：{exc}", f"database unreadable: {exc}")) from exc
    if result != "ok":
        raise bad(path, Text(f"数据库损坏：{result}", f"database damaged: {result}"))


# -- restoring -----------------------------------------------------------------------------
def restore_backup(
    data_dir: Path, archive: Path, force: bool = False, limits: Limits = DEFAULT_LIMITS
) -> BackupInfo:
    """Replace the terminal in `data_dir` with the backup's database, key and materials.

    Refuses (BackupError, nothing written) an archive that fails any check, and, unless
    `force`, one signed by another key than the terminal key already in `data_dir` or not
    signed at all. The app must not be running on `data_dir` while this runs."""
    with _open_zip(archive) as zf:
        checked = check_archive(zf, archive, limits)
        _check_owner(data_dir, checked, force)
        try:
            data_dir.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(dir=data_dir.parent, prefix=".restore-"))
            try:
                _unpack(zf, checked, staging, archive)
                _move_in(staging, data_dir)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
        except OSError as exc:
            raise _os_error(data_dir, exc) from exc
    return _info(archive, checked)


def _check_owner(data_dir: Path, checked: Checked, force: bool) -> None:
    """The signature decides whose backup this is (see the module docstring)."""
    if force:
        return
    their = str(checked.manifest.get("terminal_id", "?"))
    if checked.signer is None:
        raise BackupError(
            Text(
                f"该备份（终端 {their}）没有签名（旧版本所做），无法确认来源；"
                "确认无误请加 --force。",
                f"This backup (terminal {their}) is not signed (an older version made it), so "
                "where it comes from cannot be told; add --force if you are sure.",
            )
        )
    mine = _current_public_key(data_dir)
    if mine is not None and mine != checked.signer:
        current = _current_terminal_id(data_dir) or "?"
        raise BackupError(
            Text(
                f"该备份由另一终端的密钥签名（清单写的是终端 {their}），本机为终端 {current}；"
                "确认要用它替换本终端请加 --force。",
                f"This backup is signed by another terminal's key (its manifest says terminal "
                f"{their}), this is {current}; add --force if you are sure.",
            )
        )


def _current_public_key(data_dir: Path) -> bytes | None:
    """The raw public key of the terminal key in `data_dir`; None when there is none (or it
    is unreadable: a damaged terminal is what a restore is for)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        key = serialization.load_pem_private_key((data_dir / KEY_NAME).read_bytes(), None)
    except (OSError, ValueError, TypeError):
        return None
    if not isinstance(key, Ed25519PrivateKey):
        return None
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _current_terminal_id(data_dir: Path) -> str | None:
    db = data_dir / DB_NAME
    if not db.is_file():
        return None
    uri = f"{db.resolve().as_uri()}?mode=ro&immutable=1"  # read only: no -wal/-shm made
    try:
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as conn:
            row = conn.execute("SELECT value FROM settings WHERE key = 'terminal_id'").fetchone()
    except sqlite3.Error:
        return None
    return str(row[0]) if row else None


def _move_in(staging: Path, data_dir: Path) -> None:
    """Materials first, the key, then the database last (over the old one, WAL files
    removed); then every permission tightened, old files included."""
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    for src in sorted(staging.glob("materials/*/*")):
        dest = data_dir / src.relative_to(staging)
        dest.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.replace(src, dest)
    os.replace(staging / KEY_MEMBER, data_dir / KEY_NAME)
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(data_dir / (DB_NAME + suffix))
    os.replace(staging / DB_MEMBER, data_dir / DB_NAME)
    with contextlib.closing(open_store(data_dir / DB_NAME)) as store:
        write_head_file(store)  # the restored chain is the one the head file now vouches for
    _tighten(data_dir)


def _tighten(data_dir: Path) -> None:
    """Folder 0700; database, key, head file and every material 0600, their folders 0700."""
    data_dir.chmod(0o700)
    for name in (DB_NAME, KEY_NAME, HEAD_FILE, DB_NAME + "-wal", DB_NAME + "-shm"):
        with contextlib.suppress(FileNotFoundError):
            (data_dir / name).chmod(0o600)
    for folder, _dirs, files in os.walk(data_dir / "materials"):
        os.chmod(folder, 0o700)
        for f in files:
            os.chmod(os.path.join(folder, f), 0o600)


# -- scheduled backups ---------------------------------------------------------------------
def scheduled_backup(
    terminal: Terminal,
    backup_dir: Path,
    keep: int,
    interval: timedelta = timedelta(hours=24),
    now: datetime | None = None,
) -> Path | None:
    """The app calls this on a timer: back up when the newest backup in `backup_dir` is
    older than `interval`, then keep only the newest `keep`. Returns the new file or None."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    existing = list_backups(backup_dir, terminal.terminal_id)
    made = None
    if not existing or now - _stamp(existing[-1]) >= interval:
        made = backup_dir / f"{PREFIX}{terminal.terminal_id}-{now:%Y%m%dT%H%M%SZ}.zip"
        create_backup(terminal, made, now)
        existing.append(made)
    for old in existing[: max(0, len(existing) - keep)]:
        with contextlib.suppress(FileNotFoundError):
            old.unlink()
    return made


def list_backups(backup_dir: Path, terminal_id: str) -> list[Path]:
    """This terminal's automatic backups in `backup_dir`, oldest first (by name = time)."""
    if not backup_dir.is_dir():
        return []
    return sorted(backup_dir.glob(f"{PREFIX}{terminal_id}-*Z.zip"))


def _stamp(path: Path) -> datetime:
    stamp = path.stem.rsplit("-", 1)[-1]
    return datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


# -- errors --------------------------------------------------------------------------------
def _os_error(path: Path, exc: OSError) -> BackupError:
    if exc.errno == errno.ENOSPC:
        return BackupError(
            Text(f"磁盘已满，无法写入 {path}。", f"The disk is full; cannot write {path}.")
        )
    return BackupError(
        Text(f"无法读写 {path}：{exc.strerror}", f"Cannot read or write {path}: {exc.strerror}")
    )
