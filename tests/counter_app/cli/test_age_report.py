"""The hall's age report through `counter-app stats --age`, on a generated month of
applications (real intake, real remote settlements, real ratings), checked against a plain
recount written out in the test."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from counter_app.store.remote import apply_remote_status
from counter_app.terminal import Terminal
from forms.workdays import is_working_day
from tests.counter_app.counter_testing import ANSWERS, OTHER, PDF, PERSON, Clock, run_cli

START, END = date(2026, 3, 1), date(2026, 3, 31)
HALL_OFFSET = timedelta(hours=8)


@dataclass
class Truth:
    receipt_no: str
    accepted: date
    promised: date
    settled: date | None
    codes: list[int]


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10)).replace(tzinfo=UTC) - HALL_OFFSET


def _generate(terminal: Terminal, clock: Clock) -> list[Truth]:
    rng = random.Random(15)
    truths = []
    for n in range(70):
        day = date(2026, 1, 20) + timedelta(days=rng.randrange(0, 70))  # Jan 20 .. Mar 30
        clock.at = _at(day)
        person = PERSON if n % 2 else OTHER
        r = terminal.intake.accept(
            "TEST-001", person, ANSWERS, {"id_card": [PDF], "form": [PDF]}, clerk_id="C001"
        )
        assert r.due_date is not None
        settled = None
        if rng.random() < 0.6:
            settled = day + timedelta(days=rng.randrange(0, 25))
            apply_remote_status(terminal.store, r.uuid, "approved", "", _at(settled), f"p-{n}")
        codes = []
        if rng.random() < 0.5:
            clock.at = _at(settled or day)
            codes.append(rng.choice([1, 1, 2, 3, 4, 5]))
            terminal.intake.record_rating(r.receipt_no, codes[-1])
        truths.append(Truth(r.receipt_no, day, r.due_date, settled, codes))
    return truths


def _age(a: date, b: date) -> int:
    """Working days after a up to and including b, counted day by day."""
    return sum(is_working_day(a + timedelta(days=i)) for i in range(1, (b - a).days + 1))


def _recount(truths: list[Truth]) -> dict[str, float]:
    c = {k: 0.0 for k in ("received", "settled", "settled_on_time", "overdue", "carried_over",
                          "open_le5", "open_6_20", "open_21_30", "open_gt30")}  # fmt: skip
    codes: list[int] = []
    for t in truths:
        if t.accepted > END:
            continue
        open_at_end = t.settled is None or t.settled > END
        if t.accepted < START and (t.settled is None or t.settled >= START):
            c["carried_over"] += 1
        if t.accepted >= START:
            c["received"] += 1
            codes += t.codes
            if not open_at_end:
                c["settled"] += 1
                if t.settled is not None and t.settled <= t.promised:
                    c["settled_on_time"] += 1
        if open_at_end:
            age = _age(t.accepted, END)
            name = ("open_le5" if age <= 5 else "open_6_20" if age <= 20
                    else "open_21_30" if age <= 30 else "open_gt30")  # fmt: skip
            c[name] += 1
            c["overdue"] += t.promised < END
        elif t.settled is not None and t.settled >= START and t.settled > t.promised:
            c["overdue"] += 1
    c["on_time_rate"] = round(c["settled_on_time"] / c["settled"], 4) if c["settled"] else 0.0
    c["ratings"] = len(codes)
    c["satisfaction_rate"] = round(sum(x <= 3 for x in codes) / len(codes), 4) if codes else 0
    return c


def test_the_age_report_matches_a_plain_recount(
    terminal: Terminal, clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    truths = _generate(terminal, clock)
    clock.at = _at(END)
    args = ("stats", "--age", "all", "--from", str(START), "--to", str(END), "--json")
    assert run_cli(terminal.data_dir, *args) == 0
    (row,) = json.loads(capsys.readouterr().out)
    expected = _recount(truths)
    assert {k: row[k] for k in expected} == expected
    assert row["received"] > 10 and row["carried_over"] > 3 and row["open_gt30"] > 0


def test_the_age_report_groups_by_department_and_says_what_is_wrong(
    terminal: Terminal, clock: Clock, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _generate(terminal, clock)
    assert run_cli(terminal.data_dir, "stats", "--age", "department", "--from", str(START),
                   "--to", str(END)) == 0  # fmt: skip
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("From\tTo\tGroup\tReceived") and lines[1].split("\t")[2] == "TEST"
    with pytest.raises(SystemExit):
        run_cli(terminal.data_dir, "stats", "--age", "window")
    assert "invalid choice" in capsys.readouterr().err
