"""A push batch's applications stored as a set: one query finds what the platform already
holds for the whole batch, each application is decided in memory against it (in batch
order, so a later copy in the same batch sees an earlier one), and the new ones go in with
one multi-row INSERT each for applications, their materials and their first status event.

Why: storing row by row cost four round trips to the database per application (look up,
insert, materials, event), ~13-15 ms per application on PostgreSQL here; a batch of 50 now
costs the same four round trips in all (`docs/performance.md`, "portal ingest").

The answers are those of `portal.services` row by row, exactly: a new application is
STORED, the same one again DUPLICATE, anything else under its UUID or receipt number a
CONFLICT (kept for the supervisor). The applications INSERT says `ON CONFLICT DO NOTHING`
and counts what went in: when another app server stored one of them between our look-up
and our insert, the whole batch is rolled back as Busy (503, Retry-After) and the terminal's
retry gets the exact answer, as a unique-key error did before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Table,
    bindparam,
    delete,
    func,
    insert,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql

from forms.text import Text
from portal.db import Database, now_iso
from portal.enrollment import TerminalInfo
from portal.errors import Busy
from sync.canonical import canonical_json, content_hash
from sync.protocol import ApplicationIn, Outcome, PushResult, WireText
from sync.receipt_numbers import normalise_receipt_no, receipt_terminal_id
from sync.statuses import ACCEPTANCE_STATES

OTHER_HALL = Text("该记录属于其他大厅。", "This record belongs to another hall.")
HASH_MISMATCH = Text(
    "内容与其哈希不符（传输中损坏？）。", "Content does not match its hash (damaged in transit?)."
)
CONFLICT = Text(
    "同一编号的申请内容不同，已保留待主管处理。",
    "Same application ID with different content: kept for the supervisor.",
)
BAD_NUMBER = Text(
    "受理编号格式或校验位错误。", "The receipt number is malformed or its check character fails."
)


@dataclass(frozen=True)
class Held:
    """What the decision needs of an application the platform holds (or this batch adds)."""

    uuid: str
    receipt_no: str
    hall: str
    revision: int
    content_hash: str
    terminal_id: str


@dataclass
class Batch:
    """The batch's writes, gathered and then sent as one statement per table."""

    db: Database
    conn: Connection
    term: TerminalInfo
    by_uuid: dict[str, Held] = field(default_factory=dict)
    by_receipt: dict[str, Held] = field(default_factory=dict)
    apps: list[dict[str, Any]] = field(default_factory=list)
    materials: list[dict[str, str]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)

    def hold(self, row: Held) -> None:
        self.by_uuid[row.uuid] = row
        self.by_receipt[row.receipt_no] = row

    def flush(self) -> None:
        """Send what is gathered: applications first (their materials and events refer to
        them). Fewer applications in than sent means another app server won a race."""
        apps, mats, events = (self.db.t(n) for n in ("applications", "application_materials",
                                                      "status_events"))  # fmt: skip
        if self.apps:
            stored = _insert(self.db, self.conn, apps, self.apps, returning=apps.c.uuid)
            if len(stored) != len(self.apps):
                raise Busy(retry_after=1)
        _insert(self.db, self.conn, mats, self.materials)
        _insert(self.db, self.conn, events, self.events)
        self.apps, self.materials, self.events = [], [], []


def _insert(
    db: Database,
    conn: Connection,
    table: Table,
    rows: list[dict[str, Any]],
    returning: Column[Any] | None = None,
) -> list[Any]:
    """Insert `rows` in one statement; with `returning`, skipping any that would break a
    unique key and giving that column of those that went in. On PostgreSQL all rows go
    as ONE json parameter that the server unpacks (`_from_json`): the statement text is
    the same for any batch (parsed and planned once), and the driver sends one string
    instead of escaping every value into one text array per column, which was 39% of the
    batch's CPU (`docs/performance.md`, "Ingest: one connection per push, rows as JSON")."""
    if not rows:
        return []
    names = tuple(rows[0])
    if db.is_postgres:
        stmt: Any = _from_json(table, names, returning is not None)
        params: Any = {"rows": rows}
    else:
        stmt, params = db.insert(table), rows
        if returning is not None:
            stmt = stmt.on_conflict_do_nothing()
    if returning is None:
        conn.execute(stmt, params)
        return []
    return list(conn.execute(stmt.returning(returning), params).scalars())


