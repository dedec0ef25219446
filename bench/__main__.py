"""`scripts/bench [--full] [--only NAME ...]`: run the benchmarks, print one table.

Each benchmark builds what it needs (the cached N-application databases, terminals, portals)
in a scratch folder removed afterwards, measures its baseline in the same run, and adds rows
to the table. A benchmark that fails is reported as a row with verdict ERROR and the others
still run; the exit status is 1 if any failed, 0 otherwise (missed targets are results, not
failures).
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import platform
import shutil
import sqlite3
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from bench import (
    bench_blobs,
    bench_clerk,
    bench_cli,
    bench_gui,
    bench_ingest,
    bench_lookup,
    bench_portal,
    bench_receipt,
    bench_stats,
    bench_store,
    bench_sync,
    bench_track,
    bench_week,
    gen_db,
)
from bench.core import CACHE, Context, Result, Sizes, table
from counter_app.ops import progress

BENCHMARKS: dict[str, Callable[[Context], list[Result]]] = {
    "gen_db": gen_db.report_speed,
    "startup": bench_gui.startup,
    "search": bench_store.search_bench,  # before intake: its multi-GB copy evicts the cache
    "intake": bench_store.intake,
    "receipt": bench_receipt.receipt,
    "sync": bench_sync.push_and_pull,
    "cli": bench_cli.cli,
    "portal": bench_portal.ingest,
    "ingest": bench_ingest.ingest,
    "lookup": bench_lookup.lookup,
    "blobs": bench_blobs.blob_upload,
    "memory": bench_gui.memory,
    "clerk": bench_clerk.clerk,
    "week": bench_week.week,
    "tracking": bench_track.tracking,  # PostgreSQL, wrk
    "statistics": bench_stats.stats_and_paging,  # PostgreSQL
}


def machine() -> str:
    """The facts the numbers depend on, as one line."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}; load average at the start: "
        "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
    )


def run(
    names: list[str],
    sizes: Sizes,
    log: Callable[[str], None] = print,
    cache: Path = CACHE,
    postgres: bool = True,
) -> list[Result]:
    """Run the named benchmarks in order; a crash becomes an ERROR row, not an abort."""
    results: list[Result] = []
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        for name in names:
            ctx = Context(sizes, work / name, log, cache, postgres)
            ctx.work.mkdir()
            os.sync()  # no write-back left over from the previous benchmark
            start = time.perf_counter()
            try:
                results += BENCHMARKS[name](ctx)
            except Exception as exc:
                traceback.print_exc()
                results.append(Result(name, f"{type(exc).__name__}: {exc}"[:70], math.nan, "",
                                      error=True))  # fmt: skip
            for note in ctx.notes:
                log(f"note: {note}")
            log(f"{name}: done in {time.perf_counter() - start:.0f} s")
            shutil.rmtree(ctx.work, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return results


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__.split("\n")[0])
    parser.add_argument("--full", action="store_true", help="the issue's sizes (1,000,000 ...)")
    parser.add_argument("--tiny", action="store_true", help="smoke-test sizes (seconds)")
    parser.add_argument("--only", nargs="+", choices=sorted(BENCHMARKS), metavar="NAME",
                        help=f"run only these: {', '.join(BENCHMARKS)}")  # fmt: skip
    parser.add_argument("--no-postgres", action="store_true", help="portal ingest on SQLite only")
    parser.add_argument("--week-scale", type=float, metavar="X",
                        help="share of a week per terminal in `week` (0.005)")  # fmt: skip
    parser.add_argument("--cache", type=Path, default=CACHE, help="where databases are kept")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    progress.use_language("en")  # the generators' bars, like the table, in English
    sizes = Sizes.full() if args.full else Sizes.tiny() if args.tiny else Sizes.default()
    if args.week_scale:
        sizes = dataclasses.replace(sizes, week_scale=args.week_scale)
    names = [n for n in BENCHMARKS if not args.only or n in args.only]
    print(machine(), flush=True)
    log = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    results = run(names, sizes, log, args.cache, not args.no_postgres)
    print(table(results))
    print("load average at the end: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    return 1 if any(r.error for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
