"""`counter-app enroll` when the platform enrolled the terminal but the reply was lost on
the way back (the fault proxy forwards the request, lets the platform commit, then closes
without a byte): the terminal is told it could not reach the platform, keeps nothing, and
the same code enrolls it again -- same terminal ID, a token that works. The attacks on the
same code (another key, a replay after expiry, a revoked terminal) are in
tests/security/test_enroll_replay.py."""

from __future__ import annotations

import pytest

from counter_app.cli import main
from counter_app.terminal import Terminal
from portal.server import BackgroundServer
from tests.sync.conftest import Take, issue_code, server_count
from tests.sync.faultproxy import FaultProxy


def run(
    capsys: pytest.CaptureFixture[str], terminal: Terminal, lang: str, *argv: str
) -> tuple[int, str, str]:
    code = main(["--data-dir", str(terminal.data_dir), "--lang", lang, *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(autouse=True)
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)


def test_lost_reply_then_the_same_code_enrolls_the_same_terminal(
    terminal: Terminal, portal: BackgroundServer, take: Take, capsys: pytest.CaptureFixture[str]
) -> None:
    code = issue_code(portal)
    with FaultProxy(portal.port, {"pass": 1}, script={"/enroll": ["lose_reply"]}) as proxy:
        status, out, err = run(capsys, terminal, "en", "enroll", "--portal", proxy.url,
                               "--code", code)  # fmt: skip
        assert proxy.seen["lose_reply"] == 1
        # the platform did enroll it: the code is used and the terminal is on its books
        assert server_count(portal, "terminals", terminal_id="7QXM") == 1
        assert status == 3 and f"Cannot reach the platform at {proxy.url}" in err
        assert "enroll again with the same code" in err and "go up later" not in err
        assert not terminal.token and not terminal.portal_url  # nothing kept
        status, out, err = run(capsys, terminal, "en", "enroll", "--portal", proxy.url,
                               "--code", code)  # fmt: skip
    assert status == 0, err
    assert out.startswith("Enrolled: terminal 7QXM, 南昌市民中心 window 12")
    assert server_count(portal, "terminals") == 1
    # the token it kept is the one the platform knows: a sync goes through
    r = take("after-retry")
    terminal.portal_url = portal.url  # past the proxy, to the platform itself
    status, out, err = run(capsys, terminal, "en", "sync", "--once")
    assert status == 0, err
    assert f"applications pushed: 1  {r.receipt_no}" in out


def test_unreachable_platform_is_told_in_the_words_of_enrollment(
    terminal: Terminal, capsys: pytest.CaptureFixture[str]
) -> None:
    url = "http://127.0.0.1:9"  # the discard port: nothing listens
    status, _, err = run(capsys, terminal, "zh_CN", "enroll", "--portal", url,
                         "--code", "ABCD-EFGH-JKMN")  # fmt: skip
    assert status == 3
    assert f"无法连接政务服务平台 {url}" in err and "尚未注册" in err and "上传" not in err
    status, _, err = run(capsys, terminal, "en", "enroll", "--portal", url,
                         "--code", "ABCD-EFGH-JKMN")  # fmt: skip
    assert status == 3 and f"Cannot reach the platform at {url}" in err
    assert "applications" not in err and not terminal.token
