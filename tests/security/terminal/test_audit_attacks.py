"""Rewriting the terminal's records behind the program's back, with the plain sqlite3 module
on the real database file (the append-only triggers dropped first, as an attacker would),
then `counter-app audit verify` through the real command line: every rewrite is reported
(exit 1, the problem named), and the untouched terminal still verifies (exit 0)."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from counter_app.ops.provision import enroll
from counter_app.store import audit
from counter_app.store.sync_port import StorePort
from counter_app.terminal import Terminal
from forms.catalog import load_item
from portal import enrollment, services
from portal.server import BackgroundServer
from portal.settings import Settings
from sync.engine import SyncEngine
from tests.counter_app.counter_testing import ANSWERS, DATA, OTHER, PDF
from tests.portal.pages.pages_support import plain_client
from tests.security.terminal.attack_kit import run
from tests.security.terminal.conftest import CLERK


def rewrite(data_dir: Path, *statements: str) -> None:
    """What someone with the file does: drop the triggers, change rows, commit."""
    conn = sqlite3.connect(data_dir / "counter.db")
    conn.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    conn.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def verify(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = run(data_dir, "audit", "verify")
    return code, capsys.readouterr().out


@pytest.fixture
def receipt(terminal_dir: Path) -> str:
    """A second application (one notice-free acceptance), its receipt number."""
    with Terminal.open(terminal_dir) as t:
        files = {"id_card": [PDF + b"other"], "form": [PDF]}
        return t.intake.accept("TEST-001", OTHER, ANSWERS, files, clerk_id=CLERK).receipt_no


def test_untouched_terminal_verifies(
    terminal_dir: Path, receipt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = verify(terminal_dir, capsys)
    assert code == 0 and "audit log intact" in out


def test_deleting_the_last_entries_and_the_head_setting_is_caught(
    terminal_dir: Path, receipt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The attack that passed before: the tail cut off and the stored head made to agree."""
    rewrite(
        terminal_dir,
        "DELETE FROM audit_log WHERE seq > (SELECT MAX(seq) - 3 FROM audit_log)",
        "DELETE FROM settings WHERE key = 'audit_head'",
    )
    code, out = verify(terminal_dir, capsys)
    assert code == 1 and "entries at the end are missing: the head file records" in out


