"""The frozen build made by `scripts/build-frozen` starts and passes its own doctor.

Slow (PyInstaller takes minutes and downloads itself into build/venv): run with --run-slow.
The script itself already smoke-tests; this test checks again what a roll-out relies on."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_frozen_build_starts_and_passes_doctor(tmp_path: Path) -> None:
    build = subprocess.run([str(ROOT / "scripts" / "build-frozen")], cwd=ROOT, capture_output=True)
    assert build.returncode == 0, build.stderr.decode(errors="replace")[-3000:]
    exe = ROOT / "dist" / "counter-app" / "counter-app"
    version = subprocess.run([str(exe), "--version"], capture_output=True, text=True)
    assert version.stdout.startswith("counter-app ")
    env = {
        **os.environ,
        "COUNTER_CONFIG": str(tmp_path / "c.toml"),
        "COUNTER_LOG_DIR": str(tmp_path / "logs"),
    }
    data = ["--data-dir", str(tmp_path / "data"), "--lang", "en"]
    subprocess.run([str(exe), *data, "init"], env=env, check=True, capture_output=True)
    catalog = str(ROOT / "assets" / "catalog")
    subprocess.run([str(exe), *data, "catalog", "import", catalog], env=env, check=True)
    doctor = subprocess.run([str(exe), *data, "doctor"], env=env, capture_output=True, text=True)
    assert doctor.returncode == 1, doctor.stdout  # only the "not enrolled" warning
    assert "OK    font" in doctor.stdout and "OK    database" in doctor.stdout
