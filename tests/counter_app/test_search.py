"""Search by receipt number, identifier, name prefix and phone, through one box."""

from __future__ import annotations

import pytest

from counter_app.search import by_name, by_phone, search
from counter_app.terminal import Terminal
from sync.receipt_numbers import display_receipt_no
from tests.counter_app.counter_testing import ANSWERS, OTHER, PDF, PERSON


@pytest.fixture
def taken(terminal: Terminal) -> list[str]:
    files = {"id_card": [PDF], "form": [PDF]}
    numbers = []
    for person in (PERSON, OTHER, {**OTHER, "name": "李华强"}):
        numbers.append(
            terminal.intake.accept("TEST-001", person, ANSWERS, files, clerk_id="C001").receipt_no
        )
    return numbers


def test_receipt_number_as_typed(terminal: Terminal, taken: list[str]) -> None:
    typed = display_receipt_no(taken[0]).lower().replace("0", "o")
    assert [h.receipt_no for h in search(terminal.store, typed)] == [taken[0]]


def test_identifier_lower_case_x(terminal: Terminal, taken: list[str]) -> None:
    hits = search(terminal.store, "11010519491231002x")
    assert [h.receipt_no for h in hits] == [taken[0]] and hits[0].name == "王小明"


def test_name_prefix_newest_first(terminal: Terminal, taken: list[str]) -> None:
    hits = search(terminal.store, "李")
    assert [h.receipt_no for h in hits] == [taken[2], taken[1]]  # one applicant, renamed
    assert by_name(terminal.store, "李华强")[0].name == "李华强"
    assert by_name(terminal.store, "张") == [] and by_name(terminal.store, " ") == []


def test_phone_prefix(terminal: Terminal, taken: list[str]) -> None:
    assert {h.receipt_no for h in search(terminal.store, "139 1234")} == set(taken[1:])
    assert [h.receipt_no for h in by_phone(terminal.store, "13800138000")] == [taken[0]]


def test_nothing_found(terminal: Terminal, taken: list[str]) -> None:
    assert search(terminal.store, "") == [] and search(terminal.store, "不存在") == []
    assert search(terminal.store, "000-0000-000-0") == []


def test_lookups_use_indexes_not_scans(terminal: Terminal, taken: list[str]) -> None:
    """The plans must seek an index; a full scan would not stay fast at a million rows."""
    store = terminal.store
    for sql, args in [
        ("SELECT * FROM submissions WHERE receipt_no = ?", ("X",)),
        ("SELECT * FROM submissions WHERE applicant_id = ? ORDER BY accepted_at DESC", ("X",)),
        ("SELECT id_no FROM applicants WHERE name >= ? AND name < ?", ("李", "李\U0010ffff")),
        ("SELECT id_no FROM applicants WHERE phone >= ? AND phone < ?", ("139", "139\U0010ffff")),
    ]:
        plan = " ".join(r["detail"] for r in store.query("EXPLAIN QUERY PLAN " + sql, args))
        assert "USING" in plan and "INDEX" in plan, plan
    assert search(store, taken[0])  # how fast: bench/bench_store.py (search_bench)
