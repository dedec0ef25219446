"""Issue 16's whole story on one platform with three terminals in two halls (real uvicorn,
real terminal folders, real files; `tests/sync/city.py`), scope "city": a citizen served at
window 1 of the hall (A) is offered that copy at window 2 (B) and at the other hall (C), the
bytes fetched are the bytes given, nothing is asked without the citizen's confirmation, B's
lookup is in B's audit log and on the citizen's tracking page; a supplement taken at B
reaches A; a settled application's 营业执照 is offered for the next item that takes it; A
is moved to a new PC mid-backlog and loses nothing and repeats no number.

Each step goes through what the terminal's window calls (`CityLookup`, `hall_supplement`)
or the command IT types (`counter-app backup/restore/enroll`, `portal replace-code`); the
keys at the window are tested step by step in tests/ui/test_city_lookup.py and
tests/ui/test_hall_case.py."""

from __future__ import annotations

import hashlib
from pathlib import Path

import httpx
import pytest
import yaml

from counter_app.cli import main as counter_main
from counter_app.intake import hall_supplement
from counter_app.intake.city_lookup import CityLookup
from counter_app.intake.service import IntakeResult
from counter_app.terminal import Terminal
from forms.catalog import load_item
from forms.model import ServiceItem
from portal.cli import main as portal_main
from printing.qr_payload import tracking_code
from sync.lookup import LOOKUP_PATH, LookupReply
from sync.receipt_numbers import SEQ_SLICE, decode, normalise_receipt_no
from tests.portal.test_lookup_licences import (
    DOCUMENT,
    LATER,
    _publish_later_item,
    _settle_with_licence,
)
from tests.sync.city import ADDRESS, DATA, ITEM, City, open_city, sync
from tests.sync.conftest import CLERK, HALL, PERSON, pdf, server_count


@pytest.fixture(autouse=True)
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)


def _offers_at(city: City, terminal: Terminal, draft: str) -> tuple[CityLookup, LookupReply]:
    lookup = CityLookup(terminal)
    reply = lookup.ask("person", PERSON["id_no"], draft, ITEM, CLERK, "citizen_screen")
    return lookup, reply


def _audit_kinds(terminal: Terminal, subject: str) -> list[str]:
    rows = terminal.store.query(
        "SELECT action FROM audit_log WHERE entity = ? ORDER BY seq", (subject,)
    )
    return [r["action"] for r in rows]


def _no_lookup_without_consent(city: City) -> None:
    body = {"id_type": "resident_id", "id_no": PERSON["id_no"], "draft_id": "draft-noconsent",
            "service_code": ITEM, "clerk_id": CLERK}  # fmt: skip
    with city.client(city.b) as client:
        refused = client.post(LOOKUP_PATH, json=body)
    assert refused.status_code == 422
    assert server_count(city.portal, "lookups") == 0
    assert server_count(city.portal, "lookup_downloads") == 0


def _fetched_copy_matches(city: City, terminal: Terminal, draft: str, given: bytes) -> str:
    lookup, reply = _offers_at(city, terminal, draft)
    try:
        card = reply.offers_for("id_card")[0]
        assert card.hall_id == HALL and card.terminal_id == "A001" and card.window == "1"
        path = lookup.fetch(card, draft, CLERK)
    finally:
        lookup.close()
    assert path.read_bytes() == given
    assert hashlib.sha256(path.read_bytes()).hexdigest() == card.sha256
    return card.sha256


def _supplement_at_b_reaches_a(city: City, receipt_no: str, tmp_path: Path) -> None:
    db_url = str(city.portal.app.state.db.engine.url)
    assert portal_main(["set-status", receipt_no, "supplement_needed", "--note", "补户口簿",
                        "--db", db_url]) == 0  # fmt: skip
    sync(city.a)
    case = hall_supplement.find_case(city.b, receipt_no)
    brought = tmp_path / "household-new.pdf"
    brought.write_bytes(pdf("hh-brought"))
    hall_supplement.take(city.b, case, {"household": [brought]}, CLERK)
    sync(city.b)
    from counter_app.store.sync_port import StorePort
    from sync.engine import SyncEngine
    from tests.sync.conftest import plain_client

    report = SyncEngine(StorePort(city.a), plain_client).run_once()  # type: ignore[arg-type]
    assert report.ok, report.errors
    assert (normalise_receipt_no(receipt_no), "supplemented") in report.statuses_pulled


