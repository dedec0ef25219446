"""`doctor`: each check's OK and its FAIL paths for real — a real portal on loopback (and a
closed port), a corrupt database file, a missing font, a printer that is not there — and the
worst level as the result."""

from __future__ import annotations

import importlib.util
import re
import socket
import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from counter_app.config import Config, PrinterSpec, load_config, parse_printer
from counter_app.ops import doctor_printer
from counter_app.ops.doctor import Context, Finding, Level, render, run_checks, worst
from counter_app.ops.provision import enroll
from counter_app.terminal import Terminal
from portal import enrollment
from portal.server import BackgroundServer
from portal.settings import Settings
from printing.errors import PrinterError
from tests.counter_app.counter_testing import ANSWERS, PDF, PERSON


def plain() -> httpx.Client:
    """No proxies from the environment: loopback only."""
    return httpx.Client(timeout=httpx.Timeout(5.0), trust_env=False)


def config_for(data_dir: Path, **values: str) -> Config:
    return load_config({"data_dir": str(data_dir), **values}, env={}, file=data_dir / "no.toml")


def ctx_for(terminal: Terminal, config: dict[str, str] | None = None, **kw: Any) -> Context:
    return Context(config_for(terminal.data_dir, **(config or {})), http=plain, **kw)


def by_check(findings: list[Finding]) -> dict[str, Finding]:
    return {f.check: f for f in findings}


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[BackgroundServer]:
    settings = Settings(
        db_url=f"sqlite:///{tmp_path / 'portal.db'}", materials_dir=tmp_path / "portal-files"
    )
    with BackgroundServer(settings) as server:
        yield server


@pytest.fixture
def enrolled(terminal: Terminal, portal: BackgroundServer) -> Terminal:
    code = enrollment.issue_code(portal.app.state.db, "南昌市民中心", 12, timedelta(hours=1))
    enroll(terminal, portal.url, code, plain)
    return terminal


def test_a_healthy_enrolled_terminal_is_all_ok(enrolled: Terminal) -> None:
    findings = run_checks(ctx_for(enrolled))
    checks = by_check(findings)
    assert set(checks) == {
        "database", "schema", "disk", "portal", "clock", "printer", "font", "catalog", "sync"
    }  # fmt: skip
    assert worst(findings) == Level.OK, render(findings, "en")
    assert "1 items" in checks["catalog"].text.en


def test_not_enrolled_is_a_warning(terminal: Terminal) -> None:
    checks = by_check(run_checks(ctx_for(terminal)))
    assert checks["portal"].level == Level.WARN and "enroll" in checks["portal"].advice.en  # type: ignore[union-attr]
    assert "clock" not in checks


def test_unreachable_portal_fails(enrolled: Terminal) -> None:
    enrolled.portal_url = f"http://127.0.0.1:{closed_port()}"
    findings = run_checks(ctx_for(enrolled))
    portal = by_check(findings)["portal"]
    assert portal.level == Level.FAIL and "Cannot reach" in portal.text.en
    assert worst(findings) == Level.FAIL


def test_unknown_token_fails(enrolled: Terminal) -> None:
    enrolled.token = "not-the-token"
    portal = by_check(run_checks(ctx_for(enrolled)))["portal"]
    assert portal.level == Level.FAIL and "refuses" in portal.text.en
    assert "enroll again" in portal.advice.en  # type: ignore[union-attr]


def test_clock_far_from_the_portal_fails(enrolled: Terminal) -> None:
    late = by_check(
        run_checks(ctx_for(enrolled, now=lambda: datetime.now(UTC) + timedelta(hours=1)))
    )
    assert late["clock"].level == Level.FAIL
    found = late["clock"].text.en
    assert re.fullmatch(r"This clock is 36(00|01) s ahead of the platform \(measured now, round "
                        r"trip \d+ ms\), over 5 min", found), found  # fmt: skip
    a_bit = by_check(
        run_checks(ctx_for(enrolled, now=lambda: datetime.now(UTC) - timedelta(seconds=90)))
    )
    assert a_bit["clock"].level == Level.WARN and "behind" in a_bit["clock"].text.en


