"""Versioned schema migrations, applied in order when a database is opened.

Each migration is a function registered with `@migration(version)`; the versions applied are
recorded in `_migrations`, so a database from any earlier release opens and is brought up to
date, each step in its own `BEGIN IMMEDIATE` transaction (a step either happens or does not).
Never edit a released migration: add a new one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from counter_app.store.db import Store
from sync.hall_time import DEFAULT_TZ

Migration = Callable[[Store], None]
MIGRATIONS: dict[int, tuple[str, Migration]] = {}


def migration(version: int) -> Callable[[Migration], Migration]:
    """Register `fn` as the step that brings the schema to `version`."""

    def register(fn: Migration) -> Migration:
        assert version not in MIGRATIONS, f"migration {version} registered twice"
        MIGRATIONS[version] = (fn.__name__, fn)
        return fn

    return register


def current_version(store: Store) -> int:
    store.execute(
        "CREATE TABLE IF NOT EXISTS _migrations "
        "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    return int(store.scalar("SELECT COALESCE(MAX(version), 0) FROM _migrations"))


def migrate(store: Store, upto: int | None = None) -> list[int]:
    """Apply every registered migration not yet recorded (up to `upto`), in order. By the
    set of recorded versions, not the highest one: numbers are reserved per piece of work
    and may land in any order, so a database that has 6 still gets a 5 merged later."""
    applied = []
    for version in sorted(MIGRATIONS):
        if upto is not None and version > upto:
            break
        with store.transaction():
            current_version(store)  # makes the table on a new database
            if store.scalar("SELECT 1 FROM _migrations WHERE version = ?", (version,)):
                continue
            name, fn = MIGRATIONS[version]
            fn(store)
            store.insert(
                "_migrations",
                {"version": version, "name": name, "applied_at": datetime.now(UTC).isoformat()},
            )
        applied.append(version)
    return applied


def _run(store: Store, script: str) -> None:
    """Run `;`-separated DDL statement by statement (executescript would COMMIT)."""
    for statement in script.split(";\n"):
        if statement.strip():
            store.execute(statement)


@migration(1)
def initial_schema(store: Store) -> None:
    _run(
        store,
        """
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE catalog_items (
    code TEXT NOT NULL, version INTEGER NOT NULL, definition TEXT NOT NULL,
    imported_at TEXT NOT NULL, PRIMARY KEY (code, version));
CREATE TABLE clerks (
    clerk_id TEXT PRIMARY KEY, name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('clerk', 'supervisor', 'admin')),
    password_hash TEXT NOT NULL, failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT, active INTEGER NOT NULL DEFAULT 1, created_at TEXT NOT NULL);
CREATE TABLE applicants (
    id_no TEXT PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('person', 'company')),
    name TEXT NOT NULL, phone TEXT, last_answers TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE materials (
    sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, mime TEXT NOT NULL, stored_at TEXT NOT NULL);
CREATE TABLE applicant_materials (
    applicant_id TEXT NOT NULL REFERENCES applicants (id_no),
    material_code TEXT NOT NULL, sha256 TEXT NOT NULL REFERENCES materials (sha256),
    given_at TEXT NOT NULL, PRIMARY KEY (applicant_id, material_code, sha256));
CREATE TABLE receipt_counters (day INTEGER PRIMARY KEY, last_seq INTEGER NOT NULL);
CREATE TABLE submissions (
    uuid TEXT PRIMARY KEY, receipt_no TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('acceptance', 'notice')),
    service_code TEXT NOT NULL, service_version INTEGER NOT NULL,
    applicant_id TEXT NOT NULL REFERENCES applicants (id_no),
    answers TEXT NOT NULL, status TEXT NOT NULL, accepted_at TEXT NOT NULL, due_date TEXT,
    clerk_id TEXT NOT NULL REFERENCES clerks (clerk_id), terminal_id TEXT NOT NULL,
    hall TEXT NOT NULL DEFAULT '', "window" TEXT NOT NULL DEFAULT '',
    signature TEXT REFERENCES materials (sha256),
    rating INTEGER CHECK (rating BETWEEN 1 AND 5), content_hash TEXT NOT NULL,
    sync_state TEXT NOT NULL DEFAULT 'pending'
        CHECK (sync_state IN ('pending', 'synced', 'rejected', 'conflict')),
    sync_error TEXT, notice_uuid TEXT REFERENCES submissions (uuid),
    FOREIGN KEY (service_code, service_version) REFERENCES catalog_items (code, version));
