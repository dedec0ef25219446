"""The clerk benchmark: the whole intake of each sample item, by keys, in the real window
(offscreen, in a child process: `bench.clerk_child`; this module imports no Qt).

Rows (the goals are the issue's):
- keys answered within 50 ms, p99 over every key of the run; the baseline is the same number
  of keys typed into a bare QLineEdit on the same schedule in the same child;
- F3 to receipt preview, median over the items, with the window's keys sent back to back
  (each as soon as the previous one was handled); the baseline is the same application
  accepted and its receipt rendered by the window's backend without the window;
- extra key presses per field group (worst group, and the share of groups within 2);
- steps that needed the mouse (a step the keys could not do).

"Extra" keys are all keys that are neither the answers' characters nor the one key per
step (F3, Enter on the item, Ctrl+Enter): Tab to reach a field, arrows in a choice, Space on
a check box, the Enter that closes the file dialog. A field group is what a clerk fills as
one: an applicant field, a top-level form field, an entry of a repeatable group, a material.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.core import ROOT, Context, Result, median, ms, percentile

CATALOG = ROOT / "assets" / "catalog"
KEY_LIMIT_MS = 50.0
EXTRA_LIMIT = 2
GAP_MS = {True: 0.0, False: 30.0}  # tiny: as fast as the window takes keys; else a clerk's pace


def items(tiny: bool) -> list[str]:
    """Every sample item that has sample answers (one for the smoke test)."""
    answers = ROOT / "tests" / "forms" / "answers"
    codes = sorted(p.stem for p in CATALOG.glob("*.yaml") if (answers / f"{p.stem}.json").is_file())
    return codes[:1] if tiny else codes


def child(data_dir: Path, gap_ms: float, codes: list[str], timeout: float = 900) -> dict[str, Any]:
    """Run the keyboard clerk in a child process and read its one JSON line."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "bench.clerk_child", str(data_dir), str(gap_ms), *codes],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"clerk child failed (exit {done.returncode}): {done.stderr[-300:]}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def demo_terminal(ctx: Context) -> Path:
    from counter_app.ops import demo

    return Path(demo.prepare(ctx.work / "demo", with_portal=False).data_dir)


def clerk(ctx: Context) -> list[Result]:
    tiny = ctx.sizes.samples < 20
    codes = items(tiny)
    gap = GAP_MS[tiny]
    run = child(demo_terminal(ctx), gap, codes)
    key_p99 = ms(percentile(run["latencies"], 99))
    bare_p99 = ms(percentile(run["bare_latencies"], 99))
    n = len(run["latencies"])
    # the window's own time: the clerk's typing (one gap per key) taken out
    seconds = [r["seconds"] - r["keys"] * gap / 1000 for r in run["runs"]] or [float("nan")]
    backend = run["backend_seconds"] or [float("nan")]
    groups: dict[str, int] = run["extra_per_group"]
    worst = max(groups, key=lambda g: groups[g]) if groups else "-"
    within = sum(1 for v in groups.values() if v <= EXTRA_LIMIT) / max(1, len(groups))
    mouse = len(run["mouse"])
    ctx.notes.append(
        f"clerk: {len(codes)} items, {n} keys ({run['data_keys']} typed data, "
        f"{run['step_keys']} step keys), keys every {gap:.0f} ms; worst group {worst}"
    )
    ctx.notes.extend(f"clerk: needed the mouse: {m}" for m in run["mouse"])
    ctx.notes.append(
        "clerk: slowest keys: "
        + "; ".join(f"{ms(t):.0f} ms {where}" for t, where in run["slowest"])
    )
    if run["f3_ignored"]:
        ctx.notes.append(f"clerk: F3 after a receipt was ignored once for {run['f3_ignored']}")
    return [
        Result("clerk", f"key response p99, {n} keys ({len(codes)} items)", key_p99, "ms",
               bare_p99, f"<= {KEY_LIMIT_MS:.0f} ms", key_p99 <= KEY_LIMIT_MS),
        Result("clerk", f"key response p99, the {len(run['typing'])} typed characters",
               ms(percentile(run["typing"], 99)), "ms", bare_p99),
        Result("clerk", f"F3 to receipt preview less typing, median of {len(seconds)}",
               ms(median(seconds)), "ms", ms(median(backend))),
        Result("clerk", f"extra keys per field group, worst ({worst})", groups.get(worst, 0),
               "keys", None, f"<= {EXTRA_LIMIT}", groups.get(worst, 0) <= EXTRA_LIMIT),
        Result("clerk", f"field groups within {EXTRA_LIMIT} extra keys, of {len(groups)}",
               100 * within, "%"),
        Result("clerk", "steps that needed the mouse", mouse, "steps", None, "0", mouse == 0),
    ]  # fmt: skip
