"""The city lookup at the applicant step, through the keyboard, against a real platform on
loopback: window 3 of the demo hall (terminal A, its own data folder) took an application
with an ID card copy; this window (the demo terminal, window 8, same hall) is offered it
once the citizen agreed, fetches it when the materials step opens and has it ticked."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from counter_app import clerks
from counter_app.config import load_config
from counter_app.ops import demo
from counter_app.ops.provision import enroll
from counter_app.store import audit
from counter_app.store.sync_port import StorePort
from counter_app.terminal import Terminal
from forms.catalog import load_item
from portal import services
from portal.server import BackgroundServer
from portal.settings import Settings
from sync.engine import SyncEngine
from tests.sync.conftest import issue_code, pdf, plain_client, server_count
from tests.ui.conftest import close_shell, open_shell
from tests.ui.helpers import focused, type_text
from tests.ui.test_intake import APPLICANT, answer_form, next_step, start_intake

ROOT = Path(__file__).parents[2]
RS001 = ROOT / "assets" / "catalog" / "RS-001.yaml"
ANSWERS = {"name": APPLICANT[1], "id_no": APPLICANT[0], "phone": APPLICANT[2],
           "reason": "first", "is_minor": "no", "bank": "ccb", "collect_at": "branch"}  # fmt: skip
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def window_a(root: Path, portal: BackgroundServer) -> bytes:
    """Terminal A (window 3 of the demo hall) takes an application with an ID card copy
    and syncs it; returns the copy's bytes."""
    a = Terminal.init(root / "a", "A003", demo.HALL, "3")
    try:
        a.import_catalog(RS001)
        clerks.add_clerk(a.store, "A001", "张管理", "admin-pass-1", "admin")
        admin = clerks.authenticate(a.store, "A001", "admin-pass-1")
        clerks.add_clerk(a.store, "C003", "王窗口", "clerk-pass-1", "clerk", actor=admin)
        enroll(a, portal.url, issue_code(portal, demo.HALL, 3), plain_client)
        card = pdf("id-card-at-window-3")
        person = {"kind": "person", "id_no": APPLICANT[0], "name": APPLICANT[1],
                  "phone": APPLICANT[2]}  # fmt: skip
        files = {"id_card": [card], "photo": [PNG]}
        a.intake.accept("RS-001", person, ANSWERS, files, clerk_id="C003")
        report = SyncEngine(StorePort(a), plain_client).run_once()  # type: ignore[arg-type]
        assert report.ok, report.errors
        return card
    finally:
        a.close()


@pytest.fixture
def city(tmp_path: Path, data_dir: Path) -> Iterator[tuple[BackgroundServer, bytes]]:
    settings = Settings(
        db_url=f"sqlite:///{tmp_path / 'portal.db'}", materials_dir=tmp_path / "materials"
    )
    with BackgroundServer(settings) as portal:
        services.publish_catalog(portal.app.state.db, [load_item(RS001).to_dict()])
        card = window_a(tmp_path, portal)
        with Terminal.open(data_dir) as b:  # this window: the demo terminal, window 8
            enroll(b, portal.url, issue_code(portal, demo.HALL, 8), plain_client)
        yield portal, card


def opened(qtbot, qapp: QApplication, data_dir: Path, screen: str = "off") -> Any:  # type: ignore[no-untyped-def]
    config = load_config(
        {"data_dir": str(data_dir), "citizen_screen": screen}, env={}, file=data_dir / "no.toml"
    )
    shell = open_shell(qapp, data_dir, config=config)
    qtbot.waitUntil(lambda: bool(shell.identity), timeout=10_000)
    qtbot.waitUntil(shell.window.isActiveWindow)
    return shell


def type_identifier(qtbot, shell: Any) -> Any:  # type: ignore[no-untyped-def]
    start_intake(qtbot, shell)
    flow = shell.workspace.intake
    type_text(qtbot, focused(qtbot), APPLICANT[0])
    return flow


def audited(data_dir: Path, action: str) -> list[dict[str, Any]]:
    with Terminal.open(data_dir) as t:
        return [e for e in audit.entries(t.store) if e["action"] == action]


