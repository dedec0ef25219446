"""Open data's rollup, kept on write: per hall day of acceptance, hall, item and window, the
counts every open-data figure is summed from, so a year of a province is read as tens of
thousands of rows instead of grouping ten million applications on every request.

Four tables (migration 90 in `portal.scale_schema` makes them and fills them):

- `stats_workdays`: the working-day calendar (`forms.workdays`) as a table, one row per day
  with `ord` = working days up to and including it, so the database does the calendar
  arithmetic set-based: working days between a and b are `ord(b) - ord(a)`, and n working
  days after a end on the working day whose `ord` is `ord(a) + n`;
- `stats_cells`: per (whole, day, hall, item, window) the applications received, settled,
  settled on time, settled late, working days taken (total and count), rated, left unrated
  after a settlement, open with a promised date, their ratings per GB/T 39046 code and
  bad-rating cases. `whole = 1` rows sum every window of an item (window ''), `whole = 0`
  rows are per window; `whole` 3 and 2 are the same per month (`day` "YYYY-MM");
- `stats_pending`: what depends on the day the figures are read for (`now`), as counts per
  date: open applications by promised date (overdue once `now` is past it) and unrated ones
  by settled day (基本满意 by default once RATE_WITHIN_DAYS have passed). Readers only read
  the recent dates (an index on (kind, on)): everything older has already turned;
- `stats_meta`: the fingerprint of the calendar the rollup was counted with.

Why counts and not the figures: the figures depend on the day they are read for and on the
rating rules; the counts are sums, so a write changes them by the difference between the
application's contribution after and before it (`following`), computed by the same SQL that
builds the whole rollup (`rebuild`): one place says how an application counts.

What the counts depend on besides the applications: the per-item time limits (a change
re-counts that item's applications: `set_item_limit` calls `following_item`) and the
calendar (a changed `holidays.yaml` or a published year: `ensure_calendar` rebuilds the
calendar table and the rollup when the calendar's fingerprint differs; at start and after
`portal publish-calendar`; `portal stats-rebuild` by hand).

Bad-rating cases (差评整改) are counted too, per cell of their application: closed, closed by
their deadline, still open (and in `stats_pending` kind "case" by deadline: due once `now`
is past it). The deadline is `rectify_days` working days after the day a case opened, a
platform setting, so the rollup keeps the value it counted with in `stats_meta`; a platform
started with another value recounts the cases (`ensure_rectify_days`), and a reader asking
with another value counts them live (`portal.pages.grouped.read_cases`). Without this, a
year's open data joined every case to its application on each request: half a second at a
million applications, ten times that at ten million.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    String,
    Table,
    and_,
    any_,
    bindparam,
    case,
    cast,
    column,
    delete,
    exists,
    func,
    insert,
    literal,
    literal_column,
    select,
    table,
    text,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from portal.dollar_sql import DollarStatement, run_generic
from portal.pages.grouped import day_sql
from portal.pages.rollup_tables import (
    CASES,
    CODES,
    COUNTS,
    KEY,
    LEVELS,
    MONTH_PER_WINDOW,
    PER_WINDOW,
    WHOLE,
    calendar_rows,
    cells,
    fingerprint,
    meta,
    month_of,
    pending,
    workdays,
)
from sync.ratings import RECTIFY_WORKING_DAYS
from sync.statuses import OPEN, SETTLED, Status

log = logging.getLogger(__name__)

_apps = table(
    "applications", *(column(c) for c in (
        "uuid", "hall", "window", "service_code", "accepted_at", "due_date", "status")),
)  # fmt: skip
_events = table("status_events", column("uuid"), column("status"), column("at"))
_ratings = table("ratings", column("app_uuid"), column("code"))
_limits = table("item_limits", column("service_code"), column("working_days"))
_cases_t = table("bad_cases", column("app_uuid"), column("opened_at"), column("replied_at"))


def _facts(pg: bool, where: Sequence[ColumnElement[bool]]) -> Any:
    """Per application (not voided, matching `where`): its keys, promised date, first
    settled day, and the 0/1 facts it is counted with."""
    settled_at = (
        select(func.min(_events.c.at))
        .where(_events.c.uuid == _apps.c.uuid, _among(_events.c.status, SETTLED))
        .scalar_subquery()
    )
    rated = exists(select(literal(1)).where(_ratings.c.app_uuid == _apps.c.uuid))
    limit = select(_limits.c.working_days).where(_limits.c.service_code == _apps.c.service_code)
    f = (
        select(
            _apps.c.hall, _apps.c.window, _apps.c.service_code.label("item"),
            day_sql(pg, _apps.c.accepted_at).label("day"),
            func.nullif(_apps.c.due_date, "").label("due"), _apps.c.status,
            day_sql(pg, settled_at).label("sd"),
            case((rated, 1), else_=0).label("rated"),
            limit.scalar_subquery().label("lim"),
        )
        .where(_apps.c.status != Status.VOIDED.value, *where)
        .subquery("f")
    )  # fmt: skip
    acc, st, pr = workdays.alias("acc"), workdays.alias("st"), workdays.alias("pr")
    promised = case((f.c.lim.is_not(None), pr.c.day), else_=f.c.due)
    settled = and_(_among(f.c.status, SETTLED), f.c.sd.is_not(None))
    gap = st.c.ord - acc.c.ord
    joined = (
        f.outerjoin(acc, acc.c.day == f.c.day)
        .outerjoin(st, st.c.day == f.c.sd)
        .outerjoin(pr, and_(pr.c.working == 1, pr.c.ord == acc.c.ord + f.c.lim))
    )
    return (
        select(
            f.c.hall, f.c.window, f.c.item, f.c.day, f.c.sd, promised.label("promised"),
            literal(1).label("received"),
            case((settled, 1), else_=0).label("settled"),
            case((and_(settled, promised.is_(None) | (f.c.sd <= promised)), 1), else_=0)
            .label("on_time"),
            case((and_(settled, promised.is_not(None), f.c.sd > promised), 1), else_=0)
            .label("late"),
            case((and_(settled, gap > 0), gap), else_=0).label("days_total"),
            case((settled, 1), else_=0).label("days_count"),
            f.c.rated,
            case((and_(f.c.rated == 0, f.c.sd.is_not(None)), 1), else_=0)
            .label("unrated_settled"),
            case((and_(_among(f.c.status, OPEN), promised.is_not(None)), 1), else_=0)
            .label("open_dated"),
        )
        .select_from(joined)
        .cte("facts")
    )  # fmt: skip


def _among(column_: Any, values: Iterable[str]) -> Any:
    """`column IN (...)` with each value its own bound parameter: the expanding IN of
    `in_(list)` is filled in at execution, so a statement compiled once could not hold it."""
    return column_.in_([literal(v) for v in sorted(values)])


def _keyed(src: Any, whole: int) -> list[Any]:
    """The key columns of a rollup row from `src`: per window or all windows (''), per
    day or (whole 2 and 3) per month."""
    window = src.c.window if whole in (PER_WINDOW, MONTH_PER_WINDOW) else literal("")
    day = src.c.day if whole in (PER_WINDOW, WHOLE) else month_of(src.c.day)
    return [literal(whole).label("whole"), day.label("day"), src.c.hall, src.c.item,
            window.label("window")]  # fmt: skip


def _upsert(pg: bool, target: Table, names: Sequence[str], rows: Any) -> Any:
    """Add `rows` (key columns, then `names`) into `target`, summing onto existing rows,
    in key order: two transactions touching the same rows lock them in the same order."""
    keys = [*KEY] if target is cells else [*KEY, "kind", "on"]
    ordered = rows.order_by(*(literal_column(f'"{k}"') for k in keys))
    stmt = (postgresql if pg else sqlite).insert(target).from_select([*keys, *names], ordered)
    update = {n: target.c[n] + stmt.excluded[n] for n in names}
    return stmt.on_conflict_do_update(index_elements=keys, set_=update)


def _statements(pg: bool, where: Sequence[ColumnElement[bool]], sign: Any) -> list[Any]:
    """The upserts that add `sign` × the contribution of the applications matching `where`:
    rating codes, cases, dated counts, then counts, which every application of a hall adds
    to: pushes of a hall queue for those rows until commit, so they are written last."""
    facts = _facts(pg, where)
    grouped = [
        select(*_keyed(facts, w), *(func.sum(facts.c[n]) * sign for n in COUNTS))
        .where(literal(True))
        .group_by(*_keyed(facts, w)[1:])
        for w in LEVELS
    ]
    dated = [
        select(*_keyed(facts, w), literal(kind).label("kind"), on.label("on"),
               func.sum(facts.c[flag]) * sign)
        .where(facts.c[flag] == 1)
        .group_by(*_keyed(facts, w)[1:], on)
        for w in (WHOLE, PER_WINDOW)
        for kind, on, flag in (("open", facts.c.promised, "open_dated"),
                               ("unrated", facts.c.sd, "unrated_settled"))
    ]  # fmt: skip
    return [
        _codes(pg, where, sign),
        *_cases(pg, where, sign),
        _upsert(pg, pending, ("n",), union_all(*dated)),
        _upsert(pg, cells, COUNTS, union_all(*grouped)),
    ]


def _count(conn: Connection, where: Sequence[ColumnElement[bool]], sign: int) -> None:
    """Add `sign` × the contribution of the applications matching `where` (statements
    built afresh: a whole item, the whole rollup; per application see `_count_keys`)."""
    for statement in _statements(conn.dialect.name == "postgresql", where, sign):
        conn.execute(statement)


def _codes(pg: bool, where: Sequence[ColumnElement[bool]], sign: Any) -> Any:
    """The ratings of the applications matching `where`, per GB/T 39046 code."""
    src = (
        select(_apps.c.hall, _apps.c.window, _apps.c.service_code.label("item"),
               day_sql(pg, _apps.c.accepted_at).label("day"), _ratings.c.code)
        .join_from(_apps, _ratings, _ratings.c.app_uuid == _apps.c.uuid)
        .where(_apps.c.status != Status.VOIDED.value, *where)
        .cte("rated")
    )  # fmt: skip
    sums = [func.sum(case((src.c.code == i, 1), else_=0)) * sign for i in range(1, 6)]
    grouped = [
        select(*_keyed(src, w), *sums).where(literal(True)).group_by(*_keyed(src, w)[1:])
        for w in LEVELS
    ]
    return _upsert(pg, cells, CODES, union_all(*grouped))


def stored_days(conn: Connection) -> int:
    """The `rectify_days` the rollup's cases are counted with."""
    value = conn.execute(select(meta.c.value).where(meta.c.name == "rectify_days")).scalar()
    return int(value) if value is not None else RECTIFY_WORKING_DAYS


