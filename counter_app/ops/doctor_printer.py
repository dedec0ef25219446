"""The doctor's printer check: is the configured printer there, and (on request) a test page.

Presence is checked the cheapest way that tells the truth for each kind, without printing:
`lpstat -p QUEUE` for CUPS, a TCP connect for a network ESC/POS printer, the USB device list
(sysfs on Linux, pyusb elsewhere when installed) for USB, the device node for serial.
Returns (level 0/1/2, what was found, what to do) so `doctor` stays free of device details.
"""

from __future__ import annotations

import importlib.util
import platform
import socket
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from escpos.exceptions import Error as EscposError

from counter_app.config import Config, PrinterSpec
from counter_app.intake.printers import escpos_backend
from forms.text import LocalizedError, Text
from printing.backends import CHINESE_MODE, CupsBackend, EscPosBackend, PdfFileBackend
from printing.errors import PrinterError
from printing.test_page import render_test_page

Result = tuple[int, Text, Text | None]
TEST_PAGE_NAME = "printer-test-page.pdf"
SYSFS_USB = Path("/sys/bus/usb/devices")
PROBE_TIMEOUT_S = 3.0


def check_printer(config: Config, test_page: bool = False) -> Result:
    spec = config.printer
    probe = {
        "pdf": _probe_pdf,
        "cups": _probe_cups,
        "escpos-net": _probe_net,
        "escpos-usb": _probe_usb,
        "escpos-serial": _probe_serial,
    }[spec.kind]
    level, found, advice = probe(config, spec)
    if level == 2 or not test_page:
        return level, found, advice
    try:
        where = _print_test_page(config, spec)
    except LocalizedError as exc:
        return 2, exc.text, Text("检查打印机后重试。", "Check the printer and try again.")
    return (
        level,
        Text(f"{found.zh}；测试页已发送：{where}", f"{found.en}; test page: {where}"),
        advice,
    )


def _ok(zh: str, en: str) -> Result:
    return 0, Text(zh, en), None


def _probe_pdf(config: Config, spec: PrinterSpec) -> Result:
    return _ok("回执保存为 PDF（未配置打印机）", "Receipts are saved as PDF (no printer set)")


def _probe_cups(config: Config, spec: PrinterSpec) -> Result:
    command = ["lpstat", "-p", spec.name] if spec.name else ["lpstat", "-d"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=PROBE_TIMEOUT_S)
    except FileNotFoundError:
        return (
            2,
            Text("找不到 lpstat：未安装 CUPS", "lpstat not found: CUPS is not installed"),
            Text(
                "安装 cups-client，或改用其他打印方式。", "Install cups-client or change printer."
            ),
        )
    except subprocess.TimeoutExpired:
        return (
            2,
            Text("CUPS 无响应", "CUPS did not answer"),
            Text("重启 CUPS 服务。", "Restart CUPS."),
        )
    out = (done.stdout + done.stderr).strip()
    if done.returncode != 0 or not done.stdout.strip() or "no system default" in out:
        return (
            2,
            Text(f"CUPS 中没有打印机 {spec.name or '（默认）'}：{out}", f"No CUPS queue: {out}"),
            Text("用 lpstat -p 查看打印机名称并修改 printer 配置。", "Fix `printer` (lpstat -p)."),
        )
    if "disabled" in out:
        return (
            1,
            Text(f"打印机已停用：{out}", f"Queue disabled: {out}"),
            Text("运行 cupsenable 启用打印机。", "Enable it with cupsenable."),
        )
    return _ok(f"CUPS 打印机就绪：{out}", f"CUPS queue ready: {out}")


def _probe_net(config: Config, spec: PrinterSpec) -> Result:
    try:
        with socket.create_connection((spec.name, spec.port), timeout=PROBE_TIMEOUT_S):
            pass
    except OSError as exc:
        return (
            2,
            Text(
                f"无法连接网络打印机 {spec.name}:{spec.port}（{exc}）",
                f"Cannot connect to {spec.name}:{spec.port} ({exc})",
            ),
            Text("检查打印机电源、网线和 IP 地址。", "Check the printer's power, cable and IP."),
        )
    return _ok(f"网络打印机可连接：{spec}", f"Network printer answers: {spec}")


