"""The one-time notice as 行政许可法 §32 asks: every missing material once, dated, sealed
with the hall's seal (`counter-app init --hall-seal PNG`), and the consequence of a late
notice; a seal that cannot be read stops the print with a message, never a silent notice."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.counter_app.counter_testing import answers_file, as_clerk, run_cli
from tests.printing.printing_support import signature_png


def _notice(d: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    data = str(answers_file(tmp_path))
    assert run_cli(d, "intake", "--service", "TEST-001", *as_clerk(tmp_path), "--data", data) == 0
    return capsys.readouterr().out.split()[4].rstrip("(")


def test_the_notice_is_dated_sealed_and_states_article_32(
    cli_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seal = tmp_path / "seal.png"
    seal.write_bytes(signature_png())
    assert run_cli(cli_dir, "init", "--hall-seal", str(seal)) == 0
    capsys.readouterr()
    number = _notice(cli_dir, tmp_path, capsys)
    pdf = tmp_path / "notice.pdf"
    assert run_cli(cli_dir, "receipt", number, "--out", str(pdf)) == 0, capsys.readouterr().err
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "第三十二条" in text and "逾期不告知的" in text and "（盖章）" in text
    assert text.count("申请表") == 1  # every missing material listed once
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True)
    assert len(images.stdout.splitlines()) - 2 >= 1  # the seal is drawn


def test_a_seal_that_is_not_a_png_is_refused_at_setup(
    cli_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "seal.png"
    bad.write_bytes(b"GIF89a not a png")
    assert run_cli(cli_dir, "init", "--hall-seal", str(bad)) == 2
    assert "is not a PNG file" in capsys.readouterr().err


def test_a_seal_gone_since_setup_stops_the_print_with_a_message(
    cli_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seal = tmp_path / "seal.png"
    seal.write_bytes(signature_png())
    assert run_cli(cli_dir, "init", "--hall-seal", str(seal)) == 0
    capsys.readouterr()
    number = _notice(cli_dir, tmp_path, capsys)
    seal.unlink()
    assert run_cli(cli_dir, "receipt", number, "--out", str(tmp_path / "n.pdf")) == 2
    assert "cannot be read" in capsys.readouterr().err
    assert not (tmp_path / "n.pdf").exists()
