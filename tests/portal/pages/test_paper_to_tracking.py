"""From the paper to the tracking page, as a citizen without a phone camera does it: read the
short address, the receipt number and the code off the printed receipt (the real PDF from
`counter-app receipt`), open the address on the real portal, type number and code."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from counter_app.cli import main
from counter_app.terminal import Terminal
from portal.server import BackgroundServer
from printing import qr_payload
from sync.receipt_numbers import display_receipt_no
from tests.portal.pages.conftest import Take
from tests.portal.pages.pages_support import plain_client

TYPED = re.compile(r"查询码(?: Code:)? ([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})")


def paper_lines(terminal: Terminal, number: str, paper: str, tmp_path: Path) -> list[str]:
    out = tmp_path / f"{paper}.pdf"
    argv = ["--data-dir", str(terminal.data_dir), "--lang", "en", "receipt", number]
    assert main([*argv, "--out", str(out), "--paper", paper]) == 0
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [line.strip() for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("paper", ["a4", "80mm"])
def test_the_paper_leads_to_the_application(
    portal: BackgroundServer,
    terminal: Terminal,
    take: Take,
    sync: Callable[[], object],
    tmp_path: Path,
    paper: str,
) -> None:
    result = take()
    sync()
    number = display_receipt_no(result.receipt_no)
    lines = paper_lines(terminal, number, paper, tmp_path)
    text = "\n".join(lines)
    address = f"{portal.url}/t"
    # The short address is printed whole, on one line, as a word of its own (never broken).
    assert any(re.search(rf"(^|\s){re.escape(address)}($|\s)", line) for line in lines), text
    assert qr_payload.tracking_code(terminal.code_secret(), result.receipt_no) not in text
    assert "enter the receipt number and the code" in " ".join(text.split())
    typed = TYPED.search(" ".join(text.split()))
    assert typed is not None, text
    with plain_client() as browser:
        form = browser.get(address)  # the address as printed: asks for number and code
        assert form.status_code == 200
        assert 'name="r"' in form.text and 'name="c"' in form.text
        found = browser.get(f"{address}/find", params={"r": number, "c": typed[1]})
    assert found.status_code == 200 and "个体工商户设立登记" in found.text
