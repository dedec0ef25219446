"""Open data: `/open/stats?hall=&item=&period=day|month&from=&to=&format=csv|json|xml|xlsx
&by=item|window`.

Per hall, service item and day (or month) of acceptance, the Guiyang metrics: received,
settled, settled on time (by the promised date), overdue, average working days from
acceptance to settlement, and 好差评: ratings by GB/T 39046 code (`code_1` = 非常满意 …), the
rating rate, the satisfaction rate, bad ratings and their on-time rectification (cases of
`portal.pages.cases`; clerks are not published, their figures are in the back office). The
JSON and XML say which code is which (`codes`; `sync.ratings.CODE_NOTE`). Columns are
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
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from forms.text import Text
from portal.db import Database
from portal.errors import Invalid
from portal.pages import grouped, rollup_read
from portal.pages.cases import RatingRules
from portal.pages.deadlines import item_limits, today, utc_bounds
from portal.pages.grouped import Cell, as_day, day_of
from portal.pages.opendata_cache import MAX_AGE
from portal.pages.tracking import item_name
from portal.pages.web import config
from sync.opendata_columns import COLUMNS
from sync.opendata_files import to_csv, to_xlsx
from sync.ratings import CODE_NOTE
from sync.statuses import Status

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
    by: str = "item"  # rows per service item, or per window ("window")


def _where(db: Database, q: StatsQuery) -> list[Any]:
    apps = db.t("applications")
    lo, hi = utc_bounds(q.start, q.end)
    where = [apps.c.accepted_at >= lo, apps.c.accepted_at < hi, apps.c.status != Status.VOIDED]
    if q.hall:
        where.append(apps.c.hall == q.hall)
    if q.item:
        where.append(apps.c.service_code == q.item)
    return where


def stats(
    db: Database, q: StatsQuery, now: date | None = None, rules: RatingRules | None = None
) -> list[Row]:
    """One row per period, hall and item (or window) with any applications, in that order;
    read from the rollup kept on write (`portal.pages.rollup`), or on SQLite in a zone
    with summer time (no fixed hall-day offset) counted by `portal.pages.grouped`."""
    now, rules = now or today(), rules or RatingRules()
    if db.is_postgres or grouped.fixed_offset() is not None:
        cells = rollup_read.read(db, q, _where(db, q), now, rules)
    else:
        cells = _grouped_cells(db, q, now, rules)
    if q.by == "window":
        return [_out(key, c, "", by_window=True) for key, c in sorted(cells.items())]
    with db.begin() as conn:
        names = {c: item_name(conn, db, c) for c in {k[2] for k in cells}}
    return [_out(key, c, names[key[2]].get(q.lang)) for key, c in sorted(cells.items())]


def _grouped_cells(
    db: Database, q: StatsQuery, now: date, rules: RatingRules
) -> dict[tuple[str, str, str], Cell]:
    """The cells counted from the applications by one GROUP BY (`portal.pages.grouped`)."""
    apps = db.t("applications")
    third = apps.c.window if q.by == "window" else apps.c.service_code
    keys = [day_of(db, apps.c.accepted_at), apps.c.hall, third, apps.c.service_code]
    found = grouped.read(db, keys, _where(db, q))
    with db.begin() as conn:
        limits = item_limits(conn, db)
    cells: dict[tuple[str, str, str], Cell] = defaultdict(Cell)

    def cell(group: tuple[Any, ...]) -> Cell:
        period = str(as_day(group[0]))[: 7 if q.period == "month" else 10]
        return cells[(period, group[1], group[2])]

    for g in found.apps:
        accepted_on, settled_on, target = as_day(g[0]), as_day(g[6]), cell(g)
        assert accepted_on is not None  # accepted_at is NOT NULL
        promised = grouped.promised(accepted_on, g[4], limits.get(g[3]))
        target.count(accepted_on, promised, g[5], settled_on, g[8], now)
        grouped.count_apps(target.tally, bool(g[7]), settled_on, g[8], rules, now)
    for g in found.codes:
        grouped.count_codes(cell(g).tally, g[4], g[5])
    for g in found.cases:
        grouped.count_cases(cell(g).tally, as_day(g[4]), as_day(g[5]), g[6], rules, now)
    return cells


def _out(key: tuple[str, str, str], c: Cell, name: str, by_window: bool = False) -> Row:
    values = {
        "date": key[0],
        "hall": key[1],
        "window": key[2] if by_window else "",
        "item_code": "" if by_window else key[2],
        "item_name": name,
        "received": c.received,
        "settled": c.settled,
        "settled_on_time": c.on_time,
        "overdue": c.overdue,
        "avg_working_days": c.average(),
    } | c.tally.columns()
    return {col: values[col] for col in COLUMNS}


# --- formats ----------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    return "" if value is None else str(value)


def to_json(rows: list[Row], q: StatsQuery) -> bytes:
    doc: dict[str, Any] = {"codes": CODE_NOTE.get(q.lang), "period": q.period}
    doc["from"] = q.start.isoformat()
    doc |= {"to": q.end.isoformat(), "columns": list(COLUMNS), "rows": rows}
    # no indent: only then does json use its C encoder (a year by day is 42 MB: seconds)
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def to_xml(rows: Iterable[Row], q: StatsQuery) -> bytes:
    attrs = {"codes": CODE_NOTE.get(q.lang), "period": q.period}
    attrs |= {"from": q.start.isoformat(), "to": q.end.isoformat()}
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
    by: Param = "item",
) -> Response:
    if format not in FORMATS:
        raise _bad("format 应为 csv、json、xml 或 xlsx。", "format must be csv, json, xml or xlsx.")
    if by not in ("item", "window"):
        raise _bad("by 应为 item 或 window。", "by must be item or window.")
    lang = "en" if lang.startswith("en") else "zh_CN"
    day = today()
    q = replace(parse_query(from_, to, period, hall, item, lang, day), by=by)
    db: Database = request.app.state.db
    cfg = config(request)
    rules = cfg.rating_rules
    served = cfg.opendata_cache.get(
        (q, format, rules, day), lambda: render(stats(db, q, day, rules), q, format)
    )
    name = f"stats-{q.period}-{q.start.isoformat()}-{q.end.isoformat()}.{format}"
    headers = {
        "Content-Disposition": f'inline; filename="{name}"',
        "Cache-Control": f"public, max-age={MAX_AGE}",
        "Age": str(served.age),
        "X-Cache": "hit" if served.hit else "miss",
        "Access-Control-Allow-Origin": "*",
    }
    return Response(served.body, media_type=FORMATS[format], headers=headers)
