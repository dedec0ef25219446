"""Attacks on the grace a used enrollment code now has (the terminal that used it may use it
again, in case the platform's reply was lost): another key with the used code, the owner's
public key with another secret, a replay after the code expired, a revoked terminal
re-enrolling itself. All through the real CLI or HTTP on a live platform."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from counter_app.cli import main
from counter_app.terminal import Terminal
from portal import enrollment
from portal.server import BackgroundServer
from portal.settings import Settings
from tests.sync.faultproxy import FaultProxy

HALL = "南昌市民中心"


@pytest.fixture(autouse=True)
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[BackgroundServer]:
    settings = Settings(db_url=f"sqlite:///{tmp_path / 'p.db'}", materials_dir=tmp_path / "f")
    with BackgroundServer(settings) as server:
        yield server


def new_terminal(root: Path, tid: str) -> Terminal:
    return Terminal.init(root / tid, tid, HALL, "3")


def cli_enroll(
    capsys: pytest.CaptureFixture[str], t: Terminal, url: str, code: str
) -> tuple[int, str]:
    status = main(["--data-dir", str(t.data_dir), "--lang", "en", "enroll", "--portal", url,
                   "--code", code])  # fmt: skip
    return status, capsys.readouterr().err


def lose_first_reply(
    portal: BackgroundServer, t: Terminal, code: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The platform enrolls `t` and the reply never reaches it."""
    with FaultProxy(portal.port, {"pass": 1}, script={"/enroll": ["lose_reply"]}) as proxy:
        status, _ = cli_enroll(capsys, t, proxy.url, code)
    assert status == 3 and not t.token


def token_works(portal: BackgroundServer, token: str) -> bool:
    with httpx.Client(trust_env=False) as http:
        reply = http.get(f"{portal.url}/api/v1/changes", params={"cursor": 0},
                         headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    return reply.status_code == 200


def test_another_key_with_the_used_code_is_refused(
    portal: BackgroundServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    owner, thief = new_terminal(tmp_path, "7QXM"), new_terminal(tmp_path, "9ZZZ")
    code = enrollment.issue_code(portal.app.state.db, HALL, 3, timedelta(hours=1))
    lose_first_reply(portal, owner, code, capsys)
    status, err = cli_enroll(capsys, thief, portal.url, code)
    assert status == 2 and "already used" in err and not thief.token
    # the owner's public key is no secret: with it, but without the owner's code secret,
    # the platform still refuses (and hands out no token)
    body = {
        "code": code, "proposed_terminal_id": "7QXM",
        "public_key": base64.b64encode(owner.public_key_bytes()).decode(),
        "code_secret": base64.b64encode(thief.code_secret()).decode(),
    }  # fmt: skip
    with httpx.Client(trust_env=False) as http:
        reply = http.post(f"{portal.url}/api/v1/enroll", json=body)
    assert reply.status_code == 410
    assert reply.json()["error"] == "code_used" and "token" not in reply.json()
    status, err = cli_enroll(capsys, owner, portal.url, code)  # the owner is not locked out
    assert status == 0, err
    assert owner.terminal_id == "7QXM" and token_works(portal, str(owner.token))
    owner.close()
    thief.close()


def test_a_replay_after_expiry_is_refused_even_to_the_owner(
    portal: BackgroundServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    owner, thief = new_terminal(tmp_path, "7QXM"), new_terminal(tmp_path, "9ZZZ")
    ttl = timedelta(seconds=2)
    code = enrollment.issue_code(portal.app.state.db, HALL, 3, ttl)
    expires = datetime.now(UTC) + ttl
    lose_first_reply(portal, owner, code, capsys)
    while datetime.now(UTC) <= expires:  # the code's real validity runs out
        time.sleep(0.1)
    for t in (owner, thief):
        status, err = cli_enroll(capsys, t, portal.url, code)
        assert status == 2 and "expired" in err and not t.token
    owner.close()
    thief.close()


def test_a_revoked_terminal_cannot_re_enroll_with_its_code(
    portal: BackgroundServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    owner = new_terminal(tmp_path, "7QXM")
    code = enrollment.issue_code(portal.app.state.db, HALL, 3, timedelta(hours=1))
    status, err = cli_enroll(capsys, owner, portal.url, code)
    assert status == 0, err
    enrollment.revoke(portal.app.state.db, "7QXM", "stolen from the hall")
    status, err = cli_enroll(capsys, owner, portal.url, code)
    assert status == 2 and "already used" in err
    [row] = [r for r in enrollment.list_terminals(portal.app.state.db)]
    assert row["revoked_at"] is not None  # still revoked
    assert not token_works(portal, str(owner.token))
    owner.close()