@lru_cache(maxsize=64)
def _from_json(table: Table, names: tuple[str, ...], skip_taken: bool) -> Any:
    """`INSERT INTO table (names) SELECT names FROM json_populate_recordset(NULL::table,
    :rows)`: PostgreSQL turns each JSON value into its column's type, as a bound value
    would be; columns not named keep their defaults. Built once per shape and reused."""
    source = func.json_populate_recordset(
        literal_column(f'NULL::"{table.name}"'),  # our own lower-case names: quoted as is
        bindparam("rows", type_=postgresql.JSON),
    ).alias("r")
    chosen: Any = select(*(literal_column(f'r."{n}"') for n in names)).select_from(source)
    stmt = postgresql.insert(table).from_select(list(names), chosen)
    return stmt.on_conflict_do_nothing() if skip_taken else stmt


def push_applications(
    db: Database, conn: Connection, term: TerminalInfo, apps: list[ApplicationIn], known: set[str]
) -> list[PushResult]:
    """Store `apps` (one push batch) in `conn`'s transaction; one result per application,
    in order. `known` = material hashes the terminal's hall holds."""
    batch = Batch(db, conn, term)
    _look_up(batch, apps)
    results = [_decide(batch, app, known) for app in apps]
    batch.flush()
    return results


def _look_up(batch: Batch, apps: list[ApplicationIn]) -> None:
    """Everything held under any of the batch's UUIDs or receipt numbers, in one query (one
    statement for both keys: under READ COMMITTED two could see a racing push's row in
    the second only, and call the same application a conflict)."""
    if not apps:
        return
    table = batch.db.t("applications")
    cols = [table.c[name] for name in Held.__dataclass_fields__]
    uuids, receipts = {a.uuid for a in apps}, {a.receipt_no for a in apps}
    keys = or_(batch.db.one_of(table.c.uuid, uuids), batch.db.one_of(table.c.receipt_no, receipts))
    query = select(*cols).where(keys)
    for row in batch.conn.execute(query):
        batch.hold(Held(*row))


def _result(app: ApplicationIn, outcome: Outcome, reason: Text | None = None) -> PushResult:
    wire = WireText.of(reason) if reason else None
    return PushResult(uuid=app.uuid, outcome=outcome, reason=wire)


def not_yours(app: ApplicationIn, term: TerminalInfo) -> Text | None:
    """Why `term` may not push `app` (None when it may): the receipt number must be valid,
    in its compact form, and issued by `term` itself; the hall must be `term`'s. Without
    this a terminal could take another's (predictable) numbers and block its pushes."""
    issuer = receipt_terminal_id(app.receipt_no)
    if issuer is None or app.receipt_no != normalise_receipt_no(app.receipt_no):
        return BAD_NUMBER
    if issuer != term.terminal_id:
        return Text(
            f"受理编号 {app.receipt_no} 由终端 {issuer} 发出，不属于本终端 {term.terminal_id}。",
            f"Receipt number {app.receipt_no} was issued by terminal {issuer}, "
            f"not by this terminal {term.terminal_id}.",
        )
    if app.status not in ACCEPTANCE_STATES:
        return Text(
            f"申请只能以受理状态上传，不能是 {app.status.value}。",
            f"An application is pushed as accepted, not as {app.status.value}.",
        )
    return OTHER_HALL if app.hall != term.hall else None


