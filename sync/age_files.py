"""The age report (`sync.age_report`) in the four open-data formats: CSV, JSON, XML, XLSX,
written the same way as the daily statistics (`sync.opendata_files.cell`: no text cell can
become a spreadsheet formula), column by column `AGE_COLUMNS`."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Any

from sync.age_report import AGE_COLUMNS, AGE_HEADINGS
from sync.opendata_files import cell

Row = dict[str, Any]
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xml": "application/xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def to_csv(rows: Sequence[Row]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(AGE_COLUMNS)
    for r in rows:
        writer.writerow(["" if (v := cell(r[c])) is None else v for c in AGE_COLUMNS])
    return out.getvalue().encode("utf-8")


def to_json(rows: Sequence[Row], by: str) -> bytes:
    body = {"report": "age", "by": by, "columns": list(AGE_COLUMNS), "rows": list(rows)}
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def to_xml(rows: Sequence[Row], by: str) -> bytes:
    root = ET.Element("age_report", by=by)
    for r in rows:
        row = ET.SubElement(root, "row")
        for c in AGE_COLUMNS:
            ET.SubElement(row, c).text = str(r[c])
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def to_xlsx(rows: Sequence[Row]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("age")
    sheet.append(list(AGE_COLUMNS))
    for r in rows:
        cells = []
        for c in AGE_COLUMNS:
            one = WriteOnlyCell(sheet, value=cell(r[c]))
            if isinstance(one.value, str):
                one.data_type = "s"  # never a formula
            cells.append(one)
        sheet.append(cells)
    notes = book.create_sheet("columns")
    notes.append(["column", "zh", "en"])
    for c in AGE_COLUMNS:
        notes.append([c, AGE_HEADINGS[c].zh, AGE_HEADINGS[c].en])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def render(rows: Sequence[Row], fmt: str, by: str) -> bytes:
    if fmt == "csv":
        return to_csv(rows)
    if fmt == "xml":
        return to_xml(rows, by)
    if fmt == "xlsx":
        return to_xlsx(rows)
    return to_json(rows, by)