def test_deleting_the_tail_and_rewriting_the_head_setting_is_caught(
    terminal_dir: Path, receipt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    rewrite(
        terminal_dir,
        "DELETE FROM audit_log WHERE seq > (SELECT MAX(seq) - 2 FROM audit_log)",
        "UPDATE settings SET value = (SELECT seq || ':' || hash FROM audit_log "
        "ORDER BY seq DESC LIMIT 1) WHERE key = 'audit_head'",
    )
    code, out = verify(terminal_dir, capsys)
    assert code == 1 and "the head file records" in out


def test_deleting_the_head_file_too_is_caught(
    terminal_dir: Path, receipt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    rewrite(terminal_dir, "DELETE FROM settings WHERE key = 'audit_head'")
    (terminal_dir / "audit_head").unlink()
    code, out = verify(terminal_dir, capsys)
    assert code == 1 and "the head file is missing" in out


def _accept_one(data_dir: Path) -> None:
    """The clerk takes another application (the head file is written after its commit)."""
    with Terminal.open(data_dir) as t:
        files = {"id_card": [PDF + b"again"], "form": [PDF]}
        t.intake.accept("TEST-001", OTHER, ANSWERS, files, clerk_id=CLERK)


@pytest.mark.parametrize("planted", ["symlink", "fifo"])
def test_something_planted_in_place_of_the_head_file_is_replaced_not_written_through(
    terminal_dir: Path, planted: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A local user puts a link to another file (or a pipe) where the head file was: the
    next intake writes a head file of its own there; the other file keeps its bytes, the
    intake does not hang on the pipe, and the terminal still verifies."""
    victim = terminal_dir.parent / "victim.txt"
    victim.write_text("precious\n")
    head = terminal_dir / "audit_head"
    head.unlink()
    if planted == "symlink":
        head.symlink_to(victim)
    else:
        os.mkfifo(head)
    _accept_one(terminal_dir)
    assert victim.read_text() == "precious\n"
    assert head.is_file() and not head.is_symlink()
    assert stat.S_IMODE(head.stat().st_mode) == 0o600
    code, out = verify(terminal_dir, capsys)
    assert code == 0 and "audit log intact" in out


def test_a_head_file_rewritten_by_hand_is_written_whole_again(
    terminal_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A longer file, readable by everyone, in its place: after the next intake it is the
    chain's head and nothing else, 0600, and the terminal verifies."""
    head = terminal_dir / "audit_head"
    head.write_text("1:" + "0" * 64 + "\n" + "junk " * 40)
    head.chmod(0o644)
    _accept_one(terminal_dir)
    seq, digest = head.read_text().strip().split(":")
    with Terminal.open(terminal_dir) as t:
        assert (int(seq), digest) == audit.head(t.store)
    assert stat.S_IMODE(head.stat().st_mode) == 0o600
    code, out = verify(terminal_dir, capsys)
    assert code == 0 and "audit log intact" in out


@pytest.mark.parametrize(
    ("what", "statement"),
    [
        ("status", "UPDATE submissions SET status = 'approved' WHERE receipt_no = '{no}'"),
        (
            "applicant",
            "UPDATE submissions SET applicant_id = (SELECT id_no FROM applicants "
            "WHERE id_no != submissions.applicant_id LIMIT 1) WHERE receipt_no = '{no}'",
        ),
        (
            "material",
            "UPDATE submission_materials SET sha256 = (SELECT sha256 FROM materials "
            "WHERE sha256 != submission_materials.sha256 LIMIT 1) WHERE uuid = "
            "(SELECT uuid FROM submissions WHERE receipt_no = '{no}') AND material_code = 'form'",
        ),
        ("answers", "UPDATE submissions SET answers = '{{}}' WHERE receipt_no = '{no}'"),
    ],
)
def test_an_application_row_changed_outside_the_program_is_caught(
    terminal_dir: Path, receipt: str, capsys: pytest.CaptureFixture[str], what: str, statement: str
) -> None:
    rewrite(terminal_dir, statement.format(no=receipt))
    code, out = verify(terminal_dir, capsys)
    assert code == 1 and f"application {receipt} was changed outside the program" in out, what


def test_a_receipt_number_changed_outside_the_program_is_caught(
    terminal_dir: Path, receipt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    forged = receipt[:-2] + ("X" if receipt[-2] != "X" else "Y") + receipt[-1]
    rewrite(
        terminal_dir,
        f"UPDATE submissions SET receipt_no = '{forged}' WHERE receipt_no = '{receipt}'",
    )
    code, out = verify(terminal_dir, capsys)
    assert code == 1 and f"application {forged} has no audit entry" in out


def test_an_application_inserted_outside_the_program_is_caught(
    terminal_dir: Path, receipt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    rewrite(
        terminal_dir,
        "CREATE TEMP TABLE copy AS SELECT * FROM submissions WHERE receipt_no = '" + receipt + "'",
        "UPDATE copy SET uuid = 'forged-uuid-0001', receipt_no = 'FORGED1'",
        "INSERT INTO submissions SELECT * FROM copy",
    )
    code, out = verify(terminal_dir, capsys)
    assert code == 1 and "application FORGED1 has no audit entry" in out


def test_a_status_changed_by_the_program_is_not_a_problem(
    terminal_dir: Path, receipt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Void (a supervisor) and a platform status: each recorded, so nothing to report."""
    from datetime import UTC, datetime

    from counter_app import clerks
    from counter_app.store import apply_remote_status
    from tests.counter_app.counter_testing import PASSWORD

    with Terminal.open(terminal_dir) as t:
        first = t.store.scalar(
            "SELECT receipt_no FROM submissions WHERE receipt_no != ?", (receipt,)
        )
        apply_remote_status(t.store, receipt, "approved", "", datetime.now(UTC), "evt-1")
        t.intake.void(str(first), "录入错误", clerks.authenticate(t.store, CLERK, PASSWORD))
    code, out = verify(terminal_dir, capsys)
    assert code == 0, out


@pytest.fixture
def synced(terminal_dir: Path, tmp_path: Path) -> Iterator[tuple[Path, int, str]]:
    """The terminal enrolled at a live portal (running during the test), an application
    taken and synced: the platform now holds the chain head. (data folder, the seq of that
    head, the application's receipt number)."""
    settings = Settings(
        db_url=f"sqlite:///{tmp_path / 'portal.db'}", materials_dir=tmp_path / "portal-files"
    )
    with BackgroundServer(settings) as portal, Terminal.open(terminal_dir) as t:
        db = portal.app.state.db
        services.publish_catalog(db, [load_item(DATA / "TEST-001.yaml").to_dict()])
        code = enrollment.issue_code(db, "南昌市民中心", 12, timedelta(hours=1))
        enroll(t, portal.url, code, plain_client)
        files = {"id_card": [PDF + b"synced"], "form": [PDF]}
        taken = t.intake.accept("TEST-001", OTHER, ANSWERS, files, clerk_id=CLERK)
        report = SyncEngine(StorePort(t), plain_client).run_once()
        assert report.ok, [e.message("en") for e in report.errors]
        seq = audit.head(t.store)[0]
        t.close()
        yield terminal_dir, seq, taken.receipt_no


def test_synced_terminal_verifies_against_the_platform(
    synced: tuple[Path, int, str], capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir, seq, _ = synced
    code, out = verify(data_dir, capsys)
    assert code == 0 and f"compared with the platform's head (entry {seq})" in out


def test_an_application_erased_with_its_entry_and_every_local_anchor_is_caught(
    synced: tuple[Path, int, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """The careful attacker makes an application vanish: its rows, its audit entry (the
    last), the head setting and the head file all made to agree. Locally (`--offline`)
    nothing shows; the head the platform holds does."""
    data_dir, seq, receipt_no = synced
    uuid = f"(SELECT uuid FROM submissions WHERE receipt_no = '{receipt_no}')"
    rewrite(
        data_dir,
        *(
            f"DELETE FROM {table} WHERE {column} = {uuid}"
            for table, column in (
                ("submission_materials", "uuid"),
                ("status_events", "uuid"),
                ("notice_items", "uuid"),
                ("outbox", "entity_uuid"),
            )
        ),
        f"DELETE FROM submissions WHERE receipt_no = '{receipt_no}'",
        f"DELETE FROM audit_log WHERE seq >= {seq}",
        "UPDATE settings SET value = (SELECT seq || ':' || hash FROM audit_log "
        "ORDER BY seq DESC LIMIT 1) WHERE key = 'audit_head'",
    )
    with sqlite3.connect(data_dir / "counter.db") as conn:
        last = conn.execute("SELECT seq || ':' || hash FROM audit_log ORDER BY seq DESC").fetchone()
    (data_dir / "audit_head").write_text(last[0] + "\n")
    assert run(data_dir, "audit", "verify", "--offline") == 0  # locally consistent
    capsys.readouterr()
    code, out = verify(data_dir, capsys)
    assert code == 1, out
    assert f"the platform holds entry {seq} as the head; it is gone here" in out


def test_a_chain_rewritten_below_the_platforms_head_is_caught(
    synced: tuple[Path, int, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Entry 3 edited and every later hash recomputed, head setting and head file too."""
    data_dir, seq, _ = synced
    conn = sqlite3.connect(data_dir / "counter.db", isolation_level=None)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("UPDATE audit_log SET actor = 'nobody' WHERE seq = 3")
    prev = conn.execute("SELECT hash FROM audit_log WHERE seq = 2").fetchone()[0]
    cols = "seq, at, actor, action, entity, detail"
    for row in conn.execute(f"SELECT {cols} FROM audit_log WHERE seq >= 3 ORDER BY seq").fetchall():
        digest = audit._hash(*row, prev)
        conn.execute(
            "UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, digest, row[0])
        )
        prev = digest
    last = conn.execute("SELECT MAX(seq) FROM audit_log").fetchone()[0]
    conn.execute("UPDATE settings SET value = ? WHERE key = 'audit_head'", (f"{last}:{prev}",))
    conn.close()
    (data_dir / "audit_head").write_text(f"{last}:{prev}\n")
    assert run(data_dir, "audit", "verify", "--offline") == 0
    capsys.readouterr()
    code, out = verify(data_dir, capsys)
    assert code == 1 and f"entry {seq} differs from the head the platform holds" in out


def test_verify_without_the_platform_says_so_and_still_checks_locally(
    terminal_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Enrolled, but nothing listens at the platform's address: a note, the local verdict
    decides (and a local problem is still found)."""
    with Terminal.open(terminal_dir) as t:
        t.portal_url, t.token = "http://127.0.0.1:9", "token-of-a-gone-platform"
    code, out = verify(terminal_dir, capsys)
    assert code == 0 and "not compared with the platform: Cannot reach the platform" in out
    rewrite(terminal_dir, "UPDATE submissions SET status = 'approved'")
    code, out = verify(terminal_dir, capsys)
    assert code == 1 and "Cannot reach the platform" in out and "changed outside" in out
