"""Attack 7: a staff cookie copied before logout, or before a password change, keeps
working (the session was only a signed cookie; logout only asked the browser to drop it)."""

from __future__ import annotations

import re
import subprocess
import sys

from portal.pages import staff
from portal.server import BackgroundServer
from tests.reliability.portal_process import ROOT
from tests.security.conftest import STAFF, STAFF_PASSWORD, staff_login, web


def _logged_in(portal: BackgroundServer) -> tuple[str, str]:
    """Log in for real; (the session cookie, the logout form's CSRF token)."""
    with web(portal) as browser:
        assert staff_login(browser, STAFF, STAFF_PASSWORD).status_code == 303
        cookie = browser.cookies[staff.SESSION_COOKIE]
        page = browser.get("/office")
        assert page.status_code == 200
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
    assert csrf
    return cookie, csrf.group(1)


def _with(portal: BackgroundServer, cookie: str) -> int:
    """What a browser holding (a copy of) `cookie` gets for the list: 200 or the login."""
    with web(portal) as thief:
        thief.cookies.set(staff.SESSION_COOKIE, cookie)
        return thief.get("/office").status_code


def test_reusing_a_session_cookie_after_logout_is_refused(
    portal: BackgroundServer, staff_user: str
) -> None:
    cookie, csrf = _logged_in(portal)
    assert _with(portal, cookie) == 200  # the copy works while the session lives
    with web(portal) as browser:
        browser.cookies.set(staff.SESSION_COOKIE, cookie)
        out = browser.post("/office/logout", data={"csrf": csrf})
    assert out.status_code == 303
    assert _with(portal, cookie) == 303, "the old cookie must be refused after logout"


def test_reusing_a_session_cookie_after_a_password_change_is_refused(
    portal: BackgroundServer, staff_user: str
) -> None:
    cookie, _ = _logged_in(portal)
    other, _ = _logged_in(portal)
    db_url = str(portal.app.state.db.engine.url)
    reset = subprocess.run(
        [sys.executable, "-m", "portal.cli", "staff", "add", staff_user, "--db", db_url,
         "--password-stdin"],
        input="a-new-password-456\n", capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert reset.returncode == 0, reset.stderr
    assert _with(portal, cookie) == 303 and _with(portal, other) == 303