CREATE TABLE submission_materials (
    uuid TEXT NOT NULL REFERENCES submissions (uuid), material_code TEXT NOT NULL,
    sha256 TEXT NOT NULL REFERENCES materials (sha256), reused INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (uuid, material_code, sha256));
CREATE TABLE notice_items (
    uuid TEXT NOT NULL REFERENCES submissions (uuid), material_code TEXT NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('missing', 'wrong')), note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (uuid, material_code));
CREATE TABLE status_events (
    id INTEGER PRIMARY KEY, uuid TEXT NOT NULL REFERENCES submissions (uuid),
    status TEXT NOT NULL, note TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL CHECK (source IN ('local', 'portal')), at TEXT NOT NULL,
    remote_id TEXT UNIQUE);
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY, kind TEXT NOT NULL, entity_uuid TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'set_aside')),
    attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at TEXT NOT NULL, last_error TEXT,
    created_at TEXT NOT NULL);
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
    entity TEXT NOT NULL, detail TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END
""",
    )


@migration(2)
def search_and_stats(store: Store) -> None:
    """Local acceptance day and settlement time as columns, plus the indexes that keep
    search and statistics fast at a million rows (no LIKE '%x%', only index ranges)."""
    _run(
        store,
        """
ALTER TABLE submissions ADD COLUMN accepted_day TEXT;
ALTER TABLE submissions ADD COLUMN settled_at TEXT;
CREATE INDEX submissions_applicant ON submissions (applicant_id, accepted_at);
CREATE INDEX submissions_day ON submissions (accepted_day);
CREATE INDEX submissions_status_due ON submissions (status, due_date);
CREATE INDEX submissions_notice ON submissions (notice_uuid);
CREATE INDEX applicants_name ON applicants (name);
CREATE INDEX applicants_phone ON applicants (phone);
CREATE INDEX status_events_uuid ON status_events (uuid, at);
CREATE INDEX outbox_pending ON outbox (state, next_attempt_at, id);
CREATE INDEX outbox_entity ON outbox (entity_uuid)
""",
    )
    tz = ZoneInfo(store.get_setting("timezone") or DEFAULT_TZ)
    for row in store.query("SELECT uuid, accepted_at FROM submissions"):
        day = datetime.fromisoformat(row["accepted_at"]).astimezone(tz).date().isoformat()
        store.execute("UPDATE submissions SET accepted_day = ? WHERE uuid = ?", (day, row["uuid"]))


@migration(3)
def signed_payloads(store: Store) -> None:
    """The receipt's signed QR payload, signed once at intake (it never changes) and reused
    by every print and every push instead of being signed again each time. Rows from
    before stay NULL: those are signed when used, as they always were."""
    store.execute("ALTER TABLE submissions ADD COLUMN signed_payload TEXT")


@migration(4)
def audit_states(store: Store) -> None:
    """One `audit.baseline` entry per application, carrying the state of its rows, so that
    `audit verify` can tell a later change made outside the program from one it recorded
    (entries from before carry no state). Also writes the head file for the first time."""
    from counter_app.store import audit

    for row in store.query("SELECT receipt_no FROM submissions ORDER BY accepted_at"):
        audit.append(store, "system", "audit.baseline", row["receipt_no"])
    from counter_app.store.audit_anchors import HEAD_FILE, write_head_file

    store.after_commit(HEAD_FILE, write_head_file)


@migration(5)
def standard_ratings(store: Store) -> None:
    """好差评 as GB/T 39046-2020 has it (`sync.ratings`): one row per rating (一次一评: a
    rating per service event, each counted), holding the standard code, 1 = 非常满意.

    The 1-5 STAR ratings kept before are turned round (5 stars = code 1) in `submissions`
    and copied as one counter rating each, so figures from before and after agree."""
    _run(
        store,
        """
