"""The ingest benchmark's fleet and load: many enrolled terminals, each holding its pushes as
ready-made request bodies, driven at once by one asyncio client.

Why not real terminals here (as `bench_portal` does): 200 terminal stores, intake services
and sync engines in one process measure the bench's own Python more than the platform; the
platform cannot tell the difference, since every body is a real `PushRequest` of
`ApplicationIn`s (content hash, receipt numbers the terminal issued, materials its hall
holds), sent with the terminal's own token, in batches of the terminal's batch size.
"""

from __future__ import annotations

import asyncio
import base64
import bisect
import contextlib
import hashlib
import json
import os
import random
import ssl
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from bench.core import ROOT
from bench.people import company, person
from bench.terminals import ANSWERS
from forms.catalog import load_catalog
from forms.model import ServiceItem
from portal import enrollment
from portal.db import Database
from sync.canonical import content_hash
from sync.hall_time import hall_zone
from sync.protocol import API_PREFIX, ApplicationIn, EnrollRequest, PushRequest
from sync.receipt_numbers import encode, new_receipt_no

#: A city's halls, a terminal at each window: terminal i is at window i % WINDOWS + 1 of hall
#: i // WINDOWS. Every terminal at one window of one hall taking one item (as this bench did
#: until the fifth round) made every push update the same rollup rows, so the pushes queued
#: on one row lock: a place no real fleet is in (`docs/performance.md`, fifth round).
HALLS = tuple(f"南昌市{d}政务服务中心" for d in ("东湖区", "西湖区", "青云谱区", "青山湖区",
              "新建区", "红谷滩区", "南昌县", "进贤县", "安义县", "湾里区"))  # fmt: skip
WINDOWS = 20
BATCH = 50  # the terminal's push batch (sync.engine.SyncEngine's default)
FILES = [b"%PDF-1.4\n" + bytes(range(256)) * 8, b"\x89PNG\r\n\x1a\n" + bytes(4000)]


@dataclass
class Fleet:
    """Terminal IDs, their pushes (bodies, in order) and, once enrolled, their tokens."""

    ids: list[str]
    bodies: list[list[bytes]]
    apps: int
    wire: list[list[bytes]] = field(default_factory=list)  # each application's JSON
    tokens: list[str] = field(default_factory=list)

    def place(self, i: int) -> tuple[str, int]:
        """Terminal i's hall and window."""
        return HALLS[i // WINDOWS % len(HALLS)], i % WINDOWS + 1

    def hall_tokens(self) -> dict[str, str]:
        """A token of one terminal in each hall (materials are held per hall)."""
        return {self.place(i)[0]: token for i, token in enumerate(self.tokens)}


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _application(rng: random.Random, tid: str, n: int, where: tuple[str, int],
                 item: ServiceItem, answers: dict[str, object]) -> ApplicationIn:  # fmt: skip
    who = person(rng) if item.applicant_kind == "person" else company(rng)
    today = datetime.now(hall_zone()).date()  # the hall's day
    shas = [hashlib.sha256(f).hexdigest() for f in FILES]
    model = ApplicationIn.model_validate(
        {"uuid": str(uuid.UUID(int=rng.getrandbits(128))),
         "receipt_no": new_receipt_no(today, tid, n), "kind": "acceptance",
         "service_code": item.code, "service_version": item.version, "hall": where[0],
         "window": str(where[1]),
         "clerk_id": "C001", "accepted_at": datetime.now(UTC).isoformat(),
         "due_date": (today + timedelta(days=20)).isoformat(), "status": "received",
         "answers": answers, "materials": {"idcard": shas[:1], "photo": shas[1:]},
         "applicant": {"kind": who.kind, "id_no": who.id_no, "name": who.name,
                       "phone": who.phone}, "content_hash": "0" * 64}
    )  # fmt: skip
    return model.model_copy(update={"content_hash": content_hash(model)})


def make_fleet(terminals: int, apps: int, seed: int = 17, first: int = 0) -> Fleet:
    """`terminals` terminals with `apps` applications each, as push bodies."""
    rng = random.Random(seed)
    items = sorted(
        load_catalog(ROOT / "assets" / "catalog").items.values(), key=lambda item: item.code
    )
    forms = [(item, json.loads((ANSWERS / f"{item.code}.json").read_text())) for item in items]
    fleet = Fleet(["Y" + encode(first + i, 3) for i in range(terminals)], [], terminals * apps)
    for i, tid in enumerate(fleet.ids):
        wire = [_application(rng, tid, n + 1, fleet.place(i), *forms[(i + n) % len(forms)])
                for n in range(apps)]  # fmt: skip
        fleet.wire.append([app.model_dump_json().encode() for app in wire])
        fleet.bodies.append([push_body(fleet.wire[i][k : k + BATCH])
                             for k in range(0, len(wire), BATCH)])  # fmt: skip
    return fleet


_EMPTY = PushRequest().model_dump_json().encode()


def push_body(apps: list[bytes]) -> bytes:
    """The push request carrying these applications (each one's JSON), as the terminal's
    `PushRequest` writes it."""
    return _EMPTY.replace(b'"applications":[]', b'"applications":[%s]' % b",".join(apps), 1)


def enroll_fleet(fleet: Fleet, db: Database) -> None:
    """Enroll every terminal of `fleet` at `db` (as `portal enroll-code` + the terminal)."""
    fleet.tokens = []
    for i, tid in enumerate(fleet.ids):
        key = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        code = enrollment.issue_code(db, *fleet.place(i), timedelta(hours=1))
        req = EnrollRequest(code=code, public_key=_b64(key), code_secret=_b64(os.urandom(32)),
                            proposed_terminal_id=tid)  # fmt: skip
        reply = enrollment.enroll(db, req)
        assert reply.terminal_id == tid, (reply.terminal_id, tid)
        fleet.tokens.append(reply.token)


def upload_files(url: str, fleet: Fleet) -> None:
    """The materials every application names, uploaded once for each hall (not timed)."""
    for token in fleet.hall_tokens().values():
        _upload(url, token)


def _upload(url: str, token: str) -> None:
    auth = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=url + API_PREFIX, headers=auth, trust_env=False) as http:
        for body in FILES:
            sha = hashlib.sha256(body).hexdigest()
            reply = http.put(f"/materials/{sha}", params={"offset": 0, "total": len(body)},
                             content=body)  # fmt: skip
            reply.raise_for_status()


