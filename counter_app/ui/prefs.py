"""The window's own preferences, kept beside the terminal's data (no Qt here).

Language, large text, paper and the idle-logout time belong to the counter, not to one
clerk, so they live in `data_dir/ui.json`; their defaults come from the IT configuration
(`counter_app.config`: lang, paper, idle_logout_minutes), and what an admin sets in the window
wins. A damaged file falls back to those defaults rather than stopping the window opening.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

FILE_NAME = "ui.json"


@dataclass
class Prefs:
    """Window preferences; `save()` writes them atomically."""

    data_dir: Path
    lang: str = "zh_CN"
    large_text: bool = False
    idle_minutes: int = 10
    paper: str = "a4"

    @classmethod
    def load(cls, data_dir: Path, defaults: dict[str, Any] | None = None) -> Prefs:
        """The saved preferences over `defaults` (the IT configuration's values)."""
        path = Path(data_dir) / FILE_NAME
        known = {f.name for f in fields(cls)} - {"data_dir"}
        values = {k: v for k, v in (defaults or {}).items() if k in known}
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raw = {}
        except (OSError, ValueError):
            log.warning("ignoring unreadable %s", path)
            raw = {}
        if isinstance(raw, dict):
            values.update({k: v for k, v in raw.items() if k in known})
        return cls(Path(data_dir), **values)

    def save(self) -> None:
        values = {k: v for k, v in asdict(self).items() if k != "data_dir"}
        atomic_write(self.data_dir / FILE_NAME, json.dumps(values, indent=1).encode())


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` so a crash leaves either the old file or the new one, whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
