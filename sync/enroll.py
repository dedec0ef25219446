"""Enrolling the terminal with a platform: send the public key, code_secret and proposed ID
with the one-time code; keep the ID, hall, window, URL and token the platform gives back.

The token is stored in the terminal's settings only; it is never printed, logged or put in
the audit log (the audit records that enrollment happened, and where).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import httpx
from pydantic import ValidationError

from counter_app.store import audit
from forms.text import Text
from sync.client import PortalClient, default_client
from sync.errors import SyncError
from sync.protocol import EnrollReply, EnrollRequest


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def enroll(
    terminal: Any,
    portal_url: str,
    code: str,
    client_factory: Callable[[], httpx.Client] | None = None,
) -> EnrollReply:
    """Enroll `terminal` (a `counter_app.terminal.Terminal`) at `portal_url` with `code`.
    Raises sync errors (Refused with the platform's reason for a bad/expired/used code)."""
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
        reply = PortalClient(portal_url, None, http).enroll(req)
    with terminal.store.transaction():
        terminal.terminal_id = reply.terminal_id
        terminal.hall = reply.hall
        terminal.window = str(reply.window)
        terminal.portal_url = portal_url.rstrip("/")
        terminal.token = reply.token
        audit.append(
            terminal.store,
            "system",
            "terminal.enroll",
            reply.terminal_id,
            {"portal": portal_url, "hall": reply.hall, "window": reply.window},
        )
    return reply
