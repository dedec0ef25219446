"""The holiday calendar years the platform published, kept by the terminal.

The bundled `forms/holidays.yaml` ships with a release; a year published later (the State
Council notice comes out in November) arrives through the catalog feed and is stored here,
then installed into `forms.workdays` by whatever counts working days on this terminal (the
intake service, the statistics). Opening a terminal does not read it: opening loads no YAML.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from counter_app.store.db import Store
from sync.canonical import canonical_json


def store_year(store: Store, year: int, entry: dict[str, Any]) -> bool:
    """Keep a published year (checked first: a malformed one raises CalendarDataError and is
    not kept) and install it at once; True when it changed anything."""
    from forms.workdays import check_year, install_years

    checked = check_year(year, entry)
    old = store.scalar("SELECT entry FROM calendar_years WHERE year = ?", (year,))
    if old == canonical_json(checked):
        return False
    store.execute(
        "INSERT INTO calendar_years (year, entry, installed_at) VALUES (?, ?, ?) "
        "ON CONFLICT(year) DO UPDATE SET entry = excluded.entry, "
        "installed_at = excluded.installed_at",
        (year, canonical_json(checked), datetime.now(UTC).isoformat()),
    )
    install_years({year: checked})
    return True


def install_stored(store: Store) -> None:
    """Install every year this terminal was sent, over the bundled calendar."""
    from forms.workdays import install_years

    rows = store.query("SELECT year, entry FROM calendar_years")
    if rows:
        install_years({r["year"]: json.loads(r["entry"]) for r in rows})
