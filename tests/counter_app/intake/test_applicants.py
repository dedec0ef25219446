"""What the terminal knows about an applicant, found by their "one number"."""

from __future__ import annotations

from counter_app.intake.applicants import prefill
from counter_app.terminal import Terminal
from tests.counter_app.counter_testing import ANSWERS, OTHER, PDF, PERSON, Clock


def test_prefill_of_unknown_applicant_is_empty(terminal: Terminal) -> None:
    known = prefill(terminal.store, OTHER["id_no"])
    assert known.applicant is None and known.last_answers == {} and known.materials == {}


def test_prefill_finds_latest_data_and_every_copy(terminal: Terminal, clock: Clock) -> None:
    files = {"id_card": [PDF], "form": [PDF]}
    terminal.intake.accept("TEST-001", PERSON, ANSWERS, files, clerk_id="C001")
    clock.advance(days=3)
    moved = {**PERSON, "phone": "13900001111"}
    terminal.intake.accept(
        "TEST-001", moved, ANSWERS, {"id_card": [PDF + b"new"], "form": [PDF]}, clerk_id="C001"
    )
    known = prefill(terminal.store, " 11010519491231002x ")
    assert known.applicant == {
        "id_no": "11010519491231002X",
        "kind": "person",
        "name": "王小明",
        "phone": "13900001111",
    }
    assert known.last_answers == {"TEST-001": ANSWERS}
    assert [c["size"] for c in known.materials["id_card"]] == [len(PDF) + 3, len(PDF)]
