"""The window's desk (`counter_app.desk`) on a real demo terminal (no Qt needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from counter_app import clerks
from counter_app.desk import Desk, Known
from counter_app.errors import PermissionDenied
from counter_app.store.catalog import get_item, import_catalog_item
from counter_app.terminal import Terminal
from counter_app.ui.drafts import Draft

ANSWERS = Path(__file__).parents[1] / "forms/answers/RS-001.json"


def test_a_draft_is_accepted_on_the_form_version_it_started_on(data_dir: Path) -> None:
    with Terminal.open(data_dir) as terminal:
        old = get_item(terminal.store, "RS-001")
        newer = old.to_dict()
        newer["version"] = old.version + 1
        import_catalog_item(terminal.store, newer)
    answers = json.loads(ANSWERS.read_text("utf-8"))
    draft = Draft(
        service_code="RS-001",
        service_version=old.version,
        answers=answers,
        applicant={
            "kind": "person",
            "id_no": answers["id_no"],
            "name": answers["name"],
            "phone": answers["phone"],
        },
    )
    backend = Desk(data_dir)
    try:
        session = backend.login("clerk", "demo-clerk-1")
        result = backend.accept(draft, session)
        assert backend.terminal.intake.get(result.receipt_no).service_version == old.version
        again = backend.accept(draft, session)  # a retried click: same draft, same receipt
        assert again.receipt_no == result.receipt_no
        rows = backend.today()
        assert [r.receipt_no for r in rows] == [result.display_no]
        assert rows[0].applicant == "黄*明"
    finally:
        backend.close()


def test_prefill_knows_the_applicant_after_one_application(data_dir: Path) -> None:
    answers = json.loads(ANSWERS.read_text("utf-8"))
    backend = Desk(data_dir)
    try:
        assert backend.prefill(answers["id_no"], "RS-001") is None
        clerks.authenticate(backend.terminal.store, "clerk", "demo-clerk-1")
        backend.terminal.intake.accept(
            "RS-001",
            {
                "kind": "person",
                "id_no": answers["id_no"],
                "name": answers["name"],
                "phone": answers["phone"],
            },
            answers,
            clerk_id="clerk",
        )
        known = backend.prefill(answers["id_no"], "RS-001")
        assert isinstance(known, Known) and known.name == answers["name"]
        assert known.answers["bank"] == "ccb"
    finally:
        backend.close()


def test_only_an_admin_may_enroll_and_nothing_is_sent_otherwise(data_dir: Path) -> None:
    desk = Desk(data_dir)
    try:
        session = desk.login("clerk", "demo-clerk-1")
        with pytest.raises(PermissionDenied):
            desk.enroll("http://127.0.0.1:9", "ABCD-EFGH-JKMN", session)
        assert desk.open().enrolled is False
    finally:
        desk.close()
