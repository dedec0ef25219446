"""A hall's week offline (issue 17): `week_terminals` terminals, each holding a week of work
(`bench.week_data`), reconnect at once through a loopback link limited to 20 Mbit/s
(`bench.linkproxy`, its own process) to a real portal (`portal serve`'s app, its own
process), while each keeps taking applications (`bench.week_worker`, one process each).

Rows:
- upload rate: material bytes confirmed by the platform / (last byte confirmed - link
  back), as a ratio of the link's rate (goal >= 0.8); and the link's use (every byte the
  proxy forwarded up, HTTP included) for comparison;
- exactly once: every application and material of every terminal on the platform, once,
  each file's size right (and, below the full size, its bytes re-hashed);
- intake p99 during the upload vs the same terminal's p99 idle (worst terminal; goal <= 2x).

`week_scale` (Sizes; `scripts/bench --week-scale X`) shrinks the week: 0.005 by default
(5 applications and 15 materials, ~16 MB a terminal, ~2 minutes on the link); `--full` is
1.0 (~60 GB, about 7 hours at 20 Mbit/s).
"""

from __future__ import annotations

import hashlib
import json
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bench.core import ROOT, Context, Result, percentile
from bench.terminals import PortalProcess, enroll_at, portal_settings
from bench.week_data import cached_week, week_counts, working_copy
from counter_app.terminal import Terminal
from portal.db import Database

MBIT = 20.0
LINK_BYTES_S = MBIT * 1_000_000 / 8


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _prepare(ctx: Context, db: Database, portal_url: str, link_url: str) -> list[Path]:
    """Working copies of the cached week, enrolled (before the week), pointed at the link."""
    sizes = ctx.sizes
    sources = cached_week(ctx.cache, sizes.week_terminals, sizes.week_scale, ctx.log)
    copies = [working_copy(src, ctx.work / src.name) for src in sources]
    for folder in copies:
        with Terminal.open(folder) as terminal:
            enroll_at(terminal, db, portal_url)
            terminal.portal_url = link_url
    return copies


def _workers(ctx: Context, copies: list[Path], go: Path) -> list[subprocess.Popen[bytes]]:
    sizes = ctx.sizes
    procs = []
    for i, folder in enumerate(copies):
        args = [str(folder), str(folder / "result.json"), str(go), str(sizes.week_idle_samples),
                str(sizes.week_pace_s), str(i)]  # fmt: skip
        procs.append(subprocess.Popen([sys.executable, "-m", "bench.week_worker", *args], cwd=ROOT))
    return procs


def _wait(paths: list[Path], procs: list[subprocess.Popen[bytes]], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not all(p.is_file() for p in paths):
        if any(p.poll() not in (None, 0) for p in procs):
            raise RuntimeError("a terminal process failed (its traceback is above)")
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout:.0f} s")
        time.sleep(0.05)


def _run_link(ctx: Context, copies: list[Path], target_port: int, link_port: int) -> dict[str, Any]:
    """Idle intake everywhere, then the link returns; the proxy's counters at the end."""
    go, stats = ctx.work / "go", ctx.work / "link.json"
    procs = _workers(ctx, copies, go)
    link: subprocess.Popen[bytes] | None = None
    try:
        _wait([c / "ready" for c in copies], procs, 600)
        link = subprocess.Popen([sys.executable, "-m", "bench.linkproxy", str(link_port),
                                 str(target_port), str(MBIT), str(stats)], cwd=ROOT)  # fmt: skip
        time.sleep(0.5)  # the listener is up
        back = time.time()
        go.write_text(str(back))
        total = sum(f.stat().st_size for c in copies for f in (c / "materials").rglob("*"))
        _wait([c / "result.json" for c in copies], procs, 300 + 5 * total / LINK_BYTES_S)
        link.send_signal(signal.SIGTERM)
        link.wait(timeout=30)
    finally:
        for p in [*procs, *([link] if link else [])]:
            if p.poll() is None:
                p.kill()
            p.wait()
    return {"back": back, **json.loads(stats.read_text())}


def _exactly_once(db: Database, copies: list[Path], materials_dir: Path, rehash: bool) -> int:
    """Problems found: an application or material of a terminal missing on the platform,
    or there more than once, or a file of the wrong size (or bytes, when `rehash`)."""
    problems = 0
    stored = {p.name: p for p in materials_dir.rglob("*") if p.is_file()} if rehash else {}
    apps, mats = db.t("applications"), db.t("materials")
    with db.begin() as conn:
        held = dict(conn.execute(select(apps.c.uuid, func.count()).group_by(apps.c.uuid)).all())
        sizes = dict(conn.execute(select(mats.c.sha256, mats.c.size)).all())
    for folder in copies:
        with Terminal.open(folder) as t:
            uuids = [r["uuid"] for r in t.store.query("SELECT uuid FROM submissions")]
            files = t.store.query("SELECT DISTINCT m.sha256, m.size FROM submission_materials s "
                                  "JOIN materials m USING (sha256)")  # fmt: skip
        problems += sum(held.get(u, 0) != 1 for u in uuids)
        for row in files:
            problems += sizes.get(row["sha256"]) != row["size"]
            if rehash:
                problems += not _same_bytes(stored.get(row["sha256"]), row["sha256"])
    return problems


