"""The city lookup at the applicant step ("one number"): ask the platform what the applicant
at this counter gave at any window of the hall or the city, and fetch the chosen files.

Only with the citizen's consent: the caller passes how they agreed (on the citizen screen,
or the clerk ticked "citizen agreed/signed"), and nothing leaves the terminal without it.
Every lookup and every download goes into the terminal's audit log with the clerk and the
application (the draft) it was for; the platform keeps its own trail. A fetched file is
checked against its SHA-256 (`sync.client.PortalClient.lookup_file`) and written where a
scan would be, so it is then attached, checked and stored exactly like a copy given here.
Offline or on any platform error the caller gets a `sync.errors.SyncError` and says the
city lookup is unavailable; the local copies are offered as before.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from counter_app.store import audit
from counter_app.terminal import Terminal
from forms.text import Text
from sync.client import PortalClient, default_client
from sync.errors import NotEnrolled, SyncError
from sync.file_types import sniff
from sync.lookup import (
    ConsentMethod,
    ConsentProof,
    LookupReply,
    LookupRequest,
    ReusableMaterial,
    id_type_of,
)

ClientFactory = Callable[[], httpx.Client]
UNAVAILABLE = Text(
    "城市材料查询暂不可用，仅提供本机留存的材料。",
    "The city lookup is unavailable: only copies kept on this terminal are offered.",
)
#: Where fetched files wait to be attached, like scans in the scan folder (0700).
FETCHED = "fetched"


def _masked(id_no: str) -> str:
    """The identifier as the audit log keeps it: enough to tell, not enough to reuse."""
    return id_no[:3] + "*" * max(0, len(id_no) - 7) + id_no[-4:]


def _failed(exc: SyncError) -> dict[str, str]:
    return {"outcome": "failed", "error": type(exc).__name__}


class CityLookup:
    """One terminal's lookups and downloads over one kept-alive HTTP client: a new client
    per request cost more than the lookup itself (TLS context, new connection), measured.
    Not thread-safe: the window uses it from its storage thread only. `close()` when done."""

    def __init__(self, terminal: Terminal, client_factory: ClientFactory = default_client):
        self.terminal = terminal
        self.factory = client_factory
        self.http: httpx.Client | None = None

    def _client(self) -> PortalClient:
        if not self.terminal.portal_url or not self.terminal.token:
            raise NotEnrolled()
        if self.http is None:
            self.http = self.factory()
        return PortalClient(self.terminal.portal_url, self.terminal.token, self.http)

    def close(self) -> None:
        if self.http is not None:
            self.http.close()
            self.http = None

    def ask(
        self,
        kind: str,
        id_no: str,
        draft_id: str,
        service_code: str,
        clerk_id: str,
        consent: ConsentMethod,
    ) -> LookupReply:
        """The platform's offers for this applicant; raises SyncError (audited as failed)."""
        store = self.terminal.store
        proof = ConsentProof(method=consent, at=self.terminal.now())
        detail: dict[str, Any] = {"id_no": _masked(id_no), "consent": consent,
                                  "service": service_code}  # fmt: skip
        try:
            req = LookupRequest(
                id_type=id_type_of(kind), id_no=id_no, draft_id=draft_id,
                service_code=service_code or None, clerk_id=clerk_id, consent=proof,
            )  # fmt: skip
            reply = self._client().lookup(req)
        except SyncError as exc:
            audit.append(store, clerk_id, "city_lookup", draft_id, detail | _failed(exc))
            raise
        detail |= {"scope": reply.scope, "offers": len(reply.materials)}
        audit.append(store, clerk_id, "city_lookup", draft_id, detail)
        return reply

    def fetch(self, offer: ReusableMaterial, draft_id: str, clerk_id: str) -> Path:
        """Fetch one offered file, check it and write it where a scan would be; returns its
        path. FileMismatch (a wrong byte) and other SyncErrors are audited and raised."""
        store = self.terminal.store
        detail = {"sha256": offer.sha256, "material": offer.material_code,
                  "hall": offer.hall_id, "terminal": offer.terminal_id or "",
                  "window": offer.window}  # fmt: skip
        try:
            data = self._client().lookup_file(offer)
        except SyncError as exc:
            audit.append(store, clerk_id, "city_download", draft_id, detail | _failed(exc))
            raise
        path = _write(self.terminal, offer, data)
        audit.append(store, clerk_id, "city_download", draft_id, detail)
        return path


def _write(terminal: Terminal, offer: ReusableMaterial, data: bytes) -> Path:
    """The bytes under a name that says what they are (the material rules check the file
    type by its extension, as for a scan)."""
    folder = terminal.data_dir / FETCHED
    folder.mkdir(mode=0o700, exist_ok=True)
    ext, _ = sniff(data[:16])
    path = folder / f"{offer.material_code}-{offer.sha256[:12]}.{ext}"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    return path
