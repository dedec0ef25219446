"""`counter-app receipt` and `counter-app print-test-page`, through the real entry point."""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from counter_app.cli import main
from counter_app.terminal import Terminal
from sync.receipt_numbers import display_receipt_no, new_receipt_no
from tests.escpos_capture import check_receipt_stream, loopback_printer, printer_that_is_off

APPLICANT = {
    "kind": "person",
    "id_no": "11010519491231002x",
    "name": "王小明",
    "phone": "13800138000",
}
PDF = b"%PDF-1.4\n% test document\n1 0 obj <<>> endobj\n%%EOF\n"


def _text(path: Path) -> str:
    document = pdfium.PdfDocument(path.read_bytes())
    return "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))


def _accept(terminal: Terminal) -> str:
    answers = {"address": "南昌市红谷滩区", "marital_status": "single"}
    files = {"id_card": [PDF], "form": [PDF]}
    return terminal.intake.accept("TEST-001", APPLICANT, answers, files, clerk_id="C001").receipt_no


def _run(terminal: Terminal, *args: str) -> int:
    return main(["--data-dir", str(terminal.data_dir), "--lang", "en", *args])


def _error(capsys: pytest.CaptureFixture[str]) -> str:
    """Standard error without the warning that this (unenrolled) terminal prints first."""
    lines = capsys.readouterr().err.strip().splitlines()
    return "\n".join(line for line in lines if not line.startswith("Warning:"))


