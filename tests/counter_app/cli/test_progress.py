"""`backup`, `restore` and `export` draw a progress bar when a person watches (standard error
is a terminal: a real pseudo-terminal here, `pty.openpty()`), and write nothing extra into a
pipe or a log (issue 17)."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from counter_app.terminal import Terminal
from tests.counter_app.counter_testing import ANSWERS, PDF, PERSON, run_in_process


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
    run = functools.partial(run_in_process, tmp_path, tty)
    code, out, err = run("--data-dir", data, "backup", "--out", str(archive))
    assert code == 0, err
    assert "verified" in out  # the result line is the same either way
    assert ("backing up" in err) is tty
    if tty:
        assert "file" in err and "%" in err  # a real bar: count and share done
    other = tmp_path / f"other-{tty}"
    Terminal.init(other, "9ZZZ").close()
    code, out, err = run("--data-dir", str(other), "restore", str(archive), "--force")
    assert code == 0, err
    assert "Restored terminal 7QXM" in out
    assert ("restoring" in err) is tty
    csv = tmp_path / f"stats-{tty}.csv"
    code, out, err = run("--data-dir", data, "export", "--format", "csv", "--out", str(csv))
    assert code == 0, err
    assert csv.exists() and "Exported" in out
    assert ("counting" in err) is tty
    if not tty:
        assert err == ""  # nothing at all in a pipe or a log


def test_the_bar_speaks_the_clerks_language(with_files: Terminal, tmp_path: Path) -> None:
    archive = tmp_path / "zh.zip"
    cmd = ["--lang", "zh_CN", "--data-dir", str(with_files.data_dir), "backup", "--out"]
    code, _out, err = run_in_process(tmp_path, True, *cmd, str(archive))
    assert code == 0 and "备份" in err
