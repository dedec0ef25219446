"""The intake service end to end on a real data folder: acceptance, one-time notice,
supplement, reuse of data and materials, validation, void, rating, atomicity."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from counter_app.errors import (
    ConflictError,
    NotFound,
    StoreError,
    ValidationFailed,
)
from counter_app.intake import receipts
from counter_app.store import audit, outbox
from counter_app.terminal import Terminal
from forms.catalog import load_catalog
from forms.workdays import add_working_days
from printing import qr_payload
from sync.receipt_numbers import is_valid_receipt_no, receipt_day
from tests.counter_app.counter_testing import ANSWERS, JPG, OTHER, PDF, PERSON, Clock

ROOT = Path(__file__).resolve().parents[3]
SAMPLES = load_catalog(ROOT / "assets" / "catalog")
COMPANY = {
    "kind": "company",
    "id_no": "91350100M000100Y43",
    "name": "南昌示例科技有限公司",
    "phone": "079186000000",
}


def _file_for(file_types: tuple[str, ...]) -> bytes:
    return PDF if "pdf" in file_types else JPG if "jpg" in file_types else PNG_OR_PDF


PNG_OR_PDF = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _count(t: Terminal, table: str) -> int:
    return int(t.store.scalar(f"SELECT COUNT(*) FROM {table}"))


@pytest.mark.parametrize("code", sorted(SAMPLES.items))
def test_every_sample_item_accepts_its_answer_set(terminal: Terminal, code: str) -> None:
    item = SAMPLES.items[code]
    terminal.import_catalog(ROOT / "assets" / "catalog" / f"{code}.yaml")
    answers = json.loads((ROOT / "tests" / "forms" / "answers" / f"{code}.json").read_text())
    applicant = PERSON if item.applicant_kind == "person" else COMPANY
    files = {m.code: [_file_for(m.file_types)] for m in item.required_materials(answers)}

    result = terminal.intake.accept(code, applicant, answers, files, clerk_id="C001")

    assert result.kind == "acceptance" and result.missing == ()
    assert is_valid_receipt_no(result.receipt_no) and result.receipt_no[3:7] == "7QXM"
    assert result.due_date == add_working_days(terminal.today(), item.promised_days)
    sub = terminal.intake.get(result.display_no)
    settled = "delivered" if item.is_immediate else "received"  # a 即办件 is settled at once
    assert sub.status == settled and sub.service_version == item.version
    assert {m.material_code for m in sub.materials} == set(files)
    entry = outbox.pending(terminal.store, now=terminal.now())[0]
    assert entry.kind == "submission" and entry.payload["content_hash"] == sub.content_hash
    assert audit.entries(terminal.store, result.receipt_no)[0]["action"] == "submission.acceptance"


@pytest.mark.parametrize("code", sorted(SAMPLES.items))
def test_every_sample_item_without_materials_gets_one_notice(terminal: Terminal, code: str) -> None:
    item = SAMPLES.items[code]
    terminal.import_catalog(ROOT / "assets" / "catalog" / f"{code}.yaml")
    answers = json.loads((ROOT / "tests" / "forms" / "answers" / f"{code}.json").read_text())
    applicant = PERSON if item.applicant_kind == "person" else COMPANY

    result = terminal.intake.accept(code, applicant, answers, {}, clerk_id="C001")

    required = [m.code for m in item.required_materials(answers)]
    assert result.kind == "notice" and result.due_date is None
    assert [m.code for m in result.missing] == required  # everything, each once
    assert [
        n.material_code for n in terminal.intake.get(result.receipt_no).notice_items
    ] == required


def test_acceptance_writes_everything_in_one_go(terminal: Terminal) -> None:
    result = terminal.intake.accept(
        "TEST-001",
        PERSON,
        ANSWERS,
        {"id_card": [PDF], "form": [PDF]},
        clerk_id="C001",
        signature_png=PNG_OR_PDF,
    )
    sub = terminal.intake.get(result.receipt_no)
    assert sub.applicant["id_no"] == "11010519491231002X"  # normalised: the "one number"
    assert sub.hall == "南昌市民中心" and sub.window == "12" and sub.terminal_id == "7QXM"
    assert sub.signature is not None and terminal.materials.read(sub.signature) == PNG_OR_PDF
    assert [e.status for e in sub.events] == ["received"]
    assert sub.answers == ANSWERS and sub.sync_state == "pending"
    assert receipt_day(result.receipt_no) == terminal.today()


def test_married_applicant_without_certificate_gets_notice_then_supplements(
    terminal: Terminal,
) -> None:
    answers = {**ANSWERS, "marital_status": "married"}
    notice = terminal.intake.accept(
        "TEST-001", PERSON, answers, {"id_card": [PDF], "form": [PDF]}, clerk_id="C001"
    )
    assert notice.kind == "notice" and [m.code for m in notice.missing] == ["marriage_cert"]
    assert terminal.intake.get(notice.receipt_no).status == "notice_issued"

    with pytest.raises(ValidationFailed) as err:
        terminal.intake.supplement(notice.receipt_no, {}, clerk_id="C001")
    assert [p.path for p in err.value.problems] == ["materials.marriage_cert"]

    done = terminal.intake.supplement(notice.receipt_no, {"marriage_cert": [PDF]}, "C001")
    assert done.kind == "acceptance" and done.receipt_no != notice.receipt_no
    sub = terminal.intake.get(done.receipt_no)
    assert sub.notice_uuid == notice.uuid
    assert {m.material_code for m in sub.materials} == {"id_card", "form", "marriage_cert"}
    with pytest.raises(ConflictError):
        terminal.intake.supplement(notice.receipt_no, {"marriage_cert": [PDF]}, "C001")
    with pytest.raises(ConflictError):
        terminal.intake.supplement(done.receipt_no, {}, "C001")  # not a notice


def test_material_refused_by_clerk_goes_on_notice_with_reason(terminal: Terminal) -> None:
    result = terminal.intake.accept(
        "TEST-001",
        PERSON,
        ANSWERS,
        {"id_card": [PDF], "form": [PDF]},
        clerk_id="C001",
        wrong={"id_card": "身份证已过期"},
    )
    items = terminal.intake.get(result.receipt_no).notice_items
    assert result.kind == "notice"
    assert [(n.material_code, n.reason, n.note) for n in items] == [
        ("id_card", "wrong", "身份证已过期")
    ]


def test_every_problem_reported_at_once_and_nothing_written(terminal: Terminal) -> None:
    bad = {**PERSON, "id_no": "110105194912310021", "phone": "12345"}
    with pytest.raises(ValidationFailed) as err:
        terminal.intake.accept(
            "TEST-001",
            bad,
            {"marital_status": "divorced"},
            {"photo": [PDF], "nonsense": [PDF]},
            reuse={"form"},
            clerk_id="C001",
        )
    paths = {p.path for p in err.value.problems}
    assert {
        "applicant.id_no",
        "applicant.phone",
        "address",
        "marital_status",
        "materials.photo",
        "materials.nonsense",
        "materials.form",
    } <= paths
    assert err.value.report.ok is False
    assert "applicant.id_no" in err.value.message("en")
    assert _count(terminal, "submissions") == 0 and _count(terminal, "outbox") == 0
    assert not (terminal.data_dir / "materials").exists() or not any(
        (terminal.data_dir / "materials").rglob("*")
    )


def test_oversize_and_wrong_type_files_refused(terminal: Terminal, tmp_path: Path) -> None:
    big = tmp_path / "photo.jpg"
    big.write_bytes(JPG + b"\x00" * 200)
    with pytest.raises(ValidationFailed) as err:
        terminal.intake.accept(
            "TEST-001", PERSON, ANSWERS, {"photo": [big], "form": [JPG]}, clerk_id="C001"
        )
    texts = {p.path: p.text.en for p in err.value.problems}
    assert "larger than" in texts["materials.photo"]
    assert "file type jpg" in texts["materials.form"]


def test_applicant_kind_must_match_item(terminal: Terminal) -> None:
    with pytest.raises(ValidationFailed) as err:
        terminal.intake.accept("TEST-001", COMPANY, ANSWERS, {}, clerk_id="C001")
    assert "applicant.kind" in {p.path for p in err.value.problems}


def test_reuse_applicant_materials_and_same_bytes_stored_once(terminal: Terminal) -> None:
    first = terminal.intake.accept(
        "TEST-001", PERSON, ANSWERS, {"id_card": [PDF], "form": [PDF]}, clerk_id="C001"
    )
    files_after_first = list((terminal.data_dir / "materials").rglob("*/*"))
    known = terminal.intake.prefill("11010519491231002x")
    assert known.applicant is not None and known.applicant["name"] == "王小明"
    assert known.last_answers["TEST-001"] == ANSWERS
    assert set(known.materials) == {"id_card", "form"}

    second = terminal.intake.accept(
        "TEST-001", PERSON, ANSWERS, {"form": [PDF]}, reuse={"id_card"}, clerk_id="C001"
    )
    sub = terminal.intake.get(second.receipt_no)
    assert second.kind == "acceptance" and first.receipt_no != second.receipt_no
    assert {(m.material_code, m.reused) for m in sub.materials} == {
        ("id_card", True),
        ("form", False),
    }
    assert list((terminal.data_dir / "materials").rglob("*/*")) == files_after_first
    assert _count(terminal, "materials") == 1  # PDF given three times, stored once


def test_reuse_refused_when_not_reusable_or_never_given(terminal: Terminal) -> None:
    with pytest.raises(ValidationFailed) as err:
        terminal.intake.accept(
            "TEST-001", OTHER, ANSWERS, {}, reuse={"id_card", "form"}, clerk_id="C001"
        )
    texts = {p.path: p.text.en for p in err.value.problems}
    assert "never gave" in texts["materials.id_card"]
    assert "anew" in texts["materials.form"]


def test_numbers_count_up_per_day_and_restart_next_day(terminal: Terminal, clock: Clock) -> None:
    take = lambda: terminal.intake.accept(  # noqa: E731
        "TEST-001", PERSON, ANSWERS, {"id_card": [PDF], "form": [PDF]}, clerk_id="C001"
    )
    a, b = take(), take()
    clock.advance(days=1)
    c = take()
    assert a.receipt_no[7:10] == "001" and b.receipt_no[7:10] == "002"
    assert c.receipt_no[7:10] == "001" and c.receipt_no > b.receipt_no


def test_retry_with_same_uuid_is_idempotent(terminal: Terminal) -> None:
    uuid = "6f1c2a7e-4c1b-4e7a-9a55-0d8a7b3c2e10"
    files = {"id_card": [PDF], "form": [PDF]}
    a = terminal.intake.accept("TEST-001", PERSON, ANSWERS, files, clerk_id="C001", uuid=uuid)
    b = terminal.intake.accept("TEST-001", PERSON, ANSWERS, files, clerk_id="C001", uuid=uuid)
    assert a == b and _count(terminal, "submissions") == 1
    c = terminal.intake.accept(
        "TEST-001", PERSON, ANSWERS, files, clerk_id="C001", uuid=uuid.upper()
    )
    assert c == a
    with pytest.raises(ConflictError):
        terminal.intake.accept("TEST-001", PERSON, ANSWERS, files, clerk_id="C001", uuid="x-1")


def test_failure_at_last_step_leaves_no_trace(terminal: Terminal) -> None:
    """A real SQLite failure at the audit insert (the last write) rolls back everything."""
    terminal.store.execute(
        "CREATE TEMP TRIGGER fail BEFORE INSERT ON main.audit_log "
        "BEGIN SELECT RAISE(ABORT, 'simulated failure'); END"
    )
    with pytest.raises(StoreError):
        terminal.intake.accept(
            "TEST-001", PERSON, ANSWERS, {"id_card": [PDF], "form": [PDF]}, clerk_id="C001"
        )
    for table in (
        "submissions",
        "outbox",
        "status_events",
        "receipt_counters",
        "submission_materials",
        "applicants",
    ):
        assert _count(terminal, table) == 0, table


def test_unknown_service_or_clerk(terminal: Terminal) -> None:
    with pytest.raises(NotFound):
        terminal.intake.accept("NOPE-1", PERSON, ANSWERS, {}, clerk_id="C001")
    with pytest.raises(NotFound):
        terminal.intake.accept("TEST-001", PERSON, ANSWERS, {}, clerk_id="X999")
    with pytest.raises(NotFound):
        terminal.intake.get("000-0000-000-0")


def test_day_with_every_number_used_is_a_clear_error(terminal: Terminal) -> None:
    terminal.store.execute(
        "INSERT INTO receipt_counters VALUES (?, 32767)", (terminal.today().toordinal(),)
    )
    with pytest.raises(ConflictError) as err:
        terminal.intake.accept(
            "TEST-001", PERSON, ANSWERS, {"id_card": [PDF], "form": [PDF]}, clerk_id="C001"
        )
    assert "32767" in err.value.message("en")
    assert _count(terminal, "submissions") == 0


def test_unknown_codes_in_reuse_wrong_or_folder_as_file(terminal: Terminal, tmp_path: Path) -> None:
    with pytest.raises(ValidationFailed) as err:
        terminal.intake.accept(
            "TEST-001",
            PERSON,
            ANSWERS,
            {"form": [tmp_path]},
            reuse={"passport"},
            wrong={"visa": "expired"},
            clerk_id="C001",
        )
    texts = {p.path: p.text.en for p in err.value.problems}
    assert "no material passport" in texts["materials.passport"]
    assert "no material visa" in texts["materials.visa"]
    assert "cannot read" in texts["materials.form"]


def test_receipt_payload_signed_once_at_intake(terminal: Terminal) -> None:
    result = terminal.intake.accept(
        "TEST-001", PERSON, ANSWERS, {"id_card": [PDF], "form": [PDF]}, clerk_id="C001"
    )
    sub = terminal.intake.get(result.receipt_no)
    assert sub.signed_payload is not None
    claim = qr_payload.verify_payload(terminal.public_key(), sub.signed_payload)
    assert (claim.receipt_no, claim.item_code, claim.terminal_id) == (
        result.receipt_no,
        "TEST-001",
        "7QXM",
    )
    assert outbox.pending(terminal.store)[0].payload["signed_payload"] == sub.signed_payload


def test_unreadable_key_does_not_stop_the_intake(terminal: Terminal) -> None:
    """The payload is then signed when the receipt prints or the application goes up."""
    terminal.private_key()  # the public key stays known for the check below
    public = terminal.public_key()
    pem = terminal.key_path.read_bytes()
    terminal.key_path.unlink()
    terminal._key = None  # as after a restart: the key is read from its file again
    result = terminal.intake.accept(
        "TEST-001", PERSON, ANSWERS, {"id_card": [PDF], "form": [PDF]}, clerk_id="C001"
    )
    assert terminal.intake.get(result.receipt_no).signed_payload is None
    terminal.key_path.write_bytes(pem)  # the key is back: the receipt signs on print
    url = receipts.receipt_data_for(terminal, result.receipt_no).tracking_url
    payload = parse_qs(urlsplit(url).query)["p"][0]
    assert qr_payload.verify_payload(public, payload).receipt_no == result.receipt_no
