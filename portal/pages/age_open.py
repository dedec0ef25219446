"""`/open/stats/age?from=&to=&by=all|hall|item|department&format=csv|json|xml|xlsx`: the
hall's age report (`sync.age_report`) from the platform's applications, in the four
open-data formats (`sync.age_files`). The promised date is the one the back office and the
tracking page use (item limit, else the receipt's, moved by clock stops). Counts only: no
row is built from the applicant or the answers."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy import select

from forms.text import Text
from portal.db import Database
from portal.errors import Invalid
from portal.pages.clock_stops import moved, stops_by_uuid
from portal.pages.deadlines import item_limits, local_day, promised_date, today
from portal.pages.office_data import settled_times
from portal.pages.opendata import parse_query
from sync.age_files import MEDIA, render
from sync.age_report import GROUPINGS, AgeRecord, age_report
from sync.statuses import Status

router = APIRouter(include_in_schema=False)
Param = Annotated[str, Query(max_length=200)]


def records(db: Database, end: date, now: date) -> list[AgeRecord]:
    """Every application accepted up to `end` (voided and notices left out)."""
    apps, ratings, items = db.t("applications"), db.t("ratings"), db.t("catalog_items")
    done = settled_times(db)
    query = (
        select(apps.c.uuid, apps.c.hall, apps.c.service_code, apps.c.service_version,
               apps.c.accepted_at, apps.c.due_date, done.c.settled_at)
        .outerjoin(done, done.c.uuid == apps.c.uuid)
        .where(apps.c.status.notin_([Status.VOIDED.value, Status.NOTICE_ISSUED.value]))
    )  # fmt: skip
    with db.begin() as conn:
        rows = [r for r in conn.execute(query) if local_day(r.accepted_at) <= end]
        limits = item_limits(conn, db)
        stops = stops_by_uuid(conn, db, [r.uuid for r in rows])
        codes: dict[str, list[int]] = defaultdict(list)
        for uuid, code in conn.execute(select(ratings.c.app_uuid, ratings.c.code)):
            codes[uuid].append(int(code))
        depts = {(r.code, r.version): _dept(r.definition) for r in conn.execute(select(items))}
    return [_record(r, limits, stops.get(r.uuid, []), codes, depts, now) for r in rows]


def _dept(definition: str) -> str:
    found = json.loads(definition).get("department", {})
    return str(found.get("code", "")) if isinstance(found, dict) else ""


def _record(r: Any, limits: Any, stops: Any, codes: Any, depts: Any, now: date) -> AgeRecord:
    base = promised_date(r.accepted_at, r.due_date, limits.get(r.service_code))
    return AgeRecord(
        hall=r.hall,
        item=r.service_code,
        department=depts.get((r.service_code, r.service_version), ""),
        accepted=local_day(r.accepted_at),
        promised=moved(base, stops, now),
        settled=local_day(r.settled_at) if r.settled_at else None,
        ratings=tuple(codes.get(r.uuid, ())),
    )


@router.get("/open/stats/age")
def open_age(
    request: Request,
    from_: Annotated[str, Query(alias="from", max_length=10)] = "",
    to: Annotated[str, Query(max_length=10)] = "",
    by: Param = "all",
    format: Param = "json",
) -> Response:
    if format not in MEDIA:
        raise Invalid(
            Text("format 应为 csv、json、xml 或 xlsx。", "format must be csv, json, xml or xlsx.")
        )
    if by not in GROUPINGS:
        raise Invalid(
            Text(
                "by 应为 all、hall、item 或 department。",
                "by must be all, hall, item or department.",
            )
        )
    q = parse_query(from_, to, "day", "", "", "zh_CN", today())
    db: Database = request.app.state.db
    rows = age_report(records(db, q.end, today()), q.start, q.end, by)
    name = f"age-{by}-{q.start.isoformat()}-{q.end.isoformat()}.{format}"
    headers = {
        "Content-Disposition": f'inline; filename="{name}"',
        "Access-Control-Allow-Origin": "*",
    }
    return Response(render(rows, format, by), media_type=MEDIA[format], headers=headers)
