"""Clock sanity: how far the terminal's clock is from the platform's, and whether that is a
problem. One home for terminal and platform (the header's name and format, the verdict).

Receipt times, due dates and the order of status events all come from the terminal's clock,
so a clock that is wrong is a problem the clerk and IT must hear about. Two signs:

- **offset**: every reply of the platform carries its time (`X-Platform-Time`, ISO 8601 with
  microseconds; HTTP's `Date`, one-second resolution, when a proxy dropped ours). The offset
  is the platform's time minus the middle of the round trip, so a slow reply does not look
  like a wrong clock; the reading with the shortest round trip of a sync pass is kept.
- **behind the last sync**: the platform's time at the last reading is a moment known to
  have passed. A clock that reads earlier (a dead CMOS battery, a hand-set date) is wrong
  even when the platform cannot be reached to compare.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from httpx import Headers

from forms.text import Text

PLATFORM_TIME_HEADER = "X-Platform-Time"
#: How far from the platform a clock may be before the clerk and IT are warned (a setting:
#: `clock_tolerance_minutes` on the terminal).
DEFAULT_TOLERANCE = timedelta(minutes=5)
#: A clock may step back this much (an NTP correction) without being called behind.
BACKSTEP_SLACK = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class ClockReading:
    """One comparison with the platform: `offset` = platform - terminal (positive: this clock
    is behind), `rtt` the round trip it was measured over, `platform_time` when it was."""

    offset: timedelta
    rtt: timedelta
    platform_time: datetime


def platform_time_value(now: datetime) -> str:
    """The header's value for the platform's time `now` (aware)."""
    return now.astimezone(UTC).isoformat(timespec="microseconds")


def _their_time(headers: Headers) -> datetime | None:
    value = headers.get(PLATFORM_TIME_HEADER)
    try:
        if value:
            parsed = datetime.fromisoformat(value)
        else:
            parsed = parsedate_to_datetime(headers.get("date", ""))
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo is not None else None


def read_clock(headers: Headers, sent: datetime, received: datetime) -> ClockReading | None:
    """The reading a reply gives (None without a usable time): `sent` and `received` are
    this clock's aware times around the request."""
    theirs = _their_time(headers)
    if theirs is None:
        return None
    rtt = max(received - sent, timedelta(0))
    return ClockReading(theirs - (sent + rtt / 2), rtt, theirs)


def _seconds(delta: timedelta) -> str:
    return f"{abs(delta.total_seconds()):.0f}"


def clock_problem(
    offset: timedelta | None,
    last_platform_time: datetime | None,
    now: datetime,
    tolerance: timedelta = DEFAULT_TOLERANCE,
) -> Text | None:
    """What is wrong with this clock (None: nothing known to be wrong). `offset` is the last
    known reading's, `last_platform_time` the platform's time at that reading. The offset
    is told first: it is the better measure; "behind" catches a clock set back since."""
    if offset is not None and abs(offset) > tolerance:
        way = ("慢", "behind") if offset > timedelta(0) else ("快", "ahead of")
        return Text(
            f"本机时钟比平台{way[0]} {_seconds(offset)} 秒，回执时间与承诺日期可能出错，"
            "请校准系统时间（开启 NTP）。",
            f"This clock is {_seconds(offset)} s {way[1]} the platform's; receipt times and "
            "due dates may be wrong. Set the system time (turn on NTP).",
        )
    if last_platform_time is not None and now < last_platform_time - BACKSTEP_SLACK:
        behind = last_platform_time - now
        return Text(
            f"本机时钟早于上次与平台同步的时间 {_seconds(behind)} 秒，请校准系统时间（开启 NTP）。",
            f"This clock is {_seconds(behind)} s behind the last sync with the platform; "
            "set the system time (turn on NTP).",
        )
    return None


#: The terminal keeps its last reading under these setting keys (offset in seconds, round
#: trip in milliseconds, the platform's time then), so the window and `doctor` can judge the
#: clock while the platform is out of reach.
OFFSET_KEY, RTT_KEY, SEEN_KEY = "clock_offset_s", "clock_rtt_ms", "clock_platform_time"


def as_settings(reading: ClockReading) -> dict[str, str]:
    """The reading as the terminal's settings."""
    return {
        OFFSET_KEY: f"{reading.offset.total_seconds():.3f}",
        RTT_KEY: f"{reading.rtt.total_seconds() * 1000:.1f}",
        SEEN_KEY: platform_time_value(reading.platform_time),
    }


def from_settings(settings: Mapping[str, str | None]) -> ClockReading | None:
    """The last reading kept in the terminal's settings; None when there is none (or it
    cannot be read: then nothing is claimed about the clock)."""
    try:
        return ClockReading(
            timedelta(seconds=float(settings.get(OFFSET_KEY) or "")),
            timedelta(milliseconds=float(settings.get(RTT_KEY) or "0")),
            datetime.fromisoformat(settings.get(SEEN_KEY) or ""),
        )
    except ValueError:
        return None


def kept_problem(
    get: Callable[[str], str | None], now: datetime, tolerance: timedelta = DEFAULT_TOLERANCE
) -> Text | None:
    """`clock_problem` for the reading kept in the terminal's settings (`get(key)`)."""
    reading = from_settings({key: get(key) for key in (OFFSET_KEY, RTT_KEY, SEEN_KEY)})
    if reading is None:
        return None
    return clock_problem(reading.offset, reading.platform_time, now, tolerance)
