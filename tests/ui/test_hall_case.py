"""Another window continues the case (issue 16): window 3 (terminal A) accepts an
individual business registration with the premises proof to follow (容缺); the citizen
brings it to window 8 (terminal B, the window under test). B's clerk types A's receipt
number in the home search, sees the case from the platform, takes the proof with Ctrl+U
and Ctrl+Enter, and the supplement receipt is offered; after B's sync, A's sync pulls the
supplement and A's record shows it. Attacks and refusals through the same keys: a number
of another hall, a revoked terminal, a voided and a settled application, the platform
down. A real portal on loopback, real terminal folders."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from counter_app import clerks
from counter_app.intake.deferral import Deferral
from counter_app.ops import demo
from counter_app.ops.provision import enroll
from counter_app.store.sync_port import StorePort
from counter_app.terminal import Terminal
from portal import enrollment, services
from portal.server import BackgroundServer
from sync.engine import SyncEngine
from tests.printing.printing_support import signature_png
from tests.sync.conftest import pdf, plain_client
from tests.ui.conftest import close_shell, open_shell
from tests.ui.helpers import login, press

ROOT = Path(__file__).parents[2]
ANSWERS = json.loads((ROOT / "tests/forms/answers/SCJG-001.json").read_text("utf-8"))
PERSON = {"kind": "person", "id_no": ANSWERS["operator_id_no"], "name": "王建国"}
PERSON["phone"] = ANSWERS["phone"]
PASSWORD = "counter-pass-1"


def _window3(root: Path, server: BackgroundServer, hall: str = demo.HALL) -> Terminal:
    t = Terminal.init(root, "7QXM", hall, "3")
    t.import_catalog(ROOT / "assets/catalog/SCJG-001.yaml")
    clerks.add_clerk(t.store, "A001", "张管理", PASSWORD, "admin")
    admin = clerks.authenticate(t.store, "A001", PASSWORD)
    clerks.add_clerk(t.store, "C001", "王窗口", PASSWORD, "supervisor", actor=admin)
    enroll(t, server.url, enrollment.issue_code(server.app.state.db, hall, 3, _ttl()),
           plain_client)  # fmt: skip
    return t


def _ttl():  # type: ignore[no-untyped-def]
    from datetime import timedelta

    return timedelta(hours=1)


@pytest.fixture
def platform(tmp_path: Path) -> Iterator[BackgroundServer]:
    """The reference platform on loopback."""
    from portal.settings import Settings

    settings = Settings(
        db_url=f"sqlite:///{tmp_path / 'portal.db'}", materials_dir=tmp_path / "portal-files"
    )
    with BackgroundServer(settings) as server:
        yield server


@pytest.fixture
def window3(tmp_path: Path, platform: BackgroundServer) -> Iterator[Terminal]:
    t = _window3(tmp_path / "window3", platform)
    yield t
    t.close()


def _accept_deferred(t: Terminal) -> str:
    """A's application with the premises proof promised for later, pushed."""
    r = t.intake.accept(
        "SCJG-001", PERSON, ANSWERS,
        {"id_card": [pdf("id")], "family_ids": [pdf("family")]}, clerk_id="C001",
        deferred={"premises_proof": Deferral("原件", t.today())}, promise_png=signature_png(),
    )  # fmt: skip
    assert r.kind == "acceptance"
    assert SyncEngine(StorePort(t), plain_client).run_once().ok
    return str(r.display_no)


@pytest.fixture
def window8(qtbot, qapp: QApplication, demo_template: Path, tmp_path: Path,  # type: ignore[no-untyped-def]
            platform: BackgroundServer):  # fmt: skip
    """Terminal B (the demo window 8 of the same hall), enrolled, its window open."""
    data_dir = tmp_path / "window8"
    shutil.copytree(demo_template, data_dir)
    with Terminal.open(data_dir) as t:
        code = enrollment.issue_code(platform.app.state.db, demo.HALL, 8, _ttl())
        enroll(t, platform.url, code, plain_client)
    shell = open_shell(qapp, data_dir)
    try:
        qtbot.waitUntil(lambda: bool(shell.identity), timeout=10_000)
        shell.window.activateWindow()
        qtbot.waitUntil(shell.window.isActiveWindow)
        with qtbot.waitSignal(shell.logged_in, timeout=10_000):
            login(qtbot, shell, "clerk", "demo-clerk-1")
        qtbot.waitUntil(lambda: shell.ops.pending == 0, timeout=10_000)
        yield shell
    finally:
        close_shell(qapp, shell)


