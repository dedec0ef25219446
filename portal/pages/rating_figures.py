"""The back office's 好差评 figures: rating rate, satisfaction rate, bad ratings and on-time
rectification per hall, window, item and clerk, counted exactly as open data counts them
(`portal.pages.grouped`, `sync.ratings.RatingTally`): grouped in the database by hall,
window, item and clerk, then summed per grouping. Clerks appear here only: open data never
names a person.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from portal.db import Database
from portal.pages import grouped
from portal.pages.cases import RatingRules
from portal.pages.grouped import as_day
from portal.pages.opendata import StatsQuery, _where
from sync.ratings import RatingTally

#: The groupings shown, in order: key name -> how a row is keyed.
GROUPS = ("hall", "window", "item", "clerk")


def _keys(g: tuple[Any, ...]) -> dict[str, str]:
    hall, window, item, clerk = (str(v) for v in g[:4])
    return {
        "hall": hall,
        "window": f"{hall} / {window}",
        "item": item,
        "clerk": f"{hall} / {clerk}",
    }


def figures(
    db: Database, start: date, end: date, rules: RatingRules, now: date
) -> dict[str, list[tuple[str, RatingTally]]]:
    """{grouping: [(key, tally), ...] sorted by key} for applications accepted start..end."""
    apps = db.t("applications")
    keys = [apps.c.hall, apps.c.window, apps.c.service_code, apps.c.clerk_id]
    found = grouped.read(db, keys, _where(db, StatsQuery(start, end)))
    tallies: dict[str, dict[str, RatingTally]] = {g: defaultdict(RatingTally) for g in GROUPS}
    for g in found.apps:
        for group, key in _keys(g).items():
            grouped.count_apps(tallies[group][key], bool(g[7]), as_day(g[6]), g[8], rules, now)
    for g in found.codes:
        for group, key in _keys(g).items():
            grouped.count_codes(tallies[group][key], g[4], g[5])
    for g in found.cases:
        for group, key in _keys(g).items():
            grouped.count_cases(tallies[group][key], as_day(g[4]), as_day(g[5]), g[6], rules, now)
    return {g: sorted(t.items()) for g, t in tallies.items()}
