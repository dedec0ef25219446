"""The window's side of the city lookup ("one number"): what the applicant step may ask the
platform and fetch, with the clerk and the draft it is for. Every call touches the terminal
(audit log, files) and the network: run it on the storage thread."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from counter_app.intake.city_lookup import CityLookup
from counter_app.terminal import Terminal
from sync.lookup import ConsentMethod, LookupReply, ReusableMaterial


class CityDesk:
    """The lookup for one terminal; `ask` only with the citizen's consent (how they gave it)."""

    def __init__(self, terminal: Terminal) -> None:
        self.terminal = terminal
        self.lookup = CityLookup(terminal)

    def close(self) -> None:
        self.lookup.close()

    def enrolled(self) -> bool:
        """A platform to ask (a terminal never enrolled offers only its own copies)."""
        return bool(self.terminal.portal_url and self.terminal.token)

    def today(self) -> date:
        """The hall's day, against which an offer's validity is shown."""
        return self.terminal.today()

    def ask(
        self,
        kind: str,
        id_no: str,
        draft_id: str,
        service_code: str,
        clerk_id: str,
        consent: ConsentMethod,
    ) -> tuple[LookupReply, date]:
        reply = self.lookup.ask(kind, id_no, draft_id, service_code, clerk_id, consent)
        return reply, self.today()

    def fetch(self, offer: ReusableMaterial, draft_id: str, clerk_id: str) -> Path:
        return self.lookup.fetch(offer, draft_id, clerk_id)
