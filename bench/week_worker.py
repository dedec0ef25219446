"""One terminal of the week-offline benchmark, in its own process (as each PC of a hall):

    python -m bench.week_worker DATA_DIR RESULT_JSON GO_FILE IDLE_SAMPLES PACE_S SEED

1. idle: takes IDLE_SAMPLES applications, one every PACE_S seconds, with the link down;
2. writes DATA_DIR/ready and waits for GO_FILE (the link is back);
3. syncs pass after pass (`SyncEngine.run_once` on its own `Terminal.open`, as the window's
   sync thread does) while a second thread keeps taking applications at the same pace; once
   the backlog it had when the link returned is confirmed, intake stops and the last passes
   drain what intake added;
4. writes RESULT_JSON: intake times (ms) idle and during the upload, bytes and files sent,
   passes, failed passes, when its last byte was confirmed (wall clock).
"""

from __future__ import annotations

import json
import random
import sys
import threading
import time
from pathlib import Path
from typing import Any

from bench.terminals import Intake
from counter_app.store import outbox
from counter_app.store.sync_port import StorePort
from counter_app.terminal import Terminal
from sync.client import default_client
from sync.engine import SyncEngine

#: The material of an application taken during the benchmark: a phone photo of a page.
SMALL = (20_000, 60_000)


def _take(terminal: Terminal, intake: Intake, rng: random.Random) -> float:
    start = time.perf_counter()
    intake.take(terminal, unique_bytes=rng.randint(*SMALL))
    return (time.perf_counter() - start) * 1000


def _paced(terminal: Terminal, intake: Intake, pace: float, rng: random.Random,
           until: threading.Event, count: int | None = None) -> list[float]:  # fmt: skip
    """Intake times of applications taken one every `pace` s until `until` (or `count`)."""
    samples: list[float] = []
    while not until.is_set() and (count is None or len(samples) < count):
        took = _take(terminal, intake, rng)
        samples.append(took)
        until.wait(max(0.0, pace - took / 1000))
    return samples


def _sync(data_dir: Path, stop_intake: threading.Event, out: dict[str, Any]) -> None:
    try:
        _sync_until_done(data_dir, stop_intake, out)
    except Exception as exc:  # reported in the result, and intake must not wait for ever
        out["crash"] = f"{type(exc).__name__}: {exc}"[:300]
    finally:
        stop_intake.set()


def _sync_until_done(data_dir: Path, stop_intake: threading.Event, out: dict[str, Any]) -> None:
    with Terminal.open(data_dir) as terminal:
        engine = SyncEngine(StorePort(terminal), lambda: default_client(trust_env=False))
        week = outbox.backlog(terminal.store)[0]
        confirmed = 0
        while True:
            report = engine.run_once()
            confirmed += report.confirmed
            out["bytes"] += report.bytes_uploaded
            out["files"] += report.materials_uploaded
            out["passes"] += 1
            if report.errors:
                out["failed_passes"] += 1
                out["last_error"] = str(report.errors[0].text.en)[:200]
                time.sleep(0.2)  # the link is there: try again soon (see docs/performance.md)
            if report.confirmed or report.bytes_uploaded:
                out["last_byte"] = time.time()
            if confirmed >= week and not stop_intake.is_set():
                out["week_done"] = time.time()
                stop_intake.set()
            if stop_intake.is_set() and outbox.backlog(terminal.store)[0] == 0:
                return


def main(argv: list[str]) -> None:
    data_dir, result, go = Path(argv[0]), Path(argv[1]), Path(argv[2])
    idle_samples, pace, seed = int(argv[3]), float(argv[4]), int(argv[5])
    rng, intake = random.Random(seed), Intake(seed)
    out: dict[str, Any] = {"bytes": 0, "files": 0, "passes": 0, "failed_passes": 0}
    with Terminal.open(data_dir) as terminal:
        out["idle_ms"] = _paced(terminal, intake, pace, rng, threading.Event(), idle_samples)
        (data_dir / "ready").write_text("ok")
        while not go.is_file():
            time.sleep(0.02)
        stop_intake = threading.Event()
        syncing = threading.Thread(target=_sync, args=(data_dir, stop_intake, out))
        syncing.start()
        out["during_ms"] = _paced(terminal, intake, pace, rng, stop_intake)
        syncing.join()
    result.write_text(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
