"""The platform's own files are private to the account that runs it.

`portal.db` holds every applicant and the key that signs staff sessions; the materials
folder holds their documents. Whatever the umask (022 is common), what the platform creates
is 0600 in 0700 folders, so another local account reads nothing and cannot forge a staff
session. `problems()` finds what is not (a folder made by hand, a copied database); `portal
doctor` lists them and `portal serve` refuses to start on them.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sqlalchemy.engine import make_url

from forms.text import Text

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """Create `path` and each missing parent 0700 (mkdir -p would use the umask for them)."""
    missing = []
    for folder in [path, *path.parents]:
        if folder.exists():
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue  # another app server made it a moment ago
        os.chmod(folder, DIR_MODE)  # mkdir's mode is masked by the umask
    return path


def open_private(path: Path, flags: int) -> int:
    """os.open creating the file 0600 (a file that exists keeps its mode)."""
    return os.open(path, flags | os.O_CREAT, FILE_MODE)


def sqlite_path(db_url: str) -> Path | None:
    """The file of a SQLite URL (None for PostgreSQL or an in-memory database)."""
    url = make_url(db_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def prepare_sqlite(db_url: str) -> None:
    """Before SQLite creates the database: its folder 0700 and the file itself 0600 (its
    -wal and -shm files take the database file's mode)."""
    path = sqlite_path(db_url)
    if path is None or path.exists():
        return
    private_dir(path.parent)
    os.close(open_private(path, os.O_WRONLY))


def _loose(path: Path, allowed: int) -> bool:
    return path.exists() and bool(stat.S_IMODE(path.stat().st_mode) & ~allowed)


def _problem(path: Path, want: int) -> Text:
    mode = oct(stat.S_IMODE(path.stat().st_mode))[2:]
    return Text(
        f"{path} 的权限为 {mode}，其他本机账户可以读取；请执行 chmod {want:o} {path}。",
        f"{path} is mode {mode}: other local accounts can read it; run chmod {want:o} {path}.",
    )


def problems(db_url: str, materials: Path, deep: bool = False) -> list[Text]:
    """Every platform file or folder another local account could read. Without `deep`
    only the database (and its -wal/-shm) and the materials folder itself are looked at
    (fast enough for every start-up); with it, every file and folder under materials."""
    return db_problems(db_url) + folder_problems(materials, deep)


def db_problems(db_url: str) -> list[Text]:
    """The SQLite database and its -wal/-shm files if another local account could read
    them (nothing for PostgreSQL)."""
    found: list[Text] = []
    db = sqlite_path(db_url)
    if db is not None:
        for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
            if _loose(path, FILE_MODE):
                found.append(_problem(path, FILE_MODE))
    return found


def folder_problems(folder: Path, deep: bool = False) -> list[Text]:
    """The materials folder if others could read it; with `deep`, every file and folder
    under it too."""
    found = [_problem(folder, DIR_MODE)] if _loose(folder, DIR_MODE) else []
    if deep and folder.is_dir():
        for path in sorted(folder.rglob("*")):
            want = DIR_MODE if path.is_dir() else FILE_MODE
            if _loose(path, want):
                found.append(_problem(path, want))
    return found
