"""Rewriting the terminal's records behind the program's back, with the plain sqlite3 module
on the real database file (the append-only triggers dropped first, as an attacker would),
then `counter-app audit verify` through the real command line: every rewrite is reported
(exit 1, the problem named), and the untouched terminal still verifies (exit 0)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from counter_app.terminal import Terminal
from tests.counter_app.counter_testing import ANSWERS, OTHER, PDF
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
