"""The terminal's log: rotating JSON-lines files in the platform's log folder, with no
personal data in them.

Why JSON lines: IT staff grep them, ship them to a central collector, or read the last few
with `counter-app logs`; one object per line survives rotation and partial copies.
Why a redacting filter on the handler (not discipline at each call site): a resident ID,
company credit code or phone number can arrive in any message, an exception text or a
third-party library's record; the filter rewrites every record before it is written.
Answers are never logged: any `extra` field that could hold them is dropped.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from counter_app.errors import CounterError
from forms.text import Text

FILE_NAME = "counter-app.log"
MAX_BYTES = 2 * 1024 * 1024
BACKUPS = 5
MARK = "counter-app-json"  # names our handler, so setup twice replaces instead of doubling

#: Resident ID (GB 11643, 18 chars), USCC (GB 32100, 18 chars), mainland mobile numbers.
#: Boundaries are "not a letter or digit", so IDs inside URLs and sentences are caught too.
_B, _E = r"(?<![0-9A-Za-z])", r"(?![0-9A-Za-z])"
_USCC = "0-9A-HJ-NPQRTUWXY"
_PATTERNS = (
    (re.compile(_B + r"\d{17}[\dXx]" + _E), "[id]"),
    (re.compile(_B + f"[{_USCC}]{{2}}\\d{{6}}[{_USCC}]{{10}}" + _E), "[uscc]"),
    (re.compile(_B + r"(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}" + _E), "[phone]"),
)
#: `extra` fields that may carry what an applicant told us: dropped, never written.
PRIVATE_FIELDS = frozenset({"answers", "applicant", "id_no", "phone", "name", "data"})
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


class LogError(CounterError):
    """The log folder cannot be created or read."""


def redact(text: str) -> str:
    """`text` with every resident ID, USCC and phone number replaced by a placeholder."""
    for pattern, placeholder in _PATTERNS:
        text = pattern.sub(placeholder, text)
    return text


class RedactingFilter(logging.Filter):
    """Formats the message once, redacts it and any exception text, drops private extras."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        for name in PRIVATE_FIELDS & set(record.__dict__) - _STANDARD:
            delattr(record, name)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: at (UTC ISO), level, logger, msg, extras, exc."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, int | float | bool) else redact(str(value))
        if record.exc_text:
            entry["exc"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


def setup_logging(log_dir: Path, level: str = "INFO") -> Path:
    """Send the root logger's records at `level` and above to the rotating file in `log_dir`
    (replacing a handler an earlier call installed). Returns the log file's path."""
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            log_dir / FILE_NAME, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
        )
    except OSError as exc:
        raise LogError(
            Text(
                f"无法写入日志文件夹 {log_dir}：{exc.strerror}",
                f"Cannot write to the log folder {log_dir}: {exc.strerror}",
            )
        ) from exc
    handler.set_name(MARK)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        if old.get_name() == MARK:
            root.removeHandler(old)
            old.close()
        elif old.level == logging.NOTSET:
            # e.g. the stderr handler python-escpos installs with basicConfig() at import:
            # it keeps showing what it showed before (WARNING and up), not our INFO lines.
            old.setLevel(max(root.level, logging.WARNING))
    root.addHandler(handler)
    root.setLevel(level)
    return log_dir / FILE_NAME


def recent(log_dir: Path, n: int = 50) -> list[dict[str, Any]]:
    """The last `n` entries, oldest first, across the rotated files. A line that is not JSON
    (a foreign or cut line) comes back as {"msg": line} rather than being hidden."""
    entries: list[dict[str, Any]] = []
    for path in _files_newest_first(log_dir):
        lines = _read_lines(path)
        entries[:0] = [_entry(line) for line in lines if line.strip()]
        if len(entries) >= n:
            break
    return entries[-n:] if n > 0 else []


def _files_newest_first(log_dir: Path) -> Iterator[Path]:
    base = log_dir / FILE_NAME
    for i in range(BACKUPS + 1):
        path = base if i == 0 else base.with_name(f"{FILE_NAME}.{i}")
        if path.is_file():
            yield path


def _read_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise LogError(
            Text(f"无法读取日志 {path}：{exc.strerror}", f"Cannot read {path}: {exc.strerror}")
        ) from exc


def _entry(line: str) -> dict[str, Any]:
    try:
        value = json.loads(line)
    except ValueError:
        return {"msg": line}
    return value if isinstance(value, dict) else {"msg": line}


def format_entry(entry: dict[str, Any]) -> str:
    """One entry as a line for people: time, level, logger, message, then the extras."""
    head = " ".join(str(entry.get(k, "")) for k in ("at", "level", "logger", "msg")).strip()
    extras = {k: v for k, v in entry.items() if k not in ("at", "level", "logger", "msg")}
    return head + ("  " + json.dumps(extras, ensure_ascii=False) if extras else "")
