"""The "one number" lookup on the platform: what an enrolled terminal is offered about the
applicant at its counter, and the files it may then fetch.

Decisions (docs/architecture.md, "One number"):
- Scope is a platform setting (`Settings.lookup_scope`, $PORTAL_LOOKUP_SCOPE): "hall" sees
  only applications taken in the asking terminal's hall, "city" every hall of the platform.
- Only materials the item's definition marks `reusable` are offered, from applications not
  voided, newest first, one offer per (material, file). A copy's validity is the date field
  `<material_code>_valid_until` of the application it came with, when the form records one
  (an ID card's expiry: `id_card_valid_until`).
- No bulk: one validated identifier per request (`sync.lookup.LookupRequest`), consent proof
  required, and at most `lookup_limit` lookups per terminal per `lookup_window`, counted in
  the `lookups` table (the trail itself), so the limit holds across app servers.
- A file may be downloaded only by a terminal whose lookup offered it within
  `lookup_download_ttl`; anything else is the same 404 as an unknown file.
- Every lookup and every download is recorded (`lookups`, `lookup_downloads`); the citizen's
  tracking page shows the downloads of their application's files (`reuses_of`).
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, select, text

from forms.errors import CatalogError
from forms.model import MaterialSpec, ServiceItem
from forms.text import Text
from portal.db import Database
from portal.enrollment import TerminalInfo
from portal.errors import NotFound, RateLimited
from portal.licences import licence_offers, types_taken
from portal.materials import MaterialStore, key_of
from portal.settings import Settings
from sync.file_types import HEAD_BYTES, sniff
from sync.hall_time import portal_zone
from sync.lookup import (
    MAX_OFFERS,
    LookupReply,
    LookupRequest,
    Profile,
    ProfileValue,
    ReusableMaterial,
)
from sync.statuses import Status

ZONE = portal_zone()
#: The most applications of one applicant a lookup reads (newest first).
MAX_APPLICATIONS = 200
NO_SUCH_FILE = Text("没有这个文件。", "No such file.")


@dataclass(frozen=True, slots=True)
class Offer:
    """One offer and the application it came with (None: issued by the platform)."""

    material: ReusableMaterial
    source_uuid: str | None


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def _day(iso: str) -> date:
    """The hall's day of a stored time."""
    return datetime.fromisoformat(iso).astimezone(ZONE).date()


def lookup(
    db: Database, store: MaterialStore, settings: Settings, term: TerminalInfo, req: LookupRequest
) -> LookupReply:
    """The offers for one applicant, recorded with the consent; RateLimited (429) beyond
    the terminal's limit."""
    now = datetime.now(UTC)
    with db.begin() as conn:
        _admit(db, conn, term, settings, now)
        hall = term.hall if settings.lookup_scope == "hall" else None
        apps = _applications(db, conn, req.id_no, hall)
        items = _Items(db, conn)
        found = offers(db, conn, store, items, apps, req, hall)[:MAX_OFFERS]
        profile = _profile(items, apps)
        _record(db, conn, term, req, settings, found, now)
    return LookupReply(
        scope=settings.lookup_scope,
        profile=profile,
        materials=[o.material for o in found],
        download_until=now + settings.lookup_download_ttl,
    )


def _admit(
    db: Database, conn: Connection, term: TerminalInfo, settings: Settings, now: datetime
) -> None:
    """Refuse a lookup over the terminal's limit, saying when the oldest one counted lapses.
    On PostgreSQL a per-terminal lock makes two app servers count one after the other."""
    if db.is_postgres:
        lock = text("SELECT pg_advisory_xact_lock(7003, hashtext(:t))")
        conn.execute(lock, {"t": term.terminal_id})
    table = db.t("lookups")
    query = (
        select(table.c.at)
        .where(
            table.c.terminal_id == term.terminal_id, table.c.at > _iso(now - settings.lookup_window)
        )
        .order_by(table.c.at)
        .limit(settings.lookup_limit)
    )
    recent = list(conn.scalars(query))
    if len(recent) < settings.lookup_limit:
        return
    lapses = datetime.fromisoformat(recent[0]) + settings.lookup_window
    wait = max(1, math.ceil((lapses - now).total_seconds()))
    raise RateLimited(settings.lookup_limit, int(settings.lookup_window.total_seconds()), wait)


def _applications(db: Database, conn: Connection, id_no: str, hall: str | None) -> list[Row[Any]]:
    """The applicant's applications in scope, not voided, newest first."""
    apps = db.t("applications")
    query = select(apps).where(
        apps.c.applicant_id_no == id_no, apps.c.status != Status.VOIDED.value
    )
    if hall is not None:
        query = query.where(apps.c.hall == hall)
    rows = list(conn.execute(query.limit(MAX_APPLICATIONS)))
    return sorted(rows, key=lambda r: datetime.fromisoformat(r.accepted_at), reverse=True)


