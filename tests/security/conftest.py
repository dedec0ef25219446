"""Fixtures for the attack tests: a real platform (uvicorn on loopback, SQLite in tmp) and
real terminals enrolled with it by one-time codes, two in one hall and one in another, so an
attack is made as a rogue terminal would make it: with its own valid token, over HTTP.

`owner` takes the citizen's application; `neighbour` is another window of the same hall;
`stranger` is a terminal of another hall.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from counter_app import clerks
from counter_app.intake.service import IntakeResult
from counter_app.ops.provision import enroll
from counter_app.store.sync_port import StorePort
from counter_app.terminal import Terminal
from portal import enrollment
from portal.server import BackgroundServer
from portal.settings import Settings
from printing.qr_payload import tracking_code
from sync.canonical import content_hash
from sync.engine import SyncEngine
from sync.protocol import ApplicationIn
from sync.report import SyncReport
from tests.sync.conftest import CLERK, DATA, PASSWORD, PERSON, pdf, plain_client

HALL = "南昌市民中心"
OTHER_HALL = "九江市民中心"


@dataclass
class Window:
    """A real terminal enrolled with the test platform."""

    terminal: Terminal
    portal: BackgroundServer

    @property
    def terminal_id(self) -> str:
        return str(self.terminal.terminal_id)

    @property
    def hall(self) -> str:
        return str(self.terminal.hall)

    @property
    def token(self) -> str:
        return str(self.terminal.token)

    def api(self, token: str | None = "") -> httpx.Client:
        """An HTTP client on /api/v1 with this terminal's token (or `token`, None = none)."""
        token = self.token if token == "" else token
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        url = self.portal.url + "/api/v1"
        return httpx.Client(base_url=url, headers=headers, trust_env=False, timeout=10)

    def take(self, tag: str, **files: list[bytes]) -> IntakeResult:
        """Accept one application at this counter (one small PDF unless `files` given)."""
        given: dict[str, list[Any]] = {"scan": [pdf(tag)]} | dict(files)
        return self.terminal.intake.accept("SYNC-001", PERSON, {"note": tag}, given, clerk_id=CLERK)

    def sync(self) -> SyncReport:
        return SyncEngine(StorePort(self.terminal), plain_client).run_once()

    def code(self, receipt_no: str) -> str:
        """The citizen's tracking code printed on this terminal's receipt."""
        return tracking_code(self.terminal.code_secret(), receipt_no)

    def supervisor(self) -> clerks.Session:
        return clerks.authenticate(self.terminal.store, "S001", PASSWORD)


def _terminal(root: Path, proposed_id: str, hall: str, window: str) -> Terminal:
    t = Terminal.init(root, proposed_id, hall, window)
    t.import_catalog(DATA / "SYNC-001.yaml")
    clerks.add_clerk(t.store, "A001", "张管理", PASSWORD, "admin")
    admin = clerks.authenticate(t.store, "A001", PASSWORD)
    clerks.add_clerk(t.store, CLERK, "王窗口", PASSWORD, "clerk", actor=admin)
    clerks.add_clerk(t.store, "S001", "李主管", PASSWORD, "supervisor", actor=admin)
    return t


@pytest.fixture
def portal_settings(tmp_path: Path) -> Settings:
    return Settings(
        db_url=f"sqlite:///{tmp_path / 'portal' / 'portal.db'}",
        materials_dir=tmp_path / "portal" / "materials",
        max_material_bytes=200_000,
        max_chunk_bytes=64 * 1024,
    )


def serve(settings: Settings) -> BackgroundServer:
    """The platform for loopback (`with` starts it); staff cookies without Secure, as the
    test speaks plain HTTP."""
    server = BackgroundServer(settings)
    server.app.state.pages.secure_cookies = False
    return server


@pytest.fixture
def portal(portal_settings: Settings) -> Iterator[BackgroundServer]:
    with serve(portal_settings) as server:
        yield server


Enrol = Callable[[str, str, int], Window]


@pytest.fixture
def enrol(portal: BackgroundServer, tmp_path: Path) -> Iterator[Enrol]:
    """Enroll a new terminal (proposed ID, hall, window) with a one-time code, for real."""
    made: list[Terminal] = []

    def _enrol(proposed_id: str, hall: str, window: int) -> Window:
        t = _terminal(tmp_path / f"terminal-{proposed_id}", proposed_id, hall, str(window))
        made.append(t)
        db = portal.app.state.db
        code = enrollment.issue_code(db, hall, window, timedelta(hours=1))
        enroll(t, portal.url, code, plain_client)
        return Window(t, portal)

    yield _enrol
    for t in made:
        t.close()


@pytest.fixture
def owner(enrol: Enrol) -> Window:
    return enrol("AAAA", HALL, 1)


@pytest.fixture
def neighbour(enrol: Enrol) -> Window:
    return enrol("BBBB", HALL, 2)


@pytest.fixture
def stranger(enrol: Enrol) -> Window:
    return enrol("CCCC", OTHER_HALL, 1)


def forged(receipt_no: str, hall: str, **changes: Any) -> dict[str, Any]:
    """An application as a rogue terminal would write it by hand: well-formed, with its true
    content hash, but naming whatever receipt number and hall the attacker chose."""
    data: dict[str, Any] = {
        "uuid": f"forged-{receipt_no}",
        "receipt_no": receipt_no,
        "kind": "acceptance",
        "service_code": "SYNC-001",
        "service_version": 1,
        "hall": hall,
        "window": "2",
        "clerk_id": "X999",
        "accepted_at": datetime.now(UTC).isoformat(),
        "status": "received",
        "answers": {"note": "forged"},
        "applicant": {"kind": "person", "id_no": "11010519491231002X", "name": "冒名"},
        "content_hash": "0" * 64,
    } | changes
    model = ApplicationIn.model_validate(data)
    return model.model_copy(update={"content_hash": content_hash(model)}).model_dump(mode="json")


def web(portal: BackgroundServer) -> httpx.Client:
    """A citizen's or staff member's browser (no token), following no redirects."""
    return httpx.Client(base_url=portal.url, trust_env=False, timeout=10)


STAFF, STAFF_PASSWORD = "reviewer", "office-pass-123"


@pytest.fixture
def staff_user(portal: BackgroundServer) -> str:
    """A back-office account on the test platform (its password is STAFF_PASSWORD)."""
    from portal.pages import staff

    staff.add_staff(portal.app.state.db, STAFF, "审核员", STAFF_PASSWORD)
    return STAFF


def staff_login(
    browser: httpx.Client, username: str, password: str, forwarded_for: str | None = None
) -> httpx.Response:
    """Log in through the real form (its CSRF token and pre-login cookie first); 303 means
    logged in, 200 is the form again with the error."""
    import re

    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    form = browser.get("/office/login", headers=headers)
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', form.text)
    assert csrf, form.text
    data = {"username": username, "password": password, "csrf": csrf.group(1)}
    reply = browser.post("/office/login?lang=en", data=data, headers=headers)
    assert "form has expired" not in reply.text, "the CSRF token or its cookie went wrong"
    return reply
