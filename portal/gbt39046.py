"""The platform's application records in the layout of GB/T 39046-2020 (政务服务平台基础
数据规范), for a provincial exchange: `portal export-gbt39046 --from --to --format json|xml`.

One record per application accepted in the period (voided ones and one-time notices left
out), with the standard's field names as keys (JSON) and element names (XML):
办件编号, 事项编码, 事项名称, 受理部门, 受理部门编码, 受理时间, 办件类型 (1 即办件, 2 承诺件),
法定办结时限 and 承诺办结时限 each with 单位 (工作日/自然日), 承诺办结日期 (moved by the
clock stops), 特别程序 (kind, start, end, days, reason), 办结时间, 办件状态 (code and name).

No personal data: the applicant's name, identifier and phone and the form's answers are
not exported. The standard's application record has applicant fields, but a provincial
exchange of deadline and status figures does not need them, and personal data leaves the
platform only where a law requires it; a province that needs them asks for that separately.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from forms.limits import GBT_KIND_CODES, UNIT_LABELS, TimeLimit
from forms.model import ServiceItem
from portal.db import Database
from portal.pages.clock_stops import KINDS, Stop, moved, stops_by_uuid
from portal.pages.deadlines import HALL_TZ, item_limits, local_day, promised_date, today
from portal.pages.office_data import settled_times
from sync.statuses import LABELS, Status

FIELDS = (
    "办件编号", "事项编码", "事项名称", "受理部门", "受理部门编码", "受理时间", "办件类型",
    "法定办结时限", "法定办结时限单位", "承诺办结时限", "承诺办结时限单位", "承诺办结日期",
    "特别程序", "办结时间", "办件状态", "办件状态名称",
)  # fmt: skip


def _local(iso: str | None) -> str | None:
    return datetime.fromisoformat(iso).astimezone(HALL_TZ).isoformat() if iso else None


def _limit(limit: TimeLimit) -> tuple[int, str]:
    return limit.days, UNIT_LABELS[limit.unit].zh


def _stops(stops: list[Stop]) -> list[dict[str, Any]]:
    return [
        {"程序类型": s.kind, "程序名称": KINDS[s.kind].zh if s.kind in KINDS else s.kind,
         "开始日期": s.started_on.isoformat(),
         "结束日期": s.ended_on.isoformat() if s.ended_on else None,
         "工作日数": s.stopped(today()), "原因": s.reason}
        for s in stops
    ]  # fmt: skip


def records(db: Database, start: date, end: date) -> list[dict[str, Any]]:
    """The period's records, in acceptance order."""
    apps, items = db.t("applications"), db.t("catalog_items")
    done = settled_times(db)
    query = (
        select(apps, done.c.settled_at)
        .outerjoin(done, done.c.uuid == apps.c.uuid)
        .where(apps.c.status.notin_([Status.VOIDED.value, Status.NOTICE_ISSUED.value]))
        .order_by(apps.c.accepted_at)
    )
    with db.begin() as conn:
        rows = [r for r in conn.execute(query) if start <= local_day(r.accepted_at) <= end]
        defs = {(r.code, r.version): r.definition for r in conn.execute(select(items))}
        stops = stops_by_uuid(conn, db, [r.uuid for r in rows])
        limits = item_limits(conn, db)
    return [_record(r, defs, stops.get(r.uuid, []), limits) for r in rows]


def _record(r: Any, defs: Any, stops: list[Stop], limits: Any) -> dict[str, Any]:
    body = defs.get((r.service_code, r.service_version))
    item = ServiceItem.from_dict(json.loads(body)) if body else None
    legal = _limit(item.legal_limit) if item else (None, None)
    promised = _limit(item.promised_limit) if item else (None, None)
    due = moved(
        promised_date(r.accepted_at, r.due_date, limits.get(r.service_code)), stops, today()
    )
    status = Status(r.status) if r.status in Status.__members__.values() else None
    values = [
        r.receipt_no, r.service_code, item.name.zh if item else None,
        item.department.zh if item else None, item.department_code if item else None,
        _local(r.accepted_at), GBT_KIND_CODES[item.kind] if item else None,
        legal[0], legal[1], promised[0], promised[1], due.isoformat() if due else None,
        _stops(stops), _local(r.settled_at), r.status,
        LABELS[status].zh if status else r.status,
    ]  # fmt: skip
    return dict(zip(FIELDS, values, strict=True))


def to_json(rows: list[dict[str, Any]]) -> bytes:
    body = {"标准": "GB/T 39046-2020", "办件": rows}
    return json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")


def to_xml(rows: list[dict[str, Any]]) -> bytes:
    root = ET.Element("办件信息", 标准="GB/T 39046-2020")
    for row in rows:
        record = ET.SubElement(root, "办件")
        for key, value in row.items():
            element = ET.SubElement(record, key)
            if key == "特别程序":
                for stop in value:
                    one = ET.SubElement(element, "程序")
                    for k, v in stop.items():
                        ET.SubElement(one, k).text = "" if v is None else str(v)
            else:
                element.text = "" if value is None else str(value)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))
