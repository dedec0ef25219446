"""Electronic licences in item definitions (电子证照, issue 16): an item says which licence
type it issues, a material which type can stand for it; mistakes are told with their line."""

from __future__ import annotations

from forms.catalog import Catalog, load_item
from forms.model import LicenceType, ServiceItem
from forms.text import Text
from tests.forms.forms_fixtures import HEADER_LINES, WriteItem
from tests.forms.test_schema import lines_and_en

L = HEADER_LINES


def test_the_sample_business_registration_issues_the_licence_a_later_item_takes(
    sample_catalog: Catalog,
) -> None:
    issued = sample_catalog.get("SCJG-001").issues_licence
    assert issued == LicenceType("YYZZ", Text("营业执照", "Business licence"))
    later = sample_catalog.get("SCJG-002").material("business_licence")
    assert later is not None and later.licence_type == issued.type_code


def test_licence_keys_survive_the_json_round_trip(sample_catalog: Catalog) -> None:
    for code in ("SCJG-001", "SCJG-002"):
        item = sample_catalog.get(code)
        assert ServiceItem.from_dict(item.to_dict()) == item


def test_an_item_without_licences_dumps_no_licence_keys(sample_catalog: Catalog) -> None:
    """Terminals that predate licences load the definitions they are sent unchanged."""
    data = sample_catalog.get("GA-001").to_dict()
    assert "issues_licence" not in data
    assert all("licence_type" not in m for m in data["materials"])


def test_licence_mistakes_are_told_at_their_lines(write_item: WriteItem) -> None:
    path = write_item(
        """
        issues_licence:
          type_code: "营业 执照"
          name: {zh: 营业执照}
        materials:
          - code: a
            name: {zh: 甲, en: A}
            licence_type: 42
        fields: []
        """
    )
    found = lines_and_en(path)
    assert (
        L + 2,
        "licence type code 营业 执照 must match [A-Za-z0-9][A-Za-z0-9._-]{0,63}",
    ) in found
    assert (L + 7, "licence type code 42 must match [A-Za-z0-9][A-Za-z0-9._-]{0,63}") in found
    assert len(found) == 3  # and the name without its English text


def test_an_item_cannot_ask_for_the_licence_it_issues(write_item: WriteItem) -> None:
    path = write_item(
        """
        issues_licence:
          type_code: YYZZ
          name: {zh: 营业执照, en: Business licence}
        materials:
          - code: licence
            name: {zh: 营业执照, en: Business licence}
            licence_type: YYZZ
        fields: []
        """
    )
    assert lines_and_en(path) == [(L + 7, "material licence asks for the licence this item issues")]


def test_a_well_formed_licence_item_loads(write_item: WriteItem) -> None:
    path = write_item(
        """
        issues_licence:
          type_code: SPJY.01
          name: {zh: 食品经营许可证, en: Food business licence}
        materials:
          - code: licence
            name: {zh: 营业执照, en: Business licence}
            licence_type: YYZZ
        fields: []
        """
    )
    item = load_item(path)
    assert item.issues_licence is not None and item.issues_licence.type_code == "SPJY.01"
    assert item.materials[0].licence_type == "YYZZ"
