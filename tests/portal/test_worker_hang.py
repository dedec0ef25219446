"""`portal serve --workers N` replaces a worker whose event loop has stopped: it keeps its
listening socket, so without this the kernel would go on giving it a share of the new
connections, and every one of them would hang."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time

import httpx

from tests.portal.test_several_servers import ROOT, _free_port

SERVE = (
    "import sys; from portal import workers; "
    "sys.exit(workers.serve(1, '127.0.0.1', int(sys.argv[1]), {'log_level': 'warning'}, "
    "'tests.portal.hung_app:app', hang_s=2.0))"
)


def _pid(url: str, proc: subprocess.Popen[str]) -> int | None:
    """The process ID of the worker that answers, or None when none answers within a
    second (the loops below wait for that; pytest-timeout bounds them). A server that
    ended meanwhile fails the test with what it said, instead of a wait to the timeout."""
    assert proc.poll() is None, proc.communicate()[1]
    try:
        return int(httpx.get(f"{url}/pid", timeout=1, trust_env=False).json()["pid"])
    except httpx.TransportError:
        return None


def test_a_worker_whose_loop_stops_is_killed_and_replaced() -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, "-c", SERVE, str(port)], cwd=ROOT,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        while (first := _pid(url, proc)) is None:
            time.sleep(0.2)
        with contextlib.suppress(httpx.ReadTimeout):  # the worker is stuck in it now
            httpx.get(f"{url}/block", timeout=0.5, trust_env=False)
        while (second := _pid(url, proc)) in (None, first):
            time.sleep(0.2)
        assert second != first  # another worker answers on the same port
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert f"worker {first} has not answered for" in err, err
