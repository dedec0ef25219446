"""一次一评 at the counter: the citizen rates each service event at the window (acceptance,
one-time notice, supplement, handing over the result) on the citizen screen.

Each rating is a row of its own (`ratings`, with the standard code of `sync.ratings`, 1 =
非常满意), its 评价次数 (the how-many-th rating of this application), the hall's region
code and channel (hall settings), and it goes up exactly once: an outbox entry in the same
transaction, keyed on the wire by the rating's own UUID. A retried call with the same UUID
is the same rating, not a second one.
"""

from __future__ import annotations

import uuid as uuidlib
from dataclasses import dataclass
from datetime import UTC
from typing import TYPE_CHECKING, Any

from counter_app.errors import ConflictError
from counter_app.store import audit, outbox
from counter_app.store.db import Store
from counter_app.store.submissions import find_row
from forms.text import Text
from sync.ratings import COUNTER_CHANNELS, Channel, Satisfaction, ServiceEvent

if TYPE_CHECKING:
    from counter_app.terminal import Terminal

BAD_CODE = Text(
    "满意度应为 1（非常满意）到 5（非常不满意）。",
    "A satisfaction level is 1 (very satisfied) to 5 (very dissatisfied).",
)
BAD_EVENT = Text("未知的服务环节。", "Unknown service event.")
SUB_SCORE_NAMES = ("overall", "efficiency", "level", "attitude")


@dataclass(frozen=True, slots=True)
class CounterRating:
    """What the citizen gave on the screen: the level (`code`) and the window sub-scores."""

    code: int
    event: str = ServiceEvent.ACCEPTANCE
    overall: int | None = None
    efficiency: int | None = None
    level: int | None = None
    attitude: int | None = None
    comment: str = ""
    uuid: str | None = None  # the caller's ID for this rating (a retry sends it again)


def _level(value: Any, required: bool) -> int | None:
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConflictError(BAD_CODE)
    try:
        return int(Satisfaction(value))
    except ValueError:
        raise ConflictError(BAD_CODE) from None


def _checked(rating: CounterRating) -> dict[str, Any]:
    """The rating's columns, each code checked; ConflictError with the reason otherwise."""
    values: dict[str, Any] = {"code": _level(rating.code, True)}
    values |= {name: _level(getattr(rating, name), False) for name in SUB_SCORE_NAMES}
    if rating.event not in set(ServiceEvent) - {ServiceEvent.SETTLEMENT}:
        raise ConflictError(BAD_EVENT)
    values["service_event"] = str(rating.event)
    values["comment"] = rating.comment.strip()[:1000]
    return values


def channel(store: Store) -> Channel:
    """The channel this terminal's citizen screen records (hall setting `rating_channel`)."""
    try:
        chosen = Channel(store.get_setting("rating_channel") or Channel.HALL_TERMINAL)
    except ValueError:
        return Channel.HALL_TERMINAL
    return chosen if chosen in COUNTER_CHANNELS else Channel.HALL_TERMINAL


BAD_REGION = Text(
    "行政区划代码应为 6、9 或 12 位数字（如 360102）。",
    "A region code (行政区划代码) is 6, 9 or 12 digits (e.g. 360102).",
)
BAD_CHANNEL = Text(
    "评价渠道应为 hall_terminal（政务大厅其他终端）或 hall_tablet（政务大厅平板电脑）。",
    "The rating channel is hall_terminal (other hall terminal) or hall_tablet (hall tablet).",
)


def hall_settings(region: str | None, channel: str | None) -> dict[str, str]:
    """The store settings for the hall's 行政区划 code and the channel its citizen screens
    record (None: leave as is), checked before anything is written."""
    settings = {}
    if region is not None:
        if len(region) not in (6, 9, 12) or not region.isdigit():
            raise ConflictError(BAD_REGION)
        settings["region"] = region
    if channel is not None:
        if channel not in {str(c) for c in COUNTER_CHANNELS}:
            raise ConflictError(BAD_CHANNEL)
        settings["rating_channel"] = channel
    return settings


def record(terminal: Terminal, receipt_no: str, rating: CounterRating) -> str:
    """Store one rating of the application `receipt_no` and queue it for the platform.
    Returns the rating's UUID; the same `rating.uuid` again changes nothing."""
    values = _checked(rating)
    when = terminal.now().astimezone(UTC)
    store = terminal.store
    with store.transaction():
        row = find_row(store, receipt_no, "uuid, receipt_no, clerk_id")
        key = (rating.uuid or str(uuidlib.uuid4())).strip().lower()
        if store.one("SELECT uuid FROM ratings WHERE uuid = ?", (key,)) is not None:
            return key
        count = 1 + int(
            store.scalar("SELECT COUNT(*) FROM ratings WHERE submission_uuid = ?", (row["uuid"],))
        )
        values |= {"uuid": key, "submission_uuid": row["uuid"], "count": count}
        values |= {"channel": str(channel(store)), "region": store.get_setting("region") or ""}
        values |= {"clerk_id": row["clerk_id"], "source": "local", "at": when.isoformat()}
        store.insert("ratings", values)
        store.execute(
            "UPDATE submissions SET rating = ? WHERE uuid = ?", (values["code"], row["uuid"])
        )
        outbox.enqueue(store, "rating", row["uuid"], _payload(values, row["receipt_no"]), when)
        audit.append(
            store, "citizen", "submission.rating", row["receipt_no"], _detail(values), at=when
        )
    return key


def _payload(values: dict[str, Any], receipt_no: str) -> dict[str, Any]:
    """The outbox payload: what `sync.outbound.rating` puts on the wire."""
    wire = {k: v for k, v in values.items() if k not in ("submission_uuid", "source", "clerk_id")}
    return (
        wire
        | {"rating_uuid": values["uuid"], "uuid": values["submission_uuid"]}
        | {"receipt_no": receipt_no}
    )


def _detail(values: dict[str, Any]) -> dict[str, Any]:
    keep = ("uuid", "code", "service_event", "channel", "count", *SUB_SCORE_NAMES)
    return {k: values[k] for k in keep}


def rating_rows(store: Store, receipt_no: str) -> list[dict[str, Any]]:
    """Every rating of one application, oldest first (for the detail page and tests)."""
    row = find_row(store, receipt_no, "uuid")
    return list(
        store.query(
            "SELECT * FROM ratings WHERE submission_uuid = ? ORDER BY at, count", (row["uuid"],)
        )
    )
