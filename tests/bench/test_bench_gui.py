"""The window benchmarks run their children on compiled bytecode, as a deployed terminal."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from bench import bench_gui
from bench.core import ROOT


def _cached(prefix: Path, source: Path) -> Path:
    before = sys.pycache_prefix
    sys.pycache_prefix = str(prefix)
    try:
        return Path(importlib.util.cache_from_source(str(source)))
    finally:
        sys.pycache_prefix = before


def test_the_project_is_compiled_into_the_cache_not_the_tree(tmp_path: Path) -> None:
    before = sys.pycache_prefix
    prefix = bench_gui.compile_project(tmp_path)
    assert prefix == tmp_path / bench_gui.PYCACHE
    assert sys.pycache_prefix == before
    for module in ("counter_app/terminal.py", "counter_app/ui/shell.py", "forms/model.py"):
        assert _cached(prefix, ROOT / module).is_file(), module
        assert _cached(prefix, ROOT / module).is_relative_to(prefix)


def test_a_module_that_does_not_compile_stops_the_benchmark(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "broken.py").write_text("def f(:\n")
    monkeypatch.setattr(bench_gui, "ROOT", tmp_path)
    monkeypatch.setattr(bench_gui, "PACKAGES", ("pkg",))
    with pytest.raises(RuntimeError, match="could not compile pkg"):
        bench_gui.compile_project(tmp_path / "cache")


@pytest.mark.gui
def test_children_write_and_read_bytecode_in_the_prefix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # this machine sets PYTHONDONTWRITEBYTECODE=1; the child must not inherit it
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    prefix = tmp_path / "pyc"
    _seconds, line = bench_gui.child("bare", pycache=prefix)
    assert line["ready"] == "bare"
    assert any(prefix.rglob("json/__init__*.pyc")), "the child wrote no bytecode"


@pytest.mark.gui
def test_the_window_is_timed_through_the_clerks_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`counter-app --data-dir` itself, to its ready line; a start that fails is an error,
    not a time (here a bad language in the environment stops the command at once)."""
    seconds = bench_gui.counter_app_window(str(tmp_path / "terminal"), pycache=tmp_path / "pyc")
    assert 0 < seconds < 120
    monkeypatch.setenv("COUNTER_LANG", "xx")
    with pytest.raises(RuntimeError, match="was not ready"):
        bench_gui.counter_app_window(str(tmp_path / "terminal"), timeout=60)
