"""Chinese line breaking on paper: over every text of the sample catalog, on A4 and on the
80 mm roll, no printed line starts with closing punctuation or ends with opening punctuation.

Lines are read back from the real PDFs with `pdftotext -layout`, as a reader sees them; a
table's columns come out side by side, so each line is split at wide gaps into its cells."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from forms.catalog import load_sample_catalog
from forms.model import FieldSpec, ServiceItem
from forms.text import Text
from printing.model import Material, MissingMaterial
from printing.render import render_pdf
from printing.text_layout import CLOSING, OPENING, break_lines, receipt_lines, width
from tests.printing.printing_support import ReceiptFactory

CATALOG = load_sample_catalog()
GAP = re.compile(r"\s{2,}")


def _field_texts(fields: tuple[FieldSpec, ...]) -> list[Text]:
    texts: list[Text] = []
    for spec in fields:
        texts += [spec.label, *([spec.help] if spec.help else [])]
        texts += [option.label for option in spec.options]
        texts += _field_texts(spec.children)
    return texts


def catalog_texts(item: ServiceItem) -> list[Text]:
    """Every text the item's definition holds: names, materials, notes, fields, options."""
    texts = [item.name, item.department, *_field_texts(item.fields)]
    for material in item.materials:
        texts += [material.name, *([material.note] if material.note else [])]
    return texts


def printed_lines(pdf: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "receipt.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [cell for line in out.splitlines() for cell in GAP.split(line.strip()) if cell]


def broken_rules(lines: list[str]) -> list[str]:
    return [line for line in lines if line[0] in CLOSING or line[-1] in OPENING]


@pytest.mark.parametrize("paper", ["a4", "80mm"])
@pytest.mark.parametrize("code", [item.code for item in CATALOG])
def test_no_printed_line_starts_with_a_closer_or_ends_with_an_opener(
    make_receipt: ReceiptFactory, tmp_path: Path, code: str, paper: str
) -> None:
    item = CATALOG.require(code)
    texts = catalog_texts(item)
    # A notice carries every text of the item as the reasons for its missing materials (the
    # widest free text a receipt prints), an acceptance every material name.
    notice = make_receipt(
        kind="notice",
        item_name=item.name,
        department=item.department,
        missing=tuple(MissingMaterial(text, text) for text in texts),
    )
    acceptance = make_receipt(
        item_name=item.name,
        department=item.department,
        materials=tuple(Material(m.name) for m in item.materials),
    )
    for data in (notice, acceptance):
        lines = printed_lines(render_pdf(data, paper), tmp_path)
        assert len(lines) > 10
        assert broken_rules(lines) == [], f"{code} {paper} {data.kind}"
        thermal = [line.text for line in receipt_lines(data) if line.style != "qr" and line.text]
        assert broken_rules(thermal) == [], f"{code} ESC/POS {data.kind}"


def test_the_rules_move_a_break_back_rather_than_overflow() -> None:
    lines = break_lines("一二三四五六七八九十，十一（十二）", lambda s, _n: width(s) <= 20)
    assert lines == ["一二三四五六七八九", "十，十一（十二）"]
    assert break_lines("甲乙丙丁（戊己）", lambda s, _n: width(s) <= 10) == ["甲乙丙丁", "（戊己）"]
