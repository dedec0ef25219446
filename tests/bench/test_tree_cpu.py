"""`bench.bench_track.tree_cpu`: the CPU of a server and its workers, also of those that ended
during the measurement (PostgreSQL's backends and autovacuum workers come and go; counting
only the live ones made the ingest row's PostgreSQL CPU per application negative)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys

from bench.bench_track import tree_cpu

BURN = "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass"


def test_a_child_that_ended_still_counts() -> None:
    before = tree_cpu(os.getpid())
    used_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-c", BURN], check=True)  # runs, ends, is reaped
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    child = (used.ru_utime + used.ru_stime) - (used_before.ru_utime + used_before.ru_stime)
    assert child > 0.2  # the child burned its CPU (its own process_time says so)
    # clock ticks (1/100 s) round each figure down
    assert tree_cpu(os.getpid()) - before >= child - 0.05
