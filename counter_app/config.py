"""The terminal's configuration: one TOML file, overridden by environment variables, overridden
by command-line flags; every value knows where it came from.

Why layers: IT staff roll out hundreds of terminals from one file template, fix one terminal
with an environment variable in its autostart entry, and try a value once with a flag. A key
in the file that nobody knows is an error (a typo would otherwise be silently ignored), and a
bad value is an error naming the key and the layer it came from.

    file      {platformdirs user_config_dir}/config.toml, or $COUNTER_CONFIG, or --config
    env       COUNTER_<KEY> (upper case), e.g. COUNTER_BACKUP_KEEP=30
    flag      `--set key=value` on the IT commands (and --data-dir / --lang of counter-app)

Every key is declared once in `KEYS` with its parser, default and help; docs/it-guide.md
documents each (a test checks it).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import platformdirs

from counter_app.errors import CounterError
from forms.text import Text

APP_NAME = "counter-terminal"
FILE_NAME = "config.toml"
ENV_PREFIX = "COUNTER_"


class ConfigError(CounterError):
    """A configuration file or value is wrong; the message names the key and where it was."""


# -- value types ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PrinterSpec:
    """Where receipts go: `pdf`, `cups[:QUEUE]`, `escpos-usb:VID:PID` (hex),
    `escpos-net:HOST[:PORT]` or `escpos-serial:DEVICE`."""

    kind: str  # pdf | cups | escpos-usb | escpos-net | escpos-serial
    name: str = ""  # CUPS queue, network host or serial device
    vendor_id: int = 0
    product_id: int = 0
    port: int = 9100

    def __str__(self) -> str:
        if self.kind == "escpos-usb":
            return f"escpos-usb:{self.vendor_id:04x}:{self.product_id:04x}"
        if self.kind == "escpos-net":
            return f"escpos-net:{self.name}:{self.port}"
        return f"{self.kind}:{self.name}" if self.name else self.kind


_PRINTER_USB = re.compile(r"escpos-usb:(?:0x)?([0-9a-fA-F]{1,4}):(?:0x)?([0-9a-fA-F]{1,4})")
_PRINTER_NET = re.compile(r"escpos-net:([A-Za-z0-9.\-]+|\[[0-9a-fA-F:]+\])(?::(\d{1,5}))?")


def parse_printer(value: str) -> PrinterSpec:
    """A `printer` value as a PrinterSpec; ValueError says what is accepted."""
    if value == "pdf":
        return PrinterSpec("pdf")
    if value == "cups" or value.startswith("cups:"):
        return PrinterSpec("cups", value.partition(":")[2])
    if m := _PRINTER_USB.fullmatch(value):
        return PrinterSpec("escpos-usb", vendor_id=int(m[1], 16), product_id=int(m[2], 16))
    if (m := _PRINTER_NET.fullmatch(value)) and 0 < int(m[2] or 9100) < 65536:
        return PrinterSpec("escpos-net", m[1].strip("[]"), port=int(m[2] or 9100))
    if value.startswith("escpos-serial:") and len(value) > len("escpos-serial:"):
        return PrinterSpec("escpos-serial", value.partition(":")[2])
    raise ValueError(
        "pdf | cups[:QUEUE] | escpos-usb:VID:PID | escpos-net:HOST[:PORT] | escpos-serial:DEVICE"
    )


def _choice(*allowed: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if str(value) not in allowed:
            raise ValueError(" | ".join(allowed))
        return str(value)

    return parse


def _int_range(low: int, high: int) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValueError(f"a whole number from {low} to {high}")
        try:
            number = int(value)
        except ValueError:
            raise ValueError(f"a whole number from {low} to {high}") from None
        if not low <= number <= high:
            raise ValueError(f"a whole number from {low} to {high}")
        return number

    return parse


def _path(value: Any) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("a folder path")
    return Path(value).expanduser()


def _optional_path(value: Any) -> Path | None:
    """A folder, or empty for none."""
    if isinstance(value, str) and not value.strip():
        return None
    return _path(value)


def _screen(value: Any) -> str:
    """`off`, `auto` (a second screen when there is one) or a screen number from 0."""
    text = str(value).strip().lower()
    if text in ("off", "auto") or (text.isdigit() and int(text) < 16):
        return text if not text.isdigit() else str(int(text))
    raise ValueError("off | auto | a screen number (0, 1, ...)")


def _url(value: Any) -> str:
    text = str(value).strip().rstrip("/")
    if text == "":
        return ""
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("an http:// or https:// address, or empty")
    return text


# -- the keys ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Key:
    """One setting: its parser (from TOML values or strings), default and one-line help."""

    name: str
    parse: Callable[[Any], Any]
    default: Callable[[Mapping[str, Any]], Any]
    help: str

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.name.upper()


def _const(value: Any) -> Callable[[Mapping[str, Any]], Any]:
    return lambda _values: value


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


KEYS: tuple[Key, ...] = (
    Key("data_dir", _path, lambda _v: default_data_dir(), "the terminal's data folder"),
    Key("lang", _choice("zh_CN", "en"), _const("zh_CN"), "language of the UI and messages"),
    Key("portal_url", _url, _const(""), "the platform to enroll with (empty: none yet)"),
    Key("printer", parse_printer, _const(PrinterSpec("pdf")), "where receipts are printed"),
    Key("paper", _choice("a4", "80mm"), _const("a4"), "receipt paper: A4 or 80 mm roll"),
    Key("idle_logout_minutes", _int_range(1, 240), _const(10), "sign the clerk out when idle"),
    Key("sync_interval_seconds", _int_range(5, 3600), _const(30), "pause between sync passes"),
    Key("clock_tolerance_minutes", _int_range(1, 1440), _const(5), "warn when the clock is off"),
    Key("backup_dir", _path, lambda v: Path(v["data_dir"]) / "backups", "automatic backups"),
    Key("backup_keep", _int_range(1, 1000), _const(14), "automatic backups kept"),
    Key("backup_interval_hours", _int_range(1, 720), _const(24), "hours between backups"),
    Key("restore_max_files", _int_range(1, 10_000_000), _const(500_000), "restore refuses more"),
    Key("restore_max_mb", _int_range(1, 10_000_000), _const(50_000), "restore refuses bigger"),
    Key("retention_days", _int_range(0, 36500), _const(180), "purge settled materials after"),
    Key(
        "log_level",
        _choice("DEBUG", "INFO", "WARNING", "ERROR"),
        _const("INFO"),
        "lowest level written to the log",
    ),
    Key(
        "log_dir",
        _path,
        lambda _v: Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
        "folder of the rotating log files",
    ),
    Key("catalog_max_age_days", _int_range(1, 3650), _const(30), "doctor warns past this"),
    Key("scan_dir", _optional_path, _const(None), "where the file dialog opens (the scanner's)"),
    Key("citizen_screen", _screen, _const("auto"), "the citizen's screen: off, auto or N"),
)
KEY_NAMES = tuple(k.name for k in KEYS)


@dataclass(frozen=True)
class Config:
    """The effective configuration. `sources[key]` is "default", "file", "env COUNTER_X"
    or "flag"; `file` is the TOML file consulted (it may not exist)."""

    data_dir: Path
    lang: str
    portal_url: str
    printer: PrinterSpec
    paper: str
    idle_logout_minutes: int
    sync_interval_seconds: int
    clock_tolerance_minutes: int
    backup_dir: Path
    backup_keep: int
    backup_interval_hours: int
    restore_max_files: int
    restore_max_mb: int
    retention_days: int
    log_level: str
    log_dir: Path
    catalog_max_age_days: int
    scan_dir: Path | None
    citizen_screen: str
    file: Path = Path()
    sources: Mapping[str, str] = field(default_factory=dict)

    def value(self, key: str) -> Any:
        return getattr(self, key)


assert [f.name for f in fields(Config)][: len(KEYS)] == list(KEY_NAMES)


# -- loading -------------------------------------------------------------------------------
def default_config_file(env: Mapping[str, str] | None = None) -> Path:
    """$COUNTER_CONFIG, else config.toml in the platform's user configuration folder."""
    env = os.environ if env is None else env
    if env.get("COUNTER_CONFIG"):
        return Path(env["COUNTER_CONFIG"]).expanduser()
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / FILE_NAME


