"""Silent first start for scripted roll-outs: create the terminal and enroll it from
environment variables, so an installer or autostart entry needs no clerk at the keyboard.

    COUNTER_ENROLL_URL   the platform's base URL (falls back to the `portal_url` setting)
    COUNTER_ENROLL_CODE  a one-time enrollment code issued by the platform
    COUNTER_HALL / COUNTER_WINDOW   optional: name the hall and window before enrollment

Idempotent: an enrolled terminal is left alone (the code is single-use, so running it on
every start is safe and cheap), and a failed enrollment leaves the terminal initialised and
unenrolled, so the next start tries again. The code is never logged or printed.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import httpx

from counter_app.config import Config
from counter_app.ops.replacement import after_enroll
from counter_app.store import audit
from counter_app.terminal import Terminal
from sync import enroll as enrolling
from sync.protocol import EnrollReply

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Provisioned:
    """What happened: `created` a new terminal, `enrolled` now, or `already` enrolled."""

    terminal_id: str
    created: bool
    enrolled: bool
    already: bool


def enroll(
    terminal: Terminal,
    portal_url: str,
    code: str,
    client_factory: Callable[[], httpx.Client] | None = None,
) -> EnrollReply:
    """Enroll `terminal` at `portal_url` with a one-time `code` (`sync.enroll`), then keep
    what the platform said (ID, hall, window, URL, token) and audit it, in one transaction.
    Raises sync errors (Refused with the platform's reason for a bad/expired/used code)."""
    reply = enrolling.enroll(terminal, portal_url, code, client_factory)
    with terminal.store.transaction():
        terminal.terminal_id = reply.terminal_id
        terminal.hall = reply.hall
        terminal.window = str(reply.window)
        terminal.portal_url = portal_url.rstrip("/")
        terminal.token = reply.token
        after_enroll(terminal, reply)  # number above the platform's; what a replacement moved
        audit.append(
            terminal.store,
            "system",
            "terminal.enroll",
            reply.terminal_id,
            {"portal": portal_url, "hall": reply.hall, "window": reply.window},
        )
    return reply


def first_start(
    config: Config,
    env: Mapping[str, str] | None = None,
    client_factory: Callable[[], httpx.Client] | None = None,
) -> Provisioned:
    """Init the terminal in `config.data_dir` if needed, then enroll when the environment
    holds a code and the terminal is not enrolled yet. Raises the sync error of a refused
    or failed enrollment (the caller decides whether that stops the start)."""
    env = os.environ if env is None else env
    created = not (config.data_dir / "counter.db").is_file()
    hall, window = env.get("COUNTER_HALL", ""), env.get("COUNTER_WINDOW", "")
    with Terminal.init(config.data_dir, None, hall, window) as terminal:
        already = bool(terminal.token)
        url = env.get("COUNTER_ENROLL_URL") or config.portal_url
        code = env.get("COUNTER_ENROLL_CODE", "")
        enrolled = False
        if not already and url and code:
            reply = enroll(terminal, url, code, client_factory)
            log.info("terminal enrolled", extra={"terminal": reply.terminal_id, "portal": url})
            enrolled = True
        return Provisioned(terminal.terminal_id, created, enrolled, already)
