"""The IT commands through the real entry point: config show, doctor's exit code, logs,
backup and restore (refusal without --force), retention, export, provision; and every IT
command documented in docs/it-guide.md."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from counter_app.cli import build_parser, main
from counter_app.ops import logs
from counter_app.terminal import Terminal
from portal import enrollment
from portal.server import BackgroundServer
from portal.settings import Settings
from tests.counter_app.counter_testing import ANSWERS, PDF, PERSON

GUIDE = Path(__file__).resolve().parents[3] / "docs" / "it-guide.md"
IT_COMMANDS = (
    "config",
    "doctor",
    "logs",
    "backup",
    "restore",
    "retention",
    "export",
    "provision",
    "retire",
)


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Config file and log folder in tmp; the log handler removed afterwards."""
    monkeypatch.setenv("COUNTER_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("COUNTER_LOG_DIR", str(tmp_path / "logs"))
    for name in ("COUNTER_DATA_DIR", "COUNTER_LANG", "COUNTER_ENROLL_URL", "COUNTER_ENROLL_CODE"):
        monkeypatch.delenv(name, raising=False)
    root = logging.getLogger()
    level = root.level
    yield tmp_path / "logs"
    for handler in [h for h in root.handlers if h.get_name() == logs.MARK]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)


def run(data_dir: Path, *args: str) -> int:
    return main(["--data-dir", str(data_dir), "--lang", "en", *args])


def take(terminal: Terminal) -> str:
    files = {"id_card": [PDF], "form": [PDF]}
    return terminal.intake.accept("TEST-001", PERSON, ANSWERS, files, clerk_id="C001").receipt_no


def test_config_show_names_sources(
    terminal: Terminal, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "config.toml").write_text('paper = "80mm"\nbackup_keep = 3\n')
    code = run(terminal.data_dir, "config", "show", "--set", "backup_keep=5", "--json")
    shown = json.loads(capsys.readouterr().out)
    assert code == 0
    assert shown["paper"] == {"value": "80mm", "source": "file"}
    assert shown["backup_keep"] == {"value": "5", "source": "flag"}
    assert shown["data_dir"] == {"value": str(terminal.data_dir), "source": "flag"}
    assert shown["log_dir"]["source"] == "env COUNTER_LOG_DIR"
    assert run(terminal.data_dir, "config", "show") == 0
    assert re.search(r"^paper\s+80mm\s+\[file\]$", capsys.readouterr().out, re.M)


def test_bad_config_is_one_clear_line(
    terminal: Terminal, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "config.toml").write_text("idle_logout_minutes = 0\n")
    assert run(terminal.data_dir, "doctor") == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("counter-app: Bad value 0 for idle_logout_minutes") and "\n" not in err