UPDATE submissions SET rating = 6 - rating WHERE rating IS NOT NULL;
CREATE TABLE ratings (
    uuid TEXT PRIMARY KEY, submission_uuid TEXT NOT NULL REFERENCES submissions (uuid),
    service_event TEXT NOT NULL, channel TEXT NOT NULL,
    code INTEGER NOT NULL CHECK (code BETWEEN 1 AND 5),
    overall INTEGER CHECK (overall BETWEEN 1 AND 5),
    efficiency INTEGER CHECK (efficiency BETWEEN 1 AND 5),
    level INTEGER CHECK (level BETWEEN 1 AND 5),
    attitude INTEGER CHECK (attitude BETWEEN 1 AND 5),
    comment TEXT NOT NULL DEFAULT '', count INTEGER NOT NULL, region TEXT NOT NULL DEFAULT '',
    clerk_id TEXT NOT NULL DEFAULT '', source TEXT NOT NULL CHECK (source IN ('local', 'portal')),
    remote_id TEXT UNIQUE, at TEXT NOT NULL);
CREATE INDEX ratings_submission ON ratings (submission_uuid, at);
INSERT INTO ratings (uuid, submission_uuid, service_event, channel, code, count, clerk_id,
        source, at)
    SELECT uuid || '/legacy', uuid, 'acceptance', 'hall_terminal', rating, 1, clerk_id,
        'local', accepted_at
    FROM submissions WHERE rating IS NOT NULL
""",
    )
    from counter_app.store import audit  # the turned-round rows, recorded as the program's
    from counter_app.store.audit_anchors import HEAD_FILE, write_head_file

    rated = "SELECT receipt_no FROM submissions WHERE rating IS NOT NULL ORDER BY accepted_at"
    for row in store.query(rated):
        audit.append(store, "system", "submission.rating.standard_code", row["receipt_no"])
    store.after_commit(HEAD_FILE, write_head_file)


@migration(6)
def deadlines_and_deferrals(store: Store) -> None:
    """Deadlines as the law counts them (issue 15): whether a due date was counted across a
    year whose holidays were not yet published (`due_provisional`); the holiday calendar
    years the platform published (`calendar_years`, installed into forms.workdays at open);
    and 容缺受理, a minor material accepted to follow on a signed promise
    (`deferred_materials`: what, in which form, by when, the promise's signature, and when
    it was flagged late or handed in, at any terminal of the hall); a deferred material
    also travels as a notice item with reason `deferred`, so that table is rebuilt with
    the wider CHECK (SQLite cannot alter one)."""
    _run(
        store,
        """
ALTER TABLE submissions ADD COLUMN due_provisional INTEGER NOT NULL DEFAULT 0;
CREATE TABLE calendar_years (
    year INTEGER PRIMARY KEY,
    entry TEXT NOT NULL,
    installed_at TEXT NOT NULL
);
CREATE TABLE deferred_materials (
    uuid TEXT NOT NULL REFERENCES submissions(uuid),
    material_code TEXT NOT NULL,
    form TEXT NOT NULL,
    due_date TEXT NOT NULL,
    promise_sha256 TEXT REFERENCES materials(sha256),
    flagged_at TEXT,
    fulfilled_at TEXT,
    fulfilled_note TEXT,
    PRIMARY KEY (uuid, material_code)
);
CREATE INDEX deferred_open ON deferred_materials (fulfilled_at, due_date);
CREATE TABLE notice_items_v6 (
    uuid TEXT NOT NULL REFERENCES submissions (uuid), material_code TEXT NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('missing', 'wrong', 'deferred')),
    note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (uuid, material_code));
INSERT INTO notice_items_v6 (uuid, material_code, reason, note)
    SELECT uuid, material_code, reason, note FROM notice_items ORDER BY rowid;
DROP TABLE notice_items;
ALTER TABLE notice_items_v6 RENAME TO notice_items
""",
    )


@migration(8)
def hall_supplements(store: Store) -> None:
    """A supplement this window took for an application of another window of the hall
    (issue 16): the case as the platform showed it (owner's receipt number and window,
    item, masked applicant) and the files taken, so its receipt can be printed and
    reprinted here; the files travel in the `supplemented` event's note."""
    _run(
        store,
        """
CREATE TABLE hall_supplements (
    id INTEGER PRIMARY KEY,
    receipt_no TEXT NOT NULL,
    uuid TEXT NOT NULL,
    owner_window TEXT NOT NULL,
    service_code TEXT NOT NULL,
    service_version INTEGER NOT NULL,
    applicant_name TEXT NOT NULL,
    materials TEXT NOT NULL,
    clerk_id TEXT NOT NULL,
    taken_at TEXT NOT NULL
);
CREATE INDEX hall_supplements_receipt ON hall_supplements (receipt_no, id)
""",
    )