def _search(qtbot, shell, receipt_no: str) -> None:  # type: ignore[no-untyped-def]
    """What a scanner does: the number typed into the search box, then Enter."""
    ws = shell.workspace
    ws.show_page("home")
    ws.home.search.setFocus()
    qtbot.keyClicks(ws.home.search, receipt_no)
    qtbot.keyClick(ws.home.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: ws.stack.currentWidget() is ws.case, timeout=10_000)


def _refused_with(qtbot, shell, words: str) -> None:  # type: ignore[no-untyped-def]
    case = shell.workspace.case
    qtbot.waitUntil(lambda: words in case.message.text(), timeout=15_000)
    assert not case.take_button.isEnabled()


def _pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "receipt.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return " ".join(out.stdout.decode("utf-8").split())


def test_a_supplement_at_window_8_reaches_window_3(
    qtbot,
    window3: Terminal,
    window8,
    tmp_path: Path,
    platform: BackgroundServer,  # type: ignore[no-untyped-def]
) -> None:
    import hashlib

    from counter_app.desk import Desk
    from counter_app.ui.intake.materials import SupplementDialog
    from tests.sync.conftest import server_count

    receipt_no = _accept_deferred(window3)
    shell = window8
    ws = shell.workspace
    reports: list[Any] = []
    shell.sync_reported.connect(reports.append)
    _search(qtbot, shell, receipt_no)
    qtbot.waitUntil(ws.case.take_button.isEnabled, timeout=15_000)
    shown = ws.case.browser.toPlainText()
    assert "Application of window 3" in shown and receipt_no in shown
    assert "王*国" in shown and "王建国" not in shown  # masked: the hall sees this screen
    assert "Proof of use of the premises" in shown  # what is still needed
    press(qtbot, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: isinstance(QApplication.activeModalWidget(), SupplementDialog), timeout=5_000
    )
    dialog = QApplication.activeModalWidget()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=5_000)
    assert [s.code for s in dialog.materials.specs] == ["premises_proof"]
    lease = tmp_path / "lease.pdf"
    lease.write_bytes(pdf("lease"))
    dialog.materials.attach("premises_proof", [str(lease)])  # what a drop on the row does
    with qtbot.waitSignal(ws.case.supplemented, timeout=15_000):
        qtbot.keyClick(
            dialog.materials.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
        )
    receipt = ws.pages["receipt"]
    assert ws.stack.currentWidget() is receipt
    assert "Supplement taken for " + receipt_no in receipt.headline.text()
    qtbot.waitUntil(lambda: receipt.pdf is not None, timeout=15_000)
    text = _pdf_text(receipt.pdf, tmp_path)
    assert "补正材料收件回执" in text and receipt_no in text
    assert "taken at this window for application" in text and "of window 3" in text

    # B's sync, woken by the supplement: the file goes up, then the event
    qtbot.waitUntil(lambda: any(r.confirmed or r.set_aside for r in reports), timeout=30_000)
    assert [r.set_aside for r in reports if r.set_aside] == []
    sha = hashlib.sha256(lease.read_bytes()).hexdigest()
    assert server_count(platform, "materials", sha256=sha) == 1  # the file went up first
    report = SyncEngine(StorePort(window3), plain_client).run_once()
    assert (receipt_no.replace("-", ""), "supplemented") in report.statuses_pulled
    closed = window3.store.one("SELECT fulfilled_at FROM deferred_materials")
    assert closed is not None and closed["fulfilled_at"] is not None
    desk = Desk(window3.data_dir)
    try:
        notes = [str(step.note) for step in desk.detail(receipt_no).events]
    finally:
        desk.close()
    assert any("supplement taken at window 8" in n and "premises" in n for n in notes)
    _search(qtbot, shell, receipt_no)  # the citizen comes back once more: nothing is asked
    _refused_with(qtbot, shell, "No supplement is asked for this application now")


def test_a_number_of_another_hall_is_as_unknown(
    qtbot,
    tmp_path: Path,
    platform: BackgroundServer,
    window8,  # type: ignore[no-untyped-def]
) -> None:
    other = _window3(tmp_path / "other-hall", platform, "另一个大厅")
    try:
        receipt_no = _accept_deferred(other)
    finally:
        other.close()
    _search(qtbot, window8, receipt_no)
    _refused_with(qtbot, window8, "This hall has no application with this number")


