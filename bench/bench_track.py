"""The tracking page under load: wrk on loopback against two uvicorn workers on PostgreSQL
holding `track_apps` generated applications, and the same wrk run against a bare FastAPI
endpoint (two workers) in the same run, so the ratio says what the page itself costs.

The requests mix what citizens send: 70% hits (receipt number + its real tracking code),
15% wrong codes, 15% unknown numbers (well-formed, never issued). The lookup limit stays as
deployed (30 per address per 10 minutes): the server believes X-Forwarded-For from
127.0.0.1 (as behind the hall's reverse proxy) and the wrk script spreads the requests over
8,192 addresses of 127.0.0.0/8, a fresh /16 each run, so no address reaches its limit and
each lookup still pays for its rate-limit row. 429s are counted and reported.
"""

from __future__ import annotations

import base64
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

from bench.core import Context, Result
from bench.pg_cache import END, available, generated_postgres, postmaster_pid
from printing.qr_payload import tracking_code
from sync.receipt_numbers import new_receipt_no

ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).with_name("track.lua")
BARE = "bench.bare_app:app"


def requests_mix(url: str, count: int, seed: int = 3) -> list[str]:
    """`count` request paths: hits, wrong codes and unknown numbers, shuffled."""
    engine = create_engine(url)
    query = text(
        "SELECT a.receipt_no, t.code_secret FROM applications a TABLESAMPLE SYSTEM (1)"
        " JOIN terminals t ON t.terminal_id = a.terminal_id LIMIT :n"
    )
    with engine.connect() as conn:
        rows = list(conn.execute(query, {"n": count}))
    engine.dispose()
    rnd = random.Random(seed)
    paths = []
    for i, (receipt, secret) in enumerate(rows):
        code = tracking_code(base64.b64decode(secret), receipt)
        kind = rnd.random()
        if kind < 0.15:
            code = tracking_code(b"not-the-secret", receipt)
        elif kind < 0.30:
            receipt = new_receipt_no(END, "ZZZZ", 1 + i % 30000)
        paths.append(f"/t/{receipt}?c={code}")
    rnd.shuffle(paths)
    return paths


def lua_script(paths: list[str], folder: Path) -> Path:
    """The wrk script with the paths in it (wrk cannot read files from Lua portably)."""
    listed = ",\n".join(f'"{p}"' for p in paths)
    script = folder / "track.lua"
    script.write_text(LUA.read_text().replace("--PATHS--", listed))
    return script


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and all its descendants: the
    live ones, and through each live one's children's times those it has reaped (a
    PostgreSQL backend that ended, an autovacuum worker), so the figure never goes back."""
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            kids = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue  # ended meanwhile
        total += sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")
        todo += [int(k) for k in kids]
    return total


class Served(str):
    """A server's URL that also knows the process ID (for `tree_cpu`)."""

    pid: int


#: `portal.workers.serve` in a process of its own: what `portal serve --workers N` runs (a
#: listening socket per worker), for the platform and the bare endpoint alike.
WORKERS = (
    "import sys; from portal.workers import serve; "
    "sys.exit(serve(int(sys.argv[1]), '127.0.0.1', int(sys.argv[2]), dict(log_level='warning', "
    "access_log=False, proxy_headers=True, forwarded_allow_ips='127.0.0.1', "
    "factory=sys.argv[4] == 'factory'), app=sys.argv[3]))"
)


@contextmanager
def server(target: str, env: dict[str, str], work: Path, workers: int = 2) -> Iterator[Served]:
    """`target` in `workers` processes on a free loopback port; yields its URL."""
    from bench.pg_cache import _free_port

    port = _free_port()
    factory = "factory" if target.endswith((":create_app", ":app_from_env")) else "app"
    cmd = [sys.executable, "-c", WORKERS, str(workers), str(port), target, factory]
    log = (work / f"server-{port}.log").open("w")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=os.environ | env, stdout=log, stderr=log)
    url = Served(f"http://127.0.0.1:{port}")
    url.pid = proc.pid
    try:
        _wait(url, proc)
        yield url
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _wait(url: str, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(600):
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            if httpx.get(url + "/t", timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError("server did not start in 60 s")


def wrk(
    url: Served, script: Path, seconds: int, db_pid: int | None = None, connections: int = 32
) -> dict[str, float]:
    """One wrk run: requests/s, p99 ms, counts of 200/404/429/5xx, and the CPU ms per
    request of the server (and of PostgreSQL when `db_pid` is given)."""
    base = str(random.randrange(1, 255))
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script)]
    cpu0, db0 = tree_cpu(url.pid), tree_cpu(db_pid) if db_pid else 0.0
    out = subprocess.run([*cmd, url, "--", base], capture_output=True, text=True, check=True)
    found = parse_wrk(out.stdout)
    requests = max(1.0, found["rps"] * seconds)
    found["cpu_ms"] = 1000 * (tree_cpu(url.pid) - cpu0) / requests
    found["db_cpu_ms"] = 1000 * (tree_cpu(db_pid) - db0) / requests if db_pid else 0.0
    return found


def parse_wrk(out: str) -> dict[str, float]:
    found: dict[str, float] = {"rps": float(re.findall(r"Requests/sec:\s+([\d.]+)", out)[0])}
    p99 = re.findall(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)[0]
    found["p99_ms"] = float(p99[0]) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99[1]]
    for status, count in re.findall(r"^STATUS (\d+) (\d+)$", out, re.M):
        found[status] = found.get(status, 0) + float(count)
    return found


def tracking(ctx: Context) -> list[Result]:
    if not available() or shutil.which("wrk") is None:
        ctx.notes.append("tracking page: skipped (needs PostgreSQL binaries and wrk)")
        return []
    n = ctx.sizes.track_apps
    seconds = 10 if n >= 100_000 else 2
    with generated_postgres(n, ctx.cache, ctx.log) as url:
        script = lua_script(requests_mix(url, min(4000, max(50, n // 4))), ctx.work)
        env = {"PORTAL_DB_URL": url, "PORTAL_MATERIALS_DIR": str(ctx.work / "materials")}
        with server("portal.app:app_from_env", env, ctx.work) as portal:
            wrk(portal, script, 2)  # warm the caches and the connection pools
            page = wrk(portal, script, seconds, postmaster_pid(n, ctx.cache))
        with server(BARE, {}, ctx.work) as bare:
            wrk(bare, script, 2)
            floor = wrk(bare, script, seconds)
    label = f"{n:,} applications, 2 workers"
    limited, failed = page.get("429", 0), sum(v for k, v in page.items() if k.startswith("5"))
    ctx.notes.append(
        f"tracking page: limit as deployed (30/10 min per address), {int(limited)} answered "
        "429; X-Forwarded-For spread over 8,192 loopback addresses per run"
    )
    return [
        Result("tracking page", f"{label}: lookups/s", page["rps"], "/s", floor["rps"],
               ">= 1000", page["rps"] >= 1000),
        Result("tracking page", f"{label}: p99", page["p99_ms"], "ms", floor["p99_ms"],
               "< 50", page["p99_ms"] < 50),
        Result("tracking page", f"{label}: 5xx and 429", failed + limited, "", None, "0",
               failed + limited == 0),
        Result("tracking page", f"{label}: app server CPU per lookup", page["cpu_ms"], "ms",
               floor["cpu_ms"]),
        Result("tracking page", f"{label}: PostgreSQL CPU per lookup", page["db_cpu_ms"], "ms"),
    ]  # fmt: skip
