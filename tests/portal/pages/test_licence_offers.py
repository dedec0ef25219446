"""Licences offered as materials (电子证照, issue 16): after the back office settled an
application with a licence (through its form, on a real portal, SQLite and PostgreSQL), the
applicant's later item that takes that licence type is offered it with its GB/T 36902 data;
nobody else, no other type, nothing revoked, expired, or (scope "hall") of another hall.

`licence_offers` is what the city lookup (`POST /api/v1/lookup`) adds to its reply; its
cases are walked here, the route itself in tests/portal/test_lookup_licences.py."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta

import httpx

from forms.catalog import SAMPLE_CATALOG_DIR, load_catalog
from portal.db import Database
from portal.licences import holder_code, licence_offers, types_taken
from portal.pages.deadlines import today
from portal.server import BackgroundServer
from sync.engine import SyncReport
from sync.lookup import LookupReply, ReusableMaterial
from tests.portal.pages.conftest import Take
from tests.portal.pages.licence_support import licence_office, licence_portal, settle
from tests.portal.pages.pages_support import HALL, PERSON, csrf_of, pdf

Sync = Callable[[], SyncReport]
FIXTURES = (licence_portal, licence_office)  # `portal` on both engines, `office_http`
SCAN = pdf("营业执照正本", 12_000)
LATER_ITEM = load_catalog(SAMPLE_CATALOG_DIR).get("SCJG-002")
OTHER = {"kind": "person", "id_no": "110101199003074578", "name": "李四", "phone": "13900139000"}


def _offers(
    portal: BackgroundServer, applicant: dict[str, str], hall: str | None = None, days: int = 0
) -> list[ReusableMaterial]:
    db: Database = portal.app.state.db
    assert LATER_ITEM is not None
    with db.begin() as conn:
        found = licence_offers(
            conn, db, holder_code(applicant), types_taken(LATER_ITEM),
            today() + timedelta(days=days), hall,
        )  # fmt: skip
    return [material for material, _uuid in found]


def test_a_settled_licence_is_offered_for_the_next_item_that_takes_it(
    portal: BackgroundServer, office_http: httpx.Client, take: Take, sync: Sync
) -> None:
    no = take().display_no
    sync()
    assert _offers(portal, PERSON) == []
    until = (today() + timedelta(days=365)).isoformat()
    assert settle(office_http, no, SCAN, number="NC-7", valid_until=until).status_code == 303
    [offer] = _offers(portal, PERSON)
    assert (offer.kind, offer.material_code, offer.title) == ("licence", "YYZZ", "营业执照")
    assert offer.sha256 == hashlib.sha256(SCAN).hexdigest() and offer.size == len(SCAN)
    assert (offer.hall_id, offer.service_code, offer.given_on) == (HALL, "PAGE-001", today())
    assert offer.licence is not None and offer.licence.number == "NC-7"
    assert (offer.licence.holder, offer.licence.holder_id_no) == (PERSON["name"], PERSON["id_no"])
    assert offer.licence.holder_id_type == "resident_id"
    assert offer.licence.issuer == "市场监督管理局" and offer.valid_until == today() + timedelta(
        365
    )
    wire = LookupReply(scope="city", materials=[offer]).model_dump_json()
    assert LookupReply.model_validate_json(wire).offers_for("YYZZ") == [offer]
    assert _offers(portal, PERSON, hall=HALL) == [offer]  # scope "hall": its own hall


def test_nobody_else_no_other_hall_nothing_expired_or_revoked_is_offered(
    portal: BackgroundServer, office_http: httpx.Client, take: Take, sync: Sync
) -> None:
    no = take().display_no
    sync()
    until = (today() + timedelta(days=30)).isoformat()
    assert settle(office_http, no, SCAN, valid_until=until).status_code == 303
    assert _offers(portal, OTHER) == []  # another applicant
    assert _offers(portal, PERSON, hall="另一个大厅") == []  # scope "hall", another hall
    assert _offers(portal, PERSON, days=31) == []  # after its validity
    assert len(_offers(portal, PERSON, days=30)) == 1  # its last day
    page = office_http.get(f"/office/a/{no}").text
    revoke = {"csrf": csrf_of(page), "reason": "依法撤销"}
    assert office_http.post(f"/office/a/{no}/licence/revoke", data=revoke).status_code == 303
    assert _offers(portal, PERSON) == []


def test_an_item_that_takes_no_licence_is_offered_none(
    portal: BackgroundServer, office_http: httpx.Client, take: Take, sync: Sync
) -> None:
    no = take().display_no
    sync()
    assert settle(office_http, no, SCAN).status_code == 303
    db: Database = portal.app.state.db
    with db.begin() as conn:
        assert licence_offers(conn, db, holder_code(PERSON), set(), today()) == []
        assert len(licence_offers(conn, db, holder_code(PERSON), None, today())) == 1  # any type