def test_a_voided_and_a_settled_application_are_refused(
    qtbot,
    window3: Terminal,
    window8,
    platform: BackgroundServer,  # type: ignore[no-untyped-def]
) -> None:
    voided, settled = _accept_deferred(window3), _accept_deferred(window3)
    supervisor = clerks.authenticate(window3.store, "C001", PASSWORD)
    window3.intake.void(voided, "withdrawn", supervisor)
    assert SyncEngine(StorePort(window3), plain_client).run_once().ok
    services.set_status(platform.app.state.db, settled, "approved")
    _search(qtbot, window8, voided)
    _refused_with(qtbot, window8, "This application was voided")
    _search(qtbot, window8, settled)
    _refused_with(qtbot, window8, "This application is settled")


def test_a_revoked_window_is_told_so(
    qtbot,
    window3: Terminal,
    window8,
    platform: BackgroundServer,  # type: ignore[no-untyped-def]
) -> None:
    receipt_no = _accept_deferred(window3)
    db = platform.app.state.db
    enrollment.revoke(db, window8.identity.terminal_id, "PC stolen")
    _search(qtbot, window8, receipt_no)
    _refused_with(qtbot, window8, "PC stolen")


def test_offline_the_window_says_so_and_nothing_changes(
    qtbot,
    window3: Terminal,
    window8,
    platform: BackgroundServer,  # type: ignore[no-untyped-def]
) -> None:
    receipt_no = _accept_deferred(window3)
    platform.stop()
    _search(qtbot, window8, receipt_no)
    _refused_with(qtbot, window8, "The platform cannot be reached")
    with Terminal.open(window8.data_dir) as t:
        assert t.store.scalar("SELECT COUNT(*) FROM hall_supplements") == 0


def test_an_item_missing_from_this_windows_catalog_is_named(
    qtbot,
    window3: Terminal,
    window8,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    """Window 3 has an item window 8 never imported: the clerk is told to sync the catalog."""
    item = (ROOT / "tests/sync/data/SYNC-001.yaml").read_text("utf-8")
    item = item.replace("code: SYNC-001", "code: LOCAL-001").replace(
        "fields:\n",
        "  - code: lease\n    name: {zh: 租赁合同, en: Lease}\n    deferrable: true\n"
        "    file_types: [pdf]\nfields:\n",
    )
    path = tmp_path / "LOCAL-001.yaml"
    path.write_text(item, "utf-8")
    window3.import_catalog(path)
    r = window3.intake.accept(
        "LOCAL-001", PERSON, {"note": "n"}, {"scan": [pdf("n")]}, clerk_id="C001",
        deferred={"lease": Deferral("原件", window3.today())}, promise_png=signature_png(),
    )  # fmt: skip
    assert SyncEngine(StorePort(window3), plain_client).run_once().ok
    _search(qtbot, window8, str(r.display_no))
    _refused_with(qtbot, window8, "This window's catalog lacks LOCAL-001")


def test_nothing_attached_is_refused_and_nothing_queued(
    qtbot,
    window3: Terminal,
    window8,  # type: ignore[no-untyped-def]
) -> None:
    from counter_app.ui.intake.materials import SupplementDialog

    receipt_no = _accept_deferred(window3)
    case = window8.workspace.case
    _search(qtbot, window8, receipt_no)
    qtbot.waitUntil(case.take_button.isEnabled, timeout=15_000)
    press(qtbot, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: isinstance(QApplication.activeModalWidget(), SupplementDialog), timeout=5_000
    )
    dialog = QApplication.activeModalWidget()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=5_000)
    qtbot.keyClick(dialog.materials.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "Attach at least one material" in case.message.text(), timeout=10_000)
    with Terminal.open(window8.data_dir) as t:
        assert t.store.scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'status'") == 0


def test_a_window_not_enrolled_says_so(qtbot, shell) -> None:  # type: ignore[no-untyped-def]
    """The demo window before enrollment: a number it does not hold cannot be asked."""
    with qtbot.waitSignal(shell.logged_in, timeout=10_000):
        login(qtbot, shell, "clerk", "demo-clerk-1")
    _search(qtbot, shell, "11A-7QXM-001-M")
    _refused_with(qtbot, shell, "not enrolled with the platform")