@dataclass
class Load:
    """What one run measured: seconds, applications confirmed, latencies and errors."""

    seconds: float = 0.0
    cpu: float = 0.0  # CPU seconds the server processes used meanwhile
    db_cpu: float | None = None  # and PostgreSQL's (None: not measured)
    stored: int = 0
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


async def _terminal(client: httpx.AsyncClient, urls: list[str], fleet: Fleet, i: int,
                    path: str, load: Load) -> None:  # fmt: skip
    for j, body in enumerate(fleet.bodies[i]):
        url = urls[(i + j) % len(urls)] + path  # the balancer's round robin
        await _push(client, url, fleet.tokens[i], body, load)


async def _arriving(client: httpx.AsyncClient, urls: list[str], fleet: Fleet, i: int,
                    path: str, load: Load, rate: float) -> None:  # fmt: skip
    """Terminal i taking `rate` applications a second and pushing as `SyncEngine` does:
    all that is waiting (up to a batch) as soon as the push before it has returned."""
    wire, start = fleet.wire[i], time.perf_counter() + i / len(fleet.ids) / rate
    due = [start + n / rate for n in range(len(wire))]  # when each is accepted
    sent = 0
    while sent < len(wire):
        if (wait := due[sent] - time.perf_counter()) > 0:
            await asyncio.sleep(wait)
        taken = max(bisect.bisect_right(due, time.perf_counter(), sent), sent + 1)  # woken early
        upto = min(taken, sent + BATCH)
        url = urls[(i + sent) % len(urls)] + path
        await _push(client, url, fleet.tokens[i], push_body(wire[sent:upto]), load)
        sent = upto


async def _push(client: httpx.AsyncClient, url: str, token: str, body: bytes,
                load: Load) -> None:  # fmt: skip
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    start = time.perf_counter()
    reply = await client.post(url, content=body, headers=auth)
    load.latencies.append(time.perf_counter() - start)
    if reply.status_code != 200:
        load.errors.append(f"{reply.status_code} {reply.text[:200]}")
        return
    results = reply.json().get("results")
    if results is None:  # the bare endpoint: counted as the batch it was sent
        load.stored += body.count(b'"receipt_no"')
        return
    load.stored += sum(r["outcome"] == "stored" for r in results)
    load.errors += [f"{r['outcome']}: {r.get('reason')}" for r in results
                    if r["outcome"] != "stored"]  # fmt: skip


async def _drive(urls: list[str], fleet: Fleet, path: str, rate: float | None) -> Load:
    """Each terminal with a client of its own, as each is its own machine: one shared pool
    of 200 connections cost httpcore ~1 s of CPU for 200 pushes (it scans every connection
    for every request), and that second was in every push's time."""
    load = Load()
    tls = ssl.create_default_context()  # one for all (each client's own: 17 ms apiece)
    async with contextlib.AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(
                httpx.AsyncClient(timeout=300.0, verify=tls, trust_env=False)
            )
            for _ in fleet.ids
        ]
        start = time.perf_counter()
        await asyncio.gather(
            *(_terminal(clients[i], urls, fleet, i, path, load) if rate is None
              else _arriving(clients[i], urls, fleet, i, path, load, rate / len(fleet.ids))
              for i in range(len(fleet.ids)))
        )  # fmt: skip
        load.seconds = time.perf_counter() - start
    return load


def drive(urls: list[str], fleet: Fleet, path: str = f"{API_PREFIX}/push",
          rate: float | None = None) -> Load:  # fmt: skip
    """Every terminal of `fleet` pushes its batches at once, spread over `urls` in turn;
    with `rate`, the fleet takes that many applications a second in all and each terminal
    pushes what it has taken (`_arriving`)."""
    return asyncio.run(_drive(urls, fleet, path, rate))
