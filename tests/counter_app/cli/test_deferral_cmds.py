"""容缺受理 through `counter-app intake --defer` and `counter-app deferral`: the promise is
signed, the two-copy notice printed and its QR decoded, a late material flagged, and every
refusal said in words."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from counter_app.intake.deferral import Deferral
from counter_app.terminal import Terminal
from forms.workdays import add_working_days
from tests.counter_app.counter_testing import ANSWERS, DATA, PDF, PERSON, as_clerk, run_cli
from tests.printing.printing_support import page_texts, qr_codes, signature_png

ITEM = (DATA / "TEST-001.yaml").read_text(encoding="utf-8")
DEFER_ITEM = ITEM.replace("code: TEST-001", "code: DEFER-001").replace(
    "  - code: form\n    name: {zh: 申请表, en: Application form}\n",
    "  - code: form\n    name: {zh: 申请表, en: Application form}\n    deferrable: true\n",
).replace("    reusable: true\n    file_types: [pdf, jpg, png]\n",
          "    reusable: true\n    main: true\n    file_types: [pdf, jpg, png]\n", 1)  # fmt: skip


@pytest.fixture
def item_dir(cli_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "DEFER-001.yaml"
    path.write_text(DEFER_ITEM, encoding="utf-8")
    assert run_cli(cli_dir, "catalog", "import", str(path)) == 0
    capsys.readouterr()
    return cli_dir


def _files(tmp_path: Path) -> tuple[Path, Path, Path]:
    data = tmp_path / "a.json"
    data.write_text(json.dumps({"applicant": PERSON, **ANSWERS}, ensure_ascii=False))
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(PDF)
    promise = tmp_path / "promise.png"
    promise.write_bytes(signature_png())
    return data, scan, promise


def _intake(d: Path, tmp_path: Path, *extra: str) -> int:
    data, scan, _ = _files(tmp_path)
    return run_cli(d, "intake", "--service", "DEFER-001", *as_clerk(tmp_path), "--data",
                   str(data), "--attach", f"id_card={scan}", *extra)  # fmt: skip


def _catch_up(d: Path, days: int) -> date:
    with Terminal.open(d) as t:
        return add_working_days(t.today(), days)


def test_promise_signed_notice_printed_and_its_qr_decoded(
    item_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, _, promise = _files(tmp_path)
    by = _catch_up(item_dir, 3)
    code = _intake(item_dir, tmp_path, "--defer", f"form=原件一份@{by}",
                   "--promise-signature", str(promise))  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0 and out.startswith("accepted "), err
    number = out.split()[1].rstrip(",")
    pdf_path = tmp_path / "notice.pdf"
    assert run_cli(item_dir, "deferral", "notice", number, "--out", str(pdf_path)) == 0
    pdf = pdf_path.read_bytes()
    texts = page_texts(pdf)
    assert len(texts) == 2 and "第一联" in texts[0] and "第二联" in texts[1]
    for text in texts:
        assert "容缺受理通知书" in text and "原件一份" in text and str(by) in text
        assert "逾期未补交的" in text
    codes = qr_codes(pdf)
    assert len(codes) == 2 and codes[0] == codes[1] and len(codes[0]) == 1
    assert f"/t/{number}?c=" in codes[0][0] and "&p=" in codes[0][0]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--defer", "form=原件@2099-01-01", "--promise-signature", "PROMISE"],
         "the catch-up date must be from"),
        (["--defer", "form=原件@TODAY"], "the applicant must sign the promise"),
        (["--defer", "id_card=原件@TODAY", "--promise-signature", "PROMISE"],
         "this material cannot be deferred"),
        (["--defer", "form=原件@someday"], "--defer takes MATERIAL=FORM@YYYY-MM-DD"),
    ],
)  # fmt: skip
def test_refused_deferrals_say_why_and_store_nothing(
    item_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    extra: list[str], message: str,
) -> None:  # fmt: skip
    _, _, promise = _files(tmp_path)
    today = str(_catch_up(item_dir, 0))
    args = [a.replace("PROMISE", str(promise)).replace("TODAY", today) for a in extra]
    assert _intake(item_dir, tmp_path, *args) == 2
    assert message in capsys.readouterr().err
    with Terminal.open(item_dir) as t:
        assert t.store.scalar("SELECT COUNT(*) FROM submissions") == 0


def test_a_catch_up_date_in_the_past_is_flagged(
    item_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Taken in March (the terminal's clock set back: a date cannot pass inside a test),
    then `counter-app deferral late` on today's date flags it."""
    march = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    with Terminal.open(item_dir, now=lambda: march) as t:
        r = t.intake.accept(
            "DEFER-001", PERSON, ANSWERS, {"id_card": [PDF]}, clerk_id="A001",
            deferred={"form": Deferral("原件", date(2026, 3, 4))}, promise_png=signature_png(),
        )  # fmt: skip
    assert r.kind == "acceptance"
    assert run_cli(item_dir, "deferral", "late") == 1
    out = capsys.readouterr().out
    assert f"{r.receipt_no}\tform\t2026-03-04" in out and "late: 1" in out
    with Terminal.open(item_dir) as t:
        assert t.store.scalar("SELECT flagged_at FROM deferred_materials") is not None
