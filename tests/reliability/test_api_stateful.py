"""schemathesis' stateful run against the platform's API: sequences of calls chained by the
OpenAPI links of /openapi.json (push -> the application by receipt number / the upload
state of a missing file, missing -> upload state / first chunk, upload state -> next chunk,
changes -> the next page), on a real uvicorn on loopback with a token from a real
enrollment. Each reply: no 5xx; status code, content type, headers and body within the document.

schemathesis' pytest plugin does not run under pytest 9, so its state machine is driven by
hypothesis' `run_state_machine_as_test` directly (through schemathesis' wrapper, which adds
the minimum of two steps per scenario). Bounded by STATEFUL_API_EXAMPLES."""

from __future__ import annotations

import hashlib
import os
import shutil
from contextlib import suppress
from datetime import date
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from pydantic import ValidationError
from schemathesis import checks
from schemathesis.generation.stateful import run_state_machine_as_test
from sqlalchemy import delete

from portal import enrollment
from portal.server import BackgroundServer
from sync.canonical import content_hash
from sync.protocol import ApplicationIn, ErrorReply
from sync.receipt_numbers import new_receipt_no
from tests.sync.conftest import HALL

EXAMPLES = int(os.environ.get("STATEFUL_API_EXAMPLES", "30"))
STEPS = 6
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


PUSH = "POST /api/v1/push"


def _own_hall(body: dict[str, Any], terminal_id: str) -> None:
    """Make the fuzzer's pushed applications the enrolled terminal's (its hall, a receipt
    number it could have issued, an accepted status), with their true content hash:
    otherwise every one is refused (other hall, another terminal's number, hash mismatch)
    and the links from a push never reach a stored application or a file the platform
    really waits for. The number follows from the uuid, so a replay pushes the same one."""
    for app in body.get("applications") or []:
        if isinstance(app, dict):
            app["hall"] = HALL
            seq = int(hashlib.sha256(str(app.get("uuid")).encode()).hexdigest(), 16) % 30_000
            app["receipt_no"] = new_receipt_no(date(2026, 3, 2), terminal_id, seq + 1)
            app["status"] = "received"
            with suppress(ValidationError):  # an invalid body stays as it is, to be refused
                app["content_hash"] = content_hash(ApplicationIn.model_validate(app))


#: What calls of the API write (children first): emptied before each scenario.
WRITTEN = [
    "application_materials",
    "conflicts",
    "status_events",
    "changes",
    "audit_heads",
    "material_holders",
    "materials",
    "applications",
]


def _fresh(server: BackgroundServer) -> None:
    """The platform as just enrolled. hypothesis needs a scenario's steps to answer alike
    when replayed (which rules are open depends on earlier status codes); left over rows and
    partial uploads from the scenario before would make it fail with FlakyStrategyDefinition."""
    db = server.app.state.db
    with db.begin() as conn:
        for name in WRITTEN:
            conn.execute(delete(db.t(name)))
    shutil.rmtree(server.app.state.materials.root, ignore_errors=True)


def _machine(server: BackgroundServer, token: str, seen: list[tuple[str, int, bool]]) -> type:
    """The schema's state machine, calling with the terminal's token and the checks above;
    `seen` collects (operation, status, reached through a link) for the assertions."""
    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    base = schema.as_state_machine()
    terminal_id = enrollment.authenticate(server.app.state.db, token).terminal_id

    class Portal(base):  # type: ignore[misc, valid-type]
        def setup(self) -> None:
            _fresh(server)

        def before_call(self, case: Any) -> None:
            if case.operation.label == PUSH and isinstance(case.body, dict):
                _own_hall(case.body, terminal_id)

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": {"authorization": f"Bearer {token}"}}

        def step(self, input: Any) -> Any:
            output = super().step(input)
            linked = input.transition is not None and input.is_applied
            seen.append((input.case.operation.label, output.response.status_code, linked))
            return output

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            kwargs.pop("additional_checks", None)
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs or None)

    return Portal


def test_linked_call_sequences_hold_the_schema(live: tuple[BackgroundServer, str]) -> None:
    server, token = live
    seen: list[tuple[str, int, bool]] = []
    bounded = settings(
        max_examples=EXAMPLES,
        stateful_step_count=STEPS,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    run_state_machine_as_test(_machine(server, token, seen), settings=bounded)
    linked = [s for s in seen if s[2]]
    print(f"\nstateful: {EXAMPLES} scenarios, {len(seen)} calls, {len(linked)} through a link")
    for label in sorted({s[0] for s in linked}):
        codes = sorted({s[1] for s in linked if s[0] == label})
        print(f"  {label}: {codes}")
    # A third of the scenarios at least (runs of 30 had 37-72 linked calls).
    assert len(linked) >= EXAMPLES // 3, "the links drove too few calls for a stateful run"
    assert any(s[1] == 200 for s in linked), "no linked call was accepted: the token is wrong"


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "error"),
    [
        ("POST", "/api/v1/push", b"p\xff\xfe{", 400, "invalid_request"),
        ("GET", "/api/v1/no-such-thing", None, 404, "not_found"),
        ("DELETE", "/api/v1/changes", None, 405, "invalid_request"),
    ],
)
def test_framework_refusals_are_error_replies(
    live: tuple[BackgroundServer, str],
    method: str,
    path: str,
    body: bytes | None,
    status: int,
    error: str,
) -> None:
    """Bug found by the stateful run: a push whose body was not JSON got FastAPI's
    `{"detail": ...}` (400), outside the document and unreadable for the terminal."""
    server, token = live
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    reply = httpx.request(method, server.url + path, content=body, headers=headers)
    assert reply.status_code == status
    parsed = ErrorReply.model_validate_json(reply.content)
    assert parsed.error == error
    assert parsed.message.zh and parsed.message.en


def test_pages_keep_their_own_not_found(live: tuple[BackgroundServer, str]) -> None:
    """Outside /api/v1 an unknown address is answered as before (FastAPI's own reply)."""
    reply = httpx.get(live[0].url + "/no-such-page")
    assert reply.status_code == 404
    assert "error" not in reply.text
