"""The terminal's HTTP client for /api/v1: one method per protocol message, every reply
parsed with the shared models, every failure translated into a `sync.errors` class.

Translation (the whole policy in one place):
    connect error, timeout, reset, cut reply  -> Unreachable
    408, 5xx                                  -> Unreachable
    429, 503                                  -> ServerBusy (with Retry-After seconds)
    401                                       -> Unauthorized
    403 revoked                               -> Revoked (the platform's reason)
    other 4xx                                 -> Refused (status, error code, message)
    2xx whose body does not fit the model     -> ProtocolError
"""

from __future__ import annotations

import hashlib
import socket
import time
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from forms.text import Text
from sync.clock import ClockReading, read_clock
from sync.errors import (
    FileMismatch,
    ProtocolError,
    Refused,
    Revoked,
    ServerBusy,
    Unauthorized,
    Unreachable,
)
from sync.lookup import LOOKUP_PATH, LookupReply, LookupRequest, ReusableMaterial, material_path
from sync.protocol import (
    API_PREFIX,
    ApplicationState,
    ChainHead,
    ChangesReply,
    EnrollReply,
    EnrollRequest,
    ErrorCode,
    ErrorReply,
    MissingReply,
    MissingRequest,
    PushReply,
    PushRequest,
    UploadState,
)

M = TypeVar("M", bound=BaseModel)
UNREACHABLE = Text(
    "无法连接政务服务平台（{detail}），申请已保存在本机，恢复后自动上传。",
    "Cannot reach the platform ({detail}); applications are kept here and go up later.",
)
DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=5.0)
#: The largest reply read: a page of catalog updates is far below; beyond, it is not ours.
MAX_REPLY_BYTES = 16 * 1024 * 1024
#: A whole reply must arrive within this many read timeouts: a server dripping a byte a
#: second never trips the per-read timeout and would hold the sync pass for ever.
DEADLINE_READS = 4


#: Without TCP_NODELAY a request whose headers and body go out in two writes waits for the
#: server's delayed ACK (~40 ms on Linux) every time: 3x slower uploads, measured.
SOCKET_OPTIONS = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]


def default_client(trust_env: bool = True) -> httpx.Client:
    """A client with explicit timeouts and TCP_NODELAY (the engine makes one per pass)."""
    transport = httpx.HTTPTransport(socket_options=SOCKET_OPTIONS, trust_env=trust_env)
    return httpx.Client(timeout=DEFAULT_TIMEOUT, transport=transport, trust_env=trust_env)


