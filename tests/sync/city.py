"""One platform and three terminals in two halls, for the "one number" lookup tests: A and
B are windows 1 and 2 of HALL, C is window 1 of OTHER_HALL; all real (uvicorn on loopback,
terminal data folders in tmp), the lookup item published on the platform and imported at
every terminal."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import httpx

from counter_app import clerks
from counter_app.intake.service import IntakeResult
from counter_app.ops.provision import enroll
from counter_app.store.sync_port import StorePort
from counter_app.terminal import Terminal
from forms.catalog import load_item
from portal import services
from portal.server import BackgroundServer
from portal.settings import Settings
from sync.engine import SyncEngine
from tests.sync.conftest import CLERK, HALL, PASSWORD, PERSON, issue_code, pdf, plain_client

DATA = Path(__file__).parent / "data"
ITEM = "LOOKUP-001"
OTHER_HALL = "青山湖区政务服务中心"
ADDRESS = "南昌市红谷滩区丰和中大道1000号"


@dataclass
class City:
    settings: Settings
    portal: BackgroundServer
    a: Terminal
    b: Terminal
    c: Terminal

    def take_at_a(self, tag: str, valid_until: str | None = None) -> IntakeResult:
        """An application at A with an ID card copy, a household register and a photo
        (not reusable), synced to the platform."""
        answers = {"address": ADDRESS} | (
            {"id_card_valid_until": valid_until} if valid_until else {}
        )
        files = {"id_card": [pdf(f"id-{tag}")], "household": [pdf(f"hh-{tag}")],
                 "photo": [pdf(f"photo-{tag}")]}  # fmt: skip
        taken = self.a.intake.accept(ITEM, PERSON, answers, files, clerk_id=CLERK)
        sync(self.a)
        return taken

    def client(self, terminal: Terminal, url: str | None = None) -> httpx.Client:
        """An httpx client carrying `terminal`'s token, as its sync client would."""
        headers = {"Authorization": f"Bearer {terminal.token}"}
        base = url or self.portal.url
        return httpx.Client(base_url=base, headers=headers, trust_env=False)


def sync(terminal: Terminal) -> None:
    report = SyncEngine(StorePort(terminal), plain_client).run_once()  # type: ignore[arg-type]
    assert report.ok, report.errors


def _terminal(root: Path, name: str, hall: str, window: int) -> Terminal:
    t = Terminal.init(root / name, name, hall, str(window))
    t.import_catalog(DATA / f"{ITEM}.yaml")
    clerks.add_clerk(t.store, "A001", "张管理", PASSWORD, "admin")
    admin = clerks.authenticate(t.store, "A001", PASSWORD)
    clerks.add_clerk(t.store, CLERK, "王窗口", PASSWORD, "clerk", actor=admin)
    return t


@contextmanager
def open_city(
    tmp_path: Path,
    scope: Literal["hall", "city"] = "hall",
    db_url: str | None = None,
    **limits: object,
) -> Iterator[City]:
    """The city with the platform's lookup `scope` (and any other Settings given), on
    SQLite in `tmp_path` unless a `db_url` is given."""
    settings = Settings(
        db_url=db_url or f"sqlite:///{tmp_path / 'portal.db'}",
        materials_dir=tmp_path / "portal-materials",
    )
    settings = replace(settings, lookup_scope=scope, **limits)  # type: ignore[arg-type]
    with ExitStack() as stack:
        portal = stack.enter_context(BackgroundServer(settings))
        services.publish_catalog(portal.app.state.db, [load_item(DATA / f"{ITEM}.yaml").to_dict()])
        places = (("A001", HALL, 1), ("B002", HALL, 2), ("C003", OTHER_HALL, 1))
        terminals = []
        for name, hall, window in places:
            t = _terminal(tmp_path, name, hall, window)
            stack.callback(t.close)
            enroll(t, portal.url, issue_code(portal, hall, window), plain_client)
            terminals.append(t)
        yield City(settings, portal, *terminals)
