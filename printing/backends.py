"""Getting a receipt onto paper: a PDF file, the system printer via CUPS `lp`, or an ESC/POS
thermal printer.

Why CUPS `lp` rather than Qt's printing for the system printer: it works headless (the CLI,
a service), is scriptable by IT staff (`lpstat`, `lpoptions`), and is testable without a
display; the UI may still offer Qt's print dialog for a one-off choice of printer.
Every failure becomes a `PrintingError` subclass with a clear message; nothing here touches
the application itself, so a failed print can simply be repeated.
"""

from __future__ import annotations

import errno
import io
import os
import re
import socket
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from escpos import constants as escpos_constants
from escpos.escpos import Escpos
from escpos.exceptions import DeviceNotFoundError
from escpos.exceptions import Error as EscposError
from escpos.printer import Network
from PIL import Image, UnidentifiedImageError

from forms.text import Text
from printing.errors import PrinterError, PrintOutputError, ReceiptDataError
from printing.model import ReceiptData
from printing.render import render_pdf
from printing.text_layout import Line, receipt_lines

FULL_DISK = (errno.ENOSPC, errno.EDQUOT)


class PdfFileBackend:
    """Writes the receipt's PDF to `path`, atomically: a reader never sees half a file."""

    def __init__(self, path: Path | str, paper: str = "a4") -> None:
        self.path = Path(path)
        self.paper = paper

    def print_receipt(self, data: ReceiptData) -> Path:
        return self.write(render_pdf(data, self.paper))

    def write(self, pdf: bytes) -> Path:
        """Write to a temporary file beside the target, fsync, then rename over it."""
        temp: str | None = None
        try:
            fd, temp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.")
            with os.fdopen(fd, "wb") as handle:
                handle.write(pdf)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, self.path)
            temp = None
        except OSError as exc:
            raise self._error(exc) from exc
        finally:
            if temp is not None:
                Path(temp).unlink(missing_ok=True)
        return self.path

    def _error(self, exc: OSError) -> PrintOutputError:
        if exc.errno in FULL_DISK:
            return PrintOutputError(
                Text(
                    f"磁盘已满，回执未能保存到 {self.path}。请清理空间后重新打印。",
                    f"The disk is full; the receipt was not saved to {self.path}. "
                    "Free some space and print again.",
                )
            )
        reason = exc.strerror or type(exc).__name__
        return PrintOutputError(
            Text(
                f"无法写入 {self.path}（{reason}）。请选择其他位置后重新打印。",
                f"Cannot write {self.path} ({reason}). Choose another place and print again.",
            )
        )


JOB_ID = re.compile(r"request id is (\S+)")


class CupsBackend:
    """Sends the PDF to a CUPS queue with `lp` (the default queue when `printer` is None)."""

    def __init__(
        self, printer: str | None = None, paper: str = "a4", lp: str = "lp", timeout: float = 30
    ) -> None:
        self.printer = printer
        self.paper = paper
        self.lp = lp
        self.timeout = timeout

    def print_receipt(self, data: ReceiptData) -> str:
        return self.print_pdf(render_pdf(data, self.paper), title=data.receipt_no)

    def command(self, title: str) -> list[str]:
        """The `lp` command line; the PDF goes to its standard input."""
        args = [self.lp]
        if self.printer:
            args += ["-d", self.printer]
        args += ["-t", title]
        if self.paper == "a4":
            args += ["-o", "media=A4"]
        return args

    def print_pdf(self, pdf: bytes, title: str = "receipt") -> str:
        """Queue `pdf`; returns the CUPS job id ("queue-42")."""
        try:
            done = subprocess.run(
                self.command(title), input=pdf, capture_output=True, timeout=self.timeout
            )
        except FileNotFoundError as exc:
            raise PrinterError(
                Text(
                    "找不到打印命令 lp：请安装 CUPS（cups-client）或改用其他打印方式。",
                    "The print command lp was not found: install CUPS (cups-client) "
                    "or choose another printer.",
                )
            ) from exc
        except subprocess.TimeoutExpired as exc:
            raise PrinterError(
                Text("打印服务无响应，请检查打印机。", "The print service did not answer.")
            ) from exc
        return self._job_id(done)

    def _job_id(self, done: subprocess.CompletedProcess[bytes]) -> str:
        out = done.stdout.decode(errors="replace")
        err = done.stderr.decode(errors="replace").strip()
        if done.returncode != 0:
            detail = err.splitlines()[-1] if err else f"exit {done.returncode}"
            raise PrinterError(
                Text(f"打印机拒绝了打印任务：{detail}", f"The printer refused the job: {detail}")
            )
        match = JOB_ID.search(out)
        return match.group(1) if match else ""


class _Network(Network):  # type: ignore[misc]
    """python-escpos 3.1's Network leaves its socket open when connecting fails (a leaked
    descriptor per failed print); `socket.create_connection` closes it on failure."""

    def open(self, raise_not_found: bool = True) -> None:
        if self._device:
            self.close()
        try:
            self.device = socket.create_connection((self.host, self.port), self.timeout)
        except OSError as exc:
            raise DeviceNotFoundError(f"{self.host}:{self.port}: {exc}") from exc


