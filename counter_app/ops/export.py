"""The hall's statistics as open data: CSV, JSON, XML or XLSX, with exactly the columns the
platform publishes (`sync.opendata_columns.COLUMNS`), one row per day, hall and service item.

Counting follows `counter_app.stats` (a cohort by the day the application was taken; voided
applications count nowhere; overdue = open past its due date or settled after it);
`avg_working_days` is the mean number of working days from taking to settling, over the
settled ones, on the official calendar of `forms.workdays`. No column holds personal data.

Formats follow the platform's `/open/stats`: CSV in UTF-8 (no byte-order mark, CRLF), XML
as `<stats period="day" from=".." to=".."><row><date>…</date>…</row></stats>`, XLSX with a
header row and typed cells (both written by `sync.opendata_files`, which also keeps any text
a spreadsheet would run as a formula from being one); `avg_working_days` has one decimal,
the rates four. 好差评 columns carry the GB/T 39046 satisfaction codes (`code_1` =
非常满意 … `code_5`), said in the XML's `codes` attribute and the XLSX's "columns" sheet;
rectification columns stay 0/empty here (cases are handled on the platform). JSON is
the array of row objects (the platform wraps the same array as `rows` in an object with
period, from, to and columns; the window's export test reads the bare array).
"""

from __future__ import annotations

import json
import os
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from counter_app.errors import CounterError, NotFound
from counter_app.ops.progress import each
from counter_app.terminal import Terminal
from forms.text import Text
from forms.workdays import working_days_between
from sync import opendata_files
from sync.opendata_columns import COLUMNS
from sync.ratings import CODE_NOTE, RatingTally
from sync.statuses import OPEN, SETTLED

FORMATS = opendata_files.FORMATS
Row = dict[str, Any]


class ExportError(CounterError):
    """The export file could not be written."""


@dataclass
class _Group:
    received: int = 0
    settled: int = 0
    settled_on_time: int = 0
    overdue: int = 0
    workdays: list[int] = field(default_factory=list)
    tally: RatingTally = field(default_factory=RatingTally)


def stats_rows(
    terminal: Terminal, start: date | None = None, end: date | None = None, lang: str = "zh_CN"
) -> list[Row]:
    """One row per (day, hall, item) with applications taken between `start` and `end`
    (hall dates, inclusive; open-ended when None), in COLUMNS order."""
    tz, today = terminal.timezone, terminal.today()
    groups: dict[tuple[str, str, str], _Group] = {}
    rows = _submissions(terminal, start, end)
    for r in each(rows, len(rows), Text("统计", "counting"), "application"):
        group = groups.setdefault((r["accepted_day"], r["hall"], r["service_code"]), _Group())
        _count(group, r, tz, today)
    names = _item_names(terminal, {code for _, _, code in groups}, lang)
    return [_row(key, g, names) for key, g in sorted(groups.items())]


def _submissions(terminal: Terminal, start: date | None, end: date | None) -> list[Row]:
    return terminal.store.query(
        "SELECT accepted_day, hall, service_code, status, accepted_at, due_date, settled_at, "
        "(SELECT group_concat(code) FROM ratings WHERE submission_uuid = submissions.uuid) "
        "AS codes FROM submissions WHERE status != 'voided' "
        "AND accepted_day >= ? AND accepted_day <= ? ORDER BY accepted_day",
        ((start or date.min).isoformat(), (end or date.max).isoformat()),
    )


def _count(g: _Group, r: Row, tz: ZoneInfo, today: date) -> None:
    g.received += 1
    due = date.fromisoformat(r["due_date"]) if r["due_date"] else None
    g.tally.add([int(c) for c in (r["codes"] or "").split(",") if c])
    if r["status"] in SETTLED and r["settled_at"]:
        settled = datetime.fromisoformat(r["settled_at"]).astimezone(tz).date()
        taken = datetime.fromisoformat(r["accepted_at"]).astimezone(tz).date()
        g.settled += 1
        g.workdays.append(working_days_between(taken, settled))
        on_time = due is None or settled <= due
        g.settled_on_time += on_time
        g.overdue += not on_time
    elif r["status"] in OPEN and due is not None and due < today:
        g.overdue += 1


def _item_names(terminal: Terminal, codes: set[str], lang: str) -> dict[str, str]:
    names = {}
    for code in codes:
        try:
            names[code] = terminal.service_item(code).name.get(lang)
        except NotFound:
            names[code] = code
    return names


def _mean(values: list[int], digits: int) -> float | None:
    return round(sum(values) / len(values), digits) if values else None


def _row(key: tuple[str, str, str], g: _Group, names: dict[str, str]) -> Row:
    day, hall, code = key
    values = {
        "date": day,
        "hall": hall,
        "window": "",  # all of the hall's windows, as the platform's rows by item
        "item_code": code,
        "item_name": names[code],
        "received": g.received,
        "settled": g.settled,
        "settled_on_time": g.settled_on_time,
        "overdue": g.overdue,
        "avg_working_days": _mean(g.workdays, 1),
    } | g.tally.columns()
    return {c: values[c] for c in COLUMNS}


# -- writers -------------------------------------------------------------------------------
Meta = dict[str, str]  # period, from, to: as the platform's JSON and XML carry them


def write_csv(rows: Iterable[Row], path: Path, meta: Meta) -> None:
    path.write_bytes(opendata_files.to_csv(rows))


def write_json(rows: Iterable[Row], path: Path, meta: Meta) -> None:
    path.write_text(json.dumps(list(rows), ensure_ascii=False, indent=1), encoding="utf-8")


def write_xml(rows: Iterable[Row], path: Path, meta: Meta) -> None:
    root = ET.Element("stats", meta)
    for r in rows:
        row = ET.SubElement(root, "row")
        for column in COLUMNS:
            ET.SubElement(row, column).text = None if r[column] is None else str(r[column])
    ET.indent(root)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def write_xlsx(rows: Iterable[Row], path: Path, meta: Meta) -> None:
    path.write_bytes(opendata_files.to_xlsx(rows))


WRITERS: dict[str, Callable[[Iterable[Row], Path, Meta], None]] = {
    "csv": write_csv,
    "json": write_json,
    "xml": write_xml,
    "xlsx": write_xlsx,
}


def export_stats(
    terminal: Terminal,
    fmt: str,
    out: Path,
    start: date | None = None,
    end: date | None = None,
    lang: str = "zh_CN",
) -> int:
    """Write the statistics to `out` in `fmt` (atomically); returns the number of rows."""
    if fmt not in WRITERS:
        raise ExportError(
            Text(f"不支持的格式 {fmt}，可选：{', '.join(FORMATS)}", f"Unknown format {fmt}")
        )
    rows = stats_rows(terminal, start, end, lang)
    meta = {
        "codes": CODE_NOTE.en,
        "period": "day",
        "from": start.isoformat() if start else (rows[0]["date"] if rows else ""),
        "to": end.isoformat() if end else (rows[-1]["date"] if rows else ""),
    }
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.")
        os.close(fd)
        try:
            WRITERS[fmt](rows, Path(tmp), meta)
            os.replace(tmp, out)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError as exc:
        raise ExportError(
            Text(f"无法写入 {out}：{exc.strerror}", f"Cannot write {out}: {exc.strerror}")
        ) from exc
    return len(rows)