def _decide(batch: Batch, app: ApplicationIn, known: set[str]) -> PushResult:
    term = batch.term
    refusal = not_yours(app, term)
    if refusal is not None:
        return _result(app, Outcome.REJECTED, refusal)
    digest = content_hash(app)
    if digest != app.content_hash:
        return _result(app, Outcome.REJECTED, HASH_MISMATCH)
    row = batch.by_uuid.get(app.uuid)
    if row is None:
        other = batch.by_receipt.get(app.receipt_no)
        if other is not None:  # another application already holds this receipt number
            return _conflict(batch, app, other)
    elif row.hall != term.hall:
        return _result(app, Outcome.REJECTED, OTHER_HALL)
    elif row.revision == app.revision and row.content_hash == digest:
        return _result(app, Outcome.DUPLICATE)
    elif row.revision > app.revision:
        return _result(app, Outcome.DUPLICATE)  # an older revision replayed late
    elif row.revision == app.revision or row.terminal_id != term.terminal_id:
        return _conflict(batch, app, row)
    missing = [h for h in app.files() if h not in known]
    if missing:
        return PushResult(uuid=app.uuid, outcome=Outcome.MISSING_MATERIALS, missing=missing)
    _gather(batch, app, replace=row is not None)
    return _result(app, Outcome.STORED)


def _conflict(batch: Batch, app: ApplicationIn, row: Held) -> PushResult:
    """Keep the incoming copy for the supervisor (once per content), never over the row."""
    table, conn = batch.db.t("conflicts"), batch.conn
    same = (table.c.uuid == app.uuid) & (table.c.incoming_hash == app.content_hash)
    if conn.execute(select(table.c.id).where(same)).first() is None:
        conn.execute(
            insert(table).values(
                uuid=app.uuid,
                receipt_no=app.receipt_no,
                terminal_id=batch.term.terminal_id,
                hall=batch.term.hall,
                stored_hash=row.content_hash,
                incoming_hash=app.content_hash,
                incoming=app.model_dump_json(),
                reason=CONFLICT.en,
                received_at=now_iso(),
            )
        )
    return _result(app, Outcome.CONFLICT, CONFLICT)


def _gather(batch: Batch, app: ApplicationIn, replace: bool) -> None:
    """A new application joins the batch's INSERTs; a higher revision of a held one (rare:
    a notice completed into an acceptance) is written at once, after what is gathered."""
    now, term = now_iso(), batch.term
    values = _columns(app, term, now)
    if replace:
        batch.flush()  # the row it replaces may be one this batch is about to insert
        apps, mats = batch.db.t("applications"), batch.db.t("application_materials")
        batch.conn.execute(update(apps).where(apps.c.uuid == app.uuid).values(**values))
        batch.conn.execute(delete(mats).where(mats.c.uuid == app.uuid))
    else:
        batch.apps.append(values | {"uuid": app.uuid, "received_at": now})
    batch.materials += [
        {"uuid": app.uuid, "material_code": code, "sha256": sha}
        for code, hashes in app.materials.items()
        for sha in dict.fromkeys(hashes)
    ]
    at = app.accepted_at.isoformat()
    batch.events.append(
        {"uuid": app.uuid, "status": app.status.value, "note": "", "source": "terminal"}
        | {"event_id": None, "at": at, "recorded_at": now}
    )
    held = (app.uuid, app.receipt_no, term.hall, app.revision, app.content_hash)
    batch.hold(Held(*held, term.terminal_id))


def _columns(app: ApplicationIn, term: TerminalInfo, now: str) -> dict[str, Any]:
    """The `applications` row of `app` pushed by `term` (all but its keys and received_at)."""
    return {
        "revision": app.revision,
        "receipt_no": app.receipt_no,
        "terminal_id": term.terminal_id,
        "hall": term.hall,
        "window": app.window,
        "clerk_id": app.clerk_id,
        "kind": app.kind,
        "service_code": app.service_code,
        "service_version": app.service_version,
        "accepted_at": app.accepted_at.isoformat(),
        "due_date": app.due_date.isoformat() if app.due_date else None,
        "status": app.status.value,
        "answers": canonical_json(app.answers),
        "applicant": canonical_json(app.applicant.model_dump()),
        "applicant_id_no": app.applicant.id_no.strip().upper(),  # the lookup's index
        "signature": app.signature,
        "notice_items": canonical_json([n.model_dump() for n in app.notice_items]),
        "notice_uuid": app.notice_uuid,
        "signed_payload": app.signed_payload,
        "content_hash": app.content_hash,
        "updated_at": now,
    }
