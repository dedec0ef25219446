"""The hall's time zone: one home for terminal and platform.

Times are stored in UTC; people read them in the hall's zone, whatever zone the machine is
set to (a terminal imaged in UTC, a server in a data centre). The terminal keeps its zone in
its `timezone` setting, the platform takes `PORTAL_TIMEZONE`; both default to China's.
"""

from __future__ import annotations

import os
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TZ = "Asia/Shanghai"
PORTAL_ENV = "PORTAL_TIMEZONE"


def hall_zone(name: str | None = None) -> ZoneInfo:
    """The zone called `name` (default: the hall default); an unknown name falls back to
    the default rather than to the machine's zone, which is the mistake this avoids."""
    try:
        return ZoneInfo(name or DEFAULT_TZ)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TZ)


def portal_zone() -> ZoneInfo:
    """The platform's hall zone ($PORTAL_TIMEZONE, else the default)."""
    return hall_zone(os.environ.get(PORTAL_ENV))


def hall_clock(at: datetime, zone: ZoneInfo, seconds: bool = False) -> str:
    """`at` (aware) as the hall reads it: "2026-03-03 01:05" (with seconds when asked)."""
    return at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
