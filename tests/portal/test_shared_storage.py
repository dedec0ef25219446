"""Materials in shared storage, through the HTTP API on real uvicorn servers: every test
runs on SQLite and PostgreSQL and on each blob back-end (`blob_settings`)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import httpx
import pytest

from portal.materials import key_of
from portal.pages import staff
from portal.pages.web import PageConfig
from portal.server import BackgroundServer
from portal.settings import Settings
from tests.portal.pages.pages_support import STAFF, STAFF_PASSWORD, csrf_of
from tests.portal.test_app import auth, enroll, error

CHUNK = 10_000


@pytest.fixture
def clients(servers: list[BackgroundServer]) -> Iterator[list[httpx.Client]]:
    """A terminal's HTTP client for each app server."""
    with ExitStack() as stack:
        yield [stack.enter_context(_client(s)) for s in servers]


@pytest.fixture
def servers(blob_settings: Settings) -> Iterator[list[BackgroundServer]]:
    """Two app servers on one database and one blob store, as behind a load balancer."""
    with ExitStack() as stack:
        yield [stack.enter_context(BackgroundServer(blob_settings)) for _ in range(2)]


def _client(server: BackgroundServer) -> httpx.Client:
    return httpx.Client(base_url=server.url + "/api/v1", trust_env=False, timeout=10)


def _put(http: httpx.Client, token: str, data: bytes, offset: int) -> httpx.Response:
    sha = hashlib.sha256(data).hexdigest()
    params = {"offset": offset, "total": len(data)}
    chunk = data[offset : offset + CHUNK]
    return http.put(f"/materials/{sha}", params=params, content=chunk, headers=auth(token))


def test_chunks_alternating_between_two_servers_make_one_file(
    servers: list[BackgroundServer], clients: list[httpx.Client]
) -> None:
    data = os.urandom(5 * CHUNK + 123)
    sha = hashlib.sha256(data).hexdigest()
    token = enroll(servers[0], clients[0])
    offset, turn = 0, 0
    while offset < len(data):
        http, other = clients[turn % 2], clients[(turn + 1) % 2]
        reply = _put(http, token, data, offset).json()
        offset = reply["received"]
        if not reply["complete"]:  # the other server sees the same progress at once
            state = other.get(f"/materials/{sha}", params={"total": len(data)}, headers=auth(token))
            assert state.json()["received"] == offset
        turn += 1
    assert reply["complete"] and turn == 6
    for http in clients:
        assert (
            http.post("/materials/missing", json={"hashes": [sha]}, headers=auth(token)).json()[
                "missing"
            ]
            == []
        )
        http.close()
    for server in servers:
        assert server.app.state.materials.read(sha) == data


def test_a_chunk_sent_twice_to_two_servers_is_stored_once(
    servers: list[BackgroundServer], clients: list[httpx.Client]
) -> None:
    """A terminal whose reply was lost sends the same chunk again, to the other server:
    409 with where to resume, and the file is not doubled."""
    data = os.urandom(3 * CHUNK)
    a, b = clients
    token = enroll(servers[0], a)
    assert _put(a, token, data, 0).json()["received"] == CHUNK
    again = _put(b, token, data, 0)
    assert again.status_code == 409 and error(again).received == CHUNK
    assert _put(b, token, data, CHUNK).json()["received"] == 2 * CHUNK
    assert _put(a, token, data, 2 * CHUNK).json()["complete"]
    assert servers[1].app.state.materials.read(hashlib.sha256(data).hexdigest()) == data


def test_a_server_restarted_mid_upload_resumes_where_the_store_says(
    blob_settings: Settings,
) -> None:
    data = os.urandom(4 * CHUNK)
    sha = hashlib.sha256(data).hexdigest()
    with BackgroundServer(blob_settings) as first, _client(first) as http:
        token = enroll(first, http)
        assert _put(http, token, data, 0).json()["received"] == CHUNK
        assert _put(http, token, data, CHUNK).json()["received"] == 2 * CHUNK
    with BackgroundServer(blob_settings) as again, _client(again) as http:  # a new process state
        state = http.get(f"/materials/{sha}", params={"total": len(data)}, headers=auth(token))
        assert state.json()["received"] == 2 * CHUNK
        assert _put(http, token, data, 2 * CHUNK).json()["received"] == 3 * CHUNK
        assert _put(http, token, data, 3 * CHUNK).json()["complete"]
        assert again.app.state.materials.read(sha) == data


