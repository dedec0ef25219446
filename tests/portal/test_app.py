"""The HTTP API on a real uvicorn on loopback: status codes and bodies a terminal sees."""

from __future__ import annotations

import base64
import hashlib
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from counter_app.store.sync_port import StorePort
from portal import enrollment, services
from portal.server import BackgroundServer
from portal.settings import Settings
from sync.protocol import ErrorReply, PushRequest


@pytest.fixture
def server(settings: Settings, db_url: str) -> Iterator[BackgroundServer]:
    """The portal on SQLite and on PostgreSQL (every HTTP test runs on both)."""
    with BackgroundServer(replace(settings, db_url=db_url)) as srv:
        yield srv


@pytest.fixture
def http(server: BackgroundServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url + "/api/v1", trust_env=False, timeout=5) as client:
        yield client


def enroll(server: BackgroundServer, http: httpx.Client, hall: str = "东湖大厅") -> str:
    code = enrollment.issue_code(server.app.state.db, hall, 3, timedelta(hours=1))
    body = {
        "code": code,
        "public_key": _real_key(),
        "code_secret": base64.b64encode(os.urandom(32)).decode(),
        "proposed_terminal_id": "7QXM",
    }
    resp = http.post("/enroll", json=body)
    assert resp.status_code == 200, resp.text
    return str(resp.json()["token"])


def _real_key() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    raw = (
        Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )
    return base64.b64encode(raw).decode()


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def error(resp: httpx.Response) -> ErrorReply:
    return ErrorReply.model_validate_json(resp.content)


def test_openapi_describes_every_route(http: httpx.Client, server: BackgroundServer) -> None:
    doc = httpx.get(server.url + "/openapi.json", trust_env=False).json()
    for path in ("/enroll", "/push", "/changes", "/materials/missing", "/materials/{sha256}"):
        assert "/api/v1" + path in doc["paths"]
    assert http.get("/health").json() == {"status": "ok"}


def test_no_or_unknown_token_is_401(http: httpx.Client) -> None:
    assert http.get("/changes").status_code == 401
    resp = http.get("/changes", headers=auth("nope"))
    assert resp.status_code == 401 and error(resp).error == "unauthorized"


def test_revoked_terminal_gets_403_with_reason(
    server: BackgroundServer, http: httpx.Client
) -> None:
    token = enroll(server, http)
    assert http.get("/changes", headers=auth(token)).status_code == 200
    enrollment.revoke(server.app.state.db, "7QXM", "stolen device")
    resp = http.get("/changes", headers=auth(token))
    assert resp.status_code == 403 and error(resp).error == "revoked"
    assert "stolen device" in error(resp).message.en


def test_reused_and_bad_enrollment_requests(server: BackgroundServer, http: httpx.Client) -> None:
    code = enrollment.issue_code(server.app.state.db, "H", 1, timedelta(hours=1))
    body = {"code": code, "public_key": _real_key(), "proposed_terminal_id": "7QXM"}
    body["code_secret"] = base64.b64encode(os.urandom(32)).decode()
    first = http.post("/enroll", json=body)
    assert first.status_code == 200
    # the same terminal again (its reply lost): its enrollment again, under the same ID
    again = http.post("/enroll", json=body)
    assert again.status_code == 200 and again.json()["terminal_id"] == first.json()["terminal_id"]
    other = body | {"code_secret": base64.b64encode(os.urandom(32)).decode()}
    resp = http.post("/enroll", json=other)
    assert resp.status_code == 410 and error(resp).error == "code_used"
    resp = http.post("/enroll", json=body | {"extra": 1})
    assert resp.status_code == 422 and error(resp).error == "invalid_request"


def test_upload_over_limit_is_413_with_clear_text(
    server: BackgroundServer, http: httpx.Client
) -> None:
    token = enroll(server, http)
    sha = hashlib.sha256(b"x").hexdigest()
    resp = http.put(f"/materials/{sha}", params={"offset": 0, "total": 10**9},
                    content=b"x", headers=auth(token))  # fmt: skip
    assert resp.status_code == 413 and "too large" in error(resp).message.en
    resp = http.put(f"/materials/{sha}", params={"offset": 0, "total": 1},
                    content=b"x", headers=auth(token))  # fmt: skip
    assert resp.json()["complete"] is True
    missing = http.post("/materials/missing", json={"hashes": [sha]}, headers=auth(token))
    assert missing.json() == {"missing": []}


def test_other_halls_application_is_404_like_a_missing_one(
    server: BackgroundServer, http: httpx.Client
) -> None:
    from tests.portal.test_services import SHA, app, rn

    east = enroll(server, http, hall="东湖大厅")
    west = enroll(server, http, hall="西湖大厅")
    body = {"applications": [app(1, terminal="7QXM").model_dump(mode="json")]}
    http.put(f"/materials/{SHA}", params={"offset": 0, "total": 0}, headers=auth(east))
    pushed = http.post("/push", json=body, headers=auth(east)).json()
    assert pushed["results"][0]["outcome"] == "missing_materials"  # SHA was never uploaded
    services.push(server.app.state.db, enrollment.authenticate(server.app.state.db, east),
                  PushRequest.model_validate(body), {SHA})  # fmt: skip
    assert http.get(f"/applications/{rn(1, '7QXM')}", headers=auth(east)).status_code == 200
    resp = http.get(f"/applications/{rn(1, '7QXM')}", headers=auth(west))
    assert resp.status_code == 404 and error(resp).error == "not_found"
    assert http.get("/applications/NOPE", headers=auth(west)).status_code == 404


