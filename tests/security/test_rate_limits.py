"""Attack 4: getting around the tracking and login limits. A client rotates X-Forwarded-For
to look like a new address on every request (uvicorn believes that header from 127.0.0.1
unless told otherwise); a guesser tries one staff account's password from many addresses;
and one limit's clean-up wiping another's counters."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest

from portal.pages import office
from portal.pages.ratelimit import Limit
from portal.server import BackgroundServer
from portal.settings import Settings
from tests.security.conftest import STAFF_PASSWORD, serve, staff_login, web


def _lookups(portal: BackgroundServer, count: int, rotate: bool) -> list[int]:
    """`count` tracking lookups of a made-up receipt, each from a 'new' address if `rotate`."""
    codes = []
    with web(portal) as browser:
        for n in range(count):
            headers = {"X-Forwarded-For": f"203.0.113.{n + 1}"} if rotate else {}
            params = {"r": "0K3-AAAA-001-6", "c": "x"}  # well formed, unknown
            reply = browser.get("/t/find", params=params, headers=headers)
            codes.append(reply.status_code)
    return codes


def test_rotating_x_forwarded_for_does_not_reset_the_tracking_limit(
    portal: BackgroundServer,
) -> None:
    portal.app.state.pages.track_limit = Limit(5, 600)
    codes = _lookups(portal, 8, rotate=True)
    assert codes[:5] == [404] * 5 and codes[5:] == [429] * 3


def test_rotating_x_forwarded_for_does_not_reset_the_login_limit(
    portal: BackgroundServer, staff_user: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The login limit counts in fixed windows (portal/pages/ratelimit.py): a window long
    # enough for the eleven argon2 checks on a loaded machine keeps the boundary out of the
    # run (with 300 s it fell between two attempts now and then, and the 11th was let in).
    monkeypatch.setattr(office, "LOGIN_LIMIT", replace(office.LOGIN_LIMIT, window=10**9))
    with web(portal) as browser:
        for n in range(10):  # ten wrong guesses, each for a new name, each "from" a new address
            reply = staff_login(browser, f"guess{n}", "wrong-password", f"198.51.100.{n + 1}")
            assert reply.status_code == 200
        right = staff_login(browser, staff_user, STAFF_PASSWORD, "198.51.100.99")
    assert right.status_code == 200, "the 11th attempt from this address must be refused"


def test_a_named_proxy_is_believed(portal_settings: Settings) -> None:
    """Behind a reverse proxy (forwarded_allow_ips names it) each real client has its own
    budget: the header is believed from that proxy, and only from it."""
    with serve(replace(portal_settings, forwarded_allow_ips="127.0.0.1")) as proxied:
        proxied.app.state.pages.track_limit = Limit(5, 600)
        assert 429 not in _lookups(proxied, 8, rotate=True)
        assert _lookups(proxied, 8, rotate=False)[5:] == [429] * 3


def test_guessing_one_accounts_password_from_many_addresses_locks_the_account(
    portal_settings: Settings, staff_user: str, caplog: pytest.LogCaptureFixture
) -> None:
    with serve(replace(portal_settings, forwarded_allow_ips="127.0.0.1")) as server:
        from portal.pages import staff

        staff.add_staff(server.app.state.db, "colleague", "同事", STAFF_PASSWORD)
        caplog.set_level(logging.WARNING, logger="portal.pages.lockout")
        with web(server) as browser:
            for n in range(5):
                wrong = staff_login(browser, staff_user, f"guess-{n}", f"192.0.2.{n + 1}")
                assert "Wrong user name or password" in wrong.text
            locked = staff_login(browser, staff_user, STAFF_PASSWORD, "192.0.2.77")
            other = staff_login(browser, "colleague", STAFF_PASSWORD, "192.0.2.78")
    assert locked.status_code == 200 and "locked" in locked.text
    assert other.status_code == 303, "another account is not locked with it"
    assert any(repr(staff_user) in r.getMessage() and "locked" in r.getMessage()
               for r in caplog.records)  # fmt: skip


def test_one_limits_clean_up_does_not_wipe_another_limits_counters(
    portal: BackgroundServer, staff_user: str
) -> None:
    """A week-long tracking window and the 5-minute login window share one table: the
    login's first hit of a window drops old windows, but must drop only its own."""
    portal.app.state.pages.track_limit = Limit(3, 7 * 86_400)
    assert _lookups(portal, 3, rotate=False) == [404] * 3
    with web(portal) as browser:
        assert staff_login(browser, staff_user, "wrong-password").status_code == 200
    assert _lookups(portal, 1, rotate=False) == [429]