class _Items:
    """Item definitions as the platform published them, read once per lookup."""

    def __init__(self, db: Database, conn: Connection) -> None:
        self.db, self.conn = db, conn
        self.cache: dict[tuple[str, int], ServiceItem | None] = {}

    def get(self, code: str, version: int) -> ServiceItem | None:
        """That version, else the newest published (None: the platform does not know it)."""
        if (code, version) not in self.cache:
            self.cache[(code, version)] = self._load(code, version)
        return self.cache[(code, version)]

    def _load(self, code: str, version: int) -> ServiceItem | None:
        table = self.db.t("catalog_items")
        query = select(table.c.definition).where(table.c.code == code)
        exact = query.where(table.c.version == version)
        body = (
            self.conn.execute(exact).scalar_one_or_none()
            or self.conn.execute(
                query.order_by(table.c.version.desc()).limit(1)
            ).scalar_one_or_none()
        )
        try:
            return ServiceItem.from_dict(json.loads(body)) if body else None
        except (CatalogError, ValueError):
            return None


def offers(
    db: Database,
    conn: Connection,
    store: MaterialStore,
    items: _Items,
    apps: list[Row[Any]],
    req: LookupRequest,
    hall: str | None = None,
) -> list[Offer]:
    """Everything a lookup offers, newest first. THE place offers join the reply: copies
    given at windows, and the valid electronic licences (kind="licence") the applicant holds
    of the types the item takes (`portal.licences`), within the same scope (`hall`)."""
    found = copy_offers(db, conn, store, items, apps)
    item = items.get(req.service_code, 0) if req.service_code else None
    held = licence_offers(
        conn,
        db,
        (req.id_type, req.id_no),
        types_taken(item) if item else None,
        datetime.now(ZONE).date(),
        hall,
    )
    found += [Offer(material, uuid) for material, uuid in held]  # fmt: skip
    return sorted(found, key=lambda o: o.material.given_on, reverse=True)


def copy_offers(
    db: Database, conn: Connection, store: MaterialStore, items: _Items, apps: list[Row[Any]]
) -> list[Offer]:
    """The reusable copies the applicant gave with `apps` (newest first), one per (material,
    file), only files the platform holds complete."""
    by_uuid = _files_of(db, conn, [a.uuid for a in apps])
    seen: set[tuple[str, str]] = set()
    found: list[Offer] = []
    for app in apps:
        item = items.get(app.service_code, app.service_version)
        for code, sha, size in by_uuid.get(app.uuid, []) if item else []:
            spec = item.material(code) if item else None
            if spec is None or not spec.reusable or (code, sha) in seen:
                continue
            seen.add((code, sha))
            found.append(Offer(_copy(store, app, spec, sha, size), app.uuid))
    return found


def _files_of(
    db: Database, conn: Connection, uuids: list[str]
) -> dict[str, list[tuple[str, str, int]]]:
    mats, files = db.t("application_materials"), db.t("materials")
    query = (
        select(mats.c.uuid, mats.c.material_code, mats.c.sha256, files.c.size)
        .join(files, files.c.sha256 == mats.c.sha256)
        .where(mats.c.uuid.in_(uuids))
        .order_by(mats.c.material_code, mats.c.sha256)
    )
    found: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for row in conn.execute(query) if uuids else []:
        found[row.uuid].append((row.material_code, row.sha256, int(row.size)))
    return found


def _copy(
    store: MaterialStore, app: Row[Any], spec: MaterialSpec, sha: str, size: int
) -> ReusableMaterial:
    return ReusableMaterial(
        kind="copy",
        material_code=spec.code,
        title=spec.name.zh,
        sha256=sha,
        size=size,
        content_type=_content_type(store, sha),
        hall_id=app.hall,
        terminal_id=app.terminal_id,
        window=app.window,
        service_code=app.service_code,
        given_on=_day(app.accepted_at),
        valid_until=_valid_until(app, spec.code),
    )


def _content_type(store: MaterialStore, sha: str) -> str:
    """The MIME type the file's first bytes say (the platform keeps no file names)."""
    try:
        return sniff(next(store.blobs.stream(key_of(sha), HEAD_BYTES), b""))[1]
    except OSError:
        return "application/octet-stream"


def _valid_until(app: Row[Any], material_code: str) -> date | None:
    """The date the application's form recorded as this material's end of validity."""
    value = _answers(app).get(f"{material_code}_valid_until")
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _answers(app: Row[Any]) -> dict[str, Any]:
    found = json.loads(app.answers or "{}")
    return found if isinstance(found, dict) else {}


