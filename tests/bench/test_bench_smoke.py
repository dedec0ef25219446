"""The benchmarks still run: each at a tiny size, producing numbers and the table.

Nothing here asserts a time (the benchmarks do the measuring, on a quiet machine); these
tests catch a benchmark broken by a change elsewhere, and check the database generator,
which is a tool of its own, builds a valid terminal.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench import __main__ as runner
from bench import bench_gui, bench_portal
from bench.core import ROOT, Result, Sizes, percentile, table
from bench.gen_db import PASSWORD, TERMINAL_ID, build, database_for
from bench.terminals import PortalProcess, portal_settings
from counter_app import clerks, search
from counter_app.store import audit
from counter_app.terminal import Terminal
from forms.validators import is_valid_resident_id, is_valid_uscc
from tests.counter_app.counter_testing import run_module

TINY = Sizes.tiny()


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One tiny database for every benchmark of this module."""
    folder = tmp_path_factory.mktemp("bench-cache")
    database_for(TINY.big_db, folder, log=lambda _line: None)
    return folder


def _run(name: str, cache: Path, **kw: bool) -> list[Result]:
    results = runner.run([name], TINY, lambda _line: None, cache, **kw)
    assert results, f"{name} produced no rows"
    for r in results:
        assert not r.error, f"{name} failed: {r.metric}"
        assert math.isfinite(r.value) and r.value >= 0, r
        assert r.baseline is None or (math.isfinite(r.baseline) and r.baseline > 0), r
    assert table(results).count("\n") == len(results) + 1
    return results


def test_generated_terminal_is_valid_and_searchable(tmp_path: Path) -> None:
    report = build(tmp_path / "t", 400)
    assert report.applications == 400 and report.per_second > 0
    with Terminal.open(tmp_path / "t") as t:
        store = t.store
        assert store.scalar("SELECT COUNT(*) FROM submissions") == 400
        assert audit.verify(store).ok  # the real hash chain, head included
        assert store.query("PRAGMA foreign_key_check") == []
        ids = [r["id_no"] for r in store.query("SELECT id_no FROM applicants")]
        assert all(is_valid_resident_id(i) or is_valid_uscc(i) for i in ids)
        kinds = {r["status"] for r in store.query("SELECT DISTINCT status FROM submissions")}
        assert {"delivered", "notice_issued", "under_review"} <= kinds
        row = store.one("SELECT receipt_no, applicant_id FROM submissions ORDER BY rowid DESC")
        assert row is not None and row["receipt_no"][3:7] == TERMINAL_ID
        assert search.search(store, row["receipt_no"].lower())[0].id_no == row["applicant_id"]
        assert clerks.authenticate(store, "C001", PASSWORD).clerk_id == "C001"
        # intake today starts after the generated days' counters: a new number, no clash
        answers = json.loads((ROOT / "tests" / "forms" / "answers" / "GJJ-002.json").read_text())
        person = {
            "kind": "person",
            "id_no": answers["id_no"],
            "name": "郑凯",
            "phone": answers["phone"],
        }
        new = t.intake.accept("GJJ-002", person, answers, clerk_id="C001")
        assert new.receipt_no[3:7] == TERMINAL_ID


def test_generated_database_is_reused(tmp_path: Path) -> None:
    first = database_for(50, tmp_path, log=lambda _line: None)
    stamp = (first / "counter.db").stat().st_mtime_ns
    assert database_for(50, tmp_path, log=lambda _line: None) == first
    assert (first / "counter.db").stat().st_mtime_ns == stamp


@pytest.mark.parametrize("name", ["gen_db", "intake", "search", "receipt", "sync", "lookup", "cli"])
def test_benchmark_produces_numbers(name: str, cache: Path) -> None:
    results = _run(name, cache)
    assert all(r.benchmark for r in results)


def test_portal_ingest_on_sqlite(cache: Path) -> None:
    results = _run("portal", cache, postgres=False)
    assert [r.metric.split(":")[0] for r in results] == ["SQLite, 3 terminals"] * 3


def test_blob_upload_folder_and_s3(cache: Path) -> None:
    results = _run("blobs", cache)
    assert [r.metric.split(",")[0] for r in results] == ["S3 upload"] * 2
    assert all(r.baseline is not None and r.value > 0 for r in results)


@pytest.mark.gui
@pytest.mark.parametrize("name", ["startup", "memory"])
def test_window_benchmarks(name: str, cache: Path) -> None:
    results = _run(name, cache)
    assert all(r.baseline is not None and r.ratio is not None for r in results)
    targets = ["<= 1.5x", "", ""] if name == "startup" else ["<= +100 MB"]
    assert [r.target for r in results] == targets
    # the children ran on bytecode compiled into the cache (a deployed start)
    assert any((cache / bench_gui.PYCACHE).rglob("shell*.pyc"))


