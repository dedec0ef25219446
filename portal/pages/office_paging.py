"""The back office's list, page by page: filters read from the URL (each bad value gets its
own message, in zh and en) and keyset paging, newest first.

A page is named by where it starts, not by a row count: `after` is the (accepted_at, uuid)
of the last line of the page before (the next page holds what sorts after it), `before` the
first line of the page after (the previous page holds what sorts before it). A new
application arriving while someone reads page 3 therefore moves nothing on pages 2, 3, 4,
and each page is one index range scan (`ix_apps_accepted`, migration 80), however deep.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, literal, tuple_

from forms.text import Text
from portal.errors import Invalid
from portal.pages.deadlines import utc_bounds
from sync.receipt_numbers import (
    compact_receipt_no,
    display_receipt_no,
    is_mistyped_receipt_no,
    is_valid_receipt_no,
    mistyped_message,
)
from sync.statuses import Status

PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class Filters:
    """What the list is narrowed to (all empty: everything)."""

    hall: str = ""
    item: str = ""
    status: str = ""
    overdue: bool = False
    window: str = ""
    start: date | None = None
    end: date | None = None
    receipt: str = ""  # compact receipt number

    def query(self) -> dict[str, str]:
        """The filters as URL parameters (for the paging links), empty ones left out."""
        values = {
            "hall": self.hall, "item": self.item, "status": self.status,
            "overdue": "1" if self.overdue else "", "window": self.window,
            "from": self.start.isoformat() if self.start else "",
            "to": self.end.isoformat() if self.end else "",
            "receipt": display_receipt_no(self.receipt) if self.receipt else "",
        }  # fmt: skip
        return {k: v for k, v in values.items() if v}


@dataclass(frozen=True, slots=True)
class Cursor:
    """A position in the list's order: (accepted_at, uuid), newest first."""

    accepted_at: str
    uuid: str

    def encode(self) -> str:
        raw = f"{self.accepted_at}\n{self.uuid}".encode()
        return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


BAD_PAGE = Text(
    "翻页链接无效，请从第一页重新浏览。", "The page link is not valid: start again from page one."
)
BAD_DATE = Text("日期格式应为 YYYY-MM-DD。", "Dates are YYYY-MM-DD.")
BAD_RANGE = Text("起始日期不应晚于结束日期。", "The first date must not be after the last.")
BAD_RECEIPT = Text(
    "受理编号应为 11 位（如 0QF-7QXM-001-K），请对照回执输入。",
    "A receipt number has 11 characters (e.g. 0QF-7QXM-001-K): type it from the receipt.",
)


def _status(value: str) -> str:
    if value and value not in {s.value for s in Status}:
        raise Invalid(
            Text(
                "状态不在可选范围内，请从列表中选择。",
                "Unknown status: choose one from the list.",
            )
        )
    return value


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value.strip() else None
    except ValueError:
        raise Invalid(BAD_DATE) from None


def _receipt(value: str) -> str:
    if not value.strip():
        return ""
    if is_mistyped_receipt_no(value):
        raise Invalid(mistyped_message(value))
    compact = compact_receipt_no(value)
    if compact is None or not is_valid_receipt_no(compact):
        raise Invalid(BAD_RECEIPT)
    return compact


def parse_filters(params: dict[str, str]) -> Filters:
    """The filters of the URL; Invalid with a message naming what is wrong otherwise."""
    start, end = _day(params.get("from", "")), _day(params.get("to", ""))
    if start and end and start > end:
        raise Invalid(BAD_RANGE)
    return Filters(
        hall=params.get("hall", "").strip(),
        item=params.get("item", "").strip(),
        status=_status(params.get("status", "").strip()),
        overdue=params.get("overdue", "") == "1",
        window=params.get("window", "").strip(),
        start=start,
        end=end,
        receipt=_receipt(params.get("receipt", "")),
    )


def parse_cursor(value: str) -> Cursor | None:
    """The position a paging link names; Invalid (BAD_PAGE) for anything else."""
    if not value:
        return None
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode("utf-8")
        accepted_at, uuid = raw.split("\n")
        datetime.fromisoformat(accepted_at)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise Invalid(BAD_PAGE) from None
    if not uuid or len(uuid) > 64:
        raise Invalid(BAD_PAGE)
    return Cursor(accepted_at, uuid)


def narrowed(query: Select[Any], apps: Any, f: Filters) -> Select[Any]:
    """`query` with the filters SQL can apply (overdue needs the calendar: `office_data`)."""
    simple = {"hall": f.hall, "service_code": f.item, "status": f.status, "window": f.window}
    for column, value in simple.items():
        if value:
            query = query.where(apps.c[column] == value)
    if f.receipt:
        query = query.where(apps.c.receipt_no.in_([f.receipt, display_receipt_no(f.receipt)]))
    if f.start or f.end:
        lo, hi = utc_bounds(f.start or date(2000, 1, 1), f.end or date(2999, 12, 31))
        query = query.where(apps.c.accepted_at >= lo, apps.c.accepted_at < hi)
    return query


def page_query(
    query: Select[Any], apps: Any, after: Cursor | None, before: Cursor | None
) -> Select[Any]:
    """`query` ordered for one page: newest first after `after`, or (to be reversed by the
    caller) oldest first before `before`. A row comparison, so PostgreSQL reads one index
    range."""
    at, uuid = apps.c.accepted_at, apps.c.uuid
    key = tuple_(at, uuid)
    if before is not None:
        query = query.where(key > tuple_(literal(before.accepted_at), literal(before.uuid)))
        return query.order_by(at.asc(), uuid.asc())
    if after is not None:
        query = query.where(key < tuple_(literal(after.accepted_at), literal(after.uuid)))
    return query.order_by(at.desc(), uuid.desc())