def _retry_after(resp: httpx.Response) -> float | None:
    value = resp.headers.get("retry-after", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _error_text(resp: httpx.Response) -> tuple[str, Text, int | None]:
    """(error code, message, bytes received) from an ErrorReply, or a generic one."""
    try:
        body = ErrorReply.model_validate_json(resp.content)
        return body.error, body.message.text(), body.received
    except ValidationError:
        generic = Text(f"平台拒绝了请求（HTTP {resp.status_code}）。", f"HTTP {resp.status_code}.")
        return "", generic, None


def check(resp: httpx.Response) -> None:
    """Raise the `SyncError` a non-2xx reply means."""
    status = resp.status_code
    if status < 300:
        return
    code, text, received = _error_text(resp)
    if status in (429, 503):
        raise ServerBusy(text, _retry_after(resp))
    if status == 408 or status >= 500:
        raise Unreachable(UNREACHABLE.format(detail=f"HTTP {status}"), _retry_after(resp))
    if status == 401:
        raise Unauthorized(text)
    if status == 403 and code == ErrorCode.REVOKED:
        raise Revoked(text)
    raise Refused(text, status, code, received)


def parse(resp: httpx.Response, model: type[M]) -> M:
    """The 2xx body as `model`; anything else is a ProtocolError (nothing gets cleared)."""
    try:
        return model.model_validate_json(resp.content)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "body"
        raise ProtocolError(f"{model.__name__}: {where}: {first.get('msg', '')}") from exc


#: Headers that describe the body as sent, not as decoded by iter_bytes().
_DECODED = {"content-encoding", "content-length", "transfer-encoding"}


class PortalClient:
    """Talks to one platform with one token over a caller-owned `httpx.Client`."""

    def __init__(self, base_url: str, token: str | None, http: httpx.Client) -> None:
        self.base = base_url.rstrip("/") + API_PREFIX
        self.http = http
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}
        #: The platform's clock as its replies told it: the reading with the shortest round
        #: trip so far (`sync.clock`), None before any reply.
        self.clock: ClockReading | None = None

    def _send(
        self, method: str, path: str, body: BaseModel | None = None, **kw: Any
    ) -> httpx.Response:
        headers = dict(self.headers)
        if body is not None:
            kw["content"] = body.model_dump_json().encode("utf-8")
            headers["Content-Type"] = "application/json"
        sent = datetime.now(UTC)
        try:
            with self.http.stream(method, self.base + path, headers=headers, **kw) as streamed:
                self._read_clock(streamed.headers, sent)
                resp = self._bounded(streamed)
        except (httpx.HTTPError, httpx.InvalidURL) as exc:  # connect, timeout, reset, cut reply
            raise Unreachable(UNREACHABLE.format(detail=type(exc).__name__)) from exc
        check(resp)
        return resp

    def _read_clock(self, headers: httpx.Headers, sent: datetime) -> None:
        reading = read_clock(headers, sent, datetime.now(UTC))
        if reading is not None and (self.clock is None or reading.rtt <= self.clock.rtt):
            self.clock = reading

    def _bounded(self, streamed: httpx.Response) -> httpx.Response:
        """The reply read whole, but no more than MAX_REPLY_BYTES and within the deadline."""
        read_timeout = self.http.timeout.read or DEFAULT_TIMEOUT.read or 15.0
        deadline = time.monotonic() + DEADLINE_READS * read_timeout
        body = bytearray()
        for chunk in streamed.iter_bytes():
            body += chunk
            if len(body) > MAX_REPLY_BYTES:
                raise ProtocolError(f"reply larger than {MAX_REPLY_BYTES // 2**20} MB")
            if time.monotonic() > deadline:
                raise Unreachable(UNREACHABLE.format(detail="reply too slow"))
        kept = [(k, v) for k, v in streamed.headers.items() if k.lower() not in _DECODED]
        return httpx.Response(
            streamed.status_code, headers=kept, content=bytes(body), request=streamed.request
        )

    def _json(
        self, method: str, path: str, model: type[M], body: BaseModel | None = None, **kw: Any
    ) -> M:
        return parse(self._send(method, path, body, **kw), model)

    def enroll(self, req: EnrollRequest) -> EnrollReply:
        return self._json("POST", "/enroll", EnrollReply, req)

    def push(self, req: PushRequest) -> PushReply:
        return self._json("POST", "/push", PushReply, req)

    def missing(self, hashes: list[str]) -> list[str]:
        body = MissingRequest(hashes=hashes)
        return self._json("POST", "/materials/missing", MissingReply, body).missing

    def upload_state(self, sha: str, total: int) -> UploadState:
        return self._json("GET", f"/materials/{sha}", UploadState, params={"total": total})

    def put_chunk(self, sha: str, offset: int, total: int, data: bytes) -> UploadState:
        return self._json(
            "PUT",
            f"/materials/{sha}",
            UploadState,
            params={"offset": offset, "total": total},
            content=data,
        )

    def changes(self, cursor: int) -> ChangesReply:
        return self._json("GET", "/changes", ChangesReply, params={"cursor": cursor})

    def application(self, receipt_no: str) -> ApplicationState:
        return self._json("GET", f"/applications/{receipt_no}", ApplicationState)

    def audit_head(self) -> ChainHead:
        return self._json("GET", "/audit-head", ChainHead)

    def lookup(self, req: LookupRequest) -> LookupReply:
        return self._json("POST", LOOKUP_PATH.removeprefix(API_PREFIX), LookupReply, req)

    def lookup_file(self, offer: ReusableMaterial) -> bytes:
        """An offered file's bytes, checked against its content address: FileMismatch
        (nothing kept) when one byte differs."""
        path = material_path(offer.sha256).removeprefix(API_PREFIX)
        data = self._send("GET", path).content
        if hashlib.sha256(data).hexdigest() != offer.sha256:
            raise FileMismatch(offer.title, offer.sha256)
        return data
