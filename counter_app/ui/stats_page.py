"""The hall's numbers for a period: received, accepted, notices, settled, overdue, settled
before the promised date, satisfaction; a chart per day (QtCharts) and export to CSV, JSON,
XML or XLSX."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QValueAxis
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from counter_app.desk import Numbers, Period, RatingRow
from counter_app.ui.keys import key
from counter_app.ui.widgets import button, error_label, error_message, open_once, show_error

if TYPE_CHECKING:
    from counter_app.ui.shell import Shell
    from counter_app.ui.workspace import Workspace

FORMATS = ("csv", "json", "xml", "xlsx")


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{share:.0%}"


class StatsPage(QWidget):
    """Numbers and a chart for the chosen period."""

    def __init__(self, shell: Shell, workspace: Workspace) -> None:
        super().__init__(workspace)
        self.shell = shell
        today = date.today()
        self.start = QDateEdit(_qdate(today - timedelta(days=13)), self)
        self.end = QDateEdit(_qdate(today), self)
        for edit, name in ((self.start, self.tr("From")), (self.end, self.tr("To"))):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setAccessibleName(name)
        self.format = QComboBox(self)
        self.format.setAccessibleName(self.tr("Export format"))
        for fmt in FORMATS:
            self.format.addItem(fmt.upper(), fmt)
        self.summary = QLabel(self)
        self.summary.setObjectName("stats_summary")
        self.summary.setWordWrap(True)
        self.message = error_label(self, "stats_message")
        self.chart = QChartView(self)
        self.chart.setObjectName("stats_chart")
        self.chart.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.age_chart = QChartView(self)
        self.age_chart.setObjectName("stats_age_chart")
        self.age_chart.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.dialog: Any = None
        self._dated = False
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("From"), self))
        top.addWidget(self.start)
        top.addWidget(QLabel(self.tr("To"), self))
        top.addWidget(self.end)
        top.addWidget(
            button(self.tr("&Show"), key("stats_refresh"), self.enter, self, "stats_refresh")
        )
        top.addStretch(1)
        top.addWidget(self.format)
        top.addWidget(
            button(
                self.tr("&Export..."), key("stats_export"), self.ask_export, self, "stats_export"
            )
        )
        box = QVBoxLayout(self)
        box.addLayout(top)
        box.addWidget(self.summary)
        box.addWidget(self.message)
        charts = QHBoxLayout()
        charts.addWidget(self.chart, 3)
        charts.addWidget(self.age_chart, 2)
        box.addLayout(charts, 1)
        box.addWidget(self._ratings_table())

    def _ratings_table(self) -> QTableWidget:
        """好差评 per window, item and clerk: ratings, rating rate, satisfied, bad."""
        self.ratings = QTableWidget(0, 6, self)
        self.ratings.setObjectName("stats_ratings")
        self.ratings.setAccessibleName(self.tr("Ratings by window, item and clerk"))
        self.ratings.setHorizontalHeaderLabels(
            [
                self.tr("By"),
                self.tr("Key"),
                self.tr("Ratings"),
                self.tr("Rating rate"),
                self.tr("Satisfied"),
                self.tr("Bad ratings"),
            ]
        )
        self.ratings.verticalHeader().hide()
        self.ratings.setMaximumHeight(180)
        return self.ratings

    def _show_ratings(self, rows: Sequence[RatingRow]) -> None:
        names = {"window": self.tr("Window"), "item": self.tr("Item"), "clerk": self.tr("Clerk")}
        self.ratings.setRowCount(len(rows))
        for i, v in enumerate(rows):
            cells = [names.get(v.group, v.group), v.key, str(v.ratings)]
            cells += [_percent(v.rating_rate), _percent(v.satisfaction_rate)]
            for j, text in enumerate([*cells, str(v.bad_ratings)]):
                self.ratings.setItem(i, j, QTableWidgetItem(text))

    def period(self) -> tuple[date, date]:
        return _pydate(self.start.date()), _pydate(self.end.date())

    def enter(self) -> None:
        if not self._dated:
            self.shell.ops.store(self.shell.backend.today_date, self._set_today, self._failed)
            return
        start, end = self.period()
        show_error(self.message, "")
        self.shell.ops.store(lambda: self.shell.backend.stats(start, end), self._show, self._failed)

    def _set_today(self, today: date) -> None:
        """The default period is the last two weeks in the hall's own time zone."""
        self._dated = True
        self.start.setDate(_qdate(today - timedelta(days=13)))
        self.end.setDate(_qdate(today))
        self.enter()

    def _show(self, stats: Period) -> None:
        self.summary.setText(
            self.tr(
                "Received {received}, accepted {accepted}, notices {notices}, settled {settled}, "
                "overdue {overdue}, settled before the promised date {on_time}, "
                "satisfied {satisfaction} of {ratings} ratings, rating rate {rating_rate}, "
                "bad ratings {bad}"
            ).format(**asdict(stats.totals))
        )
        self._chart(stats.days)
        self._age_chart(stats.age)
        self._show_ratings(stats.ratings)

    def age_labels(self) -> list[tuple[str, str]]:
        """(column of `sync.age_report`, label) of the age chart's bars, in order."""
        return [
            ("carried_over", self.tr("Carried over")),
            ("open_le5", self.tr("≤5 d")),
            ("open_6_20", self.tr("6-20 d")),
            ("open_21_30", self.tr("21-30 d")),
            ("open_gt30", self.tr(">30 d")),
            ("overdue", self.tr("Overdue")),
        ]

    def _age_chart(self, age: Mapping[str, float]) -> None:
        """The seed's Figure 1: open applications by age in working days at the period's
        end, with what was carried over into the period and what is overdue."""
        labels = self.age_labels()
        bars = QBarSet(self.tr("Applications"))
        for column, _label in labels:
            bars.append(float(age.get(column, 0)))
        series = QBarSeries()
        series.append(bars)
        chart = QChart()
        chart.addSeries(series)
        rate = float(age.get("on_time_rate", 0.0))
        chart.setTitle(self.tr("Open by age; settled on time {rate}").format(rate=f"{rate:.1%}"))
        axis_x = QBarCategoryAxis()
        axis_x.append([label for _c, label in labels])
        axis_y = QValueAxis()
        axis_y.setLabelFormat("%d")
        top = max([1.0] + [float(age.get(c, 0)) for c, _l in labels])
        axis_y.setRange(0, top)
        axis_y.setTickCount(int(min(top, 5)) + 1)
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_x)
        series.attachAxis(axis_y)
        chart.legend().hide()
        old = self.age_chart.chart()
        self.age_chart.setChart(chart)
        if old is not None:
            old.deleteLater()

    def _chart(self, days: Sequence[Numbers]) -> None:
        received = QBarSet(self.tr("Received"))
        settled = QBarSet(self.tr("Settled"))
        for day in days:
            received.append(float(day.received))
            settled.append(float(day.settled))
        series = QBarSeries()
        series.append(received)
        series.append(settled)
        chart = QChart()
        chart.addSeries(series)
        chart.setTitle(self.tr("Applications per day"))
        axis_x = QBarCategoryAxis()
        axis_x.append([d.day[5:] for d in days])
        axis_y = QValueAxis()
        axis_y.setLabelFormat("%d")
        top = max([1.0] + [float(d.received) for d in days] + [float(d.settled) for d in days])
        axis_y.setRange(0, top)
        axis_y.setTickCount(int(min(top, 5)) + 1)
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_x)
        series.attachAxis(axis_y)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        old = self.chart.chart()
        self.chart.setChart(chart)
        if old is not None:
            old.deleteLater()

    def ask_export(self) -> None:
        fmt = self.format.currentData()
        start, end = self.period()
        dialog = QFileDialog(self, self.tr("Export statistics"), f"stats-{start}-{end}.{fmt}")
        dialog.setObjectName("export_dialog")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix(fmt)
        dialog.fileSelected.connect(lambda path: self.export(path, fmt))
        self.dialog = dialog
        open_once(dialog)

    def export(self, path: str, fmt: str) -> None:
        start, end = self.period()
        lang = self.shell.language.code
        self.shell.ops.store(
            lambda: self.shell.backend.export_stats(start, end, fmt, path, lang),
            lambda _r: self.summary.setText(self.tr("Exported {path}").format(path=path)),
            self._failed,
        )

    def _failed(self, exc: BaseException) -> None:
        show_error(
            self.message, error_message(exc, self.tr("The statistics could not be computed."))
        )
