"""`counter-app forms check`, run through the real CLI entry point."""

from __future__ import annotations

from pathlib import Path

import pytest

from counter_app.cli import main
from forms.catalog import SAMPLE_CATALOG_DIR
from tests.forms.forms_fixtures import HEADER_LINES, WriteItem


def test_clean_catalog_exits_0_with_a_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "en", "forms", "check", str(SAMPLE_CATALOG_DIR)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("OK: 13 service item(s)")


def test_every_problem_is_printed_with_file_and_line(
    write_item: WriteItem, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_item(
        """
        fields:
          - {code: a, type: txt, label: {zh: 甲, en: A}}
          - {code: b, type: text, label: {zh: 乙, en: B}, show_if: {field: zz, filled: true}}
        """
    )
    assert main(["--lang", "en", "forms", "check", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"{path}:{HEADER_LINES + 2}: unknown field type txt")
    assert lines[1] == f"{path}:{HEADER_LINES + 3}: the condition names a missing field zz"
    assert lines[2] == "2 problem(s) in 1 file(s)"


def test_messages_follow_the_language(
    write_item: WriteItem, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_item("fields: 7\n")
    assert main(["forms", "check", str(path)]) == 1  # zh_CN is the default
    out = capsys.readouterr().out
    assert f"{path}:{HEADER_LINES + 1}: fields 应为列表" in out
    assert "1 处错误，涉及 1 个文件" in out


def test_missing_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope"
    assert main(["--lang", "en", "forms", "check", str(missing)]) == 1
    assert f"{missing}:0: no such file or folder" in capsys.readouterr().out


def test_forms_needs_an_action(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["forms"])
    assert exc.value.code == 2
    assert "check" in capsys.readouterr().err


def test_a_folder_without_definitions_is_not_ok(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--lang", "en", "forms", "check", str(tmp_path)]) == 1
    assert capsys.readouterr().out.strip() == (
        f"no service-item definition files (*.yaml) in {tmp_path}"
    )
