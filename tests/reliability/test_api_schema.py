"""The platform's HTTP API fuzzed by schemathesis against its own /openapi.json, on a real
uvicorn on loopback, with a valid terminal token: no 5xx, no reply that breaks its own
schema (status codes, content types, headers, bodies). Bounded examples."""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from portal.server import BackgroundServer

EXAMPLES = int(os.environ.get("SCHEMA_EXAMPLES", "25"))


@pytest.fixture(scope="module")
def api_schema(live: tuple[BackgroundServer, str]) -> Any:
    server, _ = live
    return schemathesis.openapi.from_url(f"{server.url}/openapi.json")


#: What the brief asks: no 5xx, no reply outside the document (status, type, headers, body).
#: Not positive_data_acceptance: the document types e.g. a public key as "string", and the
#: platform rightly refuses strings that are not a base64 Ed25519 key with 400.
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]
BOUNDED = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)


def test_every_operation_holds_its_schema(
    api_schema: Any, live: tuple[BackgroundServer, str]
) -> None:
    """Each operation of the document, fuzzed (schemathesis' pytest plugin does not run
    under pytest 9, so the operations are walked here with hypothesis directly). The
    stateful run, following the document's OpenAPI links, is test_api_stateful.py."""
    headers = {"Authorization": f"Bearer {live[1]}"}
    failures: dict[str, str] = {}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    for operation in operations:

        @BOUNDED
        @given(case=operation.as_strategy())
        def run(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except Exception as exc:  # collect every operation's failure, not only the first
            failures[operation.label] = str(exc)[:2000]
    print(f"\nschemathesis: {len(operations)} operations x up to {EXAMPLES} examples")
    assert not failures, "\n\n".join(f"{k}:\n{v}" for k, v in failures.items())
