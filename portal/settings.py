"""The platform's settings: where its state lives and its limits. App servers hold nothing
else, so any number of them can run on the same database and blob store (a shared folder or
an S3 bucket)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Literal

DEFAULT_DIR = Path("portal-data")


def default_db_url() -> str:
    """$PORTAL_DB_URL, else a SQLite file in ./portal-data."""
    return os.environ.get("PORTAL_DB_URL", f"sqlite:///{DEFAULT_DIR / 'portal.db'}")


def default_materials_dir() -> Path:
    """$PORTAL_MATERIALS_DIR, else ./portal-data/materials."""
    return Path(os.environ.get("PORTAL_MATERIALS_DIR", str(DEFAULT_DIR / "materials")))


def default_blobs() -> str:
    """$PORTAL_BLOBS (`folder:/path` or `s3://bucket/prefix`), else "": the materials
    folder. S3 endpoint and credentials come from the environment, never from argv."""
    return os.environ.get("PORTAL_BLOBS", "").strip()


def default_forwarded_allow_ips() -> str:
    """$PORTAL_FORWARDED_ALLOW_IPS, else none: no proxy is trusted."""
    return os.environ.get("PORTAL_FORWARDED_ALLOW_IPS", "").strip()


def default_lookup_scope() -> Literal["hall", "city"]:
    """$PORTAL_LOOKUP_SCOPE: "city" lets any terminal of the city find an applicant's
    materials; anything else (the default) keeps a lookup within the terminal's hall."""
    return "city" if os.environ.get("PORTAL_LOOKUP_SCOPE", "").strip() == "city" else "hall"


def _env_int(name: str, default: int, low: int, high: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw.isdigit() and low <= int(raw) <= high else default


def default_db_pool() -> int:
    """$PORTAL_DB_POOL: PostgreSQL connections each app-server process keeps (default 10,
    at least $PORTAL_THREADS; half as many again under a burst). Size PostgreSQL's
    max_connections for servers × workers × 1.5 × this."""
    return _env_int("PORTAL_DB_POOL", 10, 1, 500)


def default_threads() -> int:
    """$PORTAL_THREADS: requests each app-server process works on at once (default 4)."""
    return _env_int("PORTAL_THREADS", 4, 1, 500)


@dataclass(frozen=True)
class Settings:
    db_url: str = field(default_factory=default_db_url)
    materials_dir: Path = field(default_factory=default_materials_dir)
    #: Where material bytes live (`portal.blobs.open_blobs`); "" = `materials_dir`.
    blobs: str = field(default_factory=default_blobs)
    #: A material file larger than this is refused with 413 before any byte is stored.
    max_material_bytes: int = 64 * 1024 * 1024
    #: One upload request carries at most this many bytes (so a broken link loses little).
    max_chunk_bytes: int = 4 * 1024 * 1024
    #: Any request body over this is refused with 413 as it streams in (JSON or chunk).
    max_request_bytes: int = 16 * 1024 * 1024
    #: Unfinished uploads one terminal may have open, and the bytes they may declare.
    max_open_uploads: int = 8
    max_upload_bytes_in_flight: int = 256 * 1024 * 1024
    #: An unfinished upload untouched this long is deleted (the terminal starts again).
    partial_upload_ttl: timedelta = timedelta(days=3)
    enroll_code_ttl: timedelta = timedelta(hours=24)
    #: Changes returned by one pull; the terminal asks again while `more` is true.
    changes_page: int = 200
    #: The reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed, as
    #: uvicorn's comma-separated addresses or networks. Empty (the default): none, so a
    #: client cannot pick the address its rate limits are counted against.
    forwarded_allow_ips: str = field(default_factory=default_forwarded_allow_ips)
    #: How far ahead of the platform's clock a terminal's status event may be dated.
    event_clock_tolerance: timedelta = timedelta(hours=1)
    #: Whose materials a lookup sees: the terminal's own "hall", or the whole "city".
    lookup_scope: Literal["hall", "city"] = field(default_factory=default_lookup_scope)
    #: Lookups one terminal may make per `lookup_window` (429 + Retry-After beyond).
    lookup_limit: int = 20
    lookup_window: timedelta = timedelta(minutes=1)
    #: How long after a lookup its offered files may be downloaded, by that terminal only.
    lookup_download_ttl: timedelta = timedelta(minutes=15)
    #: Drills and tests only: the platform tells terminals a time this far from its clock
    #: (`portal.clock`), to rehearse their clock warning. Zero in production.
    clock_shift: timedelta = timedelta(0)
    #: How long a SQLite writer waits for the lock before the request gets 503 + Retry-After.
    busy_timeout_ms: int = 10_000
    #: PostgreSQL connections one process keeps open (`portal.db.make_engine`).
    db_pool: int = field(default_factory=default_db_pool)
    #: Endpoints run in a thread pool (their database calls block); this many at once per
    #: process. More only adds threads taking turns on the GIL. Measured here (2 cores, two
    #: workers, 32 lookups in flight; 200 terminals pushing): 2 threads 1,431 lookups/s and
    #: 1,343 applications/s, 4: 1,141-1,294 and 1,565, 8: 1,016 and 1,550, 40 (anyio's
    #: default) ~900 lookups/s with twice the p99.
    threads: int = field(default_factory=default_threads)


def proxy_options(settings: Settings) -> dict[str, object]:
    """uvicorn's proxy-header options for `settings` (uvicorn itself would trust
    127.0.0.1 when not told otherwise)."""
    allowed = settings.forwarded_allow_ips.strip()
    return {"proxy_headers": bool(allowed), "forwarded_allow_ips": allowed}


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment from which `Settings()` in another process (a uvicorn worker) reads
    the same database, blob store and trusted proxies as `settings`."""
    return {
        "PORTAL_DB_URL": settings.db_url,
        "PORTAL_MATERIALS_DIR": str(settings.materials_dir),
        "PORTAL_BLOBS": settings.blobs,  # the store's keys stay in boto3's own AWS_* env
        "PORTAL_FORWARDED_ALLOW_IPS": settings.forwarded_allow_ips,
    }
