"""`counter-app intake`: one application, and the batch typed from paper with bad lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from counter_app.terminal import Terminal
from tests.counter_app.counter_testing import (
    ANSWERS,
    PDF,
    PERSON,
    answers_file,
    as_clerk,
    run_cli,
    scan_args,
)


def test_intake_show_search(
    cli_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
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
        == 0
    )
    out = capsys.readouterr().out
    assert out.startswith("accepted ") and "promised by 20" in out
    number = out.split()[1].rstrip(",")
    assert run_cli(cli_dir, "show", number.lower()) == 0
    shown = capsys.readouterr().out
    assert f"Number: {number}" in shown and "Received" in shown and "王小明" in shown
    assert "Sync: waiting to be sent" in shown
    assert run_cli(cli_dir, "show", number, lang="zh_CN") == 0
    shown = capsys.readouterr().out
    assert "同步: 待上传" in shown and "pending" not in shown
    assert "状态: 已受理" in shown
    assert run_cli(cli_dir, "search", "王") == 0
    assert number in capsys.readouterr().out


def test_intake_without_materials_prints_notice(
    cli_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        run_cli(
            cli_dir,
            "intake",
            "--service",
            "TEST-001",
            *as_clerk(tmp_path),
            "--data",
            str(answers_file(tmp_path)),
            lang="zh_CN",
        )
        == 0
    )
    assert "一次性告知单" in capsys.readouterr().out


def test_batch_with_bad_lines(
    cli_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
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

    assert run_cli(cli_dir, "intake", "--jsonl", str(batch), *as_clerk(tmp_path)) == 1

    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("1: accepted ")
    assert out[1].startswith("2: error: not valid JSON")
    assert out[2].startswith("3: error:") and "applicant.id_no" in out[2]
    assert out[3].startswith("5: error: No service item NOPE-1")
    assert out[4].startswith("6: materials missing")
    assert "Resident ID card (id_card); Application form (form)" in out[4]  # names, not codes
    assert out[5].startswith("7: error: each line must be a JSON object")
    assert out[6].startswith("8: error:") and "missing.pdf" in out[6]
    assert out[7] == "7 lines: 2 taken, 5 failed."


def test_batch_rerun_with_uuids_is_idempotent(
    cli_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
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
    assert run_cli(cli_dir, "intake", "--jsonl", str(batch), *as_clerk(tmp_path)) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert run_cli(cli_dir, "intake", "--jsonl", str(batch), *as_clerk(tmp_path)) == 0
    assert capsys.readouterr().out.splitlines()[0] == first


def test_malformed_attach_and_data(
    cli_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = answers_file(tmp_path)
    base = ["intake", "--service", "TEST-001", *as_clerk(tmp_path), "--data"]
    assert run_cli(cli_dir, *base, str(data), "--attach", "id_card") == 2
    assert "MATERIAL=PATH" in capsys.readouterr().err
    listed = tmp_path / "list.json"
    listed.write_text("[1, 2]", encoding="utf-8")
    assert run_cli(cli_dir, *base, str(listed)) == 2
    assert '"applicant"' in capsys.readouterr().err


def test_batch_line_without_service_or_clerk(
    cli_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    batch = tmp_path / "paper.jsonl"
    batch.write_text(json.dumps({"applicant": PERSON, "answers": ANSWERS}), encoding="utf-8")
    assert run_cli(cli_dir, "intake", "--jsonl", str(batch), *as_clerk(tmp_path), lang="zh_CN") == 1
    assert capsys.readouterr().out.startswith('1: 错误：缺少 "service"')


def test_an_application_the_platform_would_refuse_is_not_saved(
    cli_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The wire record is built and checked at intake: a window name longer than the
    protocol allows is told now, in the clerk's language, and nothing is written."""
    with Terminal.open(cli_dir) as terminal:
        terminal.window = "第二十三号综合受理窗口（东侧大厅一楼，近北门服务台）"
    args = ["intake", "--service", "TEST-001", *as_clerk(tmp_path)]
    args += ["--data", str(answers_file(tmp_path)), *scan_args(tmp_path)]
    assert run_cli(cli_dir, *args, lang="zh_CN") == 2
    err = capsys.readouterr().err
    assert "不符合同步协议" in err and "window" in err and "未保存" in err
    with Terminal.open(cli_dir) as terminal:
        assert terminal.store.scalar("SELECT COUNT(*) FROM submissions") == 0
        assert terminal.store.scalar("SELECT COUNT(*) FROM outbox") == 0
