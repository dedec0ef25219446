"""What every benchmark shares: the result row, timing helpers, sizes, and the table.

Why ratios: the machine these run on is shared and noisy, so each benchmark measures its
baseline (the least our code could possibly cost: a bare sqlite3 insert, a bare reportlab
page, bare httpx posts, a bare Qt window) in the same run, right next to our code, and the
verdict compares the ratio (or an absolute limit where the issue gives one) with the target.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(__file__).resolve().parent / ".cache"


@dataclass(frozen=True)
class Sizes:
    """Every size a benchmark takes; `default()` runs in minutes, `full()` is the issue's."""

    big_db: int  # applications in the intake/search/memory database
    startup_db: int  # applications in the startup database
    samples: int  # timed repetitions of a single operation (intake, search, receipt)
    push_apps: int  # waiting applications pushed to the portal
    push_materials: int  # materials of `material_kb` pushed to the portal
    material_kb: int
    pull_changes: int  # status changes pulled and applied
    terminals: int  # simulated terminals syncing at once against the portal
    apps_per_terminal: int
    rounds: int = 2  # sync push: rounds of (engine, bare), best of each counts
    lookup_kb: int = 500  # each of the three materials a city lookup downloads
    # the week offline (bench_week): terminals, share of a week's work each holds (1.0:
    # 1,050 applications, 3,000 files of 100 KB-2 MB), intakes timed idle, seconds between
    week_terminals: int = 20
    week_scale: float = 0.005
    week_idle_samples: int = 20
    week_pace_s: float = 2.0
    track_apps: int = 1_000_000  # applications behind the tracking page (PostgreSQL)
    scale_apps: int = 1_000_000  # applications behind open data and the back office
    ingest_terminals: int = 200  # terminals pushing at once in the ingest benchmark
    ingest_apps: int = 25  # applications each of them pushes
    #: then the same terminals taking applications at this rate in all (per second), this
    #: many each, and pushing as they go
    ingest_rate: int = 1_250
    ingest_arriving: int = 50
    #: sync link: applications, their own materials, and those materials' bytes in all
    link: tuple[int, int, int] = (150, 269, 11_500_000)

    @classmethod
    def default(cls) -> Sizes:
        return cls(100_000, 100_000, 200, 1_000, 100, 200, 2_000, 50, 10)

    @classmethod
    def full(cls) -> Sizes:
        return cls(1_000_000, 100_000, 1_000, 10_000, 2_000, 200, 10_000, 200, 10, week_scale=1.0,
                   scale_apps=10_000_000, ingest_apps=100)  # fmt: skip

    @classmethod
    def tiny(cls) -> Sizes:
        """For the smoke test: proves each benchmark runs, measures nothing of interest."""
        return cls(300, 300, 5, 10, 3, 20, 10, 3, 2, rounds=1, lookup_kb=5, week_terminals=2,
                   week_scale=0.001, week_idle_samples=3, week_pace_s=0.2, track_apps=300,
                   scale_apps=300, ingest_terminals=3, ingest_apps=3, ingest_rate=30,
                   ingest_arriving=4, link=(3, 5, 60_000))  # fmt: skip


@dataclass(frozen=True)
class Result:
    """One row of the table. `ratio` is value / baseline; `ok` is None when no target."""

    benchmark: str
    metric: str
    value: float
    unit: str
    baseline: float | None = None
    target: str = ""
    ok: bool | None = None
    error: bool = False

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or self.baseline == 0:
            return None
        return self.value / self.baseline

    @property
    def verdict(self) -> str:
        return "ERROR" if self.error else {True: "ok", False: "MISSED", None: "-"}[self.ok]


@dataclass
class Context:
    """What a benchmark gets: the sizes, a scratch folder, and a log line printer."""

    sizes: Sizes
    work: Path
    log: Callable[[str], None] = print
    cache: Path = CACHE
    postgres: bool = True  # portal ingest also on PostgreSQL when a server can be had
    notes: list[str] = field(default_factory=list)


def percentile(samples: Sequence[float], p: float) -> float:
    """The p-th percentile (nearest-rank), so p99 of 100 samples is the worst but one."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def median(samples: Iterable[float]) -> float:
    return statistics.median(list(samples))


def timed(fn: Callable[[], Any], repeat: int) -> list[float]:
    """Wall-clock seconds of `repeat` calls of `fn`, one sample per call."""
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def alternate(
    ours: Callable[[], Any], theirs: Callable[[], Any], n: int
) -> tuple[list[float], list[float]]:
    """`n` samples (ms) of each, taken turn about."""
    a, b = [], []
    for _ in range(n):
        a += timed(ours, 1)
        b += timed(theirs, 1)
    return [ms(x) for x in a], [ms(x) for x in b]


def ms(seconds: float) -> float:
    return seconds * 1000.0


def _fmt(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "-"
    if value == int(value) or abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


HEADER = ("benchmark", "metric", "value", "baseline", "ratio", "target", "verdict")


def rows(results: Iterable[Result]) -> list[tuple[str, ...]]:
    return [
        (
            r.benchmark,
            r.metric,
            f"{_fmt(r.value)} {r.unit}".strip(),
            "-" if r.baseline is None else f"{_fmt(r.baseline)} {r.unit}".strip(),
            "-" if r.ratio is None else f"{r.ratio:.2f}x",
            r.target or "-",
            r.verdict,
        )
        for r in results
    ]


def table(results: Iterable[Result]) -> str:
    """The results as a Markdown table (readable in a terminal, pasteable in the docs)."""
    body = rows(results)
    widths = [max(len(h), *(len(r[i]) for r in body)) for i, h in enumerate(HEADER)]
    aligned = [HEADER, tuple("-" * w for w in widths), *body]
    return "\n".join(
        "| " + " | ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)) + " |"
        for r in aligned
    )
