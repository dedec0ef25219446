"""The lookup wire model (`sync.lookup`): what a terminal may ask and what it is offered."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from sync.lookup import LookupReply, LookupRequest, ReusableMaterial, material_path

CONSENT = {"method": "citizen_screen", "at": datetime(2026, 5, 1, 9, tzinfo=UTC).isoformat()}
ASK = {
    "id_type": "resident_id",
    "id_no": "11010519491231002x",
    "draft_id": "draft-0001-abcd",
    "clerk_id": "c1",
    "consent": CONSENT,
}
COPY = {
    "kind": "copy",
    "material_code": "id_card",
    "title": "身份证复印件",
    "sha256": "a" * 64,
    "size": 10,
    "content_type": "image/png",
    "hall_id": "Hall A",
    "terminal_id": "0001",
    "service_code": "S1",
    "given_on": "2026-04-01",
}


def test_a_lookup_names_one_valid_identifier_normalised() -> None:
    ask = LookupRequest.model_validate(ASK)
    assert ask.id_no == "11010519491231002X"
    assert ask.application == "draft-0001-abcd"


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"id_no": "110105194912310021"}, "check character"),
        ({"id_type": "uscc"}, "region code"),
        ({"id_no": ["11010519491231002X", "11010519491231002X"]}, "string"),
        ({"consent": None}, "consent"),
        ({"receipt_no": "0010001000A"}, "one application"),
        ({"draft_id": None}, "one application"),
        ({"extra": 1}, "extra"),
    ],
)
def test_a_lookup_without_a_valid_single_identifier_application_or_consent_is_refused(
    change: dict[str, object], why: str
) -> None:
    with pytest.raises(ValidationError) as info:
        LookupRequest.model_validate({**ASK, **change})
    assert why in str(info.value).lower()


def test_a_licence_offer_carries_its_catalog_data_and_a_copy_none() -> None:
    with pytest.raises(ValidationError, match="catalog data"):
        ReusableMaterial.model_validate({**COPY, "kind": "licence"})
    licence = {
        "name": "营业执照",
        "number": "GS-1",
        "type_code": "bl",
        "holder": "某公司",
        "holder_id_type": "uscc",
        "holder_id_no": "91350100M000100Y43",
        "issuer": "市场监督管理局",
        "issuer_code": "11350100",
        "valid_from": "2026-01-01",
    }
    with pytest.raises(ValidationError, match="catalog data"):
        ReusableMaterial.model_validate({**COPY, "licence": licence})
    offer = ReusableMaterial.model_validate(
        {**COPY, "kind": "licence", "terminal_id": None, "licence": licence}
    )
    assert offer.licence is not None and offer.licence.valid_until is None


def test_an_expired_document_is_marked_by_the_hall_day() -> None:
    offer = ReusableMaterial.model_validate({**COPY, "valid_until": "2026-04-30"})
    assert offer.expired(date(2026, 5, 1))
    assert not offer.expired(date(2026, 4, 30))
    assert not ReusableMaterial.model_validate(COPY).expired(date(2099, 1, 1))


def test_a_reply_from_a_newer_platform_still_parses_and_groups_by_material() -> None:
    reply = LookupReply.model_validate(
        {
            "scope": "city",
            "materials": [COPY, {**COPY, "material_code": "photo", "sha256": "b" * 64}],
            "profile": {
                "phone": {"value": "13800138000", "hall_id": "A", "given_on": "2026-04-01"}
            },
            "future_field": True,
        }
    )
    assert [m.sha256 for m in reply.offers_for("id_card")] == ["a" * 64]
    assert reply.profile.filled() == {"phone": "13800138000"}
    assert material_path("a" * 64).endswith("/lookup/materials/" + "a" * 64)


def test_a_refused_file_is_told_in_both_languages() -> None:
    from sync.errors import FileMismatch

    refused = FileMismatch("居民身份证", "a" * 64)
    assert "“居民身份证”与其校验值不符，已拒收" in refused.message("zh_CN")
    assert "does not match its checksum and was refused" in refused.message("en")