def test_receipt_then_reprint_marked_duplicate(
    terminal: Terminal, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    number = _accept(terminal)
    first, second = tmp_path / "first.pdf", tmp_path / "second.pdf"
    assert _run(terminal, "receipt", number.lower(), "--out", str(first)) == 0
    assert "duplicate" not in capsys.readouterr().out
    assert _run(terminal, "receipt", number, "--out", str(second), "--paper", "80mm") == 0
    assert "(duplicate)" in capsys.readouterr().out
    assert "受理回执" in _text(first) and "DUPLICATE" not in _text(first)
    assert "申请人未签名" in _text(first)  # taken on the command line: nobody signed
    assert "DUPLICATE" in _text(second)
    width = pdfium.PdfDocument(second.read_bytes())[0].get_size()[0]
    assert round(width / 72 * 25.4) == 80


def test_unwritable_output_is_one_clear_line(
    terminal: Terminal, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    number = _accept(terminal)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert _run(terminal, "receipt", number, "--out", str(blocker / "r.pdf")) == 2
    err = _error(capsys)
    assert err.startswith("counter-app: Cannot write") and "\n" not in err


def test_unknown_receipt_is_one_clear_line(
    terminal: Terminal, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    unknown = display_receipt_no(new_receipt_no(date(2024, 1, 1), "7QXM", 999))
    assert _run(terminal, "receipt", unknown, "--out", str(tmp_path / "x.pdf")) == 2
    assert "No application numbered" in capsys.readouterr().err


def test_receipt_to_cups(
    terminal: Terminal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No CUPS runs here: a fake `lp` first on PATH keeps what it was sent.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    lp = bin_dir / "lp"
    lp.write_text(f'#!/bin/sh\ncat > "{tmp_path}/job.pdf"\necho "request id is Hall-3"\n')
    lp.chmod(lp.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    number = _accept(terminal)
    assert _run(terminal, "receipt", number, "--cups", "Hall") == 0
    assert "受理回执" in _text(tmp_path / "job.pdf")


def test_print_test_page_to_a_file(terminal: Terminal, tmp_path: Path) -> None:
    out = tmp_path / "test.pdf"
    assert _run(terminal, "print-test-page", "--out", str(out), "--paper", "80mm") == 0
    assert "打印机测试页" in _text(out)


def test_a_destination_is_required(terminal: Terminal) -> None:
    with pytest.raises(SystemExit):
        _run(terminal, "receipt", "000-7QXM-999-0")


def test_a_missing_font_is_one_clear_line_and_the_receipt_prints_after_repair(
    terminal: Terminal,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    number = _accept(terminal)
    # As if the font file had been deleted before this process first registered it.
    monkeypatch.setattr("printing.fonts._registered", {})
    monkeypatch.setattr("printing.fonts.FONT_PATH", tmp_path / "deleted.ttc")
    out = tmp_path / "r.pdf"
    assert _run(terminal, "receipt", number, "--out", str(out)) == 2
    err = _error(capsys)
    assert "font" in err and "reinstall" in err and "\n" not in err
    assert not out.exists()
    assert terminal.intake.get(number).status == "received"
    monkeypatch.undo()
    assert _run(terminal, "receipt", number, "--out", str(out)) == 0
    assert "duplicate" not in capsys.readouterr().out  # the failed attempt was no copy


def test_receipt_print_goes_to_the_configured_thermal_printer(
    terminal: Terminal, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    number = display_receipt_no(_accept(terminal))
    with loopback_printer() as printer:
        monkeypatch.setenv("COUNTER_PRINTER", printer.spec)
        assert _run(terminal, "receipt", number, "--print") == 0
        stream = printer.wait_job()
    check_receipt_stream(stream, "受理回执", number, ["南昌市民中心", "王*明"])
    assert printer.spec.partition(":")[2] in capsys.readouterr().out  # says where it went
    with loopback_printer() as printer:  # the next copy is a duplicate, on paper too
        monkeypatch.setenv("COUNTER_PRINTER", printer.spec)
        assert _run(terminal, "receipt", number, "--print") == 0
        assert "副本".encode("gb18030") in printer.wait_job()
    assert "(duplicate)" in capsys.readouterr().out


def test_receipt_print_without_a_printer_says_what_to_do(
    terminal: Terminal, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COUNTER_PRINTER", "pdf")
    number = _accept(terminal)
    assert _run(terminal, "receipt", number, "--print") == 2
    err = capsys.readouterr().err
    assert "No printer is configured" in err and "--out" in err


def test_receipt_print_to_a_printer_that_is_off_is_one_clear_line(
    terminal: Terminal, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    number = _accept(terminal)
    with printer_that_is_off() as spec:
        monkeypatch.setenv("COUNTER_PRINTER", spec)
        assert _run(terminal, "receipt", number, "--print") == 2
    err = _error(capsys)
    assert "receipt printer failed" in err and "\n" not in err


def test_receipt_print_goes_to_the_configured_cups_queue_on_the_configured_paper(
    terminal: Terminal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No CUPS runs here: a fake `lp` first on PATH keeps what it was sent.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    lp = bin_dir / "lp"
    lp.write_text(
        f'#!/bin/sh\necho "$@" > "{tmp_path}/args"\ncat > "{tmp_path}/job.pdf"\n'
        'echo "request id is Hall-4"\n'
    )
    lp.chmod(lp.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("COUNTER_PRINTER", "cups:Hall")
    monkeypatch.setenv("COUNTER_PAPER", "80mm")
    assert _run(terminal, "receipt", _accept(terminal), "--print") == 0
    assert "-d Hall" in (tmp_path / "args").read_text()
    job = pdfium.PdfDocument((tmp_path / "job.pdf").read_bytes())
    assert round(job[0].get_size()[0] / 72 * 25.4) == 80
    assert "受理回执" in _text(tmp_path / "job.pdf")


def test_a_receipt_before_enrollment_warns_and_tells_the_citizen_honestly(
    terminal: Terminal, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.pdf"
    assert _run(terminal, "receipt", _accept(terminal), "--out", str(out)) == 0
    err = capsys.readouterr().err
    assert err.startswith("Warning:") and "cannot be tracked online" in err
    text = " ".join(_text(out).split())
    assert "本窗口尚未接入网上查询平台" in text and "not available yet" in text
    assert "ask at any window of 南昌市民中心" in text
    assert "portal.invalid" not in text


def test_a_receipt_before_enrollment_uses_the_configured_platform_address(
    terminal: Terminal,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("COUNTER_PORTAL_URL", "https://zwfw.example.gov.cn")
    out = tmp_path / "r.pdf"
    assert _run(terminal, "receipt", _accept(terminal), "--out", str(out)) == 0
    assert capsys.readouterr().err == ""
    text = _text(out)
    assert "https://zwfw.example.gov.cn/t" in text and "尚未接入" not in text
