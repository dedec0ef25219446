"""The terminal's side of the hall's age report (`sync.age_report`): this terminal's
applications as `AgeRecord`s. Notices (nothing accepted) and voided applications are left
out; the department comes from the catalog version each application was taken under."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime
from zoneinfo import ZoneInfo

from counter_app.store.db import Store
from sync.age_report import AgeRecord, age_report

# The catalog version of each application must exist (the JOIN), but its definition is read
# once per version (`_departments`), not once per application: a definition is kilobytes of
# JSON, and 100,000 applications' copies were 700 MB at the home page's first load.
_ROWS = """
SELECT s.uuid, s.hall, s.service_code, s.service_version, s.accepted_day, s.due_date,
       s.settled_at
FROM submissions s JOIN catalog_items c
  ON c.code = s.service_code AND c.version = s.service_version
WHERE s.kind = 'acceptance' AND s.status != 'voided' AND s.accepted_day <= ?
"""


def _departments(store: Store) -> dict[tuple[str, int], str]:
    """The department code of every catalog item version."""
    return {
        (r["code"], r["version"]): str(json.loads(r["definition"])["department"]["code"])
        for r in store.query("SELECT code, version, definition FROM catalog_items")
    }


def records(store: Store, end: date, tz: ZoneInfo) -> list[AgeRecord]:
    """Every acceptance up to `end`, with its ratings' GB/T 39046 codes."""
    codes: dict[str, list[int]] = defaultdict(list)
    for r in store.query("SELECT submission_uuid, code FROM ratings ORDER BY at"):
        codes[r["submission_uuid"]].append(int(r["code"]))
    departments = _departments(store)
    found = []
    for r in store.query(_ROWS, (end.isoformat(),)):
        settled = (
            datetime.fromisoformat(r["settled_at"]).astimezone(tz).date()
            if r["settled_at"]
            else None
        )
        found.append(
            AgeRecord(
                hall=r["hall"],
                item=r["service_code"],
                department=departments[(r["service_code"], r["service_version"])],
                accepted=date.fromisoformat(r["accepted_day"]),
                promised=date.fromisoformat(r["due_date"]) if r["due_date"] else None,
                settled=settled,
                ratings=tuple(codes.get(r["uuid"], ())),
            )
        )
    return found


def report(
    store: Store, start: date, end: date, tz: ZoneInfo, by: str = "all"
) -> list[dict[str, object]]:
    """The age report of this terminal's applications for [start, end]."""
    return age_report(records(store, end, tz), start, end, by)
