"""The store's commands through `counter_app.cli.main`, as IT staff and clerks type them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from counter_app.cli import main
from tests.counter_app.counter_testing import ANSWERS, DATA, PASSWORD, PDF, PERSON

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def data_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
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
                "--password",
                PASSWORD,
            ]
        )
        == 0
    )
    assert main(["--data-dir", str(d), "catalog", "import", str(DATA / "TEST-001.yaml")]) == 0
    capsys.readouterr()
    return d


def run(d: Path, *args: str, lang: str = "en") -> int:
    return main(["--data-dir", str(d), "--lang", lang, *args])


def _answers_file(tmp_path: Path, **extra: object) -> Path:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"applicant": PERSON, **ANSWERS, **extra}, ensure_ascii=False))
    return path


def _scans(tmp_path: Path) -> list[str]:
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(PDF)
    return ["--attach", f"id_card={scan}", "--attach", f"form={scan}"]


def test_init_reports_terminal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(tmp_path / "t", "init", "--terminal-id", "ab12") == 0
    assert "Terminal AB12 ready" in capsys.readouterr().out
    assert run(tmp_path / "t", "init", lang="zh_CN") == 0  # again: keeps its ID
    assert "终端 AB12 已就绪" in capsys.readouterr().out


def test_catalog_import_and_list(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(data_dir, "catalog", "import", str(ROOT / "assets" / "catalog")) == 0
    assert "Imported" in capsys.readouterr().out
    assert run(data_dir, "catalog", "list", lang="zh_CN") == 0
    out = capsys.readouterr().out
    assert "TEST-001\tv1\t测试事项" in out and len(out.splitlines()) >= 13


def test_intake_show_search(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        run(
            data_dir,
            "intake",
            "--service",
            "TEST-001",
            "--clerk",
            "A001",
            "--data",
            str(_answers_file(tmp_path)),
            *_scans(tmp_path),
        )
        == 0
    )
    out = capsys.readouterr().out
    assert out.startswith("accepted ") and "promised by 20" in out
    number = out.split()[1].rstrip(",")
    assert run(data_dir, "show", number.lower()) == 0
    shown = capsys.readouterr().out
    assert f"Number: {number}" in shown and "Received" in shown and "王小明" in shown
    assert run(data_dir, "search", "王") == 0
    assert number in capsys.readouterr().out


def test_intake_without_materials_prints_notice(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        run(
            data_dir,
            "intake",
            "--service",
            "TEST-001",
            "--clerk",
            "A001",
            "--data",
            str(_answers_file(tmp_path)),
            lang="zh_CN",
        )
        == 0
    )
    assert "一次性告知单" in capsys.readouterr().out


def test_batch_with_bad_lines(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "scan.pdf").write_bytes(PDF)
    good = {
        "service": "TEST-001",
        "clerk": "A001",
        "applicant": PERSON,
        "answers": ANSWERS,
        "attachments": {"id_card": ["scan.pdf"], "form": "scan.pdf"},
    }
    lines = [
        json.dumps(good, ensure_ascii=False),
        "{not json",
        json.dumps({**good, "applicant": {**PERSON, "id_no": "110105194912310021"}}),
        "",
        json.dumps({**good, "service": "NOPE-1"}),
        json.dumps({**good, "attachments": {}}, ensure_ascii=False),
        json.dumps([1, 2]),
        json.dumps({**good, "attachments": {"id_card": ["missing.pdf"]}}),
    ]
    batch = tmp_path / "paper.jsonl"
    batch.write_text("\n".join(lines), encoding="utf-8")

    assert run(data_dir, "intake", "--jsonl", str(batch)) == 1

    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("1: accepted ")
    assert out[1].startswith("2: error: not valid JSON")
    assert out[2].startswith("3: error:") and "applicant.id_no" in out[2]
    assert out[3].startswith("5: error: No service item NOPE-1")
    assert out[4].startswith("6: materials missing")
    assert out[5].startswith("7: error: each line must be a JSON object")
    assert out[6].startswith("8: error:") and "missing.pdf" in out[6]
    assert out[7] == "7 lines: 2 taken, 5 failed."


def test_batch_rerun_with_uuids_is_idempotent(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = {
        "service": "TEST-001",
        "clerk": "A001",
        "applicant": PERSON,
        "answers": ANSWERS,
        "uuid": "0b9c1a2e-0000-4000-8000-000000000001",
    }
    batch = tmp_path / "paper.jsonl"
    batch.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    assert run(data_dir, "intake", "--jsonl", str(batch)) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert run(data_dir, "intake", "--jsonl", str(batch)) == 0
    assert capsys.readouterr().out.splitlines()[0] == first


def test_stats(data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(
        data_dir,
        "intake",
        "--service",
        "TEST-001",
        "--clerk",
        "A001",
        "--data",
        str(_answers_file(tmp_path)),
        *_scans(tmp_path),
    )
    capsys.readouterr()
    assert run(data_dir, "stats", "--json") == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[-1]["day"] is None and rows[-1]["received"] == 1 and rows[-1]["accepted"] == 1
    assert run(data_dir, "stats", "--from", "2026-01-01", "--to", "2026-01-02") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("day\treceived") and out[-1].startswith("total\t0")


def test_clerk_add_needs_admin(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        run(
            data_dir,
            "clerk",
            "add",
            "C002",
            "--name",
            "李四",
            "--password",
            PASSWORD,
            "--admin",
            "A001",
            "--admin-password",
            PASSWORD,
        )
        == 0
    )
    assert (
        run(
            data_dir,
            "clerk",
            "add",
            "C003",
            "--name",
            "王五",
            "--password",
            PASSWORD,
            "--admin",
            "C002",
            "--admin-password",
            PASSWORD,
        )
        == 2
    )
    assert "admin role" in capsys.readouterr().err
    assert run(data_dir, "clerk", "list") == 0
    assert "C002\t李四\tclerk" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["show", "000-0000-000-0"], "No application numbered"),
        (["intake", "--service", "TEST-001"], "Give --service, --clerk and --data"),
        (
            ["intake", "--service", "TEST-001", "--clerk", "A001", "--data", "nope.json"],
            "Cannot read",
        ),
        (["intake", "--jsonl", "nope.jsonl"], "Cannot read"),
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
                "--password",
                "p",
                "--admin",
                "A001",
                "--admin-password",
                "wrong-password",
            ],
            "Wrong clerk ID or password",
        ),
    ],
)
def test_mistakes_are_one_clear_line(
    data_dir: Path,
    tmp_path: Path,
    args: list[str],
    message: str | None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if "{bad}" in args:
        bad = tmp_path / "bad.json"
        bad.write_text("{bad", encoding="utf-8")
        args = [str(bad) if a == "{bad}" else a for a in args]
    assert run(data_dir, *args) == 2
    err = capsys.readouterr().err
    assert err.startswith("counter-app: ") and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    if message:
        assert message in err


def test_commands_before_init(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(tmp_path / "none", "search", "x", lang="zh_CN") == 2
    assert "counter-app init" in capsys.readouterr().err


def test_search_nothing_found_exits_1(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(data_dir, "search", "nobody") == 1
    assert "Nothing found." in capsys.readouterr().out
