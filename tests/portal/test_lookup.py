"""POST /api/v1/lookup and its downloads, on a live platform with three enrolled terminals
in two halls (tests/sync/city.py): scope, provenance, validity, profile, the trail."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import select

from portal.server import BackgroundServer
from printing.qr_payload import tracking_code
from sync.lookup import LOOKUP_PATH, LookupReply, material_path
from tests.sync.city import ADDRESS, ITEM, OTHER_HALL, City, open_city
from tests.sync.conftest import HALL, PERSON, pdf, server_count


def ask(draft: str = "draft-0001-lookup", **change: object) -> dict[str, object]:
    consent = {"method": "citizen_screen", "at": datetime.now(UTC).isoformat()}
    body = {"id_type": "resident_id", "id_no": PERSON["id_no"], "draft_id": draft,
            "service_code": ITEM, "clerk_id": "C001", "consent": consent}  # fmt: skip
    return body | change


def offers(city: City, terminal_name: str) -> LookupReply:
    terminal = getattr(city, terminal_name)
    with city.client(terminal) as client:
        response = client.post(LOOKUP_PATH, json=ask())
    assert response.status_code == 200, response.text
    return LookupReply.model_validate(response.json())


def test_same_hall_is_offered_the_reusable_copies_with_provenance_and_profile(
    tmp_path: Path,
) -> None:
    with open_city(tmp_path) as city:
        city.take_at_a("one", valid_until="2020-01-31")
        reply = offers(city, "b")
        assert reply.scope == "hall"
        codes = sorted(m.material_code for m in reply.materials)
        assert codes == ["household", "id_card"]  # the photo is not reusable
        card = reply.offers_for("id_card")[0]
        assert card.sha256 == hashlib.sha256(pdf("id-one")).hexdigest()
        assert (card.hall_id, card.terminal_id, card.window) == (HALL, "A001", "1")
        assert card.service_code == ITEM and card.content_type == "application/pdf"
        assert str(card.valid_until) == "2020-01-31"
        assert card.expired(datetime.now(UTC).date())
        assert reply.profile.filled() == {
            "name": PERSON["name"],
            "phone": PERSON["phone"],
            "address": ADDRESS,
        }
        assert reply.profile.address is not None and reply.profile.address.hall_id == HALL


def test_scope_hall_keeps_another_hall_out_and_scope_city_lets_it_in(tmp_path: Path) -> None:
    with open_city(tmp_path / "hall") as city:
        city.take_at_a("hall")
        reply = offers(city, "c")
        assert reply.materials == [] and reply.profile.filled() == {}
    with open_city(tmp_path / "city", scope="city") as city:
        city.take_at_a("city")
        reply = offers(city, "c")
        assert reply.scope == "city"
        assert {m.hall_id for m in reply.materials} == {HALL} != {OTHER_HALL}


def test_the_offered_file_downloads_with_its_bytes_and_everything_is_recorded(
    tmp_path: Path,
) -> None:
    with open_city(tmp_path) as city:
        taken = city.take_at_a("dl")
        card = offers(city, "b").offers_for("id_card")[0]
        with city.client(city.b) as client:
            response = client.get(material_path(card.sha256))
        assert response.status_code == 200
        assert response.content == pdf("id-dl")
        db = city.portal.app.state.db
        assert server_count(city.portal, "lookups", terminal_id="B002") == 1
        downloads = db.t("lookup_downloads")
        with db.begin() as conn:
            row = conn.execute(select(downloads)).one()
        assert (row.sha256, row.material_code) == (card.sha256, "id_card")
        assert row.source_uuid == taken.uuid
        lookups = db.t("lookups")
        with db.begin() as conn:
            trail = conn.execute(select(lookups)).one()
        assert (trail.clerk_id, trail.application, trail.consent_method) == (
            "C001",
            "draft-0001-lookup",
            "citizen_screen",
        )


def test_an_applicant_never_seen_is_offered_nothing(tmp_path: Path) -> None:
    with open_city(tmp_path) as city, city.client(city.b) as client:
        response = client.post(LOOKUP_PATH, json=ask(id_no="11010119900307803X"))
        assert response.status_code == 200, response.text
        assert LookupReply.model_validate(response.json()).materials == []


def test_the_tracking_page_shows_the_citizen_which_window_used_their_materials(
    tmp_path: Path,
) -> None:
    with open_city(tmp_path) as city:
        taken = city.take_at_a("page")
        code = tracking_code(city.a.code_secret(), taken.receipt_no)
        page = f"{city.portal.url}/t/{taken.receipt_no}"
        before = httpx.get(page, params={"c": code}, trust_env=False)
        assert before.status_code == 200 and 'id="reuses"' not in before.text
        card = offers(city, "b").offers_for("id_card")[0]
        with city.client(city.b) as client:
            assert client.get(material_path(card.sha256)).status_code == 200
        after = httpx.get(page, params={"c": code}, trust_env=False)
        used = after.text.split('id="reuses"')[1].split("</section>")[0]
        assert f"{HALL} · 2号窗口" in used and "查询测试事项" in used and "居民身份证" in used
        wrong = httpx.get(page, params={"c": "X" * len(code)}, trust_env=False)
        assert wrong.status_code == 404 and "reuses" not in wrong.text


def test_lookups_and_the_rate_limit_work_on_both_databases_across_app_servers(
    tmp_path: Path, db_url: str
) -> None:
    """SQLite and PostgreSQL (migration 30, the per-terminal lock): two app servers on one
    database count one terminal's lookups together."""
    with open_city(tmp_path, db_url=db_url, lookup_limit=2) as city:
        city.take_at_a("both")
        with BackgroundServer(city.settings) as second:
            replies = []
            for url in (city.portal.url, second.url, second.url):
                with city.client(city.b, url) as client:
                    replies.append(client.post(LOOKUP_PATH, json=ask()))
        assert [r.status_code for r in replies] == [200, 200, 429]
        assert len(LookupReply.model_validate(replies[1].json()).materials) == 2