def _probe_usb(config: Config, spec: PrinterSpec) -> Result:
    found = _usb_present(spec.vendor_id, spec.product_id)
    if found is None:
        return (
            1,
            Text("无法列出 USB 设备", "Cannot list USB devices here"),
            Text("安装 pyusb 后重试。", "Install pyusb to check USB printers."),
        )
    if not found:
        return (
            2,
            Text(f"未找到 USB 打印机 {spec}", f"USB printer {spec} not found"),
            Text("检查 USB 线和打印机电源。", "Check the USB cable and the printer's power."),
        )
    return _library("usb", "pyusb", "usb") or _ok(
        f"USB 打印机已连接：{spec}", f"USB printer present: {spec}"
    )


def _usb_present(vendor: int, product: int, sysfs: Path | None = None) -> bool | None:
    """True/False from sysfs on Linux, else from pyusb; None when neither can tell."""
    sysfs = sysfs or SYSFS_USB
    if sysfs.is_dir():
        for dev in sysfs.iterdir():
            ids = [_read_hex(dev / "idVendor"), _read_hex(dev / "idProduct")]
            if ids == [vendor, product]:
                return True
        return False
    try:
        import usb.core  # the [printer] extra may be absent
    except ImportError:
        return None
    return usb.core.find(idVendor=vendor, idProduct=product) is not None


def _read_hex(path: Path) -> int | None:
    try:
        return int(path.read_text().strip(), 16)
    except (OSError, ValueError):
        return None


def _probe_serial(config: Config, spec: PrinterSpec) -> Result:
    if sys.platform == "win32":
        return (
            1,
            Text(f"无法检查串口 {spec.name}", f"Cannot check {spec.name}"),
            Text("用 --test-page 打印测试页确认。", "Use --test-page to check it."),
        )
    if not Path(spec.name).exists():
        return (
            2,
            Text(f"串口设备不存在：{spec.name}", f"No serial device {spec.name}"),
            Text("检查串口线，或修改 printer 配置中的设备名。", "Check the cable or `printer`."),
        )
    return _library("serial", "pyserial", "serial") or _ok(
        f"串口设备存在：{spec.name}", f"Serial device present: {spec.name}"
    )


def _library(module: str, package: str, extra: str) -> Result | None:
    """A FAIL when the library python-escpos needs for this connection is not installed:
    the printer is there, but no receipt would reach it."""
    if importlib.util.find_spec(module) is not None:
        return None
    return (
        2,
        Text(
            f"打印机已连接，但缺少 {package}，无法打印",
            f"The printer is there but {package} is not installed: nothing can print",
        ),
        Text(
            f"安装 python-escpos[{extra}]（或 {package}）。",
            f"Install python-escpos[{extra}] (or {package}).",
        ),
    )


# -- test page -------------------------------------------------------------------------------
def _print_test_page(config: Config, spec: PrinterSpec) -> str:
    if spec.kind == "pdf":
        path = config.data_dir / TEST_PAGE_NAME
        PdfFileBackend(path, config.paper).write(render_test_page(config.paper))
        return str(path)
    if spec.kind == "cups":
        queue = CupsBackend(spec.name or None, config.paper)
        return queue.print_pdf(render_test_page(config.paper), "printer test page")
    try:
        backend = escpos_backend(spec, timeout=PROBE_TIMEOUT_S)
        try:
            _escpos_page(backend)
        finally:
            backend.printer.close()
    except (EscposError, OSError, RuntimeError) as exc:  # RuntimeError: pyusb/pyserial missing
        raise PrinterError(
            Text(f"热敏打印机无法打印：{exc}", f"The receipt printer failed: {exc}")
        ) from exc
    return str(spec)


def _escpos_page(backend: EscPosBackend) -> None:
    """A few lines in Chinese mode and a QR: enough to see encoding, cutter and QR work."""
    p = backend.printer
    text = (
        "打印测试页 printer test page\n"
        f"{platform.node()} {datetime.now().astimezone():%Y-%m-%d %H:%M}\n"
        "中文显示正常 Chinese OK\n"
    )
    p.hw("INIT")
    p._raw(CHINESE_MODE + text.encode("gb18030"))
    p.qr("counter-app test page", native=True, size=6)
    p.cut()
