"""What a counter asks of an item: visible fields, required and missing materials."""

from __future__ import annotations

from forms.catalog import Catalog
from tests.forms.forms_fixtures import answers_for


def codes(materials: tuple[object, ...]) -> list[str]:
    return [m.code for m in materials]  # type: ignore[attr-defined]


def test_required_materials_follow_the_answers(sample_catalog: Catalog) -> None:
    item = sample_catalog.require("GA-002")
    answers = answers_for("GA-002")
    assert codes(item.required_materials(answers)) == [
        "id_card",
        "household_register",
        "house_title",
    ]
    answers |= {"category": "employment", "into_household": "existing"}
    assert codes(item.required_materials(answers)) == [
        "id_card", "household_register", "labour_contract", "head_consent",
    ]  # fmt: skip


def test_required_if_with_any_and_not(sample_catalog: Catalog) -> None:
    marriage = sample_catalog.require("MZ-001")
    answers = answers_for("MZ-001") | {"applicant_status": "single", "partner_status": "single"}
    assert "divorce_papers" not in codes(marriage.required_materials(answers))
    answers["applicant_status"] = "widowed"
    assert "death_proof" in codes(marriage.required_materials(answers))
    company = sample_catalog.require("SCJG-002")
    by_rep = answers_for("SCJG-002") | {"submitted_by": "legal_rep"}
    assert "agent_authorisation" not in codes(company.required_materials(by_rep))


def test_multichoice_contains_requires_a_material(sample_catalog: Catalog) -> None:
    item = sample_catalog.require("MZ-002")
    answers = answers_for("MZ-002") | {"special_case": ["disability", "serious_illness"]}
    required = codes(item.required_materials(answers))
    assert "disability_cert" in required and "medical_records" in required
    assert "bank_card" not in required  # optional materials are never required


def test_material_conditions_ignore_hidden_fields(sample_catalog: Catalog) -> None:
    item = sample_catalog.require("BDC-001")
    answers = answers_for("BDC-001") | {"requester_role": "owner"}  # hides `purpose`
    assert "court_papers" not in codes(item.required_materials(answers))


def test_missing_materials_lists_what_a_notice_needs(sample_catalog: Catalog) -> None:
    item = sample_catalog.require("GJJ-002")
    answers = answers_for("GJJ-002")
    missing = item.missing_materials(answers, {"id_card", "bank_card", "lease_contract"})
    assert codes(missing) == ["no_house_statement", "rent_invoice"]
    assert missing[0].name.zh == "本市无自有住房承诺书"
    every = {m.code for m in item.materials}
    assert item.missing_materials(answers, every) == ()


def test_visible_fields(sample_catalog: Catalog) -> None:
    item = sample_catalog.require("RS-001")
    shown = [f.code for f in item.visible_fields({"is_minor": "no", "collect_at": "post"})]
    assert "guardian_name" not in shown and "post_address" in shown
    assert len(item.visible_fields({})) == len(item.fields) - 3


def test_material_accepts_file(sample_catalog: Catalog) -> None:
    photo = sample_catalog.require("RS-001").material("photo")
    assert photo is not None
    assert photo.accepts_file("me.JPG", 200_000)
    assert not photo.accepts_file("me.pdf", 200_000)
    assert not photo.accepts_file("me.jpg", photo.max_bytes + 1)
    assert not photo.accepts_file("noext", 10)
    assert sample_catalog.require("RS-001").material("nope") is None


def test_field_by_path(sample_catalog: Catalog) -> None:
    item = sample_catalog.require("MZ-002")
    member_id = item.field("members[1].id_no")
    assert member_id is not None and member_id.type == "resident_id"
    assert item.field("members.employer") is not None
    assert item.field("members.nothing") is None and item.field("nothing") is None
