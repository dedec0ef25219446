"""Enrolling the terminal with a platform: send the public key, code_secret and proposed ID
with the one-time code; return the ID, hall, window and token the platform gives back.

A platform that cannot be reached (or whose reply is lost on the way) is told as such, in
the words of enrollment, not of a sync: nothing was kept, and the same code may be used again
until it expires (the platform recognises the terminal that used it: `portal.enrollment`).

Nothing is written here: the terminal keeps what it learnt and writes its own audit entry
(`counter_app.ops.provision.enroll`). The token is never printed, logged or audited.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Protocol

import httpx
from pydantic import ValidationError

from forms.text import Text
from sync.client import PortalClient, default_client
from sync.errors import SyncError, Unreachable
from sync.protocol import EnrollReply, EnrollRequest


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


class Identity(Protocol):
    """What enrollment sends of the terminal: its proposed ID and its public secrets."""

    @property
    def terminal_id(self) -> str: ...

    def public_key_bytes(self) -> bytes: ...
    def code_secret(self) -> bytes: ...


def enroll(
    terminal: Identity,
    portal_url: str,
    code: str,
    client_factory: Callable[[], httpx.Client] | None = None,
) -> EnrollReply:
    """Enroll `terminal` at `portal_url` with `code`; the platform's reply, for the terminal
    to keep. Raises sync errors (Refused with the platform's reason for a bad/expired/used
    code)."""
    try:
        req = EnrollRequest(
            code=code.strip(),
            public_key=_b64(terminal.public_key_bytes()),
            code_secret=_b64(terminal.code_secret()),
            proposed_terminal_id=terminal.terminal_id,
        )
    except ValidationError as exc:
        raise SyncError(
            Text("注册码格式不正确，请核对。", "The enrollment code is malformed; check it.")
        ) from exc
    with (client_factory or default_client)() as http:
        try:
            return PortalClient(portal_url, None, http).enroll(req)
        except Unreachable as exc:
            raise unreachable(portal_url, exc) from exc


def unreachable(portal_url: str, exc: Unreachable) -> Unreachable:
    """The enrollment's own "cannot reach": which address, and that a retry is safe."""
    cause = exc.__cause__
    detail = type(cause).__name__ if cause is not None else "server error"
    return Unreachable(
        Text(
            f"无法连接政务服务平台 {portal_url}（{detail}），本终端尚未注册。"
            "请检查平台地址和网络后，用同一注册码重新注册。",
            f"Cannot reach the platform at {portal_url} ({detail}); this terminal is not "
            "enrolled yet. Check the address and the network, then enroll again with the "
            "same code.",
        ),
        exc.retry_after,
    )