def _given(app: Row[Any], value: str) -> ProfileValue:
    return ProfileValue(
        value=value[:200],
        hall_id=app.hall,
        terminal_id=app.terminal_id,
        given_on=_day(app.accepted_at),
    )


def _profile(items: _Items, apps: list[Row[Any]]) -> Profile:
    """Name and phone from the newest application; the address from the newest one whose
    form has an address field filled in (a field called "address" first)."""
    if not apps:
        return Profile()
    person = json.loads(apps[0].applicant)
    name, phone = str(person.get("name") or ""), str(person.get("phone") or "")
    profile = Profile(
        name=_given(apps[0], name) if name else None,
        phone=_given(apps[0], phone) if phone else None,
    )
    for app in apps:
        address = _address(items.get(app.service_code, app.service_version), _answers(app))
        if address:
            return profile.model_copy(update={"address": _given(app, address)})
    return profile


def _address(item: ServiceItem | None, answers: dict[str, Any]) -> str:
    codes = [f.code for f in (item.fields if item else ()) if f.type == "address"]
    for code in sorted(codes, key=lambda c: c != "address"):
        value = answers.get(code)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _record(
    db: Database,
    conn: Connection,
    term: TerminalInfo,
    req: LookupRequest,
    settings: Settings,
    found: list[Offer],
    now: datetime,
) -> None:
    """The trail: who asked, for which application, with which consent, what was offered."""
    row = {
        "terminal_id": term.terminal_id,
        "hall": term.hall,
        "window": str(term.window),
        "clerk_id": req.clerk_id,
        "id_type": req.id_type,
        "id_no": req.id_no,
        "application": req.application,
        "service_code": req.service_code,
        "consent_method": req.consent.method,
        "consent_at": _iso(req.consent.at),
        "scope": settings.lookup_scope,
        "offered": len(found),
        "at": _iso(now),
    }
    inserted = conn.execute(insert(db.t("lookups")).values(**row)).inserted_primary_key
    lookup_id = inserted[0] if inserted else None
    unique = {o.material.sha256: o for o in reversed(found)}  # the newest offer of a file
    rows = [
        {"lookup_id": lookup_id, "sha256": sha, "source_uuid": o.source_uuid,
         "material_code": o.material.material_code}
        for sha, o in unique.items()
    ]  # fmt: skip
    if rows:
        conn.execute(insert(db.t("lookup_offers")), rows)


def download(
    db: Database, store: MaterialStore, settings: Settings, term: TerminalInfo, sha: str
) -> bytes:
    """The file `term` was offered within the download window (checked against its
    SHA-256, from whichever blob store the platform uses), recorded as downloaded;
    NotFound, the same as for an unknown file, for anything else."""
    lookups, offered = db.t("lookups"), db.t("lookup_offers")
    since = _iso(datetime.now(UTC) - settings.lookup_download_ttl)
    query = (
        select(offered.c.lookup_id, offered.c.source_uuid, offered.c.material_code)
        .join(lookups, lookups.c.id == offered.c.lookup_id)
        .where(lookups.c.terminal_id == term.terminal_id, offered.c.sha256 == sha)
        .where(lookups.c.at > since)
        .order_by(offered.c.lookup_id.desc())
        .limit(1)
    )
    with db.begin() as conn:
        row = conn.execute(query).first()
        data = store.read(sha) if row is not None else None
        if row is None or data is None:
            raise NotFound(NO_SUCH_FILE)
        conn.execute(
            insert(db.t("lookup_downloads")).values(
                lookup_id=row.lookup_id,
                sha256=sha,
                source_uuid=row.source_uuid,
                material_code=row.material_code,
                size=len(data),
                at=_iso(datetime.now(UTC)),
            )
        )
    return data


@dataclass(frozen=True, slots=True)
class Reuse:
    """A window that used a file of this application: what the citizen's page shows."""

    hall: str
    window: str
    on: date
    service_code: str  # the item it was used for ("" when the lookup did not say)
    material_code: str


def reuses_of(conn: Connection, db: Database, uuid: str) -> tuple[Reuse, ...]:
    """The downloads of the files given with application `uuid`, oldest first."""
    lookups, downloads = db.t("lookups"), db.t("lookup_downloads")
    query = (
        select(lookups.c.hall, lookups.c.window, lookups.c.service_code, downloads.c.at,
               downloads.c.material_code)
        .join(lookups, lookups.c.id == downloads.c.lookup_id)
        .where(downloads.c.source_uuid == uuid)
        .order_by(downloads.c.id)
    )  # fmt: skip
    return tuple(
        Reuse(r.hall, r.window, _day(r.at), r.service_code or "", r.material_code)
        for r in conn.execute(query)
    )
