"""Electronic licences in the city lookup (电子证照 + "one number", issue 16), on a live
platform with three terminals in two halls (tests/sync/city.py), SQLite and PostgreSQL: a
licence issued when A's application was settled is offered to C (another hall, scope "city")
for an item that takes that licence type, with its GB/T 36902 data, and downloads through the
lookup's file route like any offered copy; an item that takes no licence is offered none."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from forms.catalog import load_item
from portal import services
from portal.pages.deadlines import today
from portal.pages.licence_issue import LicenceForm, issue
from sync.lookup import LOOKUP_PATH, LookupReply, material_path
from tests.sync.city import DATA, ITEM, City, open_city
from tests.sync.conftest import PERSON, pdf

LATER = "LOOKUP-LIC"  # an item whose material a 营业执照 (YYZZ) can stand for
DOCUMENT = pdf("营业执照正本", 9000)


def _publish_later_item(city: City) -> None:
    data = load_item(DATA / f"{ITEM}.yaml").to_dict() | {"code": LATER}
    data["materials"] = [
        {"code": "business_licence", "name": {"zh": "营业执照", "en": "Business licence"},
         "licence_type": "YYZZ", "file_types": ["pdf"]},
    ]  # fmt: skip
    services.publish_catalog(city.portal.app.state.db, [data])


def _settle_with_licence(city: City, receipt_no: str) -> None:
    """What the back office's form does (tested through it in tests/portal/pages)."""
    form = LicenceForm(
        name="营业执照", type_code="YYZZ", number="NC-2026-0001", issuer="市场监督管理局",
        issuer_code="SCJG", holder_id_no=PERSON["id_no"],
    )  # fmt: skip
    portal = city.portal.app.state
    issue(portal.db, portal.materials, receipt_no, form, DOCUMENT, "reviewer", today())


def _lookup(city: City, service_code: str) -> LookupReply:
    consent = {"method": "citizen_screen", "at": datetime.now(UTC).isoformat()}
    body = {"id_type": "resident_id", "id_no": PERSON["id_no"], "draft_id": "draft-0001-lic",
            "service_code": service_code, "clerk_id": "C001", "consent": consent}  # fmt: skip
    with city.client(city.c) as client:
        response = client.post(LOOKUP_PATH, json=body)
    assert response.status_code == 200, response.text
    return LookupReply.model_validate(response.json())


def test_a_settled_licence_is_offered_city_wide_and_downloads_like_a_copy(
    tmp_path: Path, db_url: str
) -> None:
    with open_city(tmp_path, scope="city", db_url=db_url) as city:
        _publish_later_item(city)
        taken = city.take_at_a("licence")
        assert _lookup(city, LATER).offers_for("YYZZ") == []  # nothing issued yet
        _settle_with_licence(city, taken.receipt_no)
        [offer] = _lookup(city, LATER).offers_for("YYZZ")
        assert (offer.kind, offer.title, offer.terminal_id) == ("licence", "营业执照", None)
        assert offer.licence is not None and offer.licence.number == "NC-2026-0001"
        assert offer.licence.holder_id_no == PERSON["id_no"]
        assert offer.sha256 == hashlib.sha256(DOCUMENT).hexdigest()
        assert [m.kind for m in _lookup(city, ITEM).materials] == ["copy", "copy"]  # no licence
        with city.client(city.c) as client:
            response = client.get(material_path(offer.sha256))
        assert response.status_code == 200 and response.content == DOCUMENT
        db = city.portal.app.state.db
        downloads = db.t("lookup_downloads")
        with db.begin() as conn:
            row = conn.execute(select(downloads)).one()
        assert (row.material_code, row.source_uuid) == ("YYZZ", taken.uuid)


def test_scope_hall_keeps_another_halls_licence_out(tmp_path: Path) -> None:
    with open_city(tmp_path) as city:
        _publish_later_item(city)
        taken = city.take_at_a("licence")
        _settle_with_licence(city, taken.receipt_no)
        assert _lookup(city, LATER).offers_for("YYZZ") == []  # C is in the other hall
