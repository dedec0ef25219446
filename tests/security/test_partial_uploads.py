"""Attack 10: a terminal opens unfinished uploads without end (each a file on the
platform's disk, never cleaned), or declares huge totals to reserve space."""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import replace

import pytest

from portal.settings import Settings
from sync.protocol import ErrorReply
from tests.security.conftest import Window


@pytest.fixture
def portal_settings(portal_settings: Settings) -> Settings:
    """At most 3 unfinished uploads and 100,000 declared bytes per terminal."""
    return replace(portal_settings, max_open_uploads=3, max_upload_bytes_in_flight=100_000)


def _start(by: Window, tag: str, total: int = 20_000) -> tuple[str, int, int]:
    """Send the first 1,000 bytes of a `total`-byte file: (sha, HTTP status, Retry-After)."""
    data = (hashlib.sha256(tag.encode()).hexdigest() * (total // 64 + 1)).encode()[:total]
    sha = hashlib.sha256(data).hexdigest()
    with by.api() as api:
        resp = api.put(f"/materials/{sha}", params={"offset": 0, "total": total},
                       content=data[:1000])  # fmt: skip
    return sha, resp.status_code, int(resp.headers.get("retry-after", 0))


def _partials(by: Window) -> list[str]:
    folder = by.portal.app.state.materials.root / "partial" / by.terminal_id
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_opening_unfinished_uploads_without_end_is_refused(
    owner: Window, neighbour: Window
) -> None:
    assert [_start(owner, f"open {n}")[1] for n in range(3)] == [200, 200, 200]
    sha, status, retry = _start(owner, "one too many")
    assert status == 429 and retry > 0
    with owner.api() as api:
        resp = api.put(f"/materials/{sha}", params={"offset": 0, "total": 20_000}, content=b"x")
    assert ErrorReply.model_validate_json(resp.content).error == "upload_quota"
    assert len(_partials(owner)) == 3
    assert _start(neighbour, "another terminal's own quota")[1] == 200


def test_declaring_huge_totals_to_reserve_space_is_refused(owner: Window) -> None:
    assert _start(owner, "big one", total=60_000)[1] == 200
    assert _start(owner, "big two", total=60_000)[1] == 429  # 120,000 > 100,000 declared
    assert _start(owner, "small", total=30_000)[1] == 200


def test_abandoned_uploads_expire_and_free_the_quota(owner: Window) -> None:
    started = [_start(owner, f"abandoned {n}")[0] for n in range(3)]
    folder = owner.portal.app.state.materials.root / "partial" / owner.terminal_id
    four_days_ago = time.time() - 4 * 86_400  # the setting's default is 3 days
    for part in folder.iterdir():
        os.utime(part, (four_days_ago, four_days_ago))
    assert _start(owner, "after the holidays")[1] == 200
    assert len(_partials(owner)) == 1
    with owner.api() as api:
        state = api.get(f"/materials/{started[0]}", params={"total": 20_000}).json()
    assert state["received"] == 0 and not state["complete"]
