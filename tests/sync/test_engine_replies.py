"""The sync engine against replies a real portal never gives (scripted with httpx's mock
transport): missing files, whole-batch refusals, "not now", files gone locally, stopping."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx

from counter_app.store import outbox
from counter_app.store.submissions import load_submission
from counter_app.store.sync_port import StorePort
from counter_app.terminal import Terminal
from portal.server import BackgroundServer
from sync.engine import SyncEngine
from tests.sync.conftest import Take, plain_client


def engine(terminal: Terminal, **kw: object) -> SyncEngine:
    return SyncEngine(StorePort(terminal), plain_client, **kw)  # type: ignore[arg-type]


def scripted(handler: Callable[[httpx.Request], httpx.Response]) -> Callable[[], httpx.Client]:
    """A client whose replies the test writes (for replies a real portal never gives)."""
    return lambda: httpx.Client(transport=httpx.MockTransport(handler))


def outcome_reply(request: httpx.Request, outcome: str, **extra: object) -> httpx.Response:
    body = json.loads(request.content)
    results = [{"uuid": a["uuid"], "outcome": outcome, **extra} for a in body["applications"]]
    return httpx.Response(200, json={"results": results})


def test_missing_materials_reply_uploads_then_pushes_again(enrolled: Terminal, take: Take) -> None:
    r = take("late-file")
    sha = load_submission(enrolled.store, r.receipt_no).materials[0].sha256
    pushes: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith("/materials/missing"):
            return httpx.Response(200, json={"missing": []})  # claims to have it...
        if path.endswith("/changes"):
            return httpx.Response(200, json={"cursor": 0})
        if path.endswith("/push"):
            pushes.append("push")
            if len(pushes) == 1:  # ...but the push finds it gone
                return outcome_reply(request, "missing_materials", missing=[sha])
            return outcome_reply(request, "stored")
        if request.method == "GET":
            return httpx.Response(200, json={"sha256": sha, "received": 0, "complete": False})
        return httpx.Response(200, json={"sha256": sha, "received": 1, "complete": True})

    report = SyncEngine(StorePort(enrolled), scripted(handler)).run_once()
    assert report.pushed == [r.receipt_no] and report.materials_uploaded == 1
    assert len(pushes) == 2


def test_batch_refused_whole_is_split_and_only_the_bad_one_set_aside(
    enrolled: Terminal, take: Take
) -> None:
    good, bad = take("good"), take("bad")

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/materials/missing"):
            return httpx.Response(200, json={"missing": []})
        if request.url.path.endswith("/changes"):
            return httpx.Response(200, json={"cursor": 0})
        body = json.loads(request.content)
        if any(a["receipt_no"] == bad.receipt_no for a in body["applications"]):
            refusal = {"error": "invalid_request", "message": {"zh": "坏", "en": "bad record"}}
            return httpx.Response(422, json=refusal)
        return outcome_reply(request, "stored")

    report = SyncEngine(StorePort(enrolled), scripted(handler)).run_once()
    assert report.ok and report.pushed == [good.receipt_no]
    assert report.set_aside == [(bad.receipt_no, "坏 / bad record")]


def test_409_on_push_keeps_entries_and_notes_the_error(enrolled: Terminal, take: Take) -> None:
    take("busy")

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/materials/missing"):
            return httpx.Response(200, json={"missing": []})
        refusal = {"error": "x", "message": {"zh": "稍后", "en": "later"}}
        return httpx.Response(409, json=refusal)

    report = SyncEngine(StorePort(enrolled), scripted(handler)).run_once()
    assert report.errors and not report.set_aside
    (entry,) = outbox.pending(enrolled.store)
    assert entry.attempts == 1 and entry.last_error == "稍后 / later"


def test_material_gone_locally_sets_that_application_aside(
    enrolled: Terminal, portal: BackgroundServer, take: Take
) -> None:
    lost, fine = take("lost"), take("fine")
    sha = load_submission(enrolled.store, lost.receipt_no).materials[0].sha256
    enrolled.materials.path_for(sha).unlink()
    report = engine(enrolled).run_once()
    assert report.pushed == [fine.receipt_no]
    assert (
        report.set_aside[0][0] == lost.receipt_no
        and "missing on this terminal" in (report.set_aside[0][1])
    )


def test_stop_ends_a_long_pass_between_batches(enrolled: Terminal, take: Take) -> None:
    for i in range(3):
        take(f"backlog-{i}")
    eng: SyncEngine

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/materials/missing"):
            return httpx.Response(200, json={"missing": []})
        eng.stop()  # the app is closing while the first batch is on the wire
        return outcome_reply(request, "stored")

    eng = SyncEngine(StorePort(enrolled), scripted(handler), batch_size=1)
    report = eng.run_once()
    assert len(report.pushed) == 1 and outbox.backlog(enrolled.store)[0] == 2