def _cases(pg: bool, where: Sequence[ColumnElement[bool]], sign: Any) -> list[Any]:
    """The bad-rating cases of the applications matching `where`: closed, closed by the
    deadline, open (and open by deadline day into `stats_pending`). The deadline's days
    are read from `stats_meta` in the statement, so it is the same text every time."""
    opened, due = workdays.alias("opened"), workdays.alias("due")
    stored = select(cast(meta.c.value, Integer)).where(meta.c.name == "rectify_days")
    days = func.coalesce(stored.scalar_subquery(), RECTIFY_WORKING_DAYS)
    replied = day_sql(pg, _cases_t.c.replied_at)
    src = (
        select(_apps.c.hall, _apps.c.window, _apps.c.service_code.label("item"),
               day_sql(pg, _apps.c.accepted_at).label("day"), replied.label("rd"),
               due.c.day.label("deadline"))
        .join_from(_apps, _cases_t, _cases_t.c.app_uuid == _apps.c.uuid)
        .join(opened, opened.c.day == day_sql(pg, _cases_t.c.opened_at))
        .join(due, and_(due.c.working == 1, due.c.ord == opened.c.ord + days))
        .where(_apps.c.status != Status.VOIDED.value, *where)
        .cte("cased")
    )  # fmt: skip
    closed = src.c.rd.is_not(None)
    sums = [
        func.sum(case((closed, 1), else_=0)) * sign,
        func.sum(case((and_(closed, src.c.rd <= src.c.deadline), 1), else_=0)) * sign,
        func.sum(case((closed, 0), else_=1)) * sign,
    ]
    grouped = [
        select(*_keyed(src, w), *sums).where(literal(True)).group_by(*_keyed(src, w)[1:])
        for w in LEVELS
    ]
    dated = [
        select(*_keyed(src, w), literal("case").label("kind"), src.c.deadline.label("on"),
               func.count() * sign)
        .where(src.c.rd.is_(None))
        .group_by(*_keyed(src, w)[1:], src.c.deadline)
        for w in (WHOLE, PER_WINDOW)
    ]  # fmt: skip
    return [_upsert(pg, cells, CASES, union_all(*grouped)),
            _upsert(pg, pending, ("n",), union_all(*dated))]  # fmt: skip