@pytest.mark.gui
def test_clerk_benchmark_walks_an_intake_by_keys(cache: Path) -> None:
    results = _run("clerk", cache)
    assert [r.metric.split(",")[0].split(" of ")[0] for r in results] == [
        "key response p99",
        "key response p99",
        "F3 to receipt preview less typing",
        "extra keys per field group",
        "field groups within 2 extra keys",
        "steps that needed the mouse",
    ]
    assert results[-1].value == 0  # the keyboard alone took the item to its receipt
    assert results[0].baseline is not None and results[1].baseline is not None


def test_a_failing_benchmark_is_an_error_row_and_exit_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def broken(_ctx: object) -> list[Result]:
        raise OSError("disk gone")

    monkeypatch.setitem(runner.BENCHMARKS, "search", broken)
    assert runner.main(["--tiny", "--only", "search", "--cache", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "OSError: disk gone" in out and "ERROR" in out


def test_table_shows_ratio_and_verdict() -> None:
    rows = [
        Result("intake", "p99", 6.0, "ms", 2.0, "p99 <= 3x", True),
        Result("search", "p99", 7.5, "ms", None, "< 5 ms", False),
    ]
    text = table(rows)
    assert "| intake    | p99    | 6 ms    | 2 ms     | 3.00x | p99 <= 3x | ok " in text
    assert "MISSED" in text.splitlines()[3]
    assert percentile([1, 2, 3, 4, 100], 99) == 100 and percentile([5, 1, 3], 50) == 3


@pytest.mark.gui
def test_a_window_that_never_becomes_ready_is_killed(tmp_path: Path) -> None:
    # no terminal in this folder: the window shows the error and never reports "opened"
    with pytest.raises(RuntimeError, match="was not ready"):  # killed at its timeout
        bench_gui.counter_app_window(str(tmp_path / "no-terminal"), "opened", timeout=2)


def test_a_portal_that_cannot_start_fails_fast(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    settings = portal_settings(tmp_path / "portal", f"sqlite:///{blocker}/portal.db")
    with pytest.raises(RuntimeError, match="did not start"), PortalProcess(settings):
        pass


def test_no_postgres_binaries_means_sqlite_only(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("BENCH_PG_URL", raising=False)
    monkeypatch.delenv("PORTAL_TEST_PG_URL", raising=False)
    monkeypatch.setattr(bench_portal, "PG_BIN", tmp_path / "nowhere")
    with bench_portal.postgres_database() as url:
        assert url is None


@pytest.mark.gui
def test_a_clerk_child_that_fails_is_reported_with_its_error(tmp_path: Path) -> None:
    from bench import bench_clerk
    from counter_app.ops import demo

    data_dir = demo.prepare(tmp_path / "demo", with_portal=False).data_dir
    with pytest.raises(RuntimeError, match=r"clerk child failed (?s:.*)NO-SUCH-ITEM"):
        bench_clerk.child(Path(data_dir), 0, ["NO-SUCH-ITEM"], timeout=120)


def test_week_offline_runs_tiny(cache: Path) -> None:
    """Two terminals, a thousandth of a week each, through the 20 Mbit/s link: the rows are
    there and nothing is missing or doubled on the platform (that one is a check, not a
    time)."""
    rows = {r.metric.split(" (")[0]: r for r in _run("week", cache)}
    assert rows["missing or doubled on the platform"].value == 0
    assert rows["upload of files vs the 20 Mbit/s link"].value > 0
    assert rows["intake p99 during upload vs idle"].baseline


@pytest.fixture
def pg_cache() -> Iterator[Path]:
    """A cache folder the postgres user can reach (pytest's tmp_path is root's, 0700)."""
    folder = Path(tempfile.mkdtemp(prefix="bench-pg-cache-"))
    os.chmod(folder, 0o777)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_tracking_and_statistics_benchmarks_run(pg_cache: Path) -> None:
    """Both PostgreSQL benchmarks at a tiny size: the cached generated database, wrk with the
    mixed requests against the page and the bare endpoint, open data and the back office's
    pages over HTTP. `.ci/run` installs wrk and PostgreSQL; without them they are skipped."""
    from bench.pg_cache import available

    if not available() or shutil.which("wrk") is None:
        pytest.skip("needs PostgreSQL binaries and wrk (.ci/run installs both)")
    rows = _run("tracking", pg_cache) + _run("statistics", pg_cache)
    metrics = [r.metric for r in rows]
    assert any("lookups/s" in m for m in metrics) and any("open data" in m for m in metrics)
    assert (pg_cache / "portal-pg-300" / "ready").exists()  # cached for the next run
    again = _run("statistics", pg_cache)  # the second run starts the kept data directory
    assert len(again) == 6  # open data by day, by month, each built; the first page, a later


@pytest.mark.parametrize("tty", [True, False], ids=["terminal", "pipe"])
def test_the_generator_shows_a_bar_only_on_a_terminal(tmp_path: Path, tty: bool) -> None:
    code, out, err = run_module(tmp_path, tty, "bench.gen_db", "300", "--cache", str(tmp_path))
    assert code == 0, err
    assert "300 applications" in out
    assert ("generating" in err) is tty