def _same_bytes(path: Path | None, sha: str) -> bool:
    return path is not None and hashlib.sha256(path.read_bytes()).hexdigest() == sha


def week(ctx: Context) -> list[Result]:
    sizes = ctx.sizes
    settings = portal_settings(ctx.work / "portal")
    with PortalProcess(settings, ctx.log) as portal:
        db = Database(settings.db_url)
        link_port = _free_port()
        copies = _prepare(ctx, db, portal.url, f"http://127.0.0.1:{link_port}")
        link = _run_link(ctx, copies, portal.port, link_port)
        results = [json.loads((c / "result.json").read_text()) for c in copies]
        problems = _exactly_once(db, copies, settings.materials_dir, sizes.week_scale < 0.5)
        errors = portal.errors()
    return _rows(ctx, link, results, problems, errors)


def _profile(link: dict[str, Any], last: float, results: list[dict[str, Any]]) -> str:
    """Where the link sat idle: the first byte's delay, how many whole seconds ran at >= 90%
    of the rate, and the tail after the last terminal finished its week."""
    per = {int(k): v for k, v in link.get("per_second", {}).items()}
    start, end = int(link["back"]), int(last)
    full = sum(per.get(s, 0) >= 0.9 * LINK_BYTES_S for s in range(start + 1, end))
    week_done = max(r.get("week_done", last) for r in results)
    split = int(week_done)
    head = sum(v for k, v in per.items() if k < split) / max(week_done - link["back"], 1e-6)
    tail = sum(v for k, v in per.items() if k >= split) / max(last - week_done, 1e-6)
    return (
        f"week link: first byte {link['first'] - link['back']:.1f} s after the link came back; "
        f"{full} of {max(end - start - 1, 0)} whole seconds at >= 90% of the rate; the week's "
        f"backlog done {week_done - link['back']:.0f} s in ({head / LINK_BYTES_S:.2f}x the "
        f"link), then {last - week_done:.0f} s draining what was taken meanwhile "
        f"({tail / LINK_BYTES_S:.2f}x)"
    )


def _rows(ctx: Context, link: dict[str, Any], results: list[dict[str, Any]], problems: int,
          errors: list[str]) -> list[Result]:  # fmt: skip
    sizes = ctx.sizes
    crashes = [r["crash"] for r in results if "crash" in r]
    if crashes or errors:
        raise RuntimeError(f"terminal: {crashes[:1]} portal: {errors[:1]}")
    last = max(r.get("last_byte", link["back"]) for r in results)
    seconds = max(last - link["back"], 1e-6)
    sent = sum(r["bytes"] for r in results)
    goodput, wire = sent / seconds, link["bytes_up"] / seconds
    worst = max(results, key=lambda r: percentile(r["during_ms"] or [0], 99) / percentile(r["idle_ms"], 99))  # noqa: E501  # fmt: skip
    during, idle = percentile(worst["during_ms"] or [0], 99), percentile(worst["idle_ms"], 99)
    ctx.notes.append(_profile(link, last, results))
    apps, mats = week_counts(sizes.week_scale)
    label = f"{sizes.week_terminals} x ({apps} apps, {mats} files) at scale {sizes.week_scale:g}"
    ctx.notes.append(
        f"week: {label}; {sent / 1e6:.0f} MB of files in {seconds:.0f} s; "
        f"{sum(r['failed_passes'] for r in results)} failed passes of "
        f"{sum(r['passes'] for r in results)}; during-upload intakes "
        f"{sum(len(r['during_ms']) for r in results)}"
    )
    mb = 1e6
    return [
        Result(
            "week",
            f"upload of files vs the {MBIT:g} Mbit/s link",
            goodput / mb,
            "MB/s",
            LINK_BYTES_S / mb,
            ">= 0.8x",
            goodput / LINK_BYTES_S >= 0.8,
        ),
        Result("week", "upload, all bytes through the link", wire / mb, "MB/s", LINK_BYTES_S / mb),
        Result(
            "week",
            f"missing or doubled on the platform ({label})",
            problems,
            "",
            None,
            "0",
            problems == 0,
        ),
        Result(
            "week",
            "intake p99 during upload vs idle (worst terminal)",
            during,
            "ms",
            idle,
            "<= 2x",
            during <= 2 * idle,
        ),
    ]
