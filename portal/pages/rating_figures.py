"""The back office's 好差评 figures: rating rate, satisfaction rate, bad ratings and on-time
rectification per hall, window, item and clerk, counted exactly as open data counts them
(`portal.pages.opendata.gather`, `sync.ratings.RatingTally`). Clerks appear here only: open
data never names a person.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from portal.db import Database
from portal.pages.cases import RatingRules
from portal.pages.opendata import StatsQuery, count_ratings, gather, rated_codes
from sync.ratings import RatingTally

#: The groupings shown, in order: key name -> how a row is keyed.
GROUPS = ("hall", "window", "item", "clerk")


def figures(
    db: Database, start: date, end: date, rules: RatingRules, now: date
) -> dict[str, list[tuple[str, RatingTally]]]:
    """{grouping: [(key, tally), ...] sorted by key} for applications accepted start..end."""
    found = gather(db, StatsQuery(start, end))
    tallies: dict[str, dict[str, RatingTally]] = {g: defaultdict(RatingTally) for g in GROUPS}
    for row in found.rows:
        codes = rated_codes(row, found.codes.get(row.uuid, []), rules, now)
        keys = {
            "hall": row.hall,
            "window": f"{row.hall} / {row.window}",
            "item": row.service_code,
            "clerk": f"{row.hall} / {row.clerk_id}",
        }
        for group, key in keys.items():
            count_ratings(tallies[group][key], codes, found.cases.get(row.uuid, []), rules, now)
    return {g: sorted(t.items()) for g, t in tallies.items()}
