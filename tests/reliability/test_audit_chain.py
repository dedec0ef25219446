"""The audit log is tamper-evident: triggers refuse edits, and `counter-app audit verify`
names every entry someone edited, deleted or moved after dropping the triggers (what a
person with the database file and the sqlite3 shell can do). A careful rewrite that also
recomputes the hashes is caught by the platform, which kept the heads it was sent."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from counter_app.cli import main
from counter_app.store import audit
from counter_app.store.sync_port import StorePort
from counter_app.terminal import Terminal
from portal.audit_heads import broken_chains
from portal.server import BackgroundServer
from sync.engine import SyncEngine
from tests.sync.conftest import Take, plain_client

Tamper = Callable[[sqlite3.Connection], None]


def _drop_triggers(db: sqlite3.Connection) -> None:
    names = db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"
    ).fetchall()
    assert names, "no triggers guard the audit log"
    for (name,) in names:
        db.execute(f'DROP TRIGGER "{name}"')


def _edit(db: sqlite3.Connection) -> None:
    db.execute("UPDATE audit_log SET actor = 'someone else' WHERE seq = 5")


def _delete(db: sqlite3.Connection) -> None:
    db.execute("DELETE FROM audit_log WHERE seq = 6")


def _reorder(db: sqlite3.Connection) -> None:
    db.execute("UPDATE audit_log SET seq = -1 WHERE seq = 7")
    db.execute("UPDATE audit_log SET seq = 7 WHERE seq = 8")
    db.execute("UPDATE audit_log SET seq = 8 WHERE seq = -1")


def _cut_tail(db: sqlite3.Connection) -> None:
    last = db.execute("SELECT MAX(seq) FROM audit_log").fetchone()[0]
    db.execute("DELETE FROM audit_log WHERE seq >= ?", (last - 1,))


CASES: dict[str, tuple[Tamper, str]] = {
    "edited": (_edit, "#5: entry 5 was edited"),
    "deleted": (_delete, "entries 6 to 6 are missing"),
    "reordered": (_reorder, "does not follow the previous one"),
    "cut off": (_cut_tail, "entries at the end are missing"),
}


@pytest.fixture
def busy_day(terminal: Terminal, take: Take, tmp_path: Path) -> Path:
    for i in range(4):
        take(f"audit-{i}")
    terminal.close()
    copy = tmp_path / "copy"
    shutil.copytree(terminal.data_dir, copy)
    return copy


def verify(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["--data-dir", str(data_dir), "--lang", "en", "audit", "verify"])
    return code, capsys.readouterr().out


def test_intact_chain_verifies_and_triggers_refuse_edits(
    busy_day: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = verify(busy_day, capsys)
    assert code == 0 and "intact" in out
    db = sqlite3.connect(busy_day / "counter.db")
    for statement in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(sqlite3.DatabaseError):
            db.execute(statement)
    db.close()


@pytest.mark.parametrize("case", sorted(CASES))
def test_verify_names_what_was_tampered_with(
    busy_day: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    tamper, expected = CASES[case]
    db = sqlite3.connect(busy_day / "counter.db", isolation_level=None)
    _drop_triggers(db)
    tamper(db)
    db.close()
    code, out = verify(busy_day, capsys)
    assert code == 1, out
    assert expected in out, out
    zh = main(["--data-dir", str(busy_day), "--lang", "zh_CN", "audit", "verify"])
    assert zh == 1 and "审计日志已被改动" in capsys.readouterr().out


def test_verify_on_a_folder_without_a_terminal_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--data-dir", str(tmp_path), "--lang", "en", "audit", "verify"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "init" in err


def _rewrite_carefully(db: sqlite3.Connection, seq: int) -> None:
    """Edit entry `seq` and recompute every hash after it, and the recorded head: the
    local check cannot tell. Only someone who saw an older hash can."""
    _drop_triggers(db)
    db.execute("UPDATE audit_log SET actor = 'nobody' WHERE seq = ?", (seq,))
    rows = db.execute(
        "SELECT seq, at, actor, action, entity, detail FROM audit_log WHERE seq >= ? ORDER BY seq",
        (seq,),
    ).fetchall()
    prev = db.execute("SELECT hash FROM audit_log WHERE seq = ?", (seq - 1,)).fetchone()[0]
    for s, at, actor, action, entity, detail in rows:
        digest = audit._hash(s, at, actor, action, entity, detail, prev)
        db.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, digest, s))
        prev = digest
    last = rows[-1][0]
    db.execute("UPDATE settings SET value = ? WHERE key = 'audit_head'", (f"{last}:{prev}",))


def test_a_rewritten_chain_is_caught_by_the_platform(
    enrolled: Terminal, portal: BackgroundServer, take: Take, capsys: pytest.CaptureFixture[str]
) -> None:
    for i in range(3):
        take(f"before-{i}")
    assert SyncEngine(StorePort(enrolled), plain_client).run_once().ok
    take("honest")
    assert SyncEngine(StorePort(enrolled), plain_client).run_once().ok
    assert broken_chains(portal.app.state.db) == {}
    anchor = audit.head(enrolled.store)[0]
    db = sqlite3.connect(enrolled.data_dir / "counter.db", isolation_level=None)
    _rewrite_carefully(db, 3)
    head = db.execute("SELECT value FROM settings WHERE key = 'audit_head'").fetchone()[0]
    db.close()
    assert not audit.verify(enrolled.store).ok  # the head file outside the database differs
    (enrolled.data_dir / "audit_head").write_text(head + "\n")  # one who knows that file too
    assert audit.verify(enrolled.store).ok  # locally, the careful rewrite is invisible
    take("after the rewrite")
    assert SyncEngine(StorePort(enrolled), plain_client).run_once().ok  # the hall keeps working
    assert broken_chains(portal.app.state.db) == {enrolled.terminal_id: [anchor]}