def test_a_config_file_saved_in_gbk_is_one_clear_line(
    terminal: Terminal, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Notepad on a Chinese Windows saves "ANSI", which is GBK: the file is not UTF-8 TOML.
    The command says which file and why, in one line, instead of a traceback."""
    (tmp_path / "config.toml").write_bytes('# 打印机\npaper = "80mm"\n'.encode("gbk"))
    assert run(terminal.data_dir, "config", "show") == 2
    err = capsys.readouterr().err.strip()
    assert "config.toml is not valid TOML" in err and "utf-8" in err and "\n" not in err


def test_doctor_exit_code_is_the_worst_level(
    terminal: Terminal, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(terminal.data_dir, "doctor") == 1  # not enrolled: a warning
    out = capsys.readouterr().out
    assert re.search(r"^WARN\s+portal", out, re.M) and re.search(r"^OK\s+database", out, re.M)
    (terminal.data_dir / "counter.db-wal").unlink(missing_ok=True)
    assert run(terminal.data_dir, "doctor", "--set", "printer=escpos-serial:/dev/nope") == 2
    assert "No serial device /dev/nope" in capsys.readouterr().out
    assert run(terminal.data_dir, "doctor", "--json") == 1
    checks = {c["check"]: c["level"] for c in json.loads(capsys.readouterr().out)}
    assert checks["portal"] == "WARN" and checks["font"] == "OK"


def test_logs_show_what_commands_did(
    terminal: Terminal, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(terminal.data_dir, "backup", "--out", str(tmp_path / "b.zip"))
    run(terminal.data_dir, "doctor")
    capsys.readouterr()
    assert run(terminal.data_dir, "logs", "-n", "1", "--json") == 0
    (entry,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert entry["msg"] == "doctor" and entry["worst"] == "WARN"
    assert run(terminal.data_dir, "logs") == 0
    assert "backup written" in capsys.readouterr().out


def test_backup_restore_and_refusal(
    terminal: Terminal, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    take(terminal)
    archive = tmp_path / "7qxm.zip"
    assert run(terminal.data_dir, "backup", "--out", str(archive)) == 0
    assert "verified" in capsys.readouterr().out
    other = tmp_path / "other"
    Terminal.init(other, "9ZZZ").close()
    assert run(other, "restore", str(archive)) == 2
    assert "--force" in capsys.readouterr().err
    assert run(other, "restore", str(archive), "--force") == 0
    assert "Restored terminal 7QXM" in capsys.readouterr().out
    with Terminal.open(other) as t:
        assert t.terminal_id == "7QXM"


def test_automatic_backup_into_backup_dir(
    terminal: Terminal, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "auto"
    assert run(terminal.data_dir, "backup", "--auto", "--set", f"backup_dir={folder}") == 0
    assert run(terminal.data_dir, "backup", "--auto", "--set", f"backup_dir={folder}") == 0
    assert "none made" in capsys.readouterr().out
    assert len(list(folder.glob("counter-7QXM-*.zip"))) == 1


def test_retention_and_export(
    terminal: Terminal, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    take(terminal)
    assert run(terminal.data_dir, "retention", "--dry-run") == 0
    assert "would purge: 0 material files" in capsys.readouterr().out
    out = tmp_path / "stats.csv"
    day = terminal.today().isoformat()
    assert (
        run(terminal.data_dir, "export", "--format", "csv", "--from", day, "--out", str(out)) == 0
    )
    assert "Exported 1 rows" in capsys.readouterr().out
    assert out.read_text(encoding="utf-8-sig").startswith("date,hall,window,item_code,item_name,")


def test_commands_need_an_initialised_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(tmp_path / "none", "backup", "--out", str(tmp_path / "x.zip")) == 2
    assert "counter-app init" in capsys.readouterr().err


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[BackgroundServer]:
    settings = Settings(db_url=f"sqlite:///{tmp_path / 'p.db'}", materials_dir=tmp_path / "pm")
    with BackgroundServer(settings) as server:
        yield server


def test_provision_enrolls_once_from_the_environment(
    portal: BackgroundServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = enrollment.issue_code(portal.app.state.db, "南昌市民中心", 7, timedelta(hours=1))
    monkeypatch.setenv("COUNTER_ENROLL_URL", portal.url)
    monkeypatch.setenv("COUNTER_ENROLL_CODE", code)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    data = tmp_path / "fresh"
    assert run(data, "provision") == 0
    assert "enrolled" in capsys.readouterr().out
    with Terminal.open(data) as t:
        assert t.portal_url == portal.url and t.token and t.window == "7"
    assert run(data, "provision") == 0  # the used code is not sent again
    assert "already enrolled" in capsys.readouterr().out
    log_text = "".join(p.read_text() for p in (tmp_path / "logs").glob("*.log*"))
    assert code not in log_text


def test_provision_with_a_bad_code_leaves_a_ready_unenrolled_terminal(
    portal: BackgroundServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("COUNTER_ENROLL_URL", portal.url)
    monkeypatch.setenv("COUNTER_ENROLL_CODE", "WRONG-CODE-1234")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    data = tmp_path / "fresh"
    assert run(data, "provision") == 2
    assert capsys.readouterr().err.startswith("counter-app: ")
    with Terminal.open(data) as t:
        assert t.token is None and t.terminal_id


def test_provision_without_a_code_only_initialises(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(tmp_path / "fresh", "provision") == 0
    assert "not enrolled" in capsys.readouterr().out


def test_every_it_command_and_option_is_documented() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name in IT_COMMANDS:
        assert f"counter-app {name}" in guide, name
        command = sub.choices[name]  # type: ignore[index]
        for action in command._actions:
            for flag in action.option_strings:
                if flag.startswith("--") and flag != "--help":
                    assert flag in guide, f"{name} {flag}"
