"""The command line as an attack surface: a batch file with lines made to crash the intake
(a lone surrogate, bytes that are not UTF-8, JSON nested 600 deep, wrong shapes), passwords
read from the process list, and applications entered in another clerk's name. Everything
through the real `counter-app` (its `main`, or a real subprocess for the process list)."""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from counter_app.cli import build_parser
from tests.counter_app.counter_testing import (
    ANSWERS,
    OTHER,
    PASSWORD,
    PDF,
    PERSON,
    answers_file,
    password_file,
    resident_id,
)
from tests.security.terminal.attack_kit import run
from tests.security.terminal.conftest import CLERK


def submissions(data_dir: Path) -> int:
    with sqlite3.connect(data_dir / "counter.db") as conn:
        return int(conn.execute("SELECT COUNT(*) FROM submissions").fetchone()[0])


def signed_in(tmp_path: Path, password: str = PASSWORD) -> list[str]:
    return ["--clerk", CLERK, "--password-file", str(password_file(tmp_path, password))]


def line(person: dict[str, str], **extra: object) -> bytes:
    body = {"service": "TEST-001", "applicant": person, "answers": ANSWERS}
    body["attachments"] = {"id_card": "scan.pdf", "form": "scan.pdf"}
    return json.dumps(body | extra, ensure_ascii=False).encode()


def test_intake_batch_reports_crafted_lines_by_number_and_takes_the_rest(
    terminal_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "scan.pdf").write_bytes(PDF)
    third = {**PERSON, "id_no": resident_id("36010219900101123")}
    nested: object = "x"
    for _ in range(600):
        nested = [nested]
    lines = [
        line(PERSON),
        line(PERSON).replace("王小明".encode(), b"\\ud800"),  # JSON-escaped lone surrogate
        b'{"service": "TEST-001", "applicant": {"name": "\xff\xfe"}}',  # not UTF-8
        line(PERSON, answers={"address": nested}),
        line(PERSON, attachments=["scan.pdf"]),
        line(PERSON, reuse=7),
        b'"\\udfff"',
        line(OTHER),
        line(third, clerk="A001"),  # another clerk's name: not who signed in
    ]
    batch = tmp_path / "paper.jsonl"
    batch.write_bytes(b"\n".join(lines))
    before = submissions(terminal_dir)

    assert run(terminal_dir, "intake", "--jsonl", str(batch), *signed_in(tmp_path)) == 1

    captured = capsys.readouterr()
    out = captured.out.splitlines()
    assert "Traceback" not in captured.err + captured.out
    assert out[0].startswith("1: accepted ")
    assert out[1] == "2: error: contains a lone surrogate (such as \\ud800): not valid text"
    bad_byte = lines[2].index(bytes([0xFF])) + 1
    assert out[2] == f"3: error: not UTF-8 from byte {bad_byte}"
    assert out[3].startswith("4: error:")
    assert out[4].startswith('5: error: "attachments" must map material codes')
    assert out[5].startswith('6: error: "attachments" must map material codes')
    assert out[6] == "7: error: contains a lone surrogate (such as \\ud800): not valid text"
    assert out[7].startswith("8: accepted ")
    assert out[8] == "9: error: this line names clerk A001; the batch is entered by C001 " + (
        "(whose password was given)"
    )
    assert out[9] == "9 lines: 2 taken, 7 failed."
    assert submissions(terminal_dir) == before + 2


def test_intake_data_file_with_a_lone_surrogate_is_one_clear_line(
    terminal_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = answers_file(tmp_path)
    data.write_text(data.read_text(encoding="utf-8").replace("王小明", "\\udc80"))
    args = ["intake", "--service", "TEST-001", "--data", str(data), *signed_in(tmp_path)]
    assert run(terminal_dir, *args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "contains a lone surrogate" in err


def test_no_command_takes_a_password_as_an_argument() -> None:
    """Every option of every command, walked from the real parser: none carries a password
    itself (a file, stdin or a prompt instead)."""
    allowed = {"--password-file", "--admin-password-file", "--password-stdin"}
    found = set()
    parser = build_parser()
    stack = [parser]
    while stack:
        for action in stack.pop()._actions:
            found |= {o for o in action.option_strings if "password" in o}
            if isinstance(action, argparse._SubParsersAction):
                stack.extend(action.choices.values())
    assert found == allowed


def test_the_process_list_never_shows_a_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`counter-app init --clerk` in a real process, blocked on its standard input: what any
    account reads from /proc/PID/cmdline holds no password; the old `--password` is refused."""
    cmd = [str(Path(sys.executable).parent / "counter-app"), "--data-dir", str(tmp_path / "t")]
    init = [*cmd, "init", "--terminal-id", "7QXM", "--clerk", "A001"]
    old = subprocess.run([*init, "--password", "secret-1234"], capture_output=True, text=True)
    assert old.returncode == 2 and "error: ambiguous option: --password" in old.stderr
    proc = subprocess.Popen(
        [*init, "--password-stdin"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        seen = b""
        for _ in range(100):  # until the interpreter has started and holds its argv
            seen = Path(f"/proc/{proc.pid}/cmdline").read_bytes()
            if b"--password-stdin" in seen:
                break
            time.sleep(0.05)
        _, err = proc.communicate(f"{PASSWORD}\n", timeout=60)
    finally:
        proc.kill()
    assert b"--password-stdin" in seen and PASSWORD.encode() not in seen
    assert proc.returncode == 0, err
    data = answers_file(tmp_path)
    intake = ["intake", "--service", "TEST-001", "--data", str(data), "--clerk", "A001"]
    assert run(tmp_path / "t", *intake, "--password-file", str(password_file(tmp_path))) == 2
    err = capsys.readouterr().err  # signed in with the stdin password; the item is missing
    assert "No service item TEST-001" in err and "password" not in err


def test_intake_in_another_clerks_name_needs_that_clerks_password(
    terminal_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = str(answers_file(tmp_path))
    base = ["intake", "--service", "TEST-001", "--data", data]
    before = submissions(terminal_dir)
    assert run(terminal_dir, *base, *signed_in(tmp_path, "guessed-password")) == 2
    assert "Wrong clerk ID or password" in capsys.readouterr().err
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    assert run(terminal_dir, *base, "--clerk", CLERK, "--password-file", str(empty)) == 2
    assert "No password was given" in capsys.readouterr().err
    assert submissions(terminal_dir) == before
    assert run(terminal_dir, *base, *signed_in(tmp_path)) == 0
    assert submissions(terminal_dir) == before + 1
