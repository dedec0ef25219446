"""The holiday calendar updated through the feed: `portal publish-calendar` on the platform,
`counter-app sync --once` on the terminal, and a due date that was flagged as provisional
(it ran into an unpublished year) is counted on the published year from then on."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from counter_app.cli import main
from counter_app.terminal import Terminal
from forms.workdays import reset_installed
from portal.cli import main as portal_main
from portal.server import BackgroundServer
from tests.sync.conftest import PERSON, Take, pdf

# Not the real 2027 notice (not out when this was written): a test year with a week off.
YEAR_2027 = """\
2027:
  source: test calendar
  holidays: [2027-01-01, 2027-01-04/2027-01-08]
  workdays: [2027-01-09]
"""


@pytest.fixture(autouse=True)
def bundled_calendar(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    reset_installed()
    yield
    reset_installed()


def _publish(portal: BackgroundServer, path: Path, capsys: pytest.CaptureFixture[str]) -> int:
    db_url = str(portal.app.state.db.engine.url)
    code = portal_main(["publish-calendar", "--db", db_url, "--lang", "en", str(path)])
    return code


def _accept(terminal: Terminal) -> tuple[date | None, bool]:
    result = terminal.intake.accept(
        "SYNC-001", PERSON, {"note": "x"}, {"scan": [pdf("cal")]}, clerk_id="C001"
    )
    return result.due_date, result.due_provisional


def test_published_year_reaches_the_terminal_and_unflags_its_deadlines(
    enrolled: Terminal,
    portal: BackgroundServer,
    take: Take,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    enrolled.now = lambda: datetime(2026, 12, 28, 2, 0, tzinfo=UTC)  # Monday
    due, provisional = _accept(enrolled)  # 5 working days: into 2027, not yet published
    assert provisional and due == date(2027, 1, 5)  # 29-31 Dec, 1 Jan off, 4-5 Jan
    (tmp_path / "cal.yaml").write_text(YEAR_2027, encoding="utf-8")
    assert _publish(portal, tmp_path / "cal.yaml", capsys) == 0
    assert "published 1 changed of 1 years" in capsys.readouterr().out
    reset_installed()  # the terminal must learn it from the feed, not from this process

    code = main(["--data-dir", str(enrolled.data_dir), "--lang", "en", "sync", "--once"])
    assert code == 0, capsys.readouterr().err
    assert enrolled.store.scalar("SELECT COUNT(*) FROM calendar_years WHERE year = 2027") == 1

    due, provisional = _accept(enrolled)
    assert not provisional
    assert due == date(2027, 1, 11)  # 29-31 Dec; 1, 4-8 Jan off; Sat 9 Jan worked; 11 Jan
    first = enrolled.intake.get(enrolled.store.scalar("SELECT receipt_no FROM submissions"))
    assert first.due_provisional  # a receipt already printed keeps what it said


def test_a_malformed_year_is_refused_and_nothing_is_published(
    portal: BackgroundServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bad.yaml").write_text(
        "2027:\n  holidays: [2028-01-01]\n  workdays: []\n", encoding="utf-8"
    )
    assert _publish(portal, tmp_path / "bad.yaml", capsys) == 2
    assert "The holiday calendar for 2027 is malformed" in capsys.readouterr().err
    db = portal.app.state.db
    with db.begin() as conn:
        rows = conn.execute(db.t("changes").select().where(db.t("changes").c.kind == "calendar"))
        assert rows.all() == []