#: Per dialect, the per-application statements with their keys and sign as parameters,
#: built once (on PostgreSQL compiled once, to `$n`): building and compiling them afresh
#: for every push was three quarters of an ingested application's server CPU.
_BY_KEYS: dict[str, list[Any]] = {}


def _keys(pg: bool) -> ColumnElement[bool]:
    """The applications whose uuids are the parameter "keys" (one array on PostgreSQL)."""
    array = any_(bindparam("keys", type_=postgresql.ARRAY(String)))
    return _apps.c.uuid == array if pg else _apps.c.uuid.in_(bindparam("keys", expanding=True))


def _count_keys(conn: Connection, uuids: list[str], sign: int) -> None:
    """`_count` for these applications, on statements built once per dialect."""
    dialect = conn.dialect
    if dialect.name not in _BY_KEYS:
        pg = dialect.name == "postgresql"
        built = _statements(pg, [_keys(pg)], bindparam("sign", type_=Integer))
        _BY_KEYS[dialect.name] = [DollarStatement(s) for s in built] if pg else built
    params = {"keys": uuids, "sign": sign}
    if dialect.name == "postgresql":  # parsed once, prepared by psycopg, planned once
        run_generic(conn, _BY_KEYS[dialect.name], params)
        return
    for statement in _BY_KEYS[dialect.name]:
        conn.execute(statement, params)


