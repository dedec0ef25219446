"""Statistics rows to a file in the open-data formats the hall publishes: CSV, JSON, XML,
XLSX (no Qt here). Each format by its library: csv, json, xml.etree, openpyxl."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from counter_app.ui.prefs import atomic_write

COLUMNS = (
    "day",
    "received",
    "accepted",
    "notices",
    "settled",
    "on_time",
    "overdue",
    "ratings",
    "satisfaction",
)


def _cells(row: dict[str, Any]) -> list[str]:
    return [str(row.get(c, "")) for c in COLUMNS]


def to_bytes(rows: Sequence[dict[str, Any]], fmt: str) -> bytes:
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        writer.writerows(_cells(r) for r in rows)
        return out.getvalue().encode("utf-8-sig")
    if fmt == "json":
        data = [dict(zip(COLUMNS, _cells(r), strict=True)) for r in rows]
        return json.dumps(data, ensure_ascii=False, indent=1).encode()
    if fmt == "xml":
        root = ET.Element("statistics")
        for r in rows:
            day = ET.SubElement(root, "day")
            for col, value in zip(COLUMNS, _cells(r), strict=True):
                ET.SubElement(day, col).text = value
        return ET.tostring(root, encoding="utf-8", xml_declaration=True)
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.append(list(COLUMNS))
        for r in rows:
            sheet.append(_cells(r))
        out_b = io.BytesIO()
        book.save(out_b)
        return out_b.getvalue()
    raise ValueError(f"unknown format {fmt}")


def export(rows: Sequence[dict[str, Any]], fmt: str, path: Path) -> None:
    atomic_write(path, to_bytes(rows, fmt))
