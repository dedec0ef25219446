"""Shared data and helpers of the terminal's tests (a module with a name of its own, so that
test files can import it whatever other conftest modules are loaded)."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from counter_app.cli import main as cli_main
from forms.validators import resident_id_check_char

DATA = Path(__file__).parent / "data"
PASSWORD = "counter-pass-1"
PDF = b"%PDF-1.4\n% test document\n1 0 obj <<>> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 40


def resident_id(first17: str) -> str:
    """A resident ID with its correct GB 11643 check character."""
    return first17 + resident_id_check_char(first17)


PERSON = {"kind": "person", "id_no": "11010519491231002x", "name": "王小明", "phone": "13800138000"}
OTHER = {
    "kind": "person",
    "id_no": resident_id("36010219850615123"),
    "name": "李华",
    "phone": "13912345678",
}
ANSWERS = {"address": "南昌市红谷滩区市民中心 1 号", "marital_status": "single"}


@dataclass
class Clock:
    """The terminal's clock, moved by the test (lockouts, days, due dates)."""

    at: datetime

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


def run_cli(d: Path, *args: str, lang: str = "en") -> int:
    return cli_main(["--data-dir", str(d), "--lang", lang, *args])


def answers_file(tmp_path: Path, **extra: object) -> Path:
    """An answers JSON for `counter-app intake --data`: the applicant and TEST-001's answers."""
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"applicant": PERSON, **ANSWERS, **extra}, ensure_ascii=False))
    return path


def scan_args(tmp_path: Path) -> list[str]:
    """`--attach` arguments giving TEST-001's two required materials (one small PDF)."""
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(PDF)
    return ["--attach", f"id_card={scan}", "--attach", f"form={scan}"]


def password_file(folder: Path, password: str = PASSWORD) -> Path:
    """A file holding `password`, owner-only: how a script gives a password to `counter-app`
    (never on the command line, where every account on the PC could read it)."""
    path = folder / f"password-{len(password)}.txt"
    path.write_text(password + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path


def as_clerk(folder: Path, clerk: str = "A001") -> list[str]:
    """`--clerk CLERK --password-file FILE` for `counter-app intake`."""
    return ["--clerk", clerk, "--password-file", str(password_file(folder))]


def _cli_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COUNTER_")}
    env = {k: v for k, v in env.items() if "proxy" not in k.lower()}  # loopback portals
    env["COUNTER_CONFIG"] = str(tmp_path / "config.toml")
    env["COUNTER_LOG_DIR"] = str(tmp_path / "logs")
    return env


def run_in_process(tmp_path: Path, tty: bool, *argv: str) -> tuple[int, str, str]:
    """`counter-app --lang en ARGV` in its own process: (exit code, stdout, stderr), stderr
    either a pseudo-terminal or a pipe."""
    return run_module(tmp_path, tty, "counter_app", "--lang", "en", *argv)


def run_module(tmp_path: Path, tty: bool, module: str, *argv: str) -> tuple[int, str, str]:
    """`python -m MODULE ARGV` as `run_in_process` runs the command line."""
    cmd = [sys.executable, "-m", module, *argv]
    if not tty:
        done = subprocess.run(cmd, capture_output=True, text=True, env=_cli_env(tmp_path))
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
                              env=_cli_env(tmp_path))  # fmt: skip
    finally:
        os.close(slave)
        reader.join(timeout=10)
        os.close(master)
    return proc.returncode, proc.stdout, seen.decode(errors="replace")
