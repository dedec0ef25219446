"""The open-data statistics columns, one list shared by the platform's `/open/stats` and the
terminal's `counter-app export`, so a hall's own file and the city's published one line up
column for column. Qt-free and dependency-free on purpose: both ends import it.

No column may ever hold personal data: the rows are counts per day, hall and service item.
"""

from __future__ import annotations

from forms.text import Text

#: Column names, in order, as written in every format (CSV header, JSON keys, XML elements,
#: the XLSX header row).
COLUMNS: tuple[str, ...] = (
    "date",
    "hall",
    "item_code",
    "item_name",
    "received",
    "settled",
    "settled_on_time",
    "overdue",
    "avg_working_days",
    "satisfaction",
    "ratings",
)

#: Human headings for people reading a spreadsheet (not used as keys).
HEADINGS: dict[str, Text] = {
    "date": Text("日期", "Date"),
    "hall": Text("大厅", "Hall"),
    "item_code": Text("事项编码", "Item code"),
    "item_name": Text("事项名称", "Item name"),
    "received": Text("收件数", "Received"),
    "settled": Text("办结数", "Settled"),
    "settled_on_time": Text("按时办结数", "Settled on time"),
    "overdue": Text("逾期数", "Overdue"),
    "avg_working_days": Text("平均办理工作日", "Average working days"),
    "satisfaction": Text("满意度", "Satisfaction"),
    "ratings": Text("评价数", "Ratings"),
}