def test_missing_database_fails(tmp_path: Path) -> None:
    findings = run_checks(Context(config_for(tmp_path / "nothing"), http=plain))
    assert by_check(findings)["database"].level == Level.FAIL
    assert "init" in by_check(findings)["database"].advice.en  # type: ignore[union-attr]
    assert "catalog" not in by_check(findings)


def test_garbage_database_file_fails(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "counter.db").write_bytes(b"this is not sqlite" * 300)
    database = by_check(run_checks(Context(config_for(data), http=plain)))["database"]
    assert database.level == Level.FAIL and "restore" in database.advice.en  # type: ignore[union-attr]


def test_damaged_pages_fail_the_integrity_check(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Terminal.init(data, "7QXM") as t:
        t.store.execute("CREATE INDEX scratch_idx ON settings (value)")
        with t.store.transaction():
            for i in range(2000):
                t.store.execute("INSERT INTO settings VALUES (?, ?)", (f"k{i}", "v" * 50))
        t.store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        root = int(t.store.scalar("SELECT rootpage FROM sqlite_master WHERE name='scratch_idx'"))
        page = int(t.store.scalar("PRAGMA page_size"))
    with open(data / "counter.db", "r+b") as fh:  # scribble over the index's root page
        fh.seek((root - 1) * page + 8)
        fh.write(b"\xff" * 64)
    database = by_check(run_checks(Context(config_for(data), http=plain)))["database"]
    assert database.level == Level.FAIL and "damaged" in database.text.en


def test_database_from_a_newer_release_fails(terminal: Terminal) -> None:
    terminal.store.execute("INSERT INTO _migrations VALUES (99, 'future', '2030-01-01')")
    schema = by_check(run_checks(ctx_for(terminal)))["schema"]
    assert schema.level == Level.FAIL and "newer" in schema.text.en


def test_missing_font_fails(terminal: Terminal, tmp_path: Path) -> None:
    font = by_check(run_checks(ctx_for(terminal, font_path=tmp_path / "gone.ttc")))["font"]
    assert font.level == Level.FAIL and "gone.ttc" in font.text.en


def test_disk_thresholds(terminal: Terminal) -> None:
    full = by_check(run_checks(ctx_for(terminal, disk_fail_bytes=1 << 60)))["disk"]
    assert full.level == Level.FAIL and "GB free" in full.text.en
    low = by_check(run_checks(ctx_for(terminal, disk_warn_bytes=1 << 60)))["disk"]
    assert low.level == Level.WARN


def test_empty_and_stale_catalog(tmp_path: Path, terminal: Terminal) -> None:
    with Terminal.init(tmp_path / "empty", "7ABC"):
        pass
    empty = by_check(run_checks(Context(config_for(tmp_path / "empty"), http=plain)))["catalog"]
    assert empty.level == Level.FAIL
    later = datetime.now(UTC) + timedelta(days=45)
    stale = by_check(run_checks(ctx_for(terminal, now=lambda: later)))["catalog"]
    assert stale.level == Level.WARN and "45 days" in stale.text.en


def test_sync_backlog_age(terminal: Terminal) -> None:
    files = {"id_card": [PDF], "form": [PDF]}
    taken = terminal.intake.accept("TEST-001", PERSON, ANSWERS, files, clerk_id="C001")
    at = terminal.intake.get(taken.receipt_no).accepted_at
    fine = by_check(run_checks(ctx_for(terminal, now=lambda: at + timedelta(hours=2))))["sync"]
    assert fine.level == Level.OK and "1 waiting" in fine.text.en
    day = by_check(run_checks(ctx_for(terminal, now=lambda: at + timedelta(hours=30))))["sync"]
    assert day.level == Level.WARN
    old = by_check(run_checks(ctx_for(terminal, now=lambda: at + timedelta(days=4))))["sync"]
    assert old.level == Level.FAIL and "96.0 h" in old.text.en


# -- printers --------------------------------------------------------------------------------
def test_network_printer_not_answering_fails(terminal: Terminal) -> None:
    cfg = {"printer": f"escpos-net:127.0.0.1:{closed_port()}"}
    printer = by_check(run_checks(ctx_for(terminal, config=cfg)))["printer"]
    assert printer.level == Level.FAIL and "Cannot connect" in printer.text.en


def test_network_printer_test_page_reaches_the_printer(terminal: Terminal) -> None:
    received = bytearray()
    server = socket.create_server(("127.0.0.1", 0))

    def accept_all() -> None:
        for _ in range(2):  # the probe, then the test page
            conn, _addr = server.accept()
            with conn:
                while chunk := conn.recv(65536):
                    received.extend(chunk)

    thread = threading.Thread(target=accept_all)
    thread.start()
    try:
        cfg = {"printer": f"escpos-net:127.0.0.1:{server.getsockname()[1]}"}
        printer = by_check(run_checks(ctx_for(terminal, config=cfg, test_page=True)))["printer"]
    finally:
        thread.join(timeout=10)
        server.close()
    assert printer.level == Level.OK and "test page" in printer.text.en
    assert "打印测试页".encode("gb18030") in received and b"\x1d(k" in received  # text + QR


def test_serial_printer_missing_fails(terminal: Terminal, tmp_path: Path) -> None:
    cfg = {"printer": f"escpos-serial:{tmp_path / 'ttyUSB9'}"}
    printer = by_check(run_checks(ctx_for(terminal, config=cfg)))["printer"]
    assert printer.level == Level.FAIL and "ttyUSB9" in printer.text.en


def test_usb_printer_present_without_pyusb_fails(
    terminal: Terminal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    device = tmp_path / "usb" / "1-1"
    device.mkdir(parents=True)
    (device / "idVendor").write_text("0416\n")
    (device / "idProduct").write_text("5011\n")
    monkeypatch.setattr(doctor_printer, "SYSFS_USB", tmp_path / "usb")
    monkeypatch.setitem(__import__("sys").modules, "usb", None)  # as on a PC without pyusb
    printer = by_check(run_checks(ctx_for(terminal, config={"printer": "escpos-usb:0416:5011"})))
    assert printer["printer"].level == Level.FAIL
    assert "python-escpos[usb]" in printer["printer"].advice.en  # type: ignore[union-attr]


def test_usb_printer_looked_up_in_sysfs(tmp_path: Path) -> None:
    device = tmp_path / "1-1"
    device.mkdir()
    (device / "idVendor").write_text("04b8\n")
    (device / "idProduct").write_text("0e15\n")
    assert doctor_printer._usb_present(0x04B8, 0x0E15, tmp_path) is True
    assert doctor_printer._usb_present(0x0416, 0x5011, tmp_path) is False


def test_usb_printer_unplugged_fails(
    terminal: Terminal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder laid out like /sys/bus/usb/devices (the test machine has no USB bus)."""
    other = tmp_path / "usb" / "1-2"
    other.mkdir(parents=True)
    (other / "idVendor").write_text("1d6b\n")
    (other / "idProduct").write_text("0002\n")
    monkeypatch.setattr(doctor_printer, "SYSFS_USB", tmp_path / "usb")
    cfg = {"printer": "escpos-usb:04b8:0e15"}
    printer = by_check(run_checks(ctx_for(terminal, config=cfg)))["printer"]
    assert printer.level == Level.FAIL and "escpos-usb:04b8:0e15 not found" in printer.text.en


def test_usb_cannot_be_listed_warns(terminal: Terminal, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(doctor_printer, "SYSFS_USB", Path("/nonexistent"))
    monkeypatch.setitem(__import__("sys").modules, "usb", None)  # no pyusb either
    cfg = {"printer": "escpos-usb:04b8:0e15"}
    printer = by_check(run_checks(ctx_for(terminal, config=cfg)))["printer"]
    assert printer.level == Level.WARN and "pyusb" in printer.advice.en  # type: ignore[union-attr]


def fake_lpstat(folder: Path, script: str) -> None:
    folder.mkdir(exist_ok=True)
    tool = folder / "lpstat"
    tool.write_text("#!/bin/sh\n" + script)
    tool.chmod(0o755)


def test_cups_without_lpstat_fails(terminal: Terminal, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(terminal.data_dir / "empty-bin"))
    printer = by_check(run_checks(ctx_for(terminal, config={"printer": "cups:Hall"})))["printer"]
    assert printer.level == Level.FAIL and "cups-client" in printer.advice.en  # type: ignore[union-attr]


def test_cups_queue_missing_or_ready(
    terminal: Terminal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fake `lpstat` on PATH stands in for CUPS, which the test machine does not run."""
    bin_dir = tmp_path / "bin"
    fake_lpstat(
        bin_dir,
        'if [ "$2" = Hall ]; then echo "printer Hall is idle.  enabled since Mon"; exit 0; fi\n'
        'echo "lpstat: Invalid destination name in list \\"$2\\"" >&2; exit 1\n',
    )
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    ready = by_check(run_checks(ctx_for(terminal, config={"printer": "cups:Hall"})))["printer"]
    assert ready.level == Level.OK and "Hall is idle" in ready.text.en
    gone = by_check(run_checks(ctx_for(terminal, config={"printer": "cups:Other"})))["printer"]
    assert gone.level == Level.FAIL and "Invalid destination" in gone.text.en


def test_pdf_test_page_is_written(terminal: Terminal) -> None:
    printer = by_check(run_checks(ctx_for(terminal, test_page=True)))["printer"]
    page = terminal.data_dir / doctor_printer.TEST_PAGE_NAME
    assert printer.level == Level.OK and page.read_bytes().startswith(b"%PDF-")


def test_render_shows_advice_only_for_problems() -> None:
    from forms.text import Text

    lines = render(
        [
            Finding("disk", Level.OK, Text("好", "fine"), Text("无", "none")),
            Finding("font", Level.FAIL, Text("缺", "missing"), Text("重装", "reinstall")),
        ],
        "en",
    )
    assert lines[0].startswith("OK") and lines[1].startswith("FAIL")
    assert lines[2].strip() == "→ reinstall" and len(lines) == 3


def test_readonly_doctor_leaves_the_database_alone(terminal: Terminal) -> None:
    before = (terminal.data_dir / "counter.db").stat().st_mtime_ns
    run_checks(ctx_for(terminal))
    with sqlite3.connect(terminal.data_dir / "counter.db") as conn:
        assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    assert (terminal.data_dir / "counter.db").stat().st_mtime_ns == before


def test_serial_test_page_failure_fails(terminal: Terminal, tmp_path: Path) -> None:
    """A plain file where the serial device should be: present, but nothing prints (without
    pyserial python-escpos refuses outright; with it, opening a non-tty fails)."""
    device = tmp_path / "ttyS9"
    device.write_bytes(b"")
    cfg = {"printer": f"escpos-serial:{device}"}
    printer = by_check(run_checks(ctx_for(terminal, config=cfg, test_page=True)))["printer"]
    assert printer.level == Level.FAIL
    if importlib.util.find_spec("serial") is None:  # this machine: no pyserial
        assert "pyserial is not installed" in printer.text.en
        with pytest.raises(PrinterError, match="printer failed"):
            doctor_printer._print_test_page(config_for(terminal.data_dir, **cfg), parse(cfg))
    else:
        assert "printer failed" in printer.text.en


def parse(cfg: dict[str, str]) -> PrinterSpec:
    return parse_printer(cfg["printer"])
