"""A 即办件 (YB-001, 异地就医备案) through `counter-app intake`: accepted and settled in one
step, the receipt says so; a 承诺件 still gets its promised date."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from forms.catalog import SAMPLE_CATALOG_DIR
from tests.counter_app.counter_testing import PDF, as_clerk, run_cli

YB_ANSWERS = {
    "insurance_type": "employee",
    "category": "long_term_residence",
    "destination": "广东省深圳市南山区",
    "start_date": "2026-12-01",
}
APPLICANT = {"kind": "person", "id_no": "360102195508090194", "name": "罗建华",
             "phone": "13907910009"}  # fmt: skip


def _intake(cli_dir: Path, tmp_path: Path, *attach: str) -> int:
    data = tmp_path / "yb.json"
    answers = {
        "applicant": APPLICANT,
        **YB_ANSWERS,
        **{k: APPLICANT[k] for k in ("name", "id_no", "phone")},
    }
    data.write_text(json.dumps(answers, ensure_ascii=False))
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(PDF)
    args = [a for code in attach for a in ("--attach", f"{code}={scan}")]
    return run_cli(
        cli_dir, "intake", "--service", "YB-001", *as_clerk(tmp_path), "--data", str(data), *args
    )


def test_an_immediate_item_is_accepted_and_settled_in_one_step(
    cli_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(cli_dir, "catalog", "import", str(SAMPLE_CATALOG_DIR / "YB-001.yaml")) == 0
    capsys.readouterr()
    assert _intake(cli_dir, tmp_path, "id_card", "residence_proof") == 0
    out = capsys.readouterr().out
    assert out.startswith("accepted and settled on the spot ") and "(immediate item)" in out
    number = out.split()[6]
    assert run_cli(cli_dir, "show", number) == 0
    assert "Delivered" in capsys.readouterr().out
    pdf = tmp_path / "receipt.pdf"
    assert run_cli(cli_dir, "receipt", number, "--out", str(pdf)) == 0
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "即办件，已当场办结" in text and "Settled on the spot" in text
    assert "承诺办结日期" not in text


def test_an_immediate_item_with_a_material_missing_gets_a_notice_not_a_settlement(
    cli_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(cli_dir, "catalog", "import", str(SAMPLE_CATALOG_DIR / "YB-001.yaml")) == 0
    capsys.readouterr()
    assert _intake(cli_dir, tmp_path, "id_card") == 0
    assert capsys.readouterr().out.startswith("materials missing: one-time notice")
