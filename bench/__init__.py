"""Benchmarks: each measures a baseline in the same run and prints its ratio to it (see
docs/performance.md). Run them all with `scripts/bench`."""
