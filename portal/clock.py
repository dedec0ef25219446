"""The platform's time on every reply (`sync.clock.PLATFORM_TIME_HEADER`), so each terminal
can measure how far its clock is from the platform's without a request of its own.

A pure ASGI middleware (no BaseHTTPMiddleware: it would buffer streamed replies). The time
is taken when the reply starts, after the work, so the terminal's round-trip midpoint is as
close to it as the network allows. `Settings.clock_shift` moves the time told (drills and
tests only: rehearsing a terminal's clock warning without touching any machine's clock).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sync.clock import PLATFORM_TIME_HEADER, platform_time_value

_HEADER = PLATFORM_TIME_HEADER.lower().encode("ascii")


class PlatformTime:
    """Adds the platform's time to every HTTP reply."""

    def __init__(self, app: ASGIApp, shift: timedelta = timedelta(0)) -> None:
        self.app, self.shift = app, shift

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def stamped(message: Message) -> None:
            if message["type"] == "http.response.start":
                now = platform_time_value(datetime.now(UTC) + self.shift)
                headers = [*message.get("headers", []), (_HEADER, now.encode("ascii"))]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, stamped)
