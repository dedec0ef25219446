"""The audit chain finds edited, deleted, reordered and cut-off rows."""

from __future__ import annotations

import sqlite3

import pytest

from counter_app.errors import StoreError
from counter_app.store import audit
from counter_app.terminal import Terminal


def _fill(t: Terminal, n: int = 5) -> None:
    for i in range(n):
        audit.append(t.store, "C001", "test.action", f"E{i}", {"i": i, "名": "值"})


def _tamper(t: Terminal, sql: str) -> None:
    """What an attacker with the file does: drop the append-only triggers, then edit."""
    conn = sqlite3.connect(t.store.path)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("DROP TRIGGER audit_log_no_delete")
    conn.executescript(sql)
    conn.commit()
    conn.close()


def test_intact_chain_verifies(terminal: Terminal) -> None:
    _fill(terminal)
    report = audit.verify(terminal.store)
    assert report.ok and report.rows >= 5 and report.head == audit.head(terminal.store)[1]


def test_triggers_refuse_update_and_delete(terminal: Terminal) -> None:
    _fill(terminal)
    with pytest.raises(StoreError):
        terminal.store.execute("UPDATE audit_log SET actor = 'X' WHERE seq = 1")
    with pytest.raises(StoreError):
        terminal.store.execute("DELETE FROM audit_log WHERE seq = 1")


def test_edited_row_found(terminal: Terminal) -> None:
    _fill(terminal)
    seq = audit.head(terminal.store)[0] - 2
    _tamper(terminal, f"UPDATE audit_log SET detail = '{{\"i\":99}}' WHERE seq = {seq}")
    report = audit.verify(terminal.store)
    assert [p.seq for p in report.problems] == [seq]
    assert "edited" in report.problems[0].text.en


def test_deleted_row_found(terminal: Terminal) -> None:
    _fill(terminal)
    seq = audit.head(terminal.store)[0] - 2
    _tamper(terminal, f"DELETE FROM audit_log WHERE seq = {seq}")
    report = audit.verify(terminal.store)
    assert not report.ok and "missing" in report.problems[0].text.en
    assert report.problems[0].seq == seq + 1


def test_reordered_rows_found(terminal: Terminal) -> None:
    _fill(terminal)
    last = audit.head(terminal.store)[0]
    _tamper(
        terminal,
        f"""
        UPDATE audit_log SET seq = -1 WHERE seq = {last - 1};
        UPDATE audit_log SET seq = {last - 1} WHERE seq = {last};
        UPDATE audit_log SET seq = {last} WHERE seq = -1;""",
    )
    report = audit.verify(terminal.store)
    assert not report.ok
    assert {p.seq for p in report.problems} >= {last - 1, last}


def test_rows_cut_off_the_end_found(terminal: Terminal) -> None:
    _fill(terminal)
    last = audit.head(terminal.store)[0]
    _tamper(terminal, f"DELETE FROM audit_log WHERE seq = {last}")
    report = audit.verify(terminal.store)
    assert [p.seq for p in report.problems] == [last, last]  # the setting and the head file
    assert all("end" in p.text.en for p in report.problems)
    assert "head file" in report.problems[1].text.en


def test_one_head_write_keeps_the_head_true_after_a_rolled_back_entry(
    terminal: Terminal,
) -> None:
    store = terminal.store
    with audit.one_head_write(store):
        audit.append(store, "portal", "status.remote", "A")
        with pytest.raises(RuntimeError), store.savepoint():
            audit.append(store, "portal", "status.remote", "B")
            raise RuntimeError("bad change")
        audit.append(store, "portal", "status.remote", "C")
    seq, digest = audit.head(store)
    assert store.get_setting("audit_head") == f"{seq}:{digest}"
    assert [e["entity"] for e in audit.entries(store)][-2:] == ["A", "C"]
    assert audit.verify(store).ok
    audit.append(store, "clerk", "after")  # outside: the head is written per entry again
    assert store.get_setting("audit_head") == "{}:{}".format(*audit.head(store))


def test_a_rolled_back_transaction_leaves_no_remembered_head(terminal: Terminal) -> None:
    """Within a transaction the chain's last entry is remembered (no read per entry); a
    transaction rolled back must not leave it behind for the next one."""
    store = terminal.store
    _fill(terminal, 2)
    before = audit.head(store)
    with pytest.raises(RuntimeError), store.transaction():
        audit.append(store, "portal", "status.remote", "X")
        audit.append(store, "portal", "status.remote", "Y")
        raise RuntimeError("page failed")
    assert audit.head(store) == before
    seq = audit.append(store, "clerk", "after", "Z")
    assert seq == before[0] + 1
    assert audit.verify(store).ok