def _licence_offered_for_the_next_item(city: City, receipt_no: str, tmp_path: Path) -> None:
    """A's application settled with a 营业执照: C (another hall) is offered it for an item
    whose material that licence stands for, and fetches the very document."""
    _publish_later_item(city)
    _settle_with_licence(city, receipt_no)
    item = _later_item(tmp_path)
    lookup = CityLookup(city.c)
    try:
        reply = lookup.ask(
            "person", PERSON["id_no"], "draft-c-0002", LATER, CLERK, "clerk_attested"
        )
        [offer] = [m for m in reply.materials if m.kind == "licence"]
        spec = item.material_for(offer.kind, offer.material_code)
        assert spec is not None and spec.code == "business_licence"
        assert item.material_for("copy", offer.material_code) is None
        path = lookup.fetch(offer, "draft-c-0002", CLERK)
    finally:
        lookup.close()
    assert path.read_bytes() == DOCUMENT


def _later_item(tmp_path: Path) -> ServiceItem:
    """The item taking a 营业执照, as a terminal's catalog would load it."""
    data = load_item(DATA / f"{ITEM}.yaml").to_dict() | {"code": LATER}
    data["materials"] = [
        {"code": "business_licence", "name": {"zh": "营业执照", "en": "Business licence"},
         "licence_type": "YYZZ", "file_types": ["pdf"]},
    ]  # fmt: skip
    path = tmp_path / f"{LATER}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return load_item(path)


def _seq(receipt_no: str) -> int:
    return decode(normalise_receipt_no(receipt_no)[SEQ_SLICE])


def _take(terminal: Terminal, tag: str) -> IntakeResult:
    answers = {"address": ADDRESS}
    return terminal.intake.accept(ITEM, PERSON, answers, {"id_card": [pdf(tag)]}, clerk_id=CLERK)


def _replace_a_mid_backlog(city: City, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Two applications taken at A after its last sync, carried by a signed backup to a new
    PC enrolled as the same window: both reach the platform once, the next number is new."""
    before = server_count(city.portal, "applications", terminal_id="A001")
    waiting = [_take(city.a, tag) for tag in ("w1", "w2")]
    archive = tmp_path / "window1.zip"
    assert counter_main(["--data-dir", str(city.a.data_dir), "backup", "--out", str(archive)]) == 0
    new_dir = tmp_path / "new-pc"
    assert counter_main(["--data-dir", str(new_dir), "restore", str(archive)]) == 0
    db_url = str(city.portal.app.state.db.engine.url)
    capsys.readouterr()
    assert portal_main(["replace-code", "A001", "--db", db_url]) == 0
    code = capsys.readouterr().out.strip()
    assert counter_main(["--data-dir", str(new_dir), "--lang", "en", "enroll",
                         "--portal", city.portal.url, "--code", code]) == 0  # fmt: skip
    assert "terminal A001" in capsys.readouterr().out
    with Terminal.open(new_dir) as new:
        sync(new)
        for taken in waiting:
            assert server_count(city.portal, "applications", receipt_no=taken.receipt_no) == 1
        after = _take(new, "new")
        sync(new)
    assert _seq(after.receipt_no) > max(_seq(t.receipt_no) for t in waiting)
    assert server_count(city.portal, "applications", terminal_id="A001") == before + 3


def test_one_number_across_the_hall_and_the_city(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_city(tmp_path / "city", scope="city") as city:
        first = city.take_at_a("one")
        _no_lookup_without_consent(city)
        _fetched_copy_matches(city, city.b, "draft-b-0001", pdf("id-one"))
        assert _audit_kinds(city.b, "draft-b-0001") == ["city_lookup", "city_download"]
        _fetched_copy_matches(city, city.c, "draft-c-0001", pdf("id-one"))
        code = tracking_code(city.a.code_secret(), first.receipt_no)
        page = httpx.get(f"{city.portal.url}/t/{first.receipt_no}", params={"c": code},
                         trust_env=False)  # fmt: skip
        used = page.text.split('id="reuses"')[1].split("</section>")[0]
        assert f"{HALL} · 2号窗口" in used
        _licence_offered_for_the_next_item(city, city.take_at_a("licence").receipt_no, tmp_path)
        _supplement_at_b_reaches_a(city, first.receipt_no, tmp_path)
        _replace_a_mid_backlog(city, tmp_path, capsys)
