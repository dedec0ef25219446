"""A 即办件 settled at the window reaches the platform settled: the owning terminal's
`delivered` event is taken only for an item the platform published as immediate."""

from __future__ import annotations

from pathlib import Path

from counter_app.store.sync_port import StorePort
from forms.catalog import load_item
from portal import services
from portal.server import BackgroundServer
from sync.engine import SyncEngine
from tests.sync.conftest import CLERK, DATA, PERSON, pdf, plain_client

IMMEDIATE = (
    (DATA / "SYNC-001.yaml")
    .read_text(encoding="utf-8")
    .replace("code: SYNC-001", "code: SYNC-NOW")
    .replace("promised_days: 5", "promised_days: 0\nkind: immediate")
)


def _platform_status(portal: BackgroundServer, receipt_no: str) -> str:
    db = portal.app.state.db
    apps = db.t("applications")
    with db.begin() as conn:
        row = conn.execute(apps.select().where(apps.c.receipt_no == receipt_no)).first()
    assert row is not None
    return str(row.status)


def test_an_immediate_item_arrives_settled(
    enrolled: object, portal: BackgroundServer, tmp_path: Path
) -> None:
    terminal = enrolled
    path = tmp_path / "SYNC-NOW.yaml"
    path.write_text(IMMEDIATE, encoding="utf-8")
    terminal.import_catalog(path)  # type: ignore[attr-defined]
    services.publish_catalog(portal.app.state.db, [load_item(path).to_dict()])
    result = terminal.intake.accept(  # type: ignore[attr-defined]
        "SYNC-NOW", PERSON, {"note": "now"}, {"scan": [pdf("now")]}, clerk_id=CLERK
    )
    assert result.status == "delivered"
    report = SyncEngine(StorePort(terminal), plain_client).run_once()  # type: ignore[arg-type]
    assert report.ok and report.set_aside == []
    assert _platform_status(portal, result.receipt_no) == "delivered"


def test_a_promised_item_cannot_be_settled_by_the_counter(
    enrolled: object, portal: BackgroundServer, tmp_path: Path
) -> None:
    """The same event for a 承诺件 is the back office's to set: refused and set aside."""
    terminal = enrolled
    services.publish_catalog(portal.app.state.db, [load_item(DATA / "SYNC-001.yaml").to_dict()])
    result = terminal.intake.accept(  # type: ignore[attr-defined]
        "SYNC-001", PERSON, {"note": "later"}, {"scan": [pdf("later")]}, clerk_id=CLERK
    )
    store = terminal.store  # type: ignore[attr-defined]
    from counter_app.intake.status_changes import set_status

    with store.transaction():
        row = store.one("SELECT uuid, receipt_no FROM submissions WHERE uuid = ?", (result.uuid,))
        set_status(store, row, "delivered", "forged", terminal.now())  # type: ignore[attr-defined]
    report = SyncEngine(StorePort(terminal), plain_client).run_once()  # type: ignore[arg-type]
    assert len(report.set_aside) == 1
    assert _platform_status(portal, result.receipt_no) == "received"
