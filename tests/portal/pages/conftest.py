"""Fixtures for the pages tests: a real portal (uvicorn on loopback, SQLite in tmp) with the
pages mounted, a real enrolled terminal whose clock the test can set, and helpers to take an
application at the counter and sync it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from counter_app import clerks
from counter_app.intake.service import IntakeResult
from counter_app.ops.provision import enroll
from counter_app.store.sync_port import StorePort
from counter_app.terminal import Terminal
from forms.catalog import load_item
from portal import enrollment, services
from portal.pages.ratelimit import Limit
from portal.pages.web import PageConfig
from portal.server import BackgroundServer
from portal.settings import Settings
from sync.engine import SyncEngine, SyncReport
from tests.portal.pages.pages_support import CLERK, HALL, PASSWORD, PERSON, Clock, pdf, plain_client

ITEM_FILE = Path(__file__).parent / "data" / "PAGE-001.yaml"


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[BackgroundServer]:
    settings = Settings(
        db_url=f"sqlite:///{tmp_path / 'portal.db'}", materials_dir=tmp_path / "portal-files"
    )
    with BackgroundServer(settings) as server:
        server.app.state.pages = PageConfig(track_limit=Limit(1000, 600), secure_cookies=False)
        services.publish_catalog(server.app.state.db, [load_item(ITEM_FILE).to_dict()])
        yield server


@pytest.fixture
def terminal(tmp_path: Path, clock: Clock, portal: BackgroundServer) -> Iterator[Terminal]:
    t = Terminal.init(tmp_path / "terminal", "7QXM", HALL, "12", now=clock)
    t.import_catalog(ITEM_FILE)
    clerks.add_clerk(t.store, "A001", "张管理", PASSWORD, "admin")
    admin = clerks.authenticate(t.store, "A001", PASSWORD)
    clerks.add_clerk(t.store, CLERK, "王窗口", PASSWORD, "clerk", actor=admin)
    code = enrollment.issue_code(portal.app.state.db, HALL, 12, timedelta(hours=1))
    enroll(t, portal.url, code, plain_client)
    yield t
    t.close()


Take = Callable[..., IntakeResult]


@pytest.fixture
def take(terminal: Terminal) -> Take:
    """Accept one application at the counter (not synced yet)."""

    def _take(shop: str = "老王面馆", person: dict[str, str] | None = None) -> IntakeResult:
        files = {"idcard": [pdf(shop)]}
        return terminal.intake.accept(
            "PAGE-001", person or PERSON, {"shop": shop}, files, clerk_id=CLERK
        )

    return _take


@pytest.fixture
def sync(terminal: Terminal) -> Callable[[], SyncReport]:
    """One sync pass of the terminal; fails the test on any sync error."""

    def _sync() -> SyncReport:
        report = SyncEngine(StorePort(terminal), plain_client).run_once()
        assert report.ok, [e.message("en") for e in report.errors]
        return report

    return _sync
