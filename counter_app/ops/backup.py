"""Backups of a terminal: one zip holding a consistent copy of the database, the material
files it refers to, the terminal key and a manifest with the SHA-256 of every member.

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

Restore refuses an archive from another terminal unless forced, so a USB stick from the
next window cannot silently replace this terminal's applications.
"""

from __future__ import annotations

import contextlib
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
from typing import IO, Any

from counter_app import __version__
from counter_app.errors import CounterError
from counter_app.store.db import connect, guard
from counter_app.terminal import DB_NAME, KEY_NAME, Terminal
from forms.text import Text

FORMAT = "counter-terminal-backup/1"
MANIFEST = "manifest.json"
DB_MEMBER = "counter.db"
KEY_MEMBER = "terminal_key.pem"
PREFIX = "counter-"


class BackupError(CounterError):
    """A backup could not be written, read or verified, or a restore was refused."""


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
        _write_zip(out, members, manifest)
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
        "members": {name: _sha256_file(path) for name, path in members.items()},
    }


def _write_zip(out: Path, members: dict[str, Path], manifest: dict[str, Any]) -> None:
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.")
        try:
            with os.fdopen(fd, "wb") as raw:
                with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as zf:
                    zf.writestr(MANIFEST, json.dumps(manifest, indent=1, ensure_ascii=False))
                    for name, path in members.items():
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
def verify_backup(path: Path) -> BackupInfo:
    """Re-read `path`: manifest format, every member's SHA-256, nothing extra or missing, and
    the database's integrity. BackupError names the first problem."""
    with _open_zip(path) as zf:
        manifest = _read_manifest(zf, path)
        listed = manifest["members"]
        present = set(zf.namelist()) - {MANIFEST}
        if present != set(listed) or DB_MEMBER not in listed:
            raise _bad(path, Text("成员与清单不符", "members differ from the manifest"))
        for name, digest in listed.items():
            with zf.open(name) as fh:
                if _digest(fh) != digest:
                    raise _bad(path, Text(f"{name} 校验和不符", f"{name} fails its checksum"))
        _check_db(zf, path)
    return BackupInfo(
        path=path,
        terminal_id=str(manifest["terminal_id"]),
        created_at=datetime.fromisoformat(manifest["created_at"]),
        schema_version=int(manifest["schema_version"]),
        members=len(listed),
        size=path.stat().st_size,
    )


@contextlib.contextmanager
def _open_zip(path: Path) -> Iterator[zipfile.ZipFile]:
    try:
        with zipfile.ZipFile(path) as zf:
            yield zf
    except FileNotFoundError as exc:
        raise BackupError(Text(f"找不到备份文件 {path}", f"No backup file {path}")) from exc
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile) as exc:
        raise _bad(path, Text("不是有效的 zip 文件", "not a valid zip file")) from exc
    except OSError as exc:
        raise _os_error(path, exc) from exc


def _read_manifest(zf: zipfile.ZipFile, path: Path) -> dict[str, Any]:
    try:
        manifest = json.loads(zf.read(MANIFEST))
    except (KeyError, ValueError) as exc:
        raise _bad(path, Text("缺少或无法读取清单", "no readable manifest")) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _bad(path, Text("不是本程序的备份", "not a counter-terminal backup"))
    if not isinstance(manifest.get("members"), dict):
        raise _bad(path, Text("清单不完整", "the manifest is incomplete"))
    return manifest


def _digest(stream: IO[bytes]) -> str:
    h = hashlib.sha256()
    while chunk := stream.read(1 << 20):
        h.update(chunk)
    return h.hexdigest()


def _check_db(zf: zipfile.ZipFile, path: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="counter-verify-") as tmp:
        db = Path(zf.extract(DB_MEMBER, tmp))
        try:
            with contextlib.closing(sqlite3.connect(db)) as conn:
                result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.Error as exc:
            raise _bad(path, Text(f"数据库无法打开：{exc}", f"database unreadable: {exc}")) from exc
    if result != "ok":
        raise _bad(path, Text(f"数据库损坏：{result}", f"database damaged: {result}"))


# -- restoring -----------------------------------------------------------------------------
def restore_backup(data_dir: Path, archive: Path, force: bool = False) -> BackupInfo:
    """Replace the terminal in `data_dir` with the backup's database, key and materials.

    Refuses (BackupError) a backup from another terminal than the one in `data_dir` unless
    `force`. Material files already present are kept (same name = same bytes). The app must
    not be running on `data_dir` while this runs."""
    info = verify_backup(archive)
    current = _current_terminal_id(data_dir)
    if current and current != info.terminal_id and not force:
        raise BackupError(
            Text(
                f"该备份属于终端 {info.terminal_id}，本机为终端 {current}；确认无误请加 --force。",
                f"This backup is from terminal {info.terminal_id}, this is {current}; "
                "add --force if you are sure.",
            )
        )
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(archive) as zf:
            _restore_members(zf, data_dir)
    except OSError as exc:
        raise _os_error(data_dir, exc) from exc
    return info


def _current_terminal_id(data_dir: Path) -> str | None:
    db = data_dir / DB_NAME
    if not db.is_file():
        return None
    try:
        with contextlib.closing(connect(db, readonly=True)) as conn:
            row = conn.execute("SELECT value FROM settings WHERE key = 'terminal_id'").fetchone()
    except (sqlite3.Error, CounterError):
        return None  # a damaged database is what a restore is for
    return str(row[0]) if row else None


def _restore_members(zf: zipfile.ZipFile, data_dir: Path) -> None:
    """Materials first, the database last (renamed over the old one, WAL files removed)."""
    names = [n for n in zf.namelist() if n.startswith("materials/")]
    for name in names:
        dest = data_dir / name
        if not dest.is_file():
            _extract_to(zf, name, dest)
    _extract_to(zf, KEY_MEMBER, data_dir / KEY_NAME, mode=0o600)
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(data_dir / (DB_NAME + suffix))
    _extract_to(zf, DB_MEMBER, data_dir / DB_NAME)


def _extract_to(zf: zipfile.ZipFile, name: str, dest: Path, mode: int = 0o644) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".restore-")
    try:
        os.chmod(tmp, mode)
        with os.fdopen(fd, "wb") as out, zf.open(name) as src:
            shutil.copyfileobj(src, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, dest)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


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
def _bad(path: Path, why: Text) -> BackupError:
    return BackupError(
        Text(f"备份文件 {path} 无效：{why.zh}", f"The backup {path} is not valid: {why.en}")
    )


def _os_error(path: Path, exc: OSError) -> BackupError:
    import errno

    if exc.errno == errno.ENOSPC:
        return BackupError(
            Text(f"磁盘已满，无法写入 {path}。", f"The disk is full; cannot write {path}.")
        )
    return BackupError(
        Text(f"无法读写 {path}：{exc.strerror}", f"Cannot read or write {path}: {exc.strerror}")
    )
