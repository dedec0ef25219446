"""The platform's settings: where its state lives and its limits. App servers hold nothing
else, so any number of them can run on the same database and materials folder."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

DEFAULT_DIR = Path("portal-data")


def default_db_url() -> str:
    """$PORTAL_DB_URL, else a SQLite file in ./portal-data."""
    return os.environ.get("PORTAL_DB_URL", f"sqlite:///{DEFAULT_DIR / 'portal.db'}")


def default_materials_dir() -> Path:
    """$PORTAL_MATERIALS_DIR, else ./portal-data/materials."""
    return Path(os.environ.get("PORTAL_MATERIALS_DIR", str(DEFAULT_DIR / "materials")))


@dataclass(frozen=True)
class Settings:
    db_url: str = field(default_factory=default_db_url)
    materials_dir: Path = field(default_factory=default_materials_dir)
    #: A material file larger than this is refused with 413 before any byte is stored.
    max_material_bytes: int = 64 * 1024 * 1024
    #: One upload request carries at most this many bytes (so a broken link loses little).
    max_chunk_bytes: int = 4 * 1024 * 1024
    #: Any request body over this is refused with 413 as it streams in (JSON or chunk).
    max_request_bytes: int = 16 * 1024 * 1024
    enroll_code_ttl: timedelta = timedelta(hours=24)
    #: Changes returned by one pull; the terminal asks again while `more` is true.
    changes_page: int = 200
    #: How long a SQLite writer waits for the lock before the request gets 503 + Retry-After.
    busy_timeout_ms: int = 10_000
