"""Every way a reply can go wrong becomes the right `SyncError`. Unit tests on
httpx.MockTransport (the replies are scripted; the real server is in test_engine)."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from sync.client import PortalClient
from sync.errors import (
    ProtocolError,
    Refused,
    Revoked,
    ServerBusy,
    SyncError,
    Unauthorized,
    Unreachable,
)

Handler = Callable[[httpx.Request], httpx.Response]


def client(handler: Handler) -> PortalClient:
    return PortalClient(
        "http://portal.test/", "tok", httpx.Client(transport=httpx.MockTransport(handler))
    )


def reply(status: int, error: str = "x", headers: dict[str, str] | None = None) -> Handler:
    body = {"error": error, "message": {"zh": "中文原因", "en": "the reason"}}
    return lambda request: httpx.Response(status, json=body, headers=headers)


def test_sends_bearer_token_to_versioned_path() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"cursor": 3, "statuses": [], "catalog": [], "x": 1})

    assert client(handler).changes(0).cursor == 3  # unknown reply fields are ignored
    assert seen[0].url.path == "/api/v1/changes"
    assert seen[0].headers["authorization"] == "Bearer tok"


@pytest.mark.parametrize(
    ("handler", "error"),
    [
        (reply(503, headers={"Retry-After": "7"}), ServerBusy),
        (reply(429, headers={"Retry-After": "soon"}), ServerBusy),
        (reply(500), Unreachable),
        (reply(408), Unreachable),
        (reply(401, "unauthorized"), Unauthorized),
        (reply(403, "revoked"), Revoked),
        (reply(403, "other_hall"), Refused),
        (reply(413, "too_large"), Refused),
    ],
)
def test_status_codes_translated(handler: Handler, error: type[SyncError]) -> None:
    with pytest.raises(error) as info:
        client(handler).changes(0)
    assert type(info.value) is error


def test_retry_after_and_platform_text_kept() -> None:
    with pytest.raises(ServerBusy) as info:
        client(reply(503, headers={"Retry-After": "7"})).changes(0)
    assert info.value.retry_after == 7
    with pytest.raises(Revoked) as revoked:
        client(reply(403, "revoked")).changes(0)
    assert revoked.value.message("en") == "the reason"
    assert revoked.value.message("zh_CN") == "中文原因"
    with pytest.raises(Refused) as refused:
        client(lambda r: httpx.Response(400, text="<html>bad</html>")).changes(0)
    assert "HTTP 400" in refused.value.message("en") and refused.value.code == ""


def test_network_failures_are_unreachable() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(Unreachable) as info:
        client(down).missing(["a" * 64])
    assert "ConnectError" in info.value.message("en") and info.value.retry_after is None


@pytest.mark.parametrize(
    "body",
    [b'{"cursor": 1, "statuses": [', b'{"cursor": "one"}', b"[]", b'{"statuses": [{"x": 1}]}'],
)
def test_broken_replies_are_protocol_errors(body: bytes) -> None:
    with pytest.raises(ProtocolError) as info:
        client(lambda r: httpx.Response(200, content=body)).changes(0)
    assert "ChangesReply" in info.value.message("en")


@pytest.mark.parametrize("url", ["notaurl", "http://[bad", "ftp://portal.test"])
def test_malformed_portal_url_is_unreachable_not_a_crash(url: str) -> None:
    with httpx.Client() as http, pytest.raises(Unreachable):
        PortalClient(url, "tok", http).changes(0)
