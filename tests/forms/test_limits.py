"""Statutory and promised limits with their units, 即办件 / 承诺件, and deadlines counted on
the holiday calendar (make-up working weekends, natural days ending on a holiday, a year
whose holidays are not published yet). Definitions are checked through `counter-app forms
check`, the command IT staff run on a file they wrote."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from counter_app.cli import main
from forms.catalog import load_item, load_sample_catalog
from forms.limits import TimeLimit
from forms.model import ServiceItem
from forms.workdays import install_years, reset_installed
from tests.forms.forms_fixtures import HEADER, WriteItem

BODY = "fields:\n  - {code: a, type: text, label: {zh: 甲, en: A}}\n"
OLD = "legal_days: 10\npromised_days: 5\n"


@pytest.fixture(autouse=True)
def bundled_calendar() -> Iterator[None]:
    """The calendar is process-wide: every test starts and ends on the bundled one."""
    reset_installed()
    yield
    reset_installed()


def _header(limits: str) -> str:
    return HEADER.replace(OLD, limits)


def test_old_definitions_load_as_working_days(write_item: WriteItem) -> None:
    item = load_item(write_item(BODY))
    assert item.kind == "promised"
    assert item.legal_limit == TimeLimit(10, "working_days")
    assert item.promised_limit == TimeLimit(5, "working_days")
    assert "legal_days" in item.to_dict() and "legal_limit" not in item.to_dict()


def test_units_and_kind_round_trip(write_item: WriteItem) -> None:
    limits = "kind: immediate\nlegal_limit: {days: 30, unit: natural_days}\npromised_days: 0\n"
    item = load_item(write_item(BODY, header=_header(limits)))
    assert item.is_immediate and item.legal_limit == TimeLimit(30, "natural_days")
    assert ServiceItem.from_dict(item.to_dict()) == item
    assert item.to_dict()["legal_limit"] == {"days": 30, "unit": "natural_days"}


@pytest.mark.parametrize(
    ("limits", "message"),
    [
        (
            "kind: immediate\nlegal_days: 10\npromised_days: 2\n",
            "an immediate item's promised limit is 0",
        ),
        (
            "legal_days: 10\nlegal_limit: {days: 10, unit: working_days}\npromised_days: 5\n",
            "give legal_days or legal_limit, not both",
        ),
        ("legal_limit: {days: 10, unit: weeks}\npromised_days: 5\n", "must be one of"),
        (
            "legal_days: 5\npromised_limit: {days: 30, unit: natural_days}\n",
            "the promised time limit exceeds the legal one",
        ),
        ("kind: someday\nlegal_days: 10\npromised_days: 5\n", "must be one of promised/immediate"),
        ("promised_days: 5\n", "the key legal_days is missing"),
    ],
)
def test_bad_limits_are_reported_by_the_check_command(
    write_item: WriteItem, capsys: pytest.CaptureFixture[str], limits: str, message: str
) -> None:
    path = write_item(BODY, header=_header(limits))
    assert main(["--lang", "en", "forms", "check", str(path)]) == 1
    assert message in capsys.readouterr().out


def test_sample_catalog_has_an_immediate_item_and_natural_days() -> None:
    catalog = load_sample_catalog()
    assert catalog.require("YB-001").is_immediate
    assert catalog.require("GJJ-001").legal_limit == TimeLimit(3, "natural_days")
    assert catalog.require("GA-001").legal_limit.label("zh_CN") == "60 个自然日"


def test_working_days_count_a_make_up_saturday() -> None:
    # Friday 9 Oct 2026 + 1 working day = Saturday 10 Oct 2026, a make-up working day.
    assert TimeLimit(1).due(date(2026, 10, 9)).day == date(2026, 10, 10)


def test_natural_days_ending_on_a_holiday_end_on_the_next_working_day() -> None:
    # 25 Sep 2026 + 7 calendar days = 2 Oct, inside National Day (1-7 Oct): ends Thu 8 Oct.
    assert TimeLimit(7, "natural_days").due(date(2026, 9, 25)).day == date(2026, 10, 8)
    assert TimeLimit(3, "natural_days").due(date(2026, 3, 2)).day == date(2026, 3, 5)


def test_a_deadline_into_an_unpublished_year_is_flagged_until_it_is_published() -> None:
    inside = TimeLimit(5).due(date(2026, 3, 2))
    across = TimeLimit(20).due(date(2026, 12, 15))
    assert not inside.provisional
    assert across.provisional and across.day.year == 2027
    install_years({2027: {"holidays": ["2027-01-01/2027-01-03"], "workdays": []}})
    assert not TimeLimit(20).due(date(2026, 12, 15)).provisional
