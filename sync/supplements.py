"""A supplement brought to any window of the hall (issue 16): when one is asked for, and
the note of the `supplemented` event that carries it.

The rule and the note live here because three parties read them: the platform decides
whether a terminal may send the event (`portal.events`), the window that takes the
supplement checks the same rule before it takes anything (`counter_app.intake.hall_supplement`),
and the owning terminal reads the note from its feed (which materials, at which window).
The note is machine-read JSON (canonical, so an event's content never depends on key
order); its files are uploaded by the sync engine before the event goes up
(`note_files`), so the platform holds every file the event names.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from forms.text import Text
from sync.canonical import canonical_json
from sync.statuses import OPEN, Status

#: The note's keys: deferred code -> SHA-256 (容缺, closes the owner's deferral), every
#: material taken code -> [SHA-256, ...], and the window that took it.
DEFERRED, MATERIALS, WINDOW = "deferred", "materials", "window"
NO_SUPPLEMENT_ASKED = Text(
    "该申请当前不需要补正材料。", "No supplement is asked for this application now."
)


def asks_supplement(status: str, notice_items: Iterable[Mapping[str, Any]]) -> bool:
    """The back office asked for a supplement, or materials accepted missing on a promise
    (容缺, notice items with reason `deferred`) are still to come on an open application."""
    if status == Status.SUPPLEMENT_NEEDED:
        return True
    deferred = any(i.get("reason") == "deferred" for i in notice_items if isinstance(i, dict))
    return deferred and status in OPEN


def make_note(
    files: Mapping[str, Sequence[str]], deferred: Iterable[str] = (), window: str = ""
) -> str:
    """The note of a `supplemented` event: the files taken per material, the deferred
    materials among them (their first file), and the window that took them."""
    body: dict[str, Any] = {MATERIALS: {c: list(s) for c, s in sorted(files.items()) if s}}
    wanted = set(deferred)
    body[DEFERRED] = {c: s[0] for c, s in sorted(files.items()) if c in wanted and s}
    if window:
        body[WINDOW] = window
    return canonical_json(body)


def _body(note: str) -> dict[str, Any]:
    try:
        found = json.loads(note)
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def note_files(note: str) -> list[str]:
    """Every file a supplement note names (none when the note is plain text)."""
    body = _body(note)
    named: list[str] = []
    materials, deferred = body.get(MATERIALS, {}), body.get(DEFERRED, {})
    if isinstance(materials, dict):
        named += [s for group in materials.values() if isinstance(group, list) for s in group]
    if isinstance(deferred, dict):
        named += list(deferred.values())
    return list(dict.fromkeys(s for s in named if isinstance(s, str)))


def note_codes(note: str) -> list[str]:
    """The materials a supplement note hands in, sorted."""
    body = _body(note)
    codes: set[str] = set()
    for key in (MATERIALS, DEFERRED):
        if isinstance(part := body.get(key), dict):
            codes |= {str(c) for c in part}
    return sorted(codes)


def describe(note: str, names: Mapping[str, Text]) -> Text | None:
    """What the owning window's record says about a supplement note (None: not one)."""
    codes = note_codes(note)
    if not codes:
        return None
    window = str(_body(note).get(WINDOW, "") or "?")
    given = [names.get(c, Text(c, c)) for c in codes]
    return Text(
        f"{window} 号窗口收取补正材料：" + "、".join(t.zh for t in given),
        f"supplement taken at window {window}: " + ", ".join(t.en for t in given),
    )
