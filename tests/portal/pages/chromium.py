"""Headless Chromium for the page tests: the command-line modes (`--dump-dom`,
`--screenshot`) for a page anyone may open, and a minimal DevTools-protocol client over
`--remote-debugging-pipe` (fd 3 in, fd 4 out, NUL-separated JSON) for a page behind a login,
where the browser must fill in a form and keep its cookie. No extra Python package needed."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--lang=zh-CN",
]
TIMEOUT = 60


def available() -> bool:
    return Path(CHROMIUM).exists()


def _run(args: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    cmd = [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT, check=True)


def dump_dom(url: str, profile: Path, size: tuple[int, int]) -> str:
    """The DOM after load, as the browser built it."""
    return _run([f"--window-size={size[0]},{size[1]}", "--dump-dom", url], profile).stdout


def screenshot(url: str, out: Path, profile: Path, size: tuple[int, int]) -> None:
    _run([f"--window-size={size[0]},{size[1]}", f"--screenshot={out}", url], profile)
    assert out.exists() and out.stat().st_size > 5000


class Browser:
    """One headless Chromium driven over the DevTools pipe."""

    def __init__(self, profile: Path, size: tuple[int, int]) -> None:
        to_child_r, self._w = os.pipe()
        self._r, from_child_w = os.pipe()

        def fds() -> None:
            os.dup2(to_child_r, 3)
            os.dup2(from_child_w, 4)

        cmd = [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe"]
        self.proc = subprocess.Popen(
            [*cmd, f"--window-size={size[0]},{size[1]}", "about:blank"],
            # dup2 in the child; close_fds=False, as closing would run after preexec_fn and
            # shut fds 3 and 4 again (Python's own fds are close-on-exec anyway, PEP 446)
            close_fds=False,
            preexec_fn=fds,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self._buffer = b""
        self._next = 0
        self.events: list[dict[str, Any]] = []
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        attach = {"targetId": target, "flatten": True}
        self.session = self.call("Target.attachToTarget", attach)["sessionId"]
        metrics = {"width": size[0], "height": size[1], "deviceScaleFactor": 1, "mobile": False}
        self.call("Emulation.setDeviceMetricsOverride", metrics, self.session)
        self.call("Page.enable", {}, self.session)

    def _message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("Chromium did not answer")
            chunk = os.read(self._r, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        return message

    def call(self, method: str, params: dict[str, Any], session: str | None = None) -> Any:
        self._next += 1
        msg: dict[str, Any] = {"id": self._next, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        os.write(self._w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while True:
            reply = self._message(deadline)
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_event(self, method: str) -> dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT
        while True:
            for i, ev in enumerate(self.events):
                if ev.get("method") == method:
                    return self.events.pop(i)
            self.events.append(self._message(deadline))

    def goto(self, url: str) -> None:
        self.events.clear()
        self.call("Page.navigate", {"url": url}, self.session)
        self.wait_event("Page.loadEventFired")

    def run(self, js: str, navigates: bool = False) -> Any:
        """Evaluate `js` in the page; with `navigates`, wait for the next page's load."""
        self.events.clear()
        result = self.call(
            "Runtime.evaluate", {"expression": js, "returnByValue": True}, self.session
        )
        if navigates:
            self.wait_event("Page.loadEventFired")
        return result.get("result", {}).get("value")

    def screenshot(self, out: Path) -> None:
        shot = self.call("Page.captureScreenshot", {"format": "png"}, self.session)
        out.write_bytes(base64.b64decode(shot["data"]))

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, TimeoutError, OSError):
            self.call("Browser.close", {})
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._r)
        os.close(self._w)
