"""Personal data at rest on the terminal. The decision (docs/architecture.md, Reliability):
full-disk encryption is a deployment requirement, and the application keeps its data folder
to the terminal's own account. What the application does is tested here."""

from __future__ import annotations

import stat
from pathlib import Path

from counter_app.terminal import Terminal
from tests.sync.conftest import PERSON, Take


def test_data_folder_is_private_to_the_terminal_account(terminal: Terminal, take: Take) -> None:
    take("at rest")
    mode = stat.S_IMODE(terminal.data_dir.stat().st_mode)
    assert mode & 0o077 == 0, oct(mode)  # nobody else may list or open anything inside
    assert stat.S_IMODE(terminal.key_path.stat().st_mode) == 0o600
    for path in terminal.materials.root.rglob("*"):
        if path.is_file():
            assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path


def test_a_loose_folder_is_made_private_when_the_terminal_is_set_up(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o777)
    folder.chmod(0o777)
    Terminal.init(folder, "7QXM", "南昌市民中心", "12").close()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_what_the_folder_holds_is_plain_so_the_disk_must_be_encrypted(
    terminal: Terminal, take: Take
) -> None:
    """Documents the decision: the database is readable by whoever holds the disk (hence
    full-disk encryption, checked at deployment), so this test fails the day someone
    encrypts the database and the decision in the architecture doc must be revisited."""
    take("plain")
    terminal.store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = (terminal.data_dir / "counter.db").read_bytes()
    assert raw.startswith(b"SQLite format 3\x00")
    assert PERSON["name"].encode() in raw
