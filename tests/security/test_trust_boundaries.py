"""The review of every /api/v1 route (docs/architecture.md, "Trust boundaries"), walked:
each route called as the owner of the application, as another terminal of the same hall,
as a terminal of another hall, as a revoked terminal and with no token, on a live platform
with real enrolled terminals. The table in the document and the routes of /openapi.json
must name the same operations, so a new route cannot go unreviewed."""

from __future__ import annotations

import base64
import hashlib
import os
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from portal import enrollment, services
from sync.receipt_numbers import new_receipt_no
from tests.security.conftest import HALL, Enrol, Window, forged
from tests.sync.conftest import pdf

DOC = Path(__file__).resolve().parents[2] / "docs" / "architecture.md"
CALLERS = ("owner", "neighbour", "stranger", "revoked", "none")
Check = Callable[[httpx.Response], bool]


def documented_routes() -> set[tuple[str, str]]:
    """(method, path) of each row of the API table under "Trust boundaries"."""
    text = DOC.read_text("utf-8").split("### Trust boundaries", 1)[1]
    rows = re.findall(r"^\| `(GET|POST|PUT|DELETE) (/api/v1/[^`]*)` \|", text, re.MULTILINE)
    return {(method.lower(), path) for method, path in rows}


def _error(code: str) -> Check:
    return lambda r: r.json().get("error") == code


def _outcome(value: str) -> Check:
    return lambda r: r.json()["results"][0]["outcome"] == value


def _anyone(reply: httpx.Response) -> bool:
    return True


def _held(reply: httpx.Response) -> bool:
    """The caller's hall holds the file."""
    return reply.json()["complete"] is True


def _not_held(reply: httpx.Response) -> bool:
    """Nothing said of another hall's copy: only the caller's own upload (none, or 1,000)."""
    return not reply.json()["complete"] and reply.json()["received"] in (0, 1000)


def _expected(sha: str, receipt: str) -> dict[tuple[str, str], dict[str, tuple[int, Check]]]:
    """route -> caller -> (status, what the body must show)."""

    def sees(reply: httpx.Response) -> bool:
        statuses = [(s["receipt_no"], s["status"]) for s in reply.json()["statuses"]]
        return (receipt, "under_review") in statuses

    def blind(reply: httpx.Response) -> bool:
        return not sees(reply)

    anyone, held, not_held = _anyone, _held, _not_held
    refused = {"revoked": (403, _error("revoked")), "none": (401, _error("unauthorized"))}
    same = {"owner": (200, held), "neighbour": (200, held), "stranger": (200, not_held)}
    return {
        ("get", "/api/v1/health"): dict.fromkeys(CALLERS, (200, anyone)),
        ("post", "/api/v1/enroll"): dict.fromkeys(CALLERS, (410, _error("code_used"))),
        ("post", "/api/v1/push"): {
            "owner": (200, _outcome("stored")),
            "neighbour": (200, _outcome("rejected")),
            "stranger": (200, _outcome("rejected")),
        }
        | refused,
        ("get", "/api/v1/applications/{receipt_no}"): {
            "owner": (200, anyone),
            "neighbour": (200, anyone),
            "stranger": (404, _error("not_found")),
        }
        | refused,
        ("get", "/api/v1/changes"): {
            "owner": (200, sees),
            "neighbour": (200, blind),
            "stranger": (200, blind),
        }
        | refused,
        ("post", "/api/v1/materials/missing"): {
            "owner": (200, lambda r: r.json() == {"missing": []}),
            "neighbour": (200, lambda r: r.json() == {"missing": []}),
            "stranger": (200, lambda r: r.json() == {"missing": [sha]}),
        }
        | refused,
        ("get", "/api/v1/materials/{sha256}"): same | refused,
        ("put", "/api/v1/materials/{sha256}"): same | refused,
        ("post", "/api/v1/lookup"): {  # scope and offers: tests/portal/test_lookup.py
            "owner": (200, lambda r: r.json()["scope"] == "hall"),
            "neighbour": (200, lambda r: r.json()["scope"] == "hall"),
            "stranger": (200, lambda r: r.json()["materials"] == []),
        }
        | refused,
        ("get", "/api/v1/lookup/materials/{sha256}"): {  # nothing was offered to anyone here
            "owner": (404, _error("not_found")),
            "neighbour": (404, _error("not_found")),
            "stranger": (404, _error("not_found")),
        }
        | refused,
        ("get", "/api/v1/audit-head"): {
            "owner": (200, lambda r: r.json()["seq"] > 0),
            "neighbour": (200, lambda r: r.json() == {"seq": 0, "hash": ""}),  # own: none yet
            "stranger": (200, lambda r: r.json() == {"seq": 0, "hash": ""}),
        }
        | refused,
    }


