"""One hall time zone everywhere, whatever zone the machine is set to: an application taken
at 01:30 in Nanchang (17:30 UTC the day before) reads 01:30 on that day in `show`, `search`,
on the receipt, and in the sync backlog, on a machine in UTC and on one in New York."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from counter_app.cli import main
from counter_app.terminal import Terminal
from sync.hall_time import DEFAULT_TZ, hall_clock, hall_zone
from tests.counter_app.counter_testing import Clock

APPLICANT = {
    "kind": "person",
    "id_no": "11010519491231002x",
    "name": "王小明",
    "phone": "13800138000",
}
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"


@pytest.fixture(params=["UTC", "America/New_York"])
def machine_zone(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


def _run(terminal: Terminal, *args: str) -> int:
    return main(["--data-dir", str(terminal.data_dir), "--lang", "en", *args])


def test_every_output_reads_hall_time(
    terminal: Terminal,
    clock: Clock,
    machine_zone: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    clock.at = datetime(2026, 3, 2, 17, 30, tzinfo=UTC)  # 2026-03-03 01:30 in the hall
    answers = {"address": "南昌市红谷滩区", "marital_status": "single"}
    files = {"id_card": [PDF], "form": [PDF]}
    number = terminal.intake.accept("TEST-001", APPLICANT, answers, files, clerk_id="C001")
    no = str(number.display_no)
    capsys.readouterr()
    assert _run(terminal, "show", no) == 0
    assert "Taken at: 2026-03-03 01:30" in capsys.readouterr().out
    assert _run(terminal, "search", "王小明") == 0
    assert capsys.readouterr().out.rstrip().endswith("2026-03-03")
    out = tmp_path / "r.pdf"
    assert _run(terminal, "receipt", no, "--out", str(out)) == 0
    text = pdfium.PdfDocument(out.read_bytes())[0].get_textpage().get_text_range()
    assert "2026-03-03 01:30" in text
    capsys.readouterr()
    assert _run(terminal, "sync", "--status") == 0
    assert "2026-03-03 01:30" in capsys.readouterr().out  # the oldest waiting entry


def test_the_hall_zone_has_one_default_and_survives_a_bad_name() -> None:
    assert DEFAULT_TZ == "Asia/Shanghai"
    assert hall_zone("Not/AZone").key == DEFAULT_TZ  # never the machine's zone by accident
    at = datetime(2026, 3, 2, 17, 30, tzinfo=UTC)
    assert hall_clock(at, hall_zone()) == "2026-03-03 01:30"
