"""`portal export-gbt39046`: application records in the GB/T 39046-2020 layout (JSON and
XML) with both time limits and their units, the kind code, the clock stops, the settlement
and the status; and no personal data."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from portal import services
from portal.cli import main as portal_main
from portal.pages import clock_stops
from portal.server import BackgroundServer
from sync.engine import SyncReport
from tests.portal.pages.conftest import Take
from tests.portal.pages.pages_support import PERSONAL, Clock

Sync = Callable[[], SyncReport]


def _export(portal: BackgroundServer, out: Path, fmt: str, *period: str) -> int:
    db_url = str(portal.app.state.db.engine.url)
    dates = list(period) or ["2026-03-01", "2026-03-31"]
    args = ["--from", dates[0], "--to", dates[1], "--format", fmt, "--out", str(out)]
    return portal_main(["export-gbt39046", "--db", db_url, "--lang", "en", *args])


def test_records_in_the_standard_layout_without_personal_data(
    portal: BackgroundServer, clock: Clock, take: Take, sync: Sync, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    clock.at = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    first, second = take("甲"), take("乙")
    sync()
    db = portal.app.state.db
    clock_stops.start(db, second.receipt_no, "hearing", "依申请举行听证", "staff", date(2026, 3, 3))
    clock_stops.end(db, second.receipt_no, "staff", date(2026, 3, 6))
    services.set_status(db, first.receipt_no, "approved")
    assert _export(portal, tmp_path / "x.json", "json") == 0
    assert "exported 2 records" in capsys.readouterr().out
    text = (tmp_path / "x.json").read_text(encoding="utf-8")
    records = {r["办件编号"]: r for r in json.loads(text)["办件"]}
    one, two = records[first.receipt_no], records[second.receipt_no]
    assert one["事项编码"] == "PAGE-001" and one["办件类型"] == "2"
    assert (one["法定办结时限"], one["法定办结时限单位"]) == (20, "工作日")
    assert (one["承诺办结时限"], one["承诺办结时限单位"]) == (5, "工作日")
    assert one["受理时间"].startswith("2026-03-02T10:00") and one["受理时间"].endswith("+08:00")
    assert one["办结时间"] and one["办件状态"] == "approved" and one["特别程序"] == []
    assert two["办结时间"] is None and two["特别程序"][0]["原因"] == "依申请举行听证"
    assert two["特别程序"][0]["工作日数"] == 3 and two["承诺办结日期"] == "2026-03-12"
    assert not any(p in text for p in PERSONAL)
    assert _export(portal, tmp_path / "x.xml", "xml") == 0
    root = ET.parse(tmp_path / "x.xml").getroot()
    assert root.get("标准") == "GB/T 39046-2020" and len(root.findall("办件")) == 2
    assert root.find("办件/特别程序") is not None
    assert not any(p in (tmp_path / "x.xml").read_text(encoding="utf-8") for p in PERSONAL)


def test_a_bad_date_is_refused_in_words(
    portal: BackgroundServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _export(portal, tmp_path / "x.json", "json", "2026-03-01", "March") == 2
    assert "Dates are YYYY-MM-DD" in capsys.readouterr().err
    assert not (tmp_path / "x.json").exists()
