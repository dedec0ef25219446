"""The terminal's side of the city lookup (`counter_app.intake.city_lookup`) in the city of
tests/sync/city.py: one platform, A and B in one hall, C in another, all real."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from counter_app.intake.city_lookup import CityLookup
from counter_app.store import audit
from counter_app.terminal import Terminal
from sync.errors import Refused
from sync.lookup import LookupReply, ReusableMaterial
from tests.sync.city import ITEM, open_city
from tests.sync.conftest import CLERK, PERSON, pdf, server_count

ID_NO = PERSON["id_no"]


def ask_city(terminal: Terminal, *args: str) -> LookupReply:
    """A lookup through the window's CityLookup, its connection closed after."""
    city = CityLookup(terminal)
    try:
        return city.ask(*args)  # type: ignore[arg-type]
    finally:
        city.close()


def fetch_offer(terminal: Terminal, offer: ReusableMaterial, *args: str) -> Path:
    city = CityLookup(terminal)
    try:
        return city.fetch(offer, *args)
    finally:
        city.close()


def test_b_fetches_as_copy_with_its_bytes_and_audits_both_steps(tmp_path: Path) -> None:
    with open_city(tmp_path) as city:
        city.take_at_a("one")
        reply = ask_city(city.b, "person", ID_NO, "draft-b-0001", ITEM, CLERK, "citizen_screen")
        card = reply.offers_for("id_card")[0]
        path = fetch_offer(city.b, card, "draft-b-0001", CLERK)
        assert path.read_bytes() == pdf("id-one") and path.suffix == ".pdf"
        assert oct(path.stat().st_mode & 0o777) == "0o600"
        log = audit.entries(city.b.store, "draft-b-0001")
        assert [(e["action"], e["actor"]) for e in log] == [
            ("city_lookup", CLERK),
            ("city_download", CLERK),
        ]
        looked = json.loads(log[0]["detail"])
        assert looked["consent"] == "citizen_screen" and ID_NO not in log[0]["detail"]
        assert looked["offers"] == 2


def test_c_in_another_hall_is_offered_a_copy_only_under_scope_city(tmp_path: Path) -> None:
    with open_city(tmp_path / "hall") as city:
        city.take_at_a("hall")
        reply = ask_city(city.c, "person", ID_NO, "draft-c-0001", ITEM, CLERK, "clerk_attested")
        assert reply.materials == []
    with open_city(tmp_path / "city", scope="city") as city:
        city.take_at_a("city")
        reply = ask_city(city.c, "person", ID_NO, "draft-c-0001", ITEM, CLERK, "clerk_attested")
        card = reply.offers_for("id_card")[0]
        assert fetch_offer(city.c, card, "draft-c-0001", CLERK).read_bytes() == pdf("id-city")


def test_a_download_the_platform_refuses_is_audited_as_failed(tmp_path: Path) -> None:
    with open_city(tmp_path, lookup_limit=1) as city:
        ask_city(city.b, "person", ID_NO, "draft-b-0001", ITEM, CLERK, "clerk_attested")
        with pytest.raises(Refused) as refused:  # never offered: the platform's 404
            fetch_offer(city.b, _unknown(), "draft-b-0001", CLERK)
        assert refused.value.status_code == 404
        assert server_count(city.portal, "lookups") == 1
        failed = json.loads(audit.entries(city.b.store, "draft-b-0001")[-1]["detail"])
        assert failed["outcome"] == "failed"


def _unknown() -> ReusableMaterial:
    return ReusableMaterial(
        kind="copy", material_code="id_card", title="x", sha256="e" * 64, size=1,
        content_type="application/pdf", hall_id="h", service_code=ITEM, given_on=date(2026, 1, 1),
    )  # fmt: skip
