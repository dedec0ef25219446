"""`counter-app --demo` (what ./scripts/demo runs) stops on Ctrl+C and on SIGTERM, leaves no
temporary folder behind, and prints a back-office login that works.

A real process each time (the window under the offscreen platform, the demo portal on
loopback), stopped with a real signal; TMPDIR points at a folder of the test's own so what
the demo leaves behind can be seen."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest

READY_TIMEOUT_S = 120


def start_demo(tmp_path: Path) -> tuple[subprocess.Popen[str], list[str]]:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "COUNTER_UI_SMOKE": "stay",  # say "ready" once the window is up, then keep running
        "TMPDIR": str(tmp_path),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "counter_app", "--demo", "--lang", "en"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line.rstrip("\n"))
            if line.startswith("ready "):
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(READY_TIMEOUT_S):
        process.kill()
        pytest.fail(f"the demo did not open: {lines}")
    return process, lines


def finish(process: subprocess.Popen[str]) -> None:
    try:
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def office_login(lines: list[str]) -> tuple[str, str, str]:
    found = [
        m
        for line in lines
        if (m := re.search(r"back office: (\S+)\s+user (\S+)\s+password (\S+)", line))
    ]
    assert found, lines
    return found[0][1], found[0][2], found[0][3]


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_the_demo_stops_on_a_signal_and_cleans_up(tmp_path: Path, stop: signal.Signals) -> None:
    process, _lines = start_demo(tmp_path)
    try:
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith("counter-demo-")]
        process.send_signal(stop)
        assert process.wait(timeout=60) == 0  # closed the normal way
    finally:
        finish(process)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("counter-demo-")]


def test_the_demo_prints_a_back_office_login_that_works(tmp_path: Path) -> None:
    process, lines = start_demo(tmp_path)
    try:
        office, user, password = office_login(lines)
        with httpx.Client(follow_redirects=False, timeout=10) as client:
            form = client.get(f"{office}/login")
            csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
            assert csrf is not None
            reply = client.post(
                f"{office}/login",
                data={"username": user, "password": password, "csrf": csrf[1]},
            )
            assert reply.status_code == 303, reply.text[:300]
            assert client.get(office).status_code == 200  # signed in: the work list
    finally:
        process.send_signal(signal.SIGINT)
        finish(process)
