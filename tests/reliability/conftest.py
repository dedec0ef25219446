"""The reliability tests reuse the sync tests' real portal (uvicorn on loopback) and real
terminal data folder, so a fault here meets exactly the code the hall runs."""

from collections.abc import Iterator
from datetime import timedelta

import pytest

from counter_app.ops.provision import enroll
from counter_app.terminal import Terminal
from portal import enrollment
from portal.server import BackgroundServer
from portal.settings import Settings
from tests.sync.conftest import (
    HALL,
    enrolled,
    plain_client,
    portal,
    portal_settings,
    take,
    terminal,
)

__all__ = ["enrolled", "live", "portal", "portal_settings", "take", "terminal"]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[BackgroundServer, str]]:
    """A real platform on loopback and the token of a terminal really enrolled with it, for
    the tests that fuzz its API (one per test module: each fuzzes its own database)."""
    root = tmp_path_factory.mktemp("live")
    portal_settings = Settings(db_url=f"sqlite:///{root / 'portal.db'}", materials_dir=root / "f")
    with BackgroundServer(portal_settings) as server:
        terminal = Terminal.init(root / "terminal", "7QXM", HALL, "12")
        code = enrollment.issue_code(server.app.state.db, HALL, 12, timedelta(hours=1))
        enroll(terminal, server.url, code, plain_client)
        token = terminal.token
        terminal.close()
        assert token
        yield server, token