def test_locked_database_is_503_with_retry_after(tmp_path: Path) -> None:
    settings = Settings(
        db_url=f"sqlite:///{tmp_path / 'p.db'}",
        materials_dir=tmp_path / "m",
        busy_timeout_ms=100,
    )
    with BackgroundServer(settings) as server:
        code = enrollment.issue_code(server.app.state.db, "H", 1, timedelta(hours=1))
        holder = sqlite3.connect(tmp_path / "p.db", isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock
        try:
            body = {"code": code, "public_key": _real_key(), "proposed_terminal_id": "7QXM"}
            body["code_secret"] = base64.b64encode(os.urandom(32)).decode()
            resp = httpx.post(server.url + "/api/v1/enroll", json=body, trust_env=False)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
    assert resp.status_code == 503 and resp.headers["Retry-After"] == "2"
    assert error(resp).error == "busy"


def test_unexpected_failure_is_500_error_reply(
    server: BackgroundServer, http: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = enroll(server, http)

    def boom(*args: object) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(services, "changes", boom)
    resp = http.get("/changes", headers=auth(token))
    assert resp.status_code == 500 and error(resp).error == "internal"


def test_terminal_round_trip(server: BackgroundServer, tmp_path: Path) -> None:
    """The real terminal and engine against this engine's portal: up, then a status down."""
    from counter_app import clerks
    from counter_app.ops.provision import enroll as enroll_terminal
    from counter_app.terminal import Terminal
    from sync.engine import SyncEngine
    from tests.sync.conftest import DATA, PERSON, pdf, plain_client

    with Terminal.init(tmp_path / "t", "7QXM", "东湖大厅", "3") as terminal:
        terminal.import_catalog(DATA / "SYNC-001.yaml")
        clerks.add_clerk(terminal.store, "C001", "王", "counter-pass-1", "clerk")
        code = enrollment.issue_code(server.app.state.db, "东湖大厅", 3, timedelta(hours=1))
        enroll_terminal(terminal, server.url, code, plain_client)
        taken = [
            terminal.intake.accept("SYNC-001", PERSON, {"note": str(i)},
                                   {"scan": [pdf(str(i))]}, clerk_id="C001")
            for i in range(3)
        ]  # fmt: skip
        report = SyncEngine(StorePort(terminal), plain_client).run_once()
        assert report.ok and len(report.pushed) == 3
        services.set_status(server.app.state.db, taken[1].receipt_no, "ready_for_pickup")
        report = SyncEngine(StorePort(terminal), plain_client).run_once()
        assert report.statuses_pulled == [(taken[1].receipt_no, "ready_for_pickup")]


def test_two_app_servers_share_all_state(
    server: BackgroundServer, settings: Settings, db_url: str
) -> None:
    """Behind a load balancer: an upload begun on one server resumes on the other, and a
    push stored by one is a duplicate on the other."""
    from tests.portal.test_services import app as make_app

    data = os.urandom(30_000)
    sha = hashlib.sha256(data).hexdigest()
    with BackgroundServer(replace(settings, db_url=db_url)) as other:
        a = httpx.Client(base_url=server.url + "/api/v1", trust_env=False)
        b = httpx.Client(base_url=other.url + "/api/v1", trust_env=False)
        with a, b:
            token = enroll(server, a)
            params = {"offset": 0, "total": len(data)}
            a.put(f"/materials/{sha}", params=params, content=data[:16_000], headers=auth(token))
            state = b.get(f"/materials/{sha}", params={"total": len(data)}, headers=auth(token))
            assert state.json()["received"] == 16_000
            params["offset"] = 16_000
            done = b.put(f"/materials/{sha}", params=params, content=data[16_000:],
                         headers=auth(token))  # fmt: skip
            assert done.json()["complete"] is True
            body = {
                "applications": [
                    make_app(1, terminal="7QXM", materials={"scan": [sha]}).model_dump(mode="json")
                ]
            }
            first = a.post("/push", json=body, headers=auth(token)).json()
            again = b.post("/push", json=body, headers=auth(token)).json()
    assert first["results"][0]["outcome"] == "stored"
    assert again["results"][0]["outcome"] == "duplicate"


def test_oversized_request_body_is_413(settings: Settings) -> None:
    small = replace(settings, max_request_bytes=50_000)
    with BackgroundServer(small) as srv, httpx.Client(trust_env=False) as http:
        declared = http.post(srv.url + "/api/v1/push", content=b"x" * 60_000)

        def stream() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
            for _ in range(10):
                yield b"x" * 10_000

        streamed = http.post(srv.url + "/api/v1/enroll", content=stream())
    for resp in (declared, streamed):
        assert resp.status_code == 413 and error(resp).error == "too_large"
        assert error(resp).message.en.startswith("Request too large")
