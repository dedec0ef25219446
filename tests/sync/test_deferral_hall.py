"""容缺受理 across the hall: window 12 accepts with a material to follow on a signed promise;
the applicant brings it to window 13 (another terminal of the same hall), which records the
supplement through `counter-app deferral supplement`; after both sync, the deferral is
closed on window 12 too. A real portal on loopback, two real terminal folders."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from counter_app import clerks
from counter_app.cli import main
from counter_app.intake.deferral import Deferral
from counter_app.ops.provision import enroll
from counter_app.store.sync_port import StorePort
from counter_app.terminal import Terminal
from portal.server import BackgroundServer
from sync.engine import SyncEngine
from tests.counter_app.counter_testing import password_file
from tests.printing.printing_support import signature_png
from tests.sync.conftest import CLERK, DATA, HALL, PASSWORD, PERSON, issue_code, pdf, plain_client

ITEM = (
    (DATA / "SYNC-001.yaml")
    .read_text(encoding="utf-8")
    .replace("code: SYNC-001", "code: SYNC-DEF")
    .replace(
        "fields:\n",
        "  - code: lease\n    name: {zh: 租赁合同, en: Lease}\n    deferrable: true\n"
        "    file_types: [pdf]\nfields:\n",
    )
)


@pytest.fixture(autouse=True)
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def window13(tmp_path: Path, portal: BackgroundServer) -> Iterator[Terminal]:
    t = Terminal.init(tmp_path / "window13", "8QXM", HALL, "13")
    clerks.add_clerk(t.store, "A001", "张管理", PASSWORD, "admin")
    admin = clerks.authenticate(t.store, "A001", PASSWORD)
    clerks.add_clerk(t.store, CLERK, "李窗口", PASSWORD, "clerk", actor=admin)
    enroll(t, portal.url, issue_code(portal, HALL, 13), plain_client)
    yield t
    t.close()


def _cli(t: Terminal, *argv: str) -> int:
    return main(["--data-dir", str(t.data_dir), "--lang", "en", *argv])


def test_a_supplement_at_another_window_closes_the_deferral(
    enrolled: Terminal, window13: Terminal, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "SYNC-DEF.yaml"
    path.write_text(ITEM, encoding="utf-8")
    enrolled.import_catalog(path)
    due = enrolled.today()
    r = enrolled.intake.accept(
        "SYNC-DEF", PERSON, {"note": "d"}, {"scan": [pdf("d")]}, clerk_id=CLERK,
        deferred={"lease": Deferral("原件", due)}, promise_png=signature_png(),
    )  # fmt: skip
    assert r.kind == "acceptance"
    assert SyncEngine(StorePort(enrolled), plain_client).run_once().ok

    lease = tmp_path / "lease.pdf"
    lease.write_bytes(pdf("lease"))
    password = str(password_file(tmp_path, PASSWORD))
    assert _cli(window13, "deferral", "supplement", r.display_no, "--attach", f"lease={lease}",
                "--clerk", CLERK, "--password-file", password) == 0  # fmt: skip
    assert "supplement recorded" in capsys.readouterr().out
    assert _cli(window13, "sync", "--once") == 0, capsys.readouterr().err

    report = SyncEngine(StorePort(enrolled), plain_client).run_once()
    assert (r.receipt_no, "supplemented") in report.statuses_pulled
    closed = enrolled.store.one("SELECT fulfilled_at FROM deferred_materials")
    assert closed is not None and closed["fulfilled_at"] is not None
    assert _cli(enrolled, "deferral", "late") == 0  # nothing open, nothing late


def test_a_supplement_for_an_application_with_nothing_to_follow_is_set_aside(
    enrolled: Terminal, window13: Terminal, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    r = enrolled.intake.accept(
        "SYNC-001", PERSON, {"note": "n"}, {"scan": [pdf("n")]}, clerk_id=CLERK
    )
    assert SyncEngine(StorePort(enrolled), plain_client).run_once().ok
    lease = tmp_path / "x.pdf"
    lease.write_bytes(pdf("x"))
    password = str(password_file(tmp_path, PASSWORD))
    assert _cli(window13, "deferral", "supplement", r.display_no, "--attach", f"scan={lease}",
                "--clerk", CLERK, "--password-file", password) == 0  # fmt: skip
    report = SyncEngine(StorePort(window13), plain_client).run_once()
    assert len(report.set_aside) == 1


def test_an_unknown_receipt_is_refused_in_words(
    window13: Terminal, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lease = tmp_path / "x.pdf"
    lease.write_bytes(pdf("x"))
    password = str(password_file(tmp_path, PASSWORD))
    code = _cli(window13, "deferral", "supplement", "03H-8QXM-001-0", "--attach",
                f"lease={lease}", "--clerk", CLERK, "--password-file", password)  # fmt: skip
    assert code == 2 and "counter-app:" in capsys.readouterr().err


def test_the_platform_flags_a_late_deferral_and_its_setting_ends_it(
    enrolled: Terminal, portal: BackgroundServer, tmp_path: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """Accepted in March (the terminal's clock set back: a date cannot pass in a test)."""
    from datetime import UTC, date, datetime

    from portal.cli import main as portal_main

    path = tmp_path / "SYNC-DEF.yaml"
    path.write_text(ITEM, encoding="utf-8")
    enrolled.import_catalog(path)
    enrolled.now = lambda: datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    r = enrolled.intake.accept(
        "SYNC-DEF", PERSON, {"note": "d"}, {"scan": [pdf("late")]}, clerk_id=CLERK,
        deferred={"lease": Deferral("原件", date(2026, 3, 4))}, promise_png=signature_png(),
    )  # fmt: skip
    assert SyncEngine(StorePort(enrolled), plain_client).run_once().ok
    db_url = str(portal.app.state.db.engine.url)
    assert portal_main(["deferrals-late", "--db", db_url]) == 1
    assert f"{r.receipt_no}\tlease\t2026-03-04" in capsys.readouterr().out
    monkeypatch.setenv("PORTAL_END_LATE_DEFERRALS", "1")
    assert portal_main(["deferrals-late", "--db", db_url]) == 1
    assert "ended: 1" in capsys.readouterr().out
    enrolled.now = lambda: datetime.now(UTC)
    report = SyncEngine(StorePort(enrolled), plain_client).run_once()
    assert (r.receipt_no, "rejected") in report.statuses_pulled
    assert portal_main(["deferrals-late", "--db", db_url]) == 0  # ended: no longer waiting