def load_config(
    flags: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    file: Path | None = None,
) -> Config:
    """The effective configuration: defaults < file < environment < flags.
    Raises ConfigError naming the key (and its source) for any bad value or unknown key."""
    env = os.environ if env is None else env
    file = file or default_config_file(env)
    layers = [
        ("file", read_file(file)),
        ("env", {k.name: env[k.env] for k in KEYS if env.get(k.env)}),
        ("flag", {k: v for k, v in (flags or {}).items() if v is not None}),
    ]
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for key in KEYS:
        for layer, given in layers:
            if key.name in given:
                values[key.name] = _parse(key, given[key.name], layer)
                sources[key.name] = f"env {key.env}" if layer == "env" else layer
        if key.name not in values:
            values[key.name] = key.default(values)
            sources[key.name] = "default"
    return Config(**values, file=file, sources=sources)


def _parse(key: Key, raw: Any, layer: str) -> Any:
    try:
        return key.parse(raw)
    except ValueError as exc:
        where = {"file": "配置文件", "env": f"环境变量 {key.env}", "flag": "命令行"}[layer]
        where_en = {"file": "config file", "env": f"variable {key.env}", "flag": "command line"}
        raise ConfigError(
            Text(
                f"配置项 {key.name} 的值 {raw!r} 无效（来自{where}），应为：{exc}",
                f"Bad value {raw!r} for {key.name} (from the {where_en[layer]}); expected {exc}",
            )
        ) from exc


def read_file(path: Path) -> dict[str, Any]:
    """The TOML file's keys ({} when it does not exist); unknown keys are an error."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(
            Text(f"无法读取配置文件 {path}：{exc.strerror}", f"Cannot read {path}: {exc.strerror}")
        ) from exc
    import tomllib  # start-up: only when there is a file (the window's start has none: ~3 ms)

    try:
        data = tomllib.loads(raw.decode())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(
            Text(f"配置文件 {path} 格式错误：{exc}", f"{path} is not valid TOML: {exc}")
        ) from exc
    unknown = sorted(set(data) - set(KEY_NAMES))
    if unknown:
        raise ConfigError(
            Text(
                f"配置文件 {path} 中有未知的配置项：{', '.join(unknown)}",
                f"Unknown key in {path}: {', '.join(unknown)}",
            )
        )
    return data


def parse_assignments(items: list[str]) -> dict[str, str]:
    """`--set key=value` flags as a dict; ConfigError for a malformed one or unknown key."""
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or name not in KEY_NAMES:
            raise ConfigError(
                Text(
                    f"--set 应写作 配置项=值，配置项为：{', '.join(KEY_NAMES)}（{item}）",
                    f"--set takes KEY=VALUE with KEY one of {', '.join(KEY_NAMES)} ({item})",
                )
            )
        out[name] = value
    return out


def show(config: Config) -> list[tuple[str, str, str]]:
    """(key, value, source) for every key, in declaration order: `config show`."""
    return [(k, _display(config.value(k)), config.sources.get(k, "default")) for k in KEY_NAMES]


def _display(value: Any) -> str:
    return str(value) if value != "" else '""'