def test_offered_picked_fetched_and_ticked_with_the_clerks_consent_tick(
    qtbot, qapp: QApplication, data_dir: Path, city: tuple[BackgroundServer, bytes]
) -> None:  # type: ignore[no-untyped-def]
    portal, card = city
    shell = opened(qtbot, qapp, data_dir)
    try:
        flow = type_identifier(qtbot, shell)
        offers = flow.city
        qtbot.waitUntil(offers.consent.isVisible, timeout=10_000)
        assert "agreed" in offers.consent.text() and "signed" in offers.consent.text()
        qtbot.waitUntil(lambda: shell.ops.pending == 0, timeout=10_000)
        assert server_count(portal, "lookups") == 0  # no consent: nothing was asked
        offers.consent.setFocus()
        qtbot.keyClick(offers.consent, Qt.Key.Key_Space)  # the citizen agreed
        qtbot.waitUntil(lambda: offers.offers.count() == 1, timeout=10_000)
        item = offers.offers.item(0)
        assert demo.HALL in item.text() and "window 3" in item.text()
        assert item.checkState() == Qt.CheckState.Checked
        assert flow.applicant.edits["name"].text() == APPLICANT[1]  # empty fields filled
        assert flow.applicant.edits["phone"].text() == APPLICANT[2]
        flow.applicant.edits["phone"].setFocus()
        next_step(qtbot, flow, "form")
        answer_form(qtbot, shell)
        qtbot.waitUntil(lambda: flow.materials.provided("id_card"), timeout=10_000)
        fetched = Path(flow.materials.attachments["id_card"][0])
        assert fetched.read_bytes() == card and fetched.suffix == ".pdf"
        assert flow.materials.table.item(0, 2).text() == fetched.name  # ticked: "given"
        draft = flow.draft.draft_id
    finally:
        close_shell(qapp, shell)
    assert server_count(portal, "lookup_downloads") == 1
    looked, fetched_log = audited(data_dir, "city_lookup"), audited(data_dir, "city_download")
    assert [(e["actor"], e["entity"]) for e in looked] == [("clerk", draft)]
    assert json.loads(looked[0]["detail"])["consent"] == "clerk_attested"
    assert json.loads(fetched_log[0]["detail"])["sha256"] == hashlib.sha256(card).hexdigest()


def test_the_citizen_agrees_on_their_screen_before_anything_is_asked(
    qtbot, qapp: QApplication, data_dir: Path, city: tuple[BackgroundServer, bytes]
) -> None:  # type: ignore[no-untyped-def]
    portal, _card = city
    shell = opened(qtbot, qapp, data_dir, screen="0")
    try:
        flow = type_identifier(qtbot, shell)
        screen = shell.workspace.citizen
        qtbot.waitUntil(screen.confirm_button.isVisible, timeout=10_000)
        assert "查询您在本市留存的材料" in screen.mirror.toPlainText()
        assert not flow.city.consent.isVisible()  # the citizen's own confirmation, not a tick
        qtbot.waitUntil(lambda: shell.ops.pending == 0, timeout=10_000)
        assert server_count(portal, "lookups") == 0
        qtbot.mouseClick(screen.confirm_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: flow.city.offers.count() == 1, timeout=10_000)
        assert flow.step == "applicant"  # the confirmation asked nothing else of the flow
    finally:
        close_shell(qapp, shell)
    detail = json.loads(audited(data_dir, "city_lookup")[0]["detail"])
    assert detail["consent"] == "citizen_screen"


def test_offline_the_page_says_the_city_lookup_is_unavailable(
    qtbot, qapp: QApplication, data_dir: Path, city: tuple[BackgroundServer, bytes]
) -> None:  # type: ignore[no-untyped-def]
    portal, _card = city
    portal.stop()
    shell = opened(qtbot, qapp, data_dir)
    try:
        flow = type_identifier(qtbot, shell)
        qtbot.waitUntil(flow.city.consent.isVisible, timeout=10_000)
        flow.city.consent.setFocus()
        qtbot.keyClick(flow.city.consent, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: "unavailable" in flow.city.status.text(), timeout=20_000)
        assert "only copies kept on this terminal" in flow.city.status.text()
        assert flow.city.offers.isHidden()
    finally:
        close_shell(qapp, shell)
    assert json.loads(audited(data_dir, "city_lookup")[0]["detail"])["outcome"] == "failed"