def recount_cases(conn: Connection, rectify_days: int) -> None:
    """The cases counted afresh with `rectify_days` (kept in `stats_meta`)."""
    conn.execute(update(cells).values({n: 0 for n in CASES}))
    conn.execute(delete(pending).where(pending.c.kind == "case"))
    conn.execute(delete(meta).where(meta.c.name == "rectify_days"))
    conn.execute(insert(meta).values(name="rectify_days", value=str(rectify_days)))
    for statement in _cases(conn.dialect.name == "postgresql", [], 1):
        conn.execute(statement)


def ensure_rectify_days(conn: Connection, rectify_days: int) -> bool:
    """At start: recount the cases when the platform's `rectify_days` is not the one they
    were counted with (a warning: minutes at province scale, the other servers waiting);
    True when it recounted."""
    if conn.dialect.name == "postgresql":  # app servers starting at once: one recounts
        conn.execute(text("SELECT pg_advisory_xact_lock(7003)"))
    stored = stored_days(conn)
    if stored == rectify_days:
        return False
    log.warning(
        "PORTAL_RECTIFY_DAYS is %d, but open data's bad-rating cases were counted with %d "
        "(an earlier start, or another app server): recounting them now. Every app server "
        "of a platform needs the same value, or each start recounts again.",
        *(rectify_days, stored),
    )
    started = time.monotonic()
    recount_cases(conn, rectify_days)
    took = time.monotonic() - started
    log.warning("cases recounted with %d working days in %.1f s", rectify_days, took)
    return True


def rebuild(conn: Connection) -> None:
    """The calendar table and the whole rollup afresh, set-based (the migration's backfill;
    after a calendar change; after `bench.gen_portal` filled tables by COPY)."""
    days = stored_days(conn)
    for target in (cells, pending, workdays, meta):
        conn.execute(delete(target))
    rows = list(calendar_rows())
    for start in range(0, len(rows), 5000):
        conn.execute(insert(workdays), rows[start : start + 5000])
    conn.execute(insert(meta).values(name="calendar", value=fingerprint()))
    conn.execute(insert(meta).values(name="rectify_days", value=str(days)))
    _count(conn, [], 1)


def ensure_calendar(conn: Connection) -> bool:
    """Rebuild when the calendar in use is not the one the rollup was counted with;
    True when it was rebuilt."""
    if conn.dialect.name == "postgresql":  # app servers starting at once: one rebuilds
        conn.execute(text("SELECT pg_advisory_xact_lock(7003)"))
    stored = conn.execute(select(meta.c.value).where(meta.c.name == "calendar")).scalar()
    if stored == fingerprint():
        return False
    rebuild(conn)
    return True


def _existing(conn: Connection, uuids: list[str]) -> list[str]:
    """Those of `uuids` already stored. On PostgreSQL their rows are held until commit, so
    two transactions never both take away the same "before" (SQLite has one writer)."""
    found = select(_apps.c.uuid).where(_keys(conn.dialect.name == "postgresql"))
    return list(conn.execute(found.order_by("uuid").with_for_update(), {"keys": uuids}).scalars())


@contextmanager
def following(conn: Connection, uuids: Iterable[str]) -> Iterator[None]:
    """Keep the rollup right across a write to these applications (their rows, status
    events or ratings), in the write's transaction: their contribution is taken away
    before and added back after. New applications have none to take away: a push of
    new ones skips that half (~2 ms a statement on PostgreSQL, with nothing to count)."""
    keys = sorted(set(uuids))
    if not keys:
        yield
        return
    if before := _existing(conn, keys):
        _count_keys(conn, before, -1)
    yield
    _count_keys(conn, keys, 1)


@contextmanager
def following_item(conn: Connection, service_code: str) -> Iterator[None]:
    """`following` for every application of an item (its time limit changes)."""
    where = [_apps.c.service_code == service_code]
    _count(conn, where, -1)
    yield
    _count(conn, where, 1)
