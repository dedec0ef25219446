"""Back-ends: the PDF file (atomic, clear errors), CUPS `lp`, and ESC/POS printers."""

from __future__ import annotations

import errno
import os
import socket
import stat
import threading
from pathlib import Path

import pytest
from escpos.printer import Dummy

from printing.backends import CupsBackend, EscPosBackend, PdfFileBackend
from printing.errors import PrinterError, PrintOutputError, ReceiptDataError
from tests.printing.printing_support import ReceiptFactory, page_texts, signature_png

# ---- PDF file -------------------------------------------------------------------------------


def test_pdf_file_is_written_whole_and_no_temporary_file_stays(
    make_receipt: ReceiptFactory, tmp_path: Path
) -> None:
    target = tmp_path / "receipt.pdf"
    assert PdfFileBackend(target, paper="80mm").print_receipt(make_receipt()) == target
    assert make_receipt().receipt_no in page_texts(target.read_bytes())[0]
    assert [p.name for p in tmp_path.iterdir()] == ["receipt.pdf"]


def test_a_path_under_a_file_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(PrintOutputError) as caught:
        PdfFileBackend(blocker / "receipt.pdf").write(b"%PDF-1.4")
    assert "Cannot write" in caught.value.message("en")
    assert "无法写入" in caught.value.message("zh_CN")


def test_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(PrintOutputError, match="Choose another place"):
        PdfFileBackend(tmp_path / "gone" / "receipt.pdf").write(b"%PDF-1.4")


def test_a_full_disk_keeps_the_old_file_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A genuinely full file system needs a mount we cannot make here (no root in CI), so the
    # kernel's ENOSPC is injected at fsync, where a full disk shows up for buffered writes.
    target = tmp_path / "receipt.pdf"
    target.write_bytes(b"previous receipt")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("printing.backends.os.fsync", full)
    with pytest.raises(PrintOutputError) as caught:
        PdfFileBackend(target).write(b"%PDF-1.4 new")
    assert "磁盘已满" in caught.value.message("zh_CN")
    assert "disk is full" in caught.value.message("en")
    assert target.read_bytes() == b"previous receipt"
    assert [p.name for p in tmp_path.iterdir()] == ["receipt.pdf"]


# ---- CUPS lp --------------------------------------------------------------------------------
# No CUPS server runs here: a fake `lp` first on PATH records what it was given and answers
# like the real one.

FAKE_LP = """#!/bin/sh
printf '%s\\n' "$@" > "{log}/args"
cat > "{log}/stdin.pdf"
{behaviour}
"""


def _fake_lp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, behaviour: str) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "lp"
    script.write_text(FAKE_LP.format(log=tmp_path, behaviour=behaviour))
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return tmp_path


def test_cups_sends_the_pdf_to_the_named_queue(
    make_receipt: ReceiptFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = _fake_lp(tmp_path, monkeypatch, 'echo "request id is Hall-12 (1 file(s))"')
    data = make_receipt()
    job = CupsBackend(printer="Hall", paper="a4").print_receipt(data)
    assert job == "Hall-12"
    args = (log / "args").read_text().split("\n")
    assert args[:4] == ["-d", "Hall", "-t", data.receipt_no]
    assert "media=A4" in args
    assert data.receipt_no in page_texts((log / "stdin.pdf").read_bytes())[0]


def test_cups_default_queue_has_no_destination(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = _fake_lp(tmp_path, monkeypatch, 'echo "request id is Default-1 (1 file(s))"')
    assert CupsBackend(paper="80mm").print_pdf(b"%PDF-1.4", title="t") == "Default-1"
    assert "-d" not in (log / "args").read_text().split("\n")


def test_cups_refusal_is_a_printer_error_with_lps_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_lp(
        tmp_path,
        monkeypatch,
        'echo "lp: The printer or class does not exist." >&2; exit 1',
    )
    with pytest.raises(PrinterError, match="does not exist"):
        CupsBackend(printer="Nowhere").print_pdf(b"%PDF-1.4")


def test_missing_lp_command_is_a_printer_error(tmp_path: Path) -> None:
    with pytest.raises(PrinterError) as caught:
        CupsBackend(lp=str(tmp_path / "no-lp")).print_pdf(b"%PDF-1.4")
    assert "cups-client" in caught.value.message("en")


def test_a_hanging_spooler_times_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_lp(tmp_path, monkeypatch, "exec sleep 5")  # exec: the kill reaches sleep
    with pytest.raises(PrinterError, match="did not answer"):
        CupsBackend(timeout=0.3).print_pdf(b"%PDF-1.4")


# ---- ESC/POS --------------------------------------------------------------------------------

QR_COMMAND = b"\x1d(k"  # GS ( k: the printer draws the QR itself


def test_escpos_prints_text_and_a_native_qr(make_receipt: ReceiptFactory) -> None:
    printer = Dummy()
    data = make_receipt(kind="notice", duplicate=True)
    EscPosBackend(printer).print_receipt(data)
    out = printer.output
    assert QR_COMMAND in out
    assert data.tracking_url.encode() in out
    assert b"\x1d(k\x03\x001E1" in out  # error correction M (function 169, n = "1")
    store = b"\x1d(k" + (len(data.tracking_url) + 3).to_bytes(2, "little") + b"1P0"
    assert store + data.tracking_url.encode() in out  # the whole URL, stored in one command
    for text in ("一次性告知书", "副本", data.item_name.zh[:6], "营业执照", "已过期"):
        assert text.encode("gb18030") in out
    assert data.receipt_no.encode() in out
    assert out.endswith(b"\x1dV\x00")  # feed and full cut


def test_escpos_over_the_network_reaches_a_real_socket(make_receipt: ReceiptFactory) -> None:
    server = socket.create_server(("127.0.0.1", 0))
    received = bytearray()

    def accept() -> None:
        conn, _ = server.accept()
        with conn:
            while chunk := conn.recv(65536):
                received.extend(chunk)

    thread = threading.Thread(target=accept)
    thread.start()
    port = server.getsockname()[1]
    EscPosBackend.network("127.0.0.1", port=port, timeout=5).print_receipt(make_receipt())
    thread.join(timeout=5)
    server.close()
    assert QR_COMMAND in received
    assert "受理回执".encode("gb18030") in received


def test_an_unreachable_network_printer_is_a_printer_error(make_receipt: ReceiptFactory) -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]  # closed again at once: nothing listens there
    with pytest.raises(PrinterError) as caught:
        EscPosBackend.network("127.0.0.1", port=port, timeout=2).print_receipt(make_receipt())
    assert "热敏打印机无法打印" in caught.value.message("zh_CN")


def test_escpos_prints_the_signature_as_a_raster_image(make_receipt: ReceiptFactory) -> None:
    plain, signed = Dummy(), Dummy()
    EscPosBackend(plain).print_receipt(make_receipt())
    EscPosBackend(signed).print_receipt(make_receipt(signature_png=signature_png()))
    raster = b"\x1dv0"  # GS v 0: print raster bit image
    assert raster not in plain.output
    assert raster in signed.output
    assert signed.output.index(raster) < signed.output.index(QR_COMMAND)


def test_escpos_refuses_a_broken_signature_before_printing(
    make_receipt: ReceiptFactory,
) -> None:
    printer = Dummy()
    with pytest.raises(ReceiptDataError):
        EscPosBackend(printer).print_receipt(make_receipt(signature_png=b"not an image"))
    assert printer.output == b""  # nothing half-printed
