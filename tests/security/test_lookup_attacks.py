"""Attacks on the "one number" lookup, performed for real against a live platform with
three enrolled terminals in two halls (tests/sync/city.py): no consent, another hall under
scope "hall", a revoked terminal, iterating identifiers, fetching files not offered."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

from forms.validators import resident_id_check_char
from portal import enrollment
from portal.server import BackgroundServer
from sync.lookup import LOOKUP_PATH, material_path
from sync.protocol import ErrorCode
from tests.portal.test_lookup import ask, offers
from tests.sync.city import open_city
from tests.sync.conftest import pdf, server_count


def valid_ids(count: int) -> list[str]:
    """Distinct valid resident IDs, as an attacker iterating the number space would make."""
    bodies = [f"11010519900101{n:03d}" for n in range(count)]
    return [b + resident_id_check_char(b) for b in bodies]


def test_a_lookup_without_consent_is_refused_and_records_nothing(tmp_path: Path) -> None:
    with open_city(tmp_path) as city, city.client(city.b) as client:
        city.take_at_a("no-consent")
        body = ask()
        del body["consent"]
        response = client.post(LOOKUP_PATH, json=body)
        assert response.status_code == 422
        assert response.json()["error"] == ErrorCode.INVALID
        assert server_count(city.portal, "lookups") == 0


def test_bulk_lookups_cannot_even_be_expressed(tmp_path: Path) -> None:
    with open_city(tmp_path) as city, city.client(city.b) as client:
        for id_no in (valid_ids(3), "1101051990*", "11010519900101000"):
            response = client.post(LOOKUP_PATH, json=ask(id_no=id_no))
            assert response.status_code == 422, id_no
        assert server_count(city.portal, "lookups") == 0


def test_another_hall_under_scope_hall_sees_nothing_and_cannot_fetch(tmp_path: Path) -> None:
    with open_city(tmp_path) as city:
        city.take_at_a("foreign")
        card = offers(city, "b").offers_for("id_card")[0]
        assert offers(city, "c").materials == []
        with city.client(city.c) as client:
            offered_elsewhere = client.get(material_path(card.sha256))
            unknown = client.get(material_path("e" * 64))
        assert offered_elsewhere.status_code == unknown.status_code == 404
        assert offered_elsewhere.content == unknown.content  # nothing tells them apart


def test_a_file_not_offered_to_this_terminal_is_the_same_404_as_an_unknown_one(
    tmp_path: Path,
) -> None:
    with open_city(tmp_path) as city:
        city.take_at_a("not-offered")
        photo = hashlib.sha256(
            pdf("photo-not-offered")
        ).hexdigest()  # held by the platform, never offered
        card = offers(city, "b").offers_for("id_card")[0]
        with city.client(city.a) as client:  # A's own file, but A made no lookup
            own = client.get(material_path(card.sha256))
        with city.client(city.b) as client:
            not_reusable = client.get(material_path(photo))
            unknown = client.get(material_path("e" * 64))
        assert own.status_code == not_reusable.status_code == unknown.status_code == 404
        assert own.content == not_reusable.content == unknown.content
        assert server_count(city.portal, "lookup_downloads") == 0


def test_an_offer_lapses_after_the_download_window(tmp_path: Path) -> None:
    with open_city(tmp_path, lookup_download_ttl=timedelta(0)) as city:
        city.take_at_a("late")
        card = offers(city, "b").offers_for("id_card")[0]
        with city.client(city.b) as client:
            assert client.get(material_path(card.sha256)).status_code == 404


def test_a_revoked_terminal_can_neither_look_up_nor_fetch(tmp_path: Path) -> None:
    with open_city(tmp_path) as city:
        city.take_at_a("revoked")
        card = offers(city, "b").offers_for("id_card")[0]
        enrollment.revoke(city.portal.app.state.db, "B002", "stolen")
        with city.client(city.b) as client:
            looked = client.post(LOOKUP_PATH, json=ask())
            fetched = client.get(material_path(card.sha256))
        assert looked.status_code == fetched.status_code == 403
        assert looked.json()["error"] == ErrorCode.REVOKED
        assert server_count(city.portal, "lookups", terminal_id="B002") == 1


def test_iterating_identifiers_hits_the_rate_limit_on_every_app_server(tmp_path: Path) -> None:
    with open_city(tmp_path, lookup_limit=3) as city:
        with BackgroundServer(city.settings) as second:
            urls = [city.portal.url, second.url]
            codes = []
            for n, id_no in enumerate(valid_ids(5)):
                with city.client(city.b, urls[n % 2]) as client:
                    response = client.post(LOOKUP_PATH, json=ask(id_no=id_no))
                codes.append(response.status_code)
            assert codes == [200, 200, 200, 429, 429]
            assert response.json()["error"] == ErrorCode.RATE_LIMITED
            assert 1 <= int(response.headers["Retry-After"]) <= 60
            assert "查询过于频繁" in response.json()["message"]["zh"]
            with city.client(city.a, urls[1]) as client:  # the limit is per terminal
                assert client.post(LOOKUP_PATH, json=ask()).status_code == 200
        assert server_count(city.portal, "lookups", terminal_id="B002") == 3
