"""Enrolling a terminal against the real portal: what is kept, what is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest

from counter_app.ops.provision import enroll
from counter_app.store import audit
from counter_app.terminal import Terminal
from portal import enrollment
from portal.server import BackgroundServer
from sync.errors import Refused, SyncError, Unreachable
from tests.sync.conftest import HALL, issue_code, plain_client


def test_enroll_keeps_id_hall_window_url_and_token(
    terminal: Terminal, portal: BackgroundServer
) -> None:
    code = issue_code(portal, "东湖大厅", 3)
    reply = enroll(terminal, portal.url + "/", code, plain_client)
    assert (terminal.terminal_id, terminal.hall, terminal.window) == ("7QXM", "东湖大厅", "3")
    assert terminal.portal_url == portal.url and terminal.token == reply.token
    log = audit.entries(terminal.store)
    assert log[-1]["action"] == "terminal.enroll"
    assert all(reply.token not in str(row) for row in log)
    assert enrollment.authenticate(portal.app.state.db, reply.token).terminal_id == "7QXM"


def test_taken_id_is_replaced_by_the_platforms(
    terminal: Terminal, portal: BackgroundServer, tmp_path: object
) -> None:
    other = Terminal.init(terminal.data_dir.parent / "other", "7QXM", HALL, "1")
    try:
        enroll(other, portal.url, issue_code(portal), plain_client)
    finally:
        other.close()
    reply = enroll(terminal, portal.url, issue_code(portal), plain_client)
    assert reply.terminal_id != "7QXM" and terminal.terminal_id == reply.terminal_id


def test_expired_and_reused_codes_refused_with_reason(
    terminal: Terminal, portal: BackgroundServer
) -> None:
    expired = enrollment.issue_code(portal.app.state.db, HALL, 1, -timedelta(minutes=1))
    with pytest.raises(Refused) as info:
        enroll(terminal, portal.url, expired, plain_client)
    assert info.value.status_code == 410 and "expired" in info.value.message("en")
    code = issue_code(portal)
    first = enroll(terminal, portal.url, code, plain_client)
    other = Terminal.init(terminal.data_dir.parent / "other", "9ZZZ", HALL, "1")
    try:
        with pytest.raises(Refused) as reused:
            enroll(other, portal.url, code, plain_client)
    finally:
        other.close()
    assert "只能使用一次" in reused.value.message("zh_CN")
    # the terminal that used it may ask again (its reply may have been lost): same ID
    again = enroll(terminal, portal.url, code, plain_client)
    assert again.terminal_id == first.terminal_id and again.token != first.token
    assert enrollment.authenticate(portal.app.state.db, again.token).terminal_id == "7QXM"


def test_malformed_code_and_unreachable_portal(terminal: Terminal) -> None:
    with pytest.raises(SyncError) as info:
        enroll(terminal, "http://127.0.0.1:9", "x", plain_client)
    assert "malformed" in info.value.message("en")
    with pytest.raises(Unreachable):
        enroll(terminal, "http://127.0.0.1:9", "ABCD-EFGH-JKMN", plain_client)
    assert terminal.token is None
