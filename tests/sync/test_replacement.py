"""A replaced terminal keeps its work (issue 16): window 12 moves to a new PC mid-backlog
(one application on the platform, two waiting with their files not uploaded), by both
paths, with the real commands: `counter-app retire` on the old PC, or `counter-app backup`
there and `counter-app restore` on the new one; then `portal replace-code` and
`counter-app enroll` as the same terminal. Nothing is lost, no receipt number repeats,
the old PC's token is refused, and `counter-app doctor` says what was moved. A real portal
on loopback, real terminal folders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from counter_app import clerks
from counter_app.cli import main
from counter_app.intake.service import IntakeResult
from counter_app.store.sync_port import StorePort
from counter_app.terminal import Terminal
from portal.cli import main as portal_main
from portal.server import BackgroundServer
from sync.engine import SyncEngine
from sync.receipt_numbers import SEQ_SLICE, decode
from tests.sync.conftest import CLERK, DATA, HALL, PASSWORD, PERSON, pdf, plain_client, server_count


@pytest.fixture(autouse=True)
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)


def _cli(data_dir: Path, *argv: str) -> int:
    return main(["--data-dir", str(data_dir), "--lang", "en", *argv])


def _take(t: Terminal, tag: str) -> IntakeResult:
    return t.intake.accept("SYNC-001", PERSON, {"note": tag}, {"scan": [pdf(tag)]}, clerk_id=CLERK)


def _seq(receipt_no: str) -> int:
    return decode(receipt_no.replace("-", "")[SEQ_SLICE])


def _mid_backlog(old: Terminal) -> list[IntakeResult]:
    """One application on the platform, two waiting (their files not uploaded either)."""
    first = _take(old, "one")
    assert SyncEngine(StorePort(old), plain_client).run_once().ok
    return [first, _take(old, "two"), _take(old, "three")]


def _replace_code(portal: BackgroundServer, terminal_id: str, capsys) -> str:  # type: ignore[no-untyped-def]
    db_url = str(portal.app.state.db.engine.url)
    capsys.readouterr()
    assert portal_main(["replace-code", terminal_id, "--db", db_url]) == 0
    return capsys.readouterr().out.strip()


def _enroll_new(new_dir: Path, portal: BackgroundServer, code: str, capsys) -> str:  # type: ignore[no-untyped-def]
    assert _cli(new_dir, "enroll", "--portal", portal.url, "--code", code) == 0
    return capsys.readouterr().out


def _fresh_pc(root: Path) -> Path:
    with Terminal.init(root, None, HALL, "12") as t:
        t.import_catalog(DATA / "SYNC-001.yaml")
        clerks.add_clerk(t.store, "A001", "张管理", PASSWORD, "admin")
        admin = clerks.authenticate(t.store, "A001", PASSWORD)
        clerks.add_clerk(t.store, CLERK, "王窗口", PASSWORD, "clerk", actor=admin)
    return root


def _old_token_refused(old_dir: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    capsys.readouterr()
    assert _cli(old_dir, "sync") == 2
    assert "enroll" in capsys.readouterr().err.lower()  # unknown token: enroll again


def _carry_on(new_dir: Path, taken: list[IntakeResult], portal: BackgroundServer) -> None:
    """The new PC syncs and takes the next application: every number distinct, above."""
    with Terminal.open(new_dir) as new:
        assert SyncEngine(StorePort(new), plain_client).run_once().ok
        nxt = _take(new, "after the move")
        assert SyncEngine(StorePort(new), plain_client).run_once().ok
    numbers = [r.receipt_no for r in taken] + [nxt.receipt_no]
    assert len(set(numbers)) == len(numbers)
    assert _seq(nxt.receipt_no) == max(_seq(n) for n in numbers[:-1]) + 1
    assert server_count(portal, "applications") == len(numbers)
    for r in taken:  # each with its file on the platform
        assert server_count(portal, "applications", receipt_no=r.receipt_no) == 1
    assert server_count(portal, "materials") == len(numbers)


def _doctor(new_dir: Path, capsys) -> str:  # type: ignore[no-untyped-def]
    capsys.readouterr()
    _cli(new_dir, "doctor")
    return capsys.readouterr().out


def test_uploaded_first_then_enrolled_as_the_same_window(
    enrolled: Terminal, portal: BackgroundServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = enrolled
    taken = _mid_backlog(old)
    assert _cli(old.data_dir, "retire") == 0
    assert "Everything is sent" in capsys.readouterr().out
    code = _replace_code(portal, old.terminal_id, capsys)
    new_dir = _fresh_pc(tmp_path / "new-pc")
    out = _enroll_new(new_dir, portal, code, capsys)
    assert f"terminal {old.terminal_id}" in out  # the same window, whatever it proposed
    _old_token_refused(old.data_dir, capsys)
    _carry_on(new_dir, taken, portal)
    report = _doctor(new_dir, capsys)
    assert f"replaced terminal {old.terminal_id}" in report
    assert "moved 0 applications" in report and "0 outbox items waiting" in report
    assert f"continues after {taken[-1].receipt_no}" in report


def test_carried_by_a_signed_backup(
    enrolled: Terminal, portal: BackgroundServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = enrolled
    taken = _mid_backlog(old)
    archive = tmp_path / "window12.zip"
    assert _cli(old.data_dir, "backup", "--out", str(archive)) == 0
    new_dir = tmp_path / "new-pc"
    assert _cli(new_dir, "restore", str(archive)) == 0
    code = _replace_code(portal, old.terminal_id, capsys)
    _enroll_new(new_dir, portal, code, capsys)
    _old_token_refused(old.data_dir, capsys)
    report = _doctor(new_dir, capsys)
    assert "moved 3 applications" in report and "2 outbox items waiting" in report
    assert re.search(r"old key [0-9a-f]{16}", report)
    _carry_on(new_dir, taken, portal)


def test_a_stale_backup_numbers_above_what_the_platform_saw(
    enrolled: Terminal, portal: BackgroundServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The backup was made before the old PC took and sent one more application: the new PC
    learns that number at enrollment and does not issue it again."""
    old = enrolled
    taken = _mid_backlog(old)
    archive = tmp_path / "window12.zip"
    assert _cli(old.data_dir, "backup", "--out", str(archive)) == 0
    taken.append(_take(old, "after the backup"))
    assert _cli(old.data_dir, "retire") == 0
    new_dir = tmp_path / "new-pc"
    assert _cli(new_dir, "restore", str(archive)) == 0
    _enroll_new(new_dir, portal, _replace_code(portal, old.terminal_id, capsys), capsys)
    _carry_on(new_dir, taken, portal)  # the restored two go up as duplicates: one copy each