def _call(api: httpx.Client, route: tuple[str, str], args: dict[str, Any]) -> httpx.Response:
    method, path = route
    url = path.removeprefix("/api/v1").format(receipt_no=args["receipt"], sha256=args["sha"])
    if route == ("post", "/api/v1/enroll"):
        return api.post(url, json=args["enroll"])
    if route == ("post", "/api/v1/push"):
        return api.post(url, json={"applications": [args["forged"]]})
    if route == ("post", "/api/v1/lookup"):
        consent = {"method": "clerk_attested", "at": "2026-05-01T09:00:00+08:00"}
        body = {"id_type": "resident_id", "id_no": "11010519491231002X", "draft_id": "walk-0001",
                "clerk_id": "C001", "consent": consent}  # fmt: skip
        return api.post(url, json=body)
    if route == ("post", "/api/v1/materials/missing"):
        return api.post(url, json={"hashes": [args["sha"]]})
    if method == "put":
        params = {"offset": 0, "total": len(args["scan"])}
        return api.put(url, params=params, content=args["scan"][:1000])
    return api.get(url)


def _spent_enrollment(owner: Window) -> dict[str, str]:
    """An enrollment request whose one-time code was just used by another terminal (the
    terminal that used it may use it again: its reply may have been lost; this one may not)."""
    key = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    code = enrollment.issue_code(owner.portal.app.state.db, HALL, 9, timedelta(hours=1))
    body = {"code": code, "public_key": base64.b64encode(key).decode(),
            "code_secret": base64.b64encode(os.urandom(32)).decode(),
            "proposed_terminal_id": "EEEE"}  # fmt: skip
    first = httpx.post(f"{owner.portal.url}/api/v1/enroll", json=body, trust_env=False)
    assert first.status_code == 200, first.text
    return body | {"code_secret": base64.b64encode(os.urandom(32)).decode()}


def test_every_api_route_with_every_kind_of_caller(
    owner: Window, neighbour: Window, stranger: Window, enrol: Enrol
) -> None:
    db = owner.portal.app.state.db
    revoked = enrol("DDDD", HALL, 4)
    enrollment.revoke(db, revoked.terminal_id, "stolen")
    scan = pdf("walked", 30_000)
    taken = owner.take("walked", scan=[scan])
    assert owner.sync().pushed == [taken.receipt_no]
    services.set_status(db, taken.receipt_no, "under_review")
    reused = _spent_enrollment(owner)
    sha = hashlib.sha256(scan).hexdigest()
    args = {
        "receipt": taken.receipt_no,
        "sha": sha,
        "scan": scan,
        "enroll": reused,
        "forged": forged(new_receipt_no(owner.terminal.today(), owner.terminal_id, 500), HALL),
    }
    expected = _expected(sha, taken.receipt_no)
    # the schema is built on first request (~0.1 s quiet): 5 s timed out once under load
    document = httpx.get(f"{owner.portal.url}/openapi.json", trust_env=False, timeout=60).json()
    served = {(m, p) for p, item in document["paths"].items() for m in item}
    assert documented_routes() == served == set(expected), "review the new route in the doc"
    windows = {"owner": owner, "neighbour": neighbour, "stranger": stranger, "revoked": revoked}
    walked = 0
    for caller in CALLERS:
        window = windows.get(caller, owner)
        with window.api(token=None if caller == "none" else "") as api:
            for route, by_caller in expected.items():
                status, check = by_caller[caller]
                reply = _call(api, route, args)
                assert reply.status_code == status, (caller, route, reply.text)
                assert check(reply), (caller, route, reply.text)
                walked += 1
    assert walked == len(CALLERS) * len(expected)


