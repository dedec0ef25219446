"""`doctor`'s clock check: how far this clock is from the platform's, measured now over the
round trip of /health when the platform answers, else the last reading a sync kept; and
whether this clock reads earlier than the platform's time at that reading (wrong even
offline). The verdict's words are `sync.clock`'s, the same the window shows the clerk."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from forms.text import Text
from sync.clock import ClockReading, clock_problem, from_settings, platform_time_value

if TYPE_CHECKING:
    from counter_app.ops.doctor import Context, Finding

#: Beyond this (but within the tolerance) doctor warns: NTP keeps a clock far closer.
CLOCK_WARN = timedelta(seconds=60)
ADVICE = Text(
    "开启系统自动对时（NTP）。回执时间与承诺日期依赖准确时钟。",
    "Turn on automatic time (NTP); receipt times and due dates depend on it.",
)


def _found(reading: ClockReading, fresh: bool) -> Text:
    seconds = abs(reading.offset.total_seconds())
    ahead = reading.offset.total_seconds() < 0
    ms = reading.rtt.total_seconds() * 1000
    when_zh = (
        f"刚测得，往返 {ms:.0f} 毫秒" if fresh else f"上次测得于 {reading.platform_time:%F %T} UTC"
    )
    when_en = f"measured now, round trip {ms:.0f} ms" if fresh else (
        f"last known, measured {platform_time_value(reading.platform_time)[:19]} UTC"
    )  # fmt: skip
    return Text(
        f"本机时钟比平台{'快' if ahead else '慢'} {seconds:.0f} 秒（{when_zh}）",
        f"This clock is {seconds:.0f} s {'ahead of' if ahead else 'behind'} the platform "
        f"({when_en})",
    )


def check_clock(ctx: Context, fresh: ClockReading | None) -> Finding:
    """The clock's finding: FAIL past the tolerance or behind the last sync, WARN past a
    minute or when it was never compared."""
    from counter_app.ops.doctor import Finding, Level

    kept = from_settings(ctx.settings)
    reading = fresh or kept
    if reading is None:
        return Finding(
            "clock",
            Level.WARN,
            Text("尚未与平台核对过时钟", "This clock was never compared with the platform"),
            Text("平台可达后再运行 doctor。", "Run doctor again once the platform answers."),
        )
    tolerance = timedelta(minutes=ctx.config.clock_tolerance_minutes)
    found = _found(reading, fresh is not None)
    if abs(reading.offset) > tolerance:
        minutes = ctx.config.clock_tolerance_minutes
        more = Text(f"{found.zh}，超过允许的 {minutes} 分钟", f"{found.en}, over {minutes} min")
        return Finding("clock", Level.FAIL, more, ADVICE)
    if fresh is None:  # offline: a clock earlier than a time already seen is wrong for sure
        behind = clock_problem(None, reading.platform_time, ctx.now(), tolerance)
        if behind is not None:
            return Finding("clock", Level.FAIL, behind, ADVICE)
    if abs(reading.offset) > CLOCK_WARN:
        return Finding("clock", Level.WARN, found, ADVICE)
    return Finding("clock", Level.OK, found)
