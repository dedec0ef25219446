"""Enrolling the terminal with a platform: send the public key, code_secret and proposed ID
with the one-time code; return the ID, hall, window and token the platform gives back.

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
from sync.errors import SyncError
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
        return PortalClient(portal_url, None, http).enroll(req)