def documented_office_routes() -> set[tuple[str, str]]:
    """(method, path with {} for parameters) of the back-office table's /office rows."""
    text = DOC.read_text("utf-8").split("| back-office form or page |", 1)[1].split("\n\n")[0]
    found = set()
    for methods, path in re.findall(r"`((?:GET|POST)(?:/POST)?) (/office[^`]*)`", text):
        for method in methods.split("/"):
            found.add((method.lower(), re.sub(r"\{[^}]*\}", "{}", path)))
    return found


def _office_routes() -> set[tuple[str, str]]:
    """What the back office's router serves (mounted on the app by `pages.web.install`)."""
    from portal.pages.office import router
    from portal.pages.office_licence import router as licence_router

    served = set()
    for route in [*router.routes, *licence_router.routes]:
        for method in set(getattr(route, "methods", ())) - {"HEAD"}:
            served.add((method.lower(), re.sub(r"\{[^}]*\}", "{}", getattr(route, "path", ""))))
    return served


def test_every_back_office_form_with_a_session_none_and_a_revoked_one(
    owner: Window, staff_user: str
) -> None:
    from portal.pages import staff
    from tests.security.conftest import STAFF, STAFF_PASSWORD, staff_login, web

    assert documented_office_routes() == _office_routes(), "review the new form in the doc"
    scan = pdf("office walk", 5000)
    taken = owner.take("office walk", scan=[scan])
    owner.sync()
    sha, receipt = hashlib.sha256(scan).hexdigest(), taken.receipt_no
    posts = {
        f"/office/a/{receipt}/status": {"status": "under_review", "note": "收到"},
        "/office/limits": {"service_code": "SYNC-001", "days": "7"},
        f"/office/a/{receipt}/stop": {"kind": "hearing", "reason": "依申请举行听证"},
        f"/office/a/{receipt}/resume": {},
    }
    pages = ["/office", f"/office/a/{receipt}", f"/office/files/{sha}", "/office/limits"]
    with web(owner.portal) as browser:
        assert staff_login(browser, STAFF, STAFF_PASSWORD).status_code == 303
        cookie = browser.cookies[staff.SESSION_COOKIE]
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', browser.get("/office").text)
        assert csrf
        for path in pages:
            assert browser.get(path).status_code == 200, path
        for path, form in posts.items():
            assert browser.post(path, data=form | {"csrf": csrf.group(1)}).status_code == 303
        assert owner.terminal.intake.get(receipt).status == "received"  # not pulled yet
        out = browser.post("/office/logout", data={"csrf": csrf.group(1)})
        assert out.status_code == 303
    with owner.api() as api:
        assert api.get(f"/applications/{receipt}").json()["status"] == "under_review"
    for kind, held in (("none", None), ("revoked", cookie)):
        with web(owner.portal) as browser:
            if held:
                browser.cookies.set(staff.SESSION_COOKIE, held)
            for path in pages:
                reply = browser.get(path)
                assert (reply.status_code, reply.headers["location"]) == (303, "/office/login"), (
                    kind,
                    path,
                )
            for path, form in posts.items():
                form = form | {"status": "approved", "days": "9", "csrf": csrf.group(1)}
                assert browser.post(path, data=form).status_code == 303
                assert browser.post(path, data=form).headers["location"] == "/office/login"
    with owner.api() as api:
        assert api.get(f"/applications/{receipt}").json()["status"] == "under_review"
