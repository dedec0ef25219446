"""The store's commands through `counter_app.cli.main`, as IT staff and clerks type them."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tests.counter_app.counter_testing import (
    PASSWORD,
    answers_file,
    as_clerk,
    password_file,
    run_cli,
    scan_args,
)

ROOT = Path(__file__).resolve().parents[3]


def test_init_reports_terminal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(tmp_path / "t", "init", "--terminal-id", "ab12") == 0
    assert "Terminal AB12 ready" in capsys.readouterr().out
    assert run_cli(tmp_path / "t", "init", lang="zh_CN") == 0  # again: keeps its ID
    assert "终端 AB12 已就绪" in capsys.readouterr().out


def test_catalog_import_and_list(cli_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(cli_dir, "catalog", "import", str(ROOT / "assets" / "catalog")) == 0
    assert "Imported" in capsys.readouterr().out
    assert run_cli(cli_dir, "catalog", "list", lang="zh_CN") == 0
    out = capsys.readouterr().out
    assert "TEST-001\tv1\t测试事项" in out and len(out.splitlines()) >= 13


def test_stats(cli_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_cli(
        cli_dir,
        "intake",
        "--service",
        "TEST-001",
        *as_clerk(tmp_path),
        "--data",
        str(answers_file(tmp_path)),
        *scan_args(tmp_path),
    )
    capsys.readouterr()
    assert run_cli(cli_dir, "stats", "--json") == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[-1]["day"] is None and rows[-1]["received"] == 1 and rows[-1]["accepted"] == 1
    assert run_cli(cli_dir, "stats", "--from", "2026-01-01", "--to", "2026-01-02") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("day\treceived") and out[-1].startswith("total\t0")


def test_clerk_add_needs_admin(
    cli_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Passwords from standard input, the admin's first (never on the command line)."""
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{PASSWORD}\n{PASSWORD}\n" * 2))
    assert (
        run_cli(
            cli_dir,
            "clerk",
            "add",
            "C002",
            "--name",
            "李四",
            "--admin",
            "A001",
            "--password-stdin",
        )
        == 0
    )
    assert (
        run_cli(
            cli_dir,
            "clerk",
            "add",
            "C003",
            "--name",
            "王五",
            "--admin",
            "C002",
            "--password-stdin",
        )
        == 2
    )
    assert "admin role" in capsys.readouterr().err
    assert run_cli(cli_dir, "clerk", "list") == 0
    assert "C002\t李四\tclerk" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["show", "000-0000-000-0"], "No application numbered"),
        (["show", "000-0000-000-1"], "fails its check"),  # a typo: told so, not "no such"
        (["intake", "--service", "TEST-001"], "Give --service, --clerk and --data"),
        (
            ["intake", "--service", "TEST-001", "--clerk", "A001", "--data", "nope.json"],
            "Cannot read",
        ),
        (["intake", "--jsonl", "nope.jsonl"], "A batch needs --clerk"),
        (["intake", "--jsonl", "nope.jsonl", "--clerk", "A001"], "Cannot read"),
        (
            [
                "intake",
                "--service",
                "TEST-001",
                "--clerk",
                "A001",
                "--data",
                "{bad}",
                "--attach",
                "oops",
            ],
            None,
        ),
        (["catalog", "import", "nope-dir"], None),
        (
            [
                "clerk",
                "add",
                "C9",
                "--name",
                "x",
                "--password-file",
                "{pw}",
                "--admin",
                "A001",
                "--admin-password-file",
                "{wrong}",
            ],
            "Wrong clerk ID or password",
        ),
    ],
)
def test_mistakes_are_one_clear_line(
    cli_dir: Path,
    tmp_path: Path,
    args: list[str],
    message: str | None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{bad", encoding="utf-8")
    files = {
        "{bad}": str(bad),
        "{pw}": str(password_file(tmp_path)),
        "{wrong}": str(password_file(tmp_path, "wrong-password")),
    }
    args = [files.get(a, a) for a in args]
    assert run_cli(cli_dir, *args) == 2
    err = capsys.readouterr().err
    assert err.startswith("counter-app: ") and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    if message:
        assert message in err


def test_commands_before_init(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(tmp_path / "none", "search", "x", lang="zh_CN") == 2
    assert "counter-app init" in capsys.readouterr().err


def test_search_nothing_found_exits_1(cli_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(cli_dir, "search", "nobody") == 1
    assert "Nothing found." in capsys.readouterr().out


def test_empty_catalog_says_how_to_fill_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_cli(tmp_path / "t", "init")
    capsys.readouterr()
    assert run_cli(tmp_path / "t", "catalog", "list") == 0
    assert "catalog import" in capsys.readouterr().out


def test_init_sets_the_halls_region_and_rating_channel(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from counter_app.store import open_store

    assert run_cli(tmp_path / "t", "init", "--region", "36O102", lang="zh_CN") == 2
    assert "行政区划代码应为 6、9 或 12 位数字" in capsys.readouterr().err
    assert not (tmp_path / "t").exists()  # refused before anything was written
    assert run_cli(tmp_path / "t", "init", "--rating-channel", "sms") == 2
    assert "hall_tablet" in capsys.readouterr().err
    args = ("init", "--region", "360102", "--rating-channel", "hall_tablet")
    assert run_cli(tmp_path / "t", *args) == 0
    store = open_store(tmp_path / "t" / "counter.db")
    try:
        assert store.get_setting("region") == "360102"
        assert store.get_setting("rating_channel") == "hall_tablet"
    finally:
        store.close()
