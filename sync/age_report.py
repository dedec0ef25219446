"""The hall's age report: the seed study's Figure 1 and its five metrics, computed once for
the terminal (`counter-app stats --age`, the statistics page) and the platform
(`/open/stats/age`, the back office). Qt-free, no database: each side feeds it records.

For a period [start, end] (hall dates) and a grouping (hall, item, department, or all):
- `received`: accepted in the period; `settled`: of those, settled by the period's end;
  `settled_on_time`: settled on or before the promised date; `on_time_rate` their share of
  the settled ones (Guiyang's "按时办结率");
- `carried_over`: accepted before the period and still open at its start (结转);
- `open_*`: open at the period's end, by age in working days since acceptance (≤ 5, 6-20,
  21-30, > 30), counting everything accepted up to the end, carried over included;
- `overdue`: open at the end past the promised date, plus settled in the period after it;
- `satisfaction_rate`: share of ratings with GB/T 39046 code 1-3 (满意率) of the ratings of
  applications received in the period.
Voided applications are left out before they get here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from forms.text import Text
from forms.workdays import working_days_between

AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("open_le5", 0, 5),
    ("open_6_20", 6, 20),
    ("open_21_30", 21, 30),
    ("open_gt30", 31, None),
)
AGE_COLUMNS: tuple[str, ...] = (
    "period_start", "period_end", "group", "received", "settled", "settled_on_time",
    "on_time_rate", "overdue", "carried_over", *(b[0] for b in AGE_BUCKETS), "ratings",
    "satisfaction_rate",
)  # fmt: skip
AGE_HEADINGS: dict[str, Text] = {
    "period_start": Text("统计起始日", "From"),
    "period_end": Text("统计截止日", "To"),
    "group": Text("分组", "Group"),
    "received": Text("收件数", "Received"),
    "settled": Text("办结数", "Settled"),
    "settled_on_time": Text("承诺时限内办结数", "Settled by the promised date"),
    "on_time_rate": Text("按时办结率", "Share settled on time"),
    "overdue": Text("逾期数", "Overdue"),
    "carried_over": Text("上期结转", "Carried over"),
    "open_le5": Text("在办≤5个工作日", "Open ≤ 5 working days"),
    "open_6_20": Text("在办6-20个工作日", "Open 6-20 working days"),
    "open_21_30": Text("在办21-30个工作日", "Open 21-30 working days"),
    "open_gt30": Text("在办>30个工作日", "Open > 30 working days"),
    "ratings": Text("评价数", "Ratings"),
    "satisfaction_rate": Text("满意率", "Satisfaction"),
}
GROUPINGS = ("all", "hall", "item", "department")


@dataclass(frozen=True, slots=True)
class AgeRecord:
    """One application as the report needs it (no personal data)."""

    hall: str
    item: str
    department: str
    accepted: date
    promised: date | None
    settled: date | None  # hall date it first reached a settled state
    ratings: tuple[int, ...] = ()  # GB/T 39046 codes, 1 = 非常满意


def _bucket(age: int) -> str:
    for name, low, high in AGE_BUCKETS:
        if age >= low and (high is None or age <= high):
            return name
    return AGE_BUCKETS[0][0]


def _late(r: AgeRecord, on: date) -> bool:
    return r.promised is not None and on > r.promised


def _one_group(records: list[AgeRecord], start: date, end: date) -> dict[str, int | float]:
    row: dict[str, int | float] = {c: 0 for c in AGE_COLUMNS[3:]}
    codes: list[int] = []
    for r in records:
        if r.accepted > end:
            continue
        open_at_end = r.settled is None or r.settled > end
        if r.accepted < start and (r.settled is None or r.settled >= start):
            row["carried_over"] += 1
        if start <= r.accepted:
            row["received"] += 1
            codes += r.ratings
            if not open_at_end:
                row["settled"] += 1
                row["settled_on_time"] += r.settled is not None and not _late(r, r.settled)
        if open_at_end:
            row[_bucket(working_days_between(r.accepted, end))] += 1
            row["overdue"] += _late(r, end)
        elif r.settled is not None and r.settled >= start and _late(r, r.settled):
            row["overdue"] += 1
    settled = int(row["settled"])
    row["on_time_rate"] = round(row["settled_on_time"] / settled, 4) if settled else 0.0
    row["ratings"] = len(codes)
    good = sum(1 for c in codes if c <= 3)
    row["satisfaction_rate"] = round(good / len(codes), 4) if codes else 0.0
    return row


KEYS: dict[str, Callable[[AgeRecord], str]] = {
    "all": lambda r: "",
    "hall": lambda r: r.hall,
    "item": lambda r: r.item,
    "department": lambda r: r.department,
}


def age_report(
    records: Iterable[AgeRecord], start: date, end: date, by: str = "all"
) -> list[dict[str, object]]:
    """One row per group (sorted), columns `AGE_COLUMNS`."""
    key = KEYS[by]
    groups: dict[str, list[AgeRecord]] = {}
    for r in records:
        groups.setdefault(key(r), []).append(r)
    rows: list[dict[str, object]] = []
    for name in sorted(groups):
        row: dict[str, object] = {"period_start": start.isoformat(), "period_end": end.isoformat()}
        row |= {"group": name, **_one_group(groups[name], start, end)}
        rows.append(row)
    return rows
