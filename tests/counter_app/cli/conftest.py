"""Fixtures of the store's CLI tests: an initialised terminal folder made through the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from counter_app.cli import main
from tests.counter_app.counter_testing import DATA, password_file


@pytest.fixture
def cli_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    d = tmp_path / "terminal"
    assert (
        main(
            [
                "--data-dir",
                str(d),
                "init",
                "--terminal-id",
                "7QXM",
                "--hall",
                "南昌市民中心",
                "--window",
                "5",
                "--clerk",
                "A001",
                "--password-file",
                str(password_file(tmp_path)),
            ]
        )
        == 0
    )
    assert main(["--data-dir", str(d), "catalog", "import", str(DATA / "TEST-001.yaml")]) == 0
    capsys.readouterr()
    return d