def test_bytes_that_do_not_match_their_sha256_are_refused_and_dropped(
    servers: list[BackgroundServer], clients: list[httpx.Client]
) -> None:
    data = os.urandom(2 * CHUNK)
    claimed = hashlib.sha256(b"something else").hexdigest()
    a, b = clients
    token = enroll(servers[0], a)
    params = {"offset": 0, "total": len(data)}
    a.put(f"/materials/{claimed}", params=params, content=data[:CHUNK], headers=auth(token))
    params["offset"] = CHUNK
    bad = b.put(f"/materials/{claimed}", params=params, content=data[CHUNK:], headers=auth(token))
    assert bad.status_code == 422 and error(bad).error == "checksum_mismatch"
    store = servers[0].app.state.materials
    assert store.read(claimed) is None and store.blobs.uploads() == []
    state = a.get(f"/materials/{claimed}", params={"total": len(data)}, headers=auth(token))
    assert state.json()["received"] == 0  # the terminal starts that file again


def _stored_and_pushed(server: BackgroundServer, data: bytes) -> str:
    """Upload `data` and push an application that names it; its SHA-256."""
    from tests.portal.test_services import app as make_app

    sha = hashlib.sha256(data).hexdigest()
    with _client(server) as http:
        token = enroll(server, http)
        assert _put(http, token, data, 0).json()["complete"]
        pushed = make_app(1, terminal="7QXM", materials={"scan": [sha]}).model_dump(mode="json")
        reply = http.post("/push", json={"applications": [pushed]}, headers=auth(token))
        assert reply.json()["results"][0]["outcome"] == "stored"
    return sha


@contextmanager
def _office(server: BackgroundServer) -> Iterator[httpx.Client]:
    """A logged-in staff browser on `server`."""
    server.app.state.pages = PageConfig(secure_cookies=False)  # plain HTTP on loopback
    with httpx.Client(base_url=server.url, trust_env=False, timeout=10) as http:
        form = http.get("/office/login")
        data = {"username": STAFF, "password": STAFF_PASSWORD, "csrf": csrf_of(form.text)}
        assert http.post("/office/login", data=data).status_code == 303
        yield http


def test_office_on_either_server_downloads_the_stored_file(
    servers: list[BackgroundServer],
) -> None:
    data = b"%PDF-1.4\n" + os.urandom(CHUNK - 100)
    sha = _stored_and_pushed(servers[0], data)
    staff.add_staff(servers[0].app.state.db, STAFF, "审查员", STAFF_PASSWORD)
    for server in servers:
        with _office(server) as office:
            resp = office.get(f"/office/files/{sha}")
            assert resp.status_code == 200 and resp.content == data
            assert ".pdf" in resp.headers["content-disposition"]


def test_a_tampered_or_missing_object_is_never_served(servers: list[BackgroundServer]) -> None:
    """Someone with access to the folder or bucket alters a citizen's file, then deletes
    it: the office refuses the altered bytes with a clear message, then says not found."""
    data = b"%PDF-1.4\n" + os.urandom(2000)
    sha = _stored_and_pushed(servers[0], data)
    staff.add_staff(servers[0].app.state.db, STAFF, "审查员", STAFF_PASSWORD)
    blobs = servers[0].app.state.materials.blobs
    blobs.put(key_of(sha), data.replace(b"%PDF", b"%EXE"))
    with _office(servers[1]) as office:
        altered = office.get(f"/office/files/{sha}?lang=en")
        assert altered.status_code == 500 and b"%EXE" not in altered.content
        assert "does not match its checksum" in altered.text
        blobs.delete(key_of(sha))
        assert office.get(f"/office/files/{sha}").status_code == 404
