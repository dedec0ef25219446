"""The statistics pages' counting done in the database: applications grouped by what their
figures depend on, so a year of a province comes back as a few thousand groups with counts,
not ten million rows.

Every figure of open data (`portal.pages.opendata`) and of the back office's 好差评 page
(`portal.pages.rating_figures`) depends only on: the hall-local day of acceptance, the
keys shown (hall, window, item, clerk), the receipt's promised date, the status, the
hall-local day of the first settled state, and whether the application was rated. Those
are grouped here with `count(*)`; the codes of the ratings and the bad-rating cases are
grouped the same way. The arithmetic that needs the working-day calendar
(`forms.workdays`) then runs once per group, weighted by its count, in Python.

Open data itself now reads the rollup kept on write (`portal.pages.rollup`, issue 17):
what stays here is the 好差评 figures' grouping (by clerk, over a chosen range), the
bad-rating cases (their deadline depends on the setting `rectify_days`), the weighted
counting both share, and open data on SQLite in a zone with summer time (no fixed offset
from UTC, so no hall day in SQL).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    TIMESTAMP,
    ColumnElement,
    Connection,
    cast,
    exists,
    func,
    literal_column,
    select,
)

from forms.workdays import add_working_days, calendar
from portal.db import Database
from portal.pages.deadlines import HALL_TZ, days_taken, is_overdue, local_day, promised_on
from sync.ratings import RATE_WITHIN_DAYS, RatingTally, Satisfaction
from sync.statuses import SETTLED

if TYPE_CHECKING:  # cases imports the rollup, which imports this module
    from portal.pages.cases import RatingRules

Key = tuple[Any, ...]


@dataclass(frozen=True)
class Groups:
    """What one grouped reading returns: each list holds (keys..., extra..., count)."""

    apps: list[Key]  # keys + (due_date, status, settled_day, rated, n)
    codes: list[Key]  # keys + (code, n)
    cases: list[Key]  # keys + (opened_day, replied_day, n)


def fixed_offset() -> timedelta | None:
    """The hall zone's UTC offset when it never changes (China: +08:00 since 1991)."""
    probes = [datetime(year, month, 1, tzinfo=UTC) for year in (1995, 2030) for month in (1, 7)]
    offsets = {p.astimezone(HALL_TZ).utcoffset() for p in probes}
    return offsets.pop() if len(offsets) == 1 else None


def day_of(db: Database, column: Any) -> ColumnElement[Any]:
    """`day_sql` on `db`."""
    return day_sql(db.is_postgres, column)


def day_sql(postgres: bool, column: Any) -> ColumnElement[Any]:
    """SQL for the hall-local day of a stored ISO time, as text YYYY-MM-DD.

    PostgreSQL converts with its own time zone data; SQLite (the embedded platform) adds
    the zone's fixed offset, and for a zone with summer time returns the UTC minute, which
    `as_day` turns into the hall day in Python (exact, only less grouped)."""
    if postgres:
        stamp = func.timezone(HALL_TZ.key, cast(column, TIMESTAMP(timezone=True)))
        return func.to_char(stamp, "YYYY-MM-DD")
    offset = fixed_offset()
    if offset is None:
        return func.strftime("%Y-%m-%dT%H:%M:00+00:00", column)
    return func.date(column, f"{int(offset.total_seconds() // 60):+d} minutes")


def as_day(value: str | None) -> date | None:
    """A day key from `day_of` as a date."""
    if value is None:
        return None
    return date.fromisoformat(value) if len(value) == 10 else local_day(value)


def _settled_at(db: Database, uuid: Any) -> Any:
    events = db.t("status_events")
    first = select(func.min(events.c.at)).where(
        events.c.uuid == uuid, events.c.status.in_(sorted(SETTLED))
    )
    return first.scalar_subquery()


def read(db: Database, keys: list[Any], where: list[Any]) -> Groups:
    """The three grouped readings for the applications matching `where`, keyed by `keys`
    (expressions over the applications table)."""
    apps, ratings = db.t("applications"), db.t("ratings")
    named = [k.label(f"k{i}") for i, k in enumerate(keys)]
    by_name: list[Any] = [literal_column(f"k{i}") for i in range(len(keys))]
    rated = exists(select(literal_column("1")).where(ratings.c.app_uuid == apps.c.uuid))
    per_app = select(
        *named,
        apps.c.due_date.label("due"),
        apps.c.status.label("st"),
        day_of(db, _settled_at(db, apps.c.uuid)).label("sd"),
        rated.label("rated"),
    ).where(*where)
    inner = per_app.subquery()
    cols = list(inner.c)
    query_apps = select(*cols, func.count()).group_by(*cols)
    code_cols = [*named, ratings.c.code]
    query_codes = (
        select(*code_cols, func.count())
        .join_from(apps, ratings, ratings.c.app_uuid == apps.c.uuid)
        .where(*where)
        .group_by(*by_name, ratings.c.code)
    )
    with db.begin() as conn:
        return Groups(
            [tuple(r) for r in conn.execute(query_apps)],
            [tuple(r) for r in conn.execute(query_codes)],
            read_cases(db, conn, keys, where),
        )