class _Tampering(BaseHTTPRequestHandler):
    """A platform that offers a file and then hands out other bytes (one byte changed); it
    also offers an ID card copy that expired, and a profile with another phone number."""

    good = pdf("the-real-id-card")

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        offer = {"kind": "copy", "material_code": "id_card", "title": "居民身份证",
                 "sha256": hashlib.sha256(self.good).hexdigest(), "size": len(self.good),
                 "content_type": "application/pdf", "hall_id": demo.HALL, "terminal_id": "A003",
                 "window": "3", "service_code": "RS-001", "given_on": "2026-01-05"}  # fmt: skip
        expired = offer | {"sha256": "e" * 64, "valid_until": "2020-01-31"}
        phone = {"value": "13900139000", "hall_id": demo.HALL, "given_on": "2026-01-05"}
        reply = {"scope": "city", "materials": [offer, expired], "profile": {"phone": phone}}
        self._send(json.dumps(reply).encode(), "json")

    def do_GET(self) -> None:
        self._send(self.good[:-1] + b"!", "octet-stream")

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", f"application/{kind}")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


def test_a_tampered_file_is_refused_with_a_message_and_nothing_is_attached(
    qtbot, qapp: QApplication, data_dir: Path, city: tuple[BackgroundServer, bytes]
) -> None:  # type: ignore[no-untyped-def]
    evil = ThreadingHTTPServer(("127.0.0.1", 0), _Tampering)
    threading.Thread(target=evil.serve_forever, daemon=True).start()
    with Terminal.open(data_dir) as b:
        b.portal_url = f"http://127.0.0.1:{evil.server_address[1]}"
    shell = opened(qtbot, qapp, data_dir)
    try:
        flow = type_identifier(qtbot, shell)
        qtbot.waitUntil(flow.city.consent.isVisible, timeout=10_000)
        for code, text in (("name", APPLICANT[1]), ("phone", APPLICANT[2])):
            flow.applicant.edits[code].setFocus()
            type_text(qtbot, flow.applicant.edits[code], text)
        flow.city.consent.setFocus()
        qtbot.keyClick(flow.city.consent, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: flow.city.offers.count() == 2, timeout=10_000)
        assert flow.applicant.edits["phone"].text() == APPLICANT[2]  # typed: not overwritten
        fresh, expired = flow.city.offers.item(0), flow.city.offers.item(1)
        assert fresh.checkState() == Qt.CheckState.Checked
        assert expired.checkState() == Qt.CheckState.Unchecked  # marked, not preselected
        assert "EXPIRED 2020-01-31" in expired.text() and "EXPIRED" not in fresh.text()
        assert "on file in the city" in flow.city.status.text()
        flow.applicant.edits["phone"].setFocus()
        next_step(qtbot, flow, "form")
        answer_form(qtbot, shell)
        qtbot.waitUntil(lambda: "does not match its checksum" in flow.problem.text())
        assert "refused" in flow.problem.text()
        assert not flow.materials.provided("id_card")
    finally:
        close_shell(qapp, shell)
        evil.shutdown()
        evil.server_close()
    detail = json.loads(audited(data_dir, "city_download")[0]["detail"])
    assert detail["outcome"] == "failed" and detail["error"] == "FileMismatch"


def test_another_identifier_forgets_the_offers_and_the_consent(
    qtbot, qapp: QApplication, data_dir: Path, city: tuple[BackgroundServer, bytes]
) -> None:  # type: ignore[no-untyped-def]
    portal, _card = city
    shell = opened(qtbot, qapp, data_dir)
    try:
        flow = type_identifier(qtbot, shell)
        qtbot.waitUntil(flow.city.consent.isVisible, timeout=10_000)
        flow.city.consent.setFocus()
        qtbot.keyClick(flow.city.consent, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: flow.city.offers.count() == 1, timeout=10_000)
        edit = flow.applicant.edits["id_no"]
        edit.setFocus()
        edit.selectAll()
        type_text(qtbot, edit, "110105198001010016")  # the next citizen, not yet agreed
        qtbot.waitUntil(lambda: shell.ops.pending == 0, timeout=10_000)
        assert flow.city.offers.count() == 0 and not flow.city.consent.isChecked()
        assert flow.city.consent.isVisible()  # their own consent is asked for
    finally:
        close_shell(qapp, shell)
    assert server_count(portal, "lookups") == 1