def test_retire_says_what_is_left_when_the_platform_is_gone(
    enrolled: Terminal, portal: BackgroundServer, capsys: pytest.CaptureFixture[str]
) -> None:
    taken = _mid_backlog(enrolled)
    portal.stop()
    assert _cli(enrolled.data_dir, "retire") == 3
    out = capsys.readouterr()
    for r in taken[1:]:
        assert r.receipt_no in out.out
    assert "2 not sent" in out.out and "counter-app backup" in out.out


def test_a_replacement_code_for_an_unknown_terminal_is_refused(
    portal: BackgroundServer, capsys: pytest.CaptureFixture[str]
) -> None:
    db_url = str(portal.app.state.db.engine.url)
    assert portal_main(["replace-code", "ZZZZ", "--db", db_url]) == 2
    assert "平台上没有终端 ZZZZ" in capsys.readouterr().err


def test_an_old_receipt_still_tracks_after_the_move(
    enrolled: Terminal, portal: BackgroundServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The old PC's tracking codes were made with its key's secret: its receipts' QR still
    opens their page on the platform after the window moved to a new PC with a new key."""
    from tests.portal.pages.pages_support import tracking_path

    old = enrolled
    first = _mid_backlog(old)[0]
    path = tracking_path(old, first.receipt_no, with_payload=False)
    assert _cli(old.data_dir, "retire") == 0
    new_dir = _fresh_pc(tmp_path / "new-pc")
    _enroll_new(new_dir, portal, _replace_code(portal, old.terminal_id, capsys), capsys)
    with plain_client() as http:
        page = http.get(portal.url + path)
        wrong = http.get(portal.url + re.sub(r"c=[^&]+", "c=" + "0" * 24, path))
    assert page.status_code == 200 and first.display_no in page.text
    assert first.display_no not in wrong.text or wrong.status_code != 200


def test_a_lost_reply_to_the_replacement_enrollment_gets_the_same_reply(
    enrolled: Terminal, portal: BackgroundServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The platform re-enrolled the window on the new PC but its reply was lost (the fault
    proxy lets the platform commit, then closes): enrolling again with the same replacement
    code tells the new PC what the lost reply said -- the old key it replaces and the last
    receipt number -- so doctor still says what was moved and numbering still continues."""
    from tests.sync.faultproxy import FaultProxy

    old = enrolled
    taken = _mid_backlog(old)
    assert _cli(old.data_dir, "retire") == 0
    code = _replace_code(portal, old.terminal_id, capsys)
    new_dir = _fresh_pc(tmp_path / "new-pc")
    with FaultProxy(portal.port, {"pass": 1}, script={"/enroll": ["lose_reply"]}) as proxy:
        assert _cli(new_dir, "enroll", "--portal", proxy.url, "--code", code) == 3
        assert proxy.seen["lose_reply"] == 1
        capsys.readouterr()
        assert _cli(new_dir, "enroll", "--portal", portal.url, "--code", code) == 0
    assert f"terminal {old.terminal_id}" in capsys.readouterr().out
    report = _doctor(new_dir, capsys)
    assert f"replaced terminal {old.terminal_id}" in report
    assert re.search(r"old key [0-9a-f]{16}", report)
    assert f"continues after {taken[-1].receipt_no}" in report
    _carry_on(new_dir, taken, portal)
