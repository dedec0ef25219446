"""`backup`, `restore` and `export` draw a progress bar when a person watches (standard error
is a terminal: a real pseudo-terminal here, `pty.openpty()`), and write nothing extra into a
pipe or a log (issue 17)."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from counter_app.terminal import Terminal
from tests.counter_app.counter_testing import ANSWERS, PDF, PERSON


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COUNTER_")}
    env["COUNTER_CONFIG"] = str(tmp_path / "config.toml")
    env["COUNTER_LOG_DIR"] = str(tmp_path / "logs")
    return env


def _run(tmp_path: Path, tty: bool, *argv: str) -> tuple[int, str, str]:
    """`counter-app --lang en ARGV` in its own process: (exit code, stdout, stderr), stderr
    either a pseudo-terminal or a pipe."""
    cmd = [sys.executable, "-m", "counter_app", "--lang", "en", *argv]
    if not tty:
        done = subprocess.run(cmd, capture_output=True, text=True, env=_env(tmp_path))
        return done.returncode, done.stdout, done.stderr
    master, slave = pty.openpty()
    seen = bytearray()

    def drain() -> None:
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the other end is closed
                return
            if not chunk:
                return
            seen.extend(chunk)

    reader = threading.Thread(target=drain)
    reader.start()
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=slave, text=True,
                              env=_env(tmp_path))  # fmt: skip
    finally:
        os.close(slave)
        reader.join(timeout=10)
        os.close(master)
    return proc.returncode, proc.stdout, seen.decode(errors="replace")


@pytest.fixture
def with_files(terminal: Terminal) -> Terminal:
    for _ in range(3):
        files = {"id_card": [PDF], "form": [PDF]}
        terminal.intake.accept("TEST-001", PERSON, ANSWERS, files, clerk_id="C001")
    return terminal


@pytest.mark.parametrize("tty", [True, False], ids=["terminal", "pipe"])
def test_backup_restore_and_export_show_a_bar_only_on_a_terminal(
    with_files: Terminal, tmp_path: Path, tty: bool
) -> None:
    data = str(with_files.data_dir)
    archive = tmp_path / f"backup-{tty}.zip"
    code, out, err = _run(tmp_path, tty, "--data-dir", data, "backup", "--out", str(archive))
    assert code == 0, err
    assert "verified" in out  # the result line is the same either way
    assert ("backing up" in err) is tty
    if tty:
        assert "file" in err and "%" in err  # a real bar: count and share done
    other = tmp_path / f"other-{tty}"
    Terminal.init(other, "9ZZZ").close()
    code, out, err = _run(tmp_path, tty, "--data-dir", str(other), "restore", str(archive),
                          "--force")  # fmt: skip
    assert code == 0, err
    assert "Restored terminal 7QXM" in out
    assert ("restoring" in err) is tty
    csv = tmp_path / f"stats-{tty}.csv"
    code, out, err = _run(tmp_path, tty, "--data-dir", data, "export", "--format", "csv",
                          "--out", str(csv))  # fmt: skip
    assert code == 0, err
    assert csv.exists() and "Exported" in out
    assert ("counting" in err) is tty
    if not tty:
        assert err == ""  # nothing at all in a pipe or a log


def test_the_bar_speaks_the_clerks_language(with_files: Terminal, tmp_path: Path) -> None:
    archive = tmp_path / "zh.zip"
    cmd = ["--lang", "zh_CN", "--data-dir", str(with_files.data_dir), "backup", "--out"]
    code, _out, err = _run(tmp_path, True, *cmd, str(archive))
    assert code == 0 and "备份" in err
