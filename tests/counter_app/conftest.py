"""Fixtures for the terminal's tests: a real data folder with a real SQLite file, a clock
the test moves, the store's own test item, and three clerks (one per role)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

# pytest puts tests/ on sys.path (rootdir conftest, no __init__.py files), where the folder
# tests/counter_app would shadow the real package as a namespace package; the repository
# root first makes `counter_app` resolve to the code. (Better: `pythonpath = ["."]` in the
# pytest settings of pyproject.toml — reported to the lead.)
ROOT = Path(__file__).resolve().parents[2]
if sys.path[0] != str(ROOT):
    sys.path.insert(0, str(ROOT))

from counter_app import clerks  # noqa: E402
from counter_app.terminal import Terminal  # noqa: E402
from forms.validators import resident_id_check_char  # noqa: E402

DATA = Path(__file__).parent / "data"
PASSWORD = "counter-pass-1"
PDF = b"%PDF-1.4\n% test document\n1 0 obj <<>> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 40


def resident_id(first17: str) -> str:
    """A resident ID with its correct GB 11643 check character."""
    return first17 + resident_id_check_char(first17)


PERSON = {"kind": "person", "id_no": "11010519491231002x", "name": "王小明", "phone": "13800138000"}
OTHER = {
    "kind": "person",
    "id_no": resident_id("36010219850615123"),
    "name": "李华",
    "phone": "13912345678",
}
ANSWERS = {"address": "南昌市红谷滩区市民中心 1 号", "marital_status": "single"}


@dataclass
class Clock:
    """The terminal's clock, moved by the test (lockouts, days, due dates)."""

    at: datetime

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 3, 2, 2, 0, tzinfo=UTC))  # Monday 10:00 in Nanchang


@pytest.fixture
def terminal(tmp_path: Path, clock: Clock) -> Iterator[Terminal]:
    t = Terminal.init(tmp_path / "data", "7QXM", "南昌市民中心", "12", now=clock)
    t.import_catalog(DATA / "TEST-001.yaml")
    admin = None
    for clerk_id, role in (("A001", "admin"), ("S001", "supervisor"), ("C001", "clerk")):
        clerks.add_clerk(
            t.store, clerk_id, f"{role} {clerk_id}", PASSWORD, role, actor=admin, now=clock
        )
        admin = admin or clerks.authenticate(t.store, "A001", PASSWORD, now=clock)
    yield t
    t.close()
