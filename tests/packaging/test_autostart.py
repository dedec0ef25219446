"""The Linux roll-out scripts run for real against a stand-in build: install puts the program
and the autostart entry in place; the start script reads the env file, provisions, then opens
the window. (The stand-in `counter-app` is a shell script that records its calls: the frozen
build itself is checked by test_frozen_build.py, behind --run-slow.)"""

from __future__ import annotations

import configparser
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"


def fake_build(dist: Path, calls: Path) -> None:
    dist.mkdir(parents=True)
    exe = dist / "counter-app"
    exe.write_text(
        "#!/bin/sh\n"
        f'echo "$* | url=$COUNTER_ENROLL_URL code=$COUNTER_ENROLL_CODE" >> "{calls}"\n'
        '[ "$1" = provision ] && [ -n "$FAIL_PROVISION" ] && exit 2\n'
        "exit 0\n"
    )
    exe.chmod(0o755)


def install(tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    calls = tmp_path / "calls.txt"
    fake_build(tmp_path / "dist", calls)
    home = tmp_path / "home"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "PREFIX": str(tmp_path / "opt")}
    done = subprocess.run(
        [str(LINUX / "install.sh"), str(tmp_path / "dist")], env=env, capture_output=True
    )
    assert done.returncode == 0, done.stderr
    return home, calls, env


def test_install_writes_program_and_autostart_entry(tmp_path: Path) -> None:
    home, _calls, _env = install(tmp_path)
    entry = home / ".config" / "autostart" / "counter-terminal.desktop"
    desktop = configparser.ConfigParser(interpolation=None)
    desktop.optionxform = str  # type: ignore[assignment,method-assign]
    desktop.read(entry, encoding="utf-8")
    section = desktop["Desktop Entry"]
    assert section["Type"] == "Application" and section["Terminal"] == "false"
    start = Path(section["Exec"])
    assert start == tmp_path / "opt" / "counter-terminal-start" and os.access(start, os.X_OK)
    assert (tmp_path / "opt" / "counter-app").is_file()


def test_start_provisions_from_the_env_file_then_opens(tmp_path: Path) -> None:
    home, calls, env = install(tmp_path)
    settings = home / ".config" / "counter-terminal"
    settings.mkdir(parents=True)
    (settings / "env").write_text(
        "COUNTER_ENROLL_URL=https://zwfw.example.gov.cn\nCOUNTER_ENROLL_CODE=ABCD-2345\n"
    )
    start = tmp_path / "opt" / "counter-terminal-start"
    assert subprocess.run([str(start), "--demo"], env=env).returncode == 0
    first, second = calls.read_text().splitlines()
    assert first == "provision | url=https://zwfw.example.gov.cn code=ABCD-2345"
    assert second.startswith("--demo |")


def test_window_opens_even_when_provisioning_fails(tmp_path: Path) -> None:
    _home, calls, env = install(tmp_path)
    start = tmp_path / "opt" / "counter-terminal-start"
    done = subprocess.run([str(start)], env={**env, "FAIL_PROVISION": "1"}, capture_output=True)
    assert done.returncode == 0 and b"provision failed" in done.stderr
    assert [line.split(" |")[0] for line in calls.read_text().splitlines()] == ["provision", ""]


def test_install_without_a_build_says_so(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(LINUX / "install.sh"), str(tmp_path / "none")],
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        capture_output=True,
    )
    assert done.returncode == 1 and b"scripts/build-frozen" in done.stderr