def read_cases(db: Database, conn: Connection, keys: list[Any], where: list[Any]) -> list[Key]:
    """The bad-rating cases of the applications matching `where`, grouped by `keys` and
    the hall days the case was opened and replied on: (keys..., opened, replied, n)."""
    apps, cases = db.t("applications"), db.t("bad_cases")
    named = [k.label(f"k{i}") for i, k in enumerate(keys)]
    by_name: list[Any] = [literal_column(f"k{i}") for i in range(len(keys))]
    opened = day_of(db, cases.c.opened_at).label("od")
    replied = day_of(db, cases.c.replied_at).label("rd")
    query_cases = (
        select(*named, opened, replied, func.count())
        .join_from(apps, cases, cases.c.app_uuid == apps.c.uuid)
        .where(*where)
        .group_by(*by_name, literal_column("od"), literal_column("rd"))
    )
    return [tuple(r) for r in conn.execute(query_cases)]


@dataclass
class Cell:
    """One row of open data being counted: a period, hall and item (or window)."""

    received: int = 0
    settled: int = 0
    on_time: int = 0
    overdue: int = 0
    days_total: int = 0
    days_count: int = 0
    tally: RatingTally = field(default_factory=RatingTally)

    def count(
        self, accepted_on: date, promised: date | None, status: str, settled_on: date | None,
        n: int, now: date,
    ) -> None:  # fmt: skip
        """`n` applications alike in all that their figures depend on."""
        self.received += n
        if status in SETTLED and settled_on is not None:
            self.settled += n
            self.on_time += n * (promised is None or settled_on <= promised)
            self.days_total += n * _taken(accepted_on, settled_on, calendar())
            self.days_count += n
        self.overdue += n * is_overdue(status, promised, settled_on, now)

    def average(self) -> int | float | None:
        """The mean working days, rounded as `statistics.mean` then `round(..., 1)` did:
        a whole mean stays an int (so the published text stays "3", not "3.0")."""
        if not self.days_count:
            return None
        value = Fraction(self.days_total, self.days_count)
        return round(int(value) if value.denominator == 1 else float(value), 1)


@lru_cache(maxsize=65536)
def _taken(accepted_on: date, settled_on: date, _calendar: object) -> int:
    """`days_taken`, remembered per calendar (a new calendar is a new key)."""
    return days_taken(accepted_on, settled_on)


@lru_cache(maxsize=65536)
def _deadline(start: date, days: int, _calendar: object) -> date:
    return add_working_days(start, days)


def promised(accepted_on: date, due_date: str | None, limit: int | None) -> date | None:
    """`deadlines.promised_on`, with the working-day sums remembered per calendar."""
    if limit is None:
        return promised_on(accepted_on, due_date, None)
    return _deadline(accepted_on, limit, calendar())


def count_apps(
    tally: RatingTally, rated: bool, settled_on: date | None, n: int, rules: RatingRules,
    now: date,
) -> None:  # fmt: skip
    """`n` applications into `tally`: rated ones, and (where the platform is set so) one
    基本满意 for each left unrated RATE_WITHIN_DAYS days after settlement."""
    waited = bool(
        not rated
        and rules.default_basic
        and settled_on is not None
        and (now - settled_on).days > RATE_WITHIN_DAYS
    )
    tally.received += n
    tally.rated += n * (rated or waited)
    tally.by_code[Satisfaction.BASIC - 1] += n * waited


def count_codes(tally: RatingTally, code: int, n: int) -> None:
    """`n` ratings with GB/T 39046 `code`."""
    tally.by_code[Satisfaction(code) - 1] += n


def count_cases(
    tally: RatingTally, opened: date | None, replied: date | None, n: int, rules: RatingRules,
    now: date,
) -> None:  # fmt: skip
    """`n` bad-rating cases opened and replied on these hall days: due once closed or past
    their deadline, on time when closed by it (`portal.pages.cases.due_on`)."""
    assert opened is not None  # opened_at is NOT NULL
    deadline = _deadline(opened, rules.rectify_days, calendar())
    due = replied is not None or now > deadline
    tally.cases_due += n * due
    tally.cases_on_time += n * (due and replied is not None and replied <= deadline)
