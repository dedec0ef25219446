"""A kiosk set-up: a real X server (Xvfb) and no window manager. After a dialog closes the
window takes the focus back itself, so F3 typed on the X keyboard starts an application."""

from __future__ import annotations

import ctypes.util
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    shutil.which("Xvfb") is None or ctypes.util.find_library("Xtst") is None,
    reason="needs Xvfb and libXtst (the X keyboard)",
)


@pytest.fixture
def display() -> Iterator[str]:
    """A fresh Xvfb on a free display number (-displayfd tells which), and no window
    manager at all."""
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    yield f":{number}"
    server.terminate()
    server.wait(timeout=10)


def test_f3_after_a_dialog_closes_reaches_the_window_with_no_window_manager(
    display: str, data_dir: Path
) -> None:
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "tests.ui.kiosk_child", str(data_dir)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
    )
    lines = [line for line in done.stdout.splitlines() if line != "ACTIVE -"]
    assert lines[0] == "ACTIVE counter_window"  # at start, nobody clicked it
    assert "DIALOG help_sheet" in lines  # F1, typed on the X keyboard
    after = lines[lines.index("DIALOG help_sheet") + 1 :]
    assert after[:2] == ["ACTIVE counter_window", "PAGE intake"], done.stdout
