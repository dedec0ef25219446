"""Clock sanity through the real commands: a platform whose clock is an hour ahead (its
`clock_shift` setting -- the one thing faked here, because a test cannot set this machine's
clock), `counter-app sync` measuring the offset over its round trips and keeping it, and
`counter-app doctor` telling IT the offset and the verdict, online and offline."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest

from counter_app.cli import main
from counter_app.terminal import Terminal
from portal.server import BackgroundServer
from portal.settings import Settings
from sync.clock import OFFSET_KEY, SEEN_KEY
from tests.sync.conftest import issue_code

HOUR = timedelta(hours=1)


@pytest.fixture(autouse=True)
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)


def run(capsys: pytest.CaptureFixture[str], t: Terminal, lang: str, *argv: str) -> tuple[int, str]:
    status = main(["--data-dir", str(t.data_dir), "--lang", lang, *argv])
    out, err = capsys.readouterr()
    return status, out + err


def doctor_clock(capsys: pytest.CaptureFixture[str], t: Terminal, *extra: str) -> dict[str, str]:
    _, out = run(capsys, t, "en", "doctor", "--json", *extra)
    [clock] = [f for f in json.loads(out) if f["check"] == "clock"]
    return dict(clock)


@pytest.fixture
def ahead(portal_settings: Settings) -> Iterator[BackgroundServer]:
    """The platform, telling a time an hour ahead of this machine's clock."""
    with BackgroundServer(replace(portal_settings, clock_shift=HOUR)) as server:
        yield server


def enroll_and_sync(
    capsys: pytest.CaptureFixture[str], t: Terminal, server: BackgroundServer
) -> None:
    status, out = run(capsys, t, "en", "enroll", "--portal", server.url, "--code",
                      issue_code(server))  # fmt: skip
    assert status == 0, out
    status, out = run(capsys, t, "en", "sync", "--once")
    assert status == 0, out


def test_a_platform_an_hour_ahead_makes_doctor_fail_the_clock(
    terminal: Terminal, ahead: BackgroundServer, capsys: pytest.CaptureFixture[str]
) -> None:
    enroll_and_sync(capsys, terminal, ahead)
    kept = float(terminal.store.get_setting(OFFSET_KEY) or 0)
    assert 3590 < kept < 3610  # the offset the sync measured, kept in the terminal's DB
    clock = doctor_clock(capsys, terminal)
    assert clock["level"] == "FAIL"
    assert clock["found"].startswith("This clock is 3600 s behind the platform (measured now")
    assert clock["found"].endswith("over 5 min") and "NTP" in clock["advice"]
    status, out = run(capsys, terminal, "zh_CN", "doctor")
    assert status == 2 and "本机时钟比平台慢 3600 秒" in out and "超过允许的 5 分钟" in out


def test_offline_doctor_judges_the_last_known_offset_and_the_last_sync(
    terminal: Terminal, ahead: BackgroundServer, capsys: pytest.CaptureFixture[str]
) -> None:
    enroll_and_sync(capsys, terminal, ahead)
    seen = terminal.store.get_setting(SEEN_KEY)
    ahead.stop()  # the platform is gone: doctor has only what the last sync kept
    clock = doctor_clock(capsys, terminal)
    assert clock["level"] == "FAIL" and "(last known, measured " in clock["found"]
    assert seen is not None and seen[:10] in clock["found"]
    # with a wide tolerance the offset passes, but this clock still reads earlier than a
    # time the platform already told: that is wrong whatever the tolerance
    clock = doctor_clock(capsys, terminal, "--set", "clock_tolerance_minutes=120")
    assert clock["level"] == "FAIL"
    assert clock["found"].startswith("This clock is 3") and "behind the last sync" in clock["found"]


def test_a_right_clock_is_ok(
    enrolled: Terminal, portal: BackgroundServer, capsys: pytest.CaptureFixture[str]
) -> None:
    clock = doctor_clock(capsys, enrolled)
    assert clock["level"] == "OK" and "measured now, round trip" in clock["found"]
    status, _ = run(capsys, enrolled, "en", "sync", "--once")
    assert status == 0 and abs(float(enrolled.store.get_setting(OFFSET_KEY) or 99)) < 5


def test_never_compared_is_a_warning_offline(
    enrolled: Terminal, portal: BackgroundServer, capsys: pytest.CaptureFixture[str]
) -> None:
    portal.stop()  # enrolled, but no sync has measured anything yet
    clock = doctor_clock(capsys, enrolled)
    assert clock["level"] == "WARN" and "never compared" in clock["found"]
