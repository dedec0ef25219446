"""The configured printer (`printer` in the configuration) as a receipt back-end.

One place turns a `PrinterSpec` into the `printing.backends` object that prints on it, so
the window's Print key, `counter-app receipt --print` and the doctor's test page reach the
same printer the same way. `pdf` means no printer is configured: the caller then saves a
file or asks the clerk (the window's print dialog).
"""

from __future__ import annotations

from counter_app.config import PrinterSpec
from counter_app.intake import receipts
from counter_app.terminal import Terminal
from forms.text import Text
from printing.backends import CupsBackend, EscPosBackend
from printing.errors import PrinterError

ESCPOS_TIMEOUT_S = 10.0  # a network printer that does not answer in 10 s is not there


def escpos_backend(spec: PrinterSpec, timeout: float = ESCPOS_TIMEOUT_S) -> EscPosBackend:
    """The ESC/POS printer `spec` names (USB, network or serial)."""
    if spec.kind == "escpos-net":
        return EscPosBackend.network(spec.name, spec.port, timeout=timeout)
    try:
        if spec.kind == "escpos-usb":
            return EscPosBackend.usb(spec.vendor_id, spec.product_id)
        return EscPosBackend.serial(spec.name)
    except RuntimeError as exc:  # python-escpos says so when pyusb / pyserial is missing
        raise PrinterError(
            Text(f"无法使用打印机 {spec}：{exc}", f"Cannot use the printer {spec}: {exc}")
        ) from exc


def configured_printer(spec: PrinterSpec, paper: str) -> CupsBackend | EscPosBackend | None:
    """The back-end for `spec`, or None when receipts are only saved as PDF (`pdf`).
    An ESC/POS printer prints the roll layout whatever `paper` says: it holds a roll."""
    if spec.kind == "pdf":
        return None
    if spec.kind == "cups":
        return CupsBackend(spec.name or None, paper)
    return escpos_backend(spec)


NO_PRINTER = Text(
    "未配置打印机（printer = pdf）：请用 --out 保存为 PDF，或在配置中设置 printer。",
    "No printer is configured (printer = pdf): save a PDF with --out, or set `printer`.",
)


def print_on_configured(
    terminal: Terminal,
    receipt_no: str,
    spec: PrinterSpec,
    paper: str,
    actor: str = "",
    duplicate: bool | None = None,
    configured: str = "",
) -> bool:
    """Print the receipt or notice on the configured printer; returns whether it was a
    duplicate. PrinterError (with NO_PRINTER) when none is configured."""
    backend = configured_printer(spec, paper)
    if backend is None:
        raise PrinterError(NO_PRINTER)
    return receipts.deliver(terminal, receipt_no, backend, actor, duplicate, configured)