SIGNATURE_DOTS = (384, 120)  # at most 48 x 15 mm at 203 dpi


def _signature_image(png: bytes) -> Image.Image:
    """The signature as a 1-bit image small enough for the head (a PIL image, not bytes)."""
    try:
        image = Image.open(io.BytesIO(png))
        image.load()
    except (OSError, UnidentifiedImageError) as exc:
        raise ReceiptDataError(
            Text("签名图片无法读取", "The signature image cannot be read")
        ) from exc
    image.thumbnail(SIGNATURE_DOTS)
    return image.convert("1")


CHINESE_MODE = b"\x1c\x26"  # FS &: double-byte character mode on Chinese ESC/POS printers
QR_DOTS_PER_MODULE = 6  # 203 dpi: a version 10 code is about 43 mm wide
# The text commands, sent by hand rather than through python-escpos' `set()`: its sizes are
# `ESC !`, which Chinese printers apply to half-width characters only (a title in Chinese
# stayed small) and which also resets bold. `GS !` scales every character, double-byte ones
# included, and `FS !` does the same for the double-byte set on printers that keep it apart;
# neither touches bold (`ESC E`), so bold is set after the size and stays on.
ALIGN = {False: b"\x1ba\x00", True: b"\x1ba\x01"}  # ESC a: left, centred
SIZE = {False: b"\x1d!\x00", True: b"\x1d!\x11"}  # GS !: normal, double width and height
HANZI_SIZE = {False: b"\x1c!\x00", True: b"\x1c!\x0c"}  # FS !: the same for double-byte
BOLD = {False: b"\x1bE\x00", True: b"\x1bE\x01"}  # ESC E
INVERT = {False: b"\x1dB\x00", True: b"\x1dB\x01"}  # GS B: white on black
BIG_STYLES = ("title", "number", "stamp")


class EscPosBackend:
    """Prints the roll receipt as text on an ESC/POS printer, with its native QR command.

    Chinese is sent as GB 18030 in the printer's double-byte mode, which the Chinese thermal
    printers sold for service halls (Xprinter, Gprinter, Epson TM-T88 zh) understand.
    Build one with `usb()`, `serial()` or `network()`, or pass any python-escpos printer.
    """

    def __init__(self, printer: Escpos, encoding: str = "gb18030", cut: bool = True) -> None:
        self.printer = printer
        self.encoding = encoding
        self.cut = cut

    @classmethod
    def usb(cls, vendor_id: int, product_id: int, **kwargs: object) -> EscPosBackend:
        from escpos.printer import Usb  # the [printer] extra may be absent

        return cls(Usb(vendor_id, product_id, **kwargs))

    @classmethod
    def serial(cls, devfile: str, baudrate: int = 9600) -> EscPosBackend:
        from escpos.printer import Serial  # the [printer] extra may be absent

        return cls(Serial(devfile=devfile, baudrate=baudrate))

    @classmethod
    def network(cls, host: str, port: int = 9100, timeout: float = 10) -> EscPosBackend:
        return cls(_Network(host, port=port, timeout=timeout))

    def print_receipt(self, data: ReceiptData) -> None:
        signature = _signature_image(data.signature_png) if data.signature_png else None
        self._guard(lambda: self._print(receipt_lines(data), signature))

    def _guard(self, job: Callable[[], None]) -> None:
        try:
            job()
        except (EscposError, OSError, RuntimeError) as exc:  # RuntimeError: no pyusb/pyserial
            raise PrinterError(
                Text(
                    f"热敏打印机无法打印：{exc}。请检查电源、纸张和连接后重新打印。",
                    f"The receipt printer failed: {exc}. Check power, paper and cable, "
                    "then print again.",
                )
            ) from exc
        finally:
            self.printer.close()

    def _print(self, lines: list[Line], signature: Image.Image | None) -> None:
        self.printer.hw("INIT")
        self.printer._raw(CHINESE_MODE)
        for line in lines:
            if line.style == "signature" and signature is not None:
                self.printer._raw(ALIGN[True])
                self.printer.image(signature, center=True)
            else:
                self._line(line)
        if self.cut:
            self.printer.cut()

    def _line(self, line: Line) -> None:
        p = self.printer
        p._raw(ALIGN[line.centred])
        if line.style == "qr":
            p.qr(line.text, ec=escpos_constants.QR_ECLEVEL_M, size=QR_DOTS_PER_MODULE, native=True)
            return
        if line.style == "rule":
            p._raw(b"-" * 48 + b"\n")
            return
        p._raw(self.line_bytes(line))

    def line_bytes(self, line: Line) -> bytes:
        """One text line with its size, bold and inversion set and reset around it."""
        big = line.style in BIG_STYLES
        style = SIZE[big] + HANZI_SIZE[big] + BOLD[line.style in ("title", "stamp")]
        style += INVERT[line.style == "stamp"]
        text = line.text.encode(self.encoding, errors="replace") + b"\n"
        return style + text + SIZE[False] + HANZI_SIZE[False] + BOLD[False] + INVERT[False]
