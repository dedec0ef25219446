"""Open-data export: the portal's columns, one row per day, hall and item, counted like the
local statistics, in four formats that parse back, with no personal data."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from counter_app import clerks
from counter_app.ops.export import ExportError, export_stats, stats_rows
from counter_app.store import apply_remote_status
from counter_app.terminal import Terminal
from sync.opendata_columns import COLUMNS
from sync.ratings import CODE_NOTE
from tests.counter_app.counter_testing import ANSWERS, PASSWORD, PDF, PERSON, Clock

FILES = {"id_card": [PDF], "form": [PDF]}


@pytest.fixture
def busy(terminal: Terminal, clock: Clock) -> Terminal:
    """Day 1: on time (rated 非常满意, code 1), late (不满意, code 4), a notice, a voided
    one. Day 2: one open."""
    intake = terminal.intake
    on_time = intake.accept("TEST-001", PERSON, ANSWERS, FILES, clerk_id="C001")
    late = intake.accept("TEST-001", PERSON, ANSWERS, FILES, clerk_id="C001")
    intake.accept("TEST-001", PERSON, ANSWERS, {}, clerk_id="C001")
    voided = intake.accept("TEST-001", PERSON, ANSWERS, FILES, clerk_id="C001")
    intake.void(voided.receipt_no, "twice", clerks.authenticate(terminal.store, "S001", PASSWORD))
    intake.record_rating(on_time.receipt_no, 1)
    intake.record_rating(late.receipt_no, 4)
    at = clock()
    apply_remote_status(terminal.store, on_time.uuid, "approved", "", at + timedelta(days=3), "1")
    apply_remote_status(terminal.store, late.uuid, "delivered", "", at + timedelta(days=60), "2")
    clock.advance(days=1)
    intake.accept("TEST-001", PERSON, ANSWERS, FILES, clerk_id="C001")
    clock.advance(days=60)  # day 2's application is past its promised date now
    return terminal


def test_rows_count_like_the_statistics(busy: Terminal) -> None:
    first, second = stats_rows(busy)
    assert list(first) == list(COLUMNS)
    assert first["date"] == "2026-03-02" and first["hall"] == "南昌市民中心"
    assert first["item_code"] == "TEST-001" and first["item_name"]
    assert (first["received"], first["settled"], first["settled_on_time"]) == (3, 2, 1)
    assert first["overdue"] == 1 and first["ratings"] == 2 and first["rated"] == 2
    assert [first[f"code_{n}"] for n in range(1, 6)] == [1, 0, 0, 1, 0]  # standard codes
    assert (first["satisfaction_rate"], first["rating_rate"], first["bad_ratings"]) == (
        0.5,
        0.6667,
        1,
    )
    assert first["avg_working_days"] == pytest.approx((3 + 42) / 2, abs=3)
    assert (second["date"], second["received"], second["overdue"]) == ("2026-03-03", 1, 1)
    assert second["avg_working_days"] is None and second["satisfaction_rate"] is None


def test_date_range(busy: Terminal) -> None:
    assert [r["date"] for r in stats_rows(busy, date(2026, 3, 3))] == ["2026-03-03"]
    assert [r["date"] for r in stats_rows(busy, None, date(2026, 3, 2))] == ["2026-03-02"]
    assert stats_rows(busy, date(2027, 1, 1), date(2027, 1, 2)) == []


def parse(fmt: str, path: Path) -> list[dict[str, str]]:
    if fmt == "csv":
        assert not path.read_bytes().startswith(b"\xef\xbb\xbf")  # like the platform's
        with open(path, encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))
    if fmt == "json":
        doc = json.loads(path.read_text())
        return [{k: "" if v is None else str(v) for k, v in r.items()} for r in doc]
    if fmt == "xml":
        root = ET.parse(path).getroot()
        assert root.attrib == {"codes": CODE_NOTE.en} | {
            "period": "day",
            "from": "2026-03-02",
            "to": "2026-03-03",
        }
        return [{c.tag: c.text or "" for c in row} for row in root.findall("row")]
    book = load_workbook(path)
    notes = [[c.value for c in r] for r in book["columns"].iter_rows()]
    assert ["codes", CODE_NOTE.zh, CODE_NOTE.en] in notes  # the file says which code it is
    sheet = book.active
    assert sheet is not None
    head, *rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert head == list(COLUMNS)
    return [{k: "" if v is None else str(v) for k, v in zip(head, r, strict=True)} for r in rows]


@pytest.mark.parametrize("fmt", ["csv", "json", "xml", "xlsx"])
def test_every_format_parses_with_the_columns_and_no_personal_data(
    busy: Terminal, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"stats.{fmt}"
    assert export_stats(busy, fmt, out) == 2
    rows = parse(fmt, out)
    assert [list(r) for r in rows] == [list(COLUMNS)] * 2
    assert rows[0]["received"] == "3" and rows[1]["date"] == "2026-03-03"
    raw = out.read_bytes()
    for secret in (PERSON["id_no"], PERSON["name"], PERSON["phone"], ANSWERS["address"]):
        assert secret.encode() not in raw
    assert not list(tmp_path.glob(".stats*"))  # no temporary file left behind


def test_english_item_names(busy: Terminal) -> None:
    zh, en = stats_rows(busy)[0]["item_name"], stats_rows(busy, lang="en")[0]["item_name"]
    assert zh != en and en.isascii()


def test_write_errors_and_unknown_format(busy: Terminal, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(ExportError, match="Cannot write"):
        export_stats(busy, "csv", tmp_path / "file" / "x.csv")
    with pytest.raises(ExportError, match="pdf"):
        export_stats(busy, "pdf", tmp_path / "x.pdf")
