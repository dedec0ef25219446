"""The platform as a separate process (`portal serve`), so a test can SIGKILL it the way a
power cut or an OOM kill ends a real server: no graceful shutdown, connections cut."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import httpx

from portal.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


class PortalProcess:
    def __init__(self, settings: Settings, port: int, log: Path) -> None:
        self.settings, self.port, self.log_path = settings, port, log
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20.0) -> PortalProcess:
        cmd = [
            sys.executable, "-m", "portal.cli", "serve", "--port", str(self.port),
            "--db", self.settings.db_url, "--materials", str(self.settings.materials_dir),
        ]  # fmt: skip
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{self.url}/api/v1/health", timeout=0.5, trust_env=False)
                return self
            except httpx.HTTPError:
                assert self.proc.poll() is None, self.log_path.read_text()
                time.sleep(0.05)
        raise AssertionError(f"portal did not start: {self.log_path.read_text()}")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def __enter__(self) -> PortalProcess:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.kill()
