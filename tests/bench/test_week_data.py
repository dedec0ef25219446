"""The week benchmark's terminals can be generated at any size: every sample item takes
files from the top of the week's range (2 MB), though some of its materials take 1 MB at
most (the full week crashed on a photo at scale 0.05)."""

from __future__ import annotations

from pathlib import Path

from bench.terminals import new_terminal
from bench.week_data import MAX_BYTES, WeekIntake


def test_every_item_takes_the_largest_files_of_a_week(tmp_path: Path) -> None:
    intake = WeekIntake(seed=3)
    with new_terminal(tmp_path / "t", "WK00") as terminal:
        for _ in intake.items:
            intake.take_sized(terminal, [MAX_BYTES] * 3)
        taken = terminal.store.scalar("SELECT count(*) FROM submissions")
        biggest = terminal.store.scalar("SELECT max(size) FROM materials")
    assert taken == len(intake.items)
    assert MAX_BYTES <= biggest < MAX_BYTES + 16  # kept their size (and a type header)
