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
    "window",
    "item_code",
    "item_name",
    "received",
    "settled",
    "settled_on_time",
    "overdue",
    "avg_working_days",
    "ratings",
    "rated",
    "rating_rate",
    "satisfaction_rate",
    "code_1",
    "code_2",
    "code_3",
    "code_4",
    "code_5",
    "bad_ratings",
    "rectify_due",
    "rectified_on_time",
    "rectification_rate",
)
#: The 好差评 columns (filled by `sync.ratings.RatingTally.columns`). `code_N` counts the
#: ratings with 满意度代码 N of GB/T 39046-2020 (1 = 非常满意 … 5 = 非常不满意): files carry
#: the standard code, never stars, and their metadata says so (`sync.ratings.CODE_NOTE`).
RATING_COLUMNS = COLUMNS[COLUMNS.index("ratings") :]

#: Human headings for people reading a spreadsheet (not used as keys).
HEADINGS: dict[str, Text] = {
    "date": Text("日期", "Date"),
    "hall": Text("大厅", "Hall"),
    "window": Text("窗口（空：全部窗口）", "Window (empty: all windows)"),
    "item_code": Text("事项编码", "Item code"),
    "item_name": Text("事项名称", "Item name"),
    "received": Text("收件数", "Received"),
    "settled": Text("办结数", "Settled"),
    "settled_on_time": Text("按时办结数", "Settled on time"),
    "overdue": Text("逾期数", "Overdue"),
    "avg_working_days": Text("平均办理工作日", "Average working days"),
    "ratings": Text("评价数", "Ratings"),
    "rated": Text("已评价办件数", "Applications rated"),
    "rating_rate": Text("评价率", "Rating rate"),
    "satisfaction_rate": Text("满意率（代码1-3）", "Satisfaction rate (codes 1-3)"),
    "code_1": Text("满意度代码1（非常满意）", "Code 1 (very satisfied)"),
    "code_2": Text("满意度代码2（满意）", "Code 2 (satisfied)"),
    "code_3": Text("满意度代码3（基本满意）", "Code 3 (fairly satisfied)"),
    "code_4": Text("满意度代码4（不满意）", "Code 4 (dissatisfied)"),
    "code_5": Text("满意度代码5（非常不满意）", "Code 5 (very dissatisfied)"),
    "bad_ratings": Text("差评数", "Bad ratings"),
    "rectify_due": Text("应整改差评数", "Bad ratings due for rectification"),
    "rectified_on_time": Text("按时整改数", "Rectified on time"),
    "rectification_rate": Text("按时整改率", "On-time rectification rate"),
}
