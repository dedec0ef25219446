"""Open data: `/open/stats?hall=&item=&period=day|month&from=&to=&format=csv|json|xml|xlsx`.

Per hall, service item and day (or month) of acceptance, the Guiyang metrics: received,
settled, settled on time (by the promised date), overdue, average working days from
acceptance to settlement, satisfaction (mean rating) and the number of ratings. Columns are
`sync.opendata_columns.COLUMNS`, the same list the terminal's export writes, and CSV and
XLSX are written by the same `sync.opendata_files` (no text cell can become a spreadsheet
formula). Counting is by
cohort, like the terminal's statistics: "of what was accepted that day, how much...".
Voided applications count nowhere. Only counts leave this module: no row is ever built from
the applicant or the answers.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from statistics import mean
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy import select

from forms.text import Text
from portal.db import Database
from portal.errors import Invalid
from portal.pages.deadlines import (
    HALL_TZ,
    is_overdue,
    item_limits,
    local_day,
    promised_date,
    today,
    working_days_taken,
)
from portal.pages.office_data import settled_times
from portal.pages.tracking import item_name
from sync.opendata_columns import COLUMNS
from sync.opendata_files import to_csv, to_xlsx
from sync.statuses import SETTLED, Status

router = APIRouter(include_in_schema=False)
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xml": "application/xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_DAYS = 3 * 366
#: Dates a query may name (far outside, the UTC conversion of a hall day overflows).
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2999, 12, 31)
Row = dict[str, Any]


@dataclass(frozen=True)
class StatsQuery:
    start: date
    end: date
    period: str = "day"
    hall: str = ""
    item: str = ""
    lang: str = "zh_CN"


@dataclass
class _Cell:
    received: int = 0
    settled: int = 0
    on_time: int = 0
    overdue: int = 0
    days: list[int] = field(default_factory=list)
    ratings: list[int] = field(default_factory=list)


def _bounds(q: StatsQuery) -> tuple[str, str]:
    """The UTC ISO range of hall-local days start..end, for the indexed text comparison."""
    lo = datetime.combine(q.start, time(0), HALL_TZ).astimezone(UTC)
    hi = datetime.combine(q.end + timedelta(days=1), time(0), HALL_TZ).astimezone(UTC)
    return lo.isoformat(timespec="microseconds"), hi.isoformat(timespec="microseconds")


def _rows(db: Database, q: StatsQuery) -> tuple[list[Any], dict[str, int], dict[str, Text]]:
    apps = db.t("applications")
    done = settled_times(db)
    lo, hi = _bounds(q)
    cols = [apps.c[n] for n in ("hall", "service_code", "accepted_at", "due_date", "status")]
    query = (
        select(*cols, apps.c.rating, done.c.settled_at)
        .outerjoin(done, done.c.uuid == apps.c.uuid)
        .where(apps.c.accepted_at >= lo, apps.c.accepted_at < hi, apps.c.status != Status.VOIDED)
    )
    if q.hall:
        query = query.where(apps.c.hall == q.hall)
    if q.item:
        query = query.where(apps.c.service_code == q.item)
    with db.begin() as conn:
        rows = list(conn.execute(query).all())
        codes = {str(r.service_code) for r in rows}
        names = {code: item_name(conn, db, code) for code in codes}
        return rows, item_limits(conn, db), names


def _count(cell: _Cell, row: Any, limit: int | None, now: date) -> None:
    promised = promised_date(row.accepted_at, row.due_date, limit)
    settled_on = local_day(row.settled_at) if row.settled_at else None
    cell.received += 1
    if row.status in SETTLED and settled_on is not None:
        cell.settled += 1
        cell.on_time += promised is None or settled_on <= promised
        cell.days.append(working_days_taken(row.accepted_at, settled_on))
    cell.overdue += is_overdue(row.status, promised, settled_on, now)
    if row.rating is not None:
        cell.ratings.append(int(row.rating))


def stats(db: Database, q: StatsQuery, now: date | None = None) -> list[Row]:
    """One row per period, hall and item with any applications, in that order."""
    now = now or today()
    rows, limits, names = _rows(db, q)
    cells: dict[tuple[str, str, str], _Cell] = defaultdict(_Cell)
    for row in rows:
        day = local_day(row.accepted_at)
        key = (day.isoformat()[: 7 if q.period == "month" else 10], row.hall, row.service_code)
        _count(cells[key], row, limits.get(row.service_code), now)
    return [_out(key, cell, names[key[2]].get(q.lang)) for key, cell in sorted(cells.items())]


def _out(key: tuple[str, str, str], c: _Cell, name: str) -> Row:
    values = {
        "date": key[0],
        "hall": key[1],
        "item_code": key[2],
        "item_name": name,
        "received": c.received,
        "settled": c.settled,
        "settled_on_time": c.on_time,
        "overdue": c.overdue,
        "avg_working_days": round(mean(c.days), 1) if c.days else None,
        "satisfaction": round(mean(c.ratings), 2) if c.ratings else None,
        "ratings": len(c.ratings),
    }
    return {col: values[col] for col in COLUMNS}


# --- formats ----------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    return "" if value is None else str(value)


def to_json(rows: list[Row], q: StatsQuery) -> bytes:
    doc: dict[str, Any] = {"period": q.period, "from": q.start.isoformat()}
    doc |= {"to": q.end.isoformat(), "columns": list(COLUMNS), "rows": rows}
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


def to_xml(rows: Iterable[Row], q: StatsQuery) -> bytes:
    attrs = {"period": q.period, "from": q.start.isoformat(), "to": q.end.isoformat()}
    root = ET.Element("stats", attrs)
    for r in rows:
        el = ET.SubElement(root, "row")
        for key, value in r.items():
            ET.SubElement(el, key).text = _cell_text(value)
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body


def render(rows: list[Row], q: StatsQuery, fmt: str) -> bytes:
    if fmt == "csv":
        return to_csv(rows)
    if fmt == "xml":
        return to_xml(rows, q)
    if fmt == "xlsx":
        return to_xlsx(rows)
    return to_json(rows, q)


# --- the route ----------------------------------------------------------------------------


def _bad(zh: str, en: str) -> Invalid:
    return Invalid(Text(zh, en))


def parse_query(
    start: str, end: str, period: str, hall: str, item: str, lang: str, now: date
) -> StatsQuery:
    """The query from the URL's parameters; Invalid (400) with a clear message otherwise."""
    if period not in ("day", "month"):
        raise _bad("period 应为 day 或 month。", "period must be day or month.")
    try:
        last = date.fromisoformat(end) if end else now
        first = date.fromisoformat(start) if start else last - timedelta(days=29)
    except ValueError:
        raise _bad("日期格式应为 YYYY-MM-DD。", "Dates are YYYY-MM-DD.") from None
    if not FIRST_DAY <= first <= LAST_DAY or not FIRST_DAY <= last <= LAST_DAY:
        raise _bad(
            f"日期应在 {FIRST_DAY} 与 {LAST_DAY} 之间。",
            f"Dates must lie between {FIRST_DAY} and {LAST_DAY}.",
        )
    if first > last or (last - first).days > MAX_DAYS:
        raise _bad(
            f"from 应不晚于 to，且跨度不超过 {MAX_DAYS} 天。",
            f"from must not be after to, and the span at most {MAX_DAYS} days.",
        )
    return StatsQuery(first, last, period, hall.strip(), item.strip(), lang)


Param = Annotated[str, Query(max_length=200)]


@router.get("/open/stats")
def open_stats(
    request: Request,
    hall: Param = "",
    item: Param = "",
    period: Param = "day",
    from_: Annotated[str, Query(alias="from", max_length=10)] = "",
    to: Annotated[str, Query(max_length=10)] = "",
    format: Param = "json",
    lang: Param = "zh_CN",
) -> Response:
    if format not in FORMATS:
        raise _bad("format 应为 csv、json、xml 或 xlsx。", "format must be csv, json, xml or xlsx.")
    lang = "en" if lang.startswith("en") else "zh_CN"
    q = parse_query(from_, to, period, hall, item, lang, today())
    db: Database = request.app.state.db
    body = render(stats(db, q), q, format)
    name = f"stats-{q.period}-{q.start.isoformat()}-{q.end.isoformat()}.{format}"
    headers = {
        "Content-Disposition": f'inline; filename="{name}"',
        "Cache-Control": "public, max-age=300",
        "Access-Control-Allow-Origin": "*",
    }
    return Response(body, media_type=FORMATS[format], headers=headers)
