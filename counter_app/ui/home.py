"""Home: today's applications at this window, one search box, today's numbers.

The search box also takes a USB barcode scanner, which types the receipt number and ends
with Enter: a search that finds exactly one application opens it straight away.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from counter_app.desk import Numbers, Row
from counter_app.ui.keys import key
from counter_app.ui.style import FORM_MAX_WIDTH
from counter_app.ui.widgets import (
    error_label,
    error_message,
    lang_of_app,
    show_error,
    tr_text,
    with_shortcut,
)
from sync.receipt_numbers import is_valid_receipt_no
from sync.statuses import label as status_label

if TYPE_CHECKING:
    from counter_app.ui.shell import Shell
    from counter_app.ui.workspace import Workspace

Index = QModelIndex | QPersistentModelIndex
CELL_PADDING = 8  # px each side of a receipt number, past the style's own cell margins


class RowsModel(QAbstractTableModel):
    """Applications as table rows; the header texts are given already translated."""

    def __init__(self, headers: list[str], sync_names: dict[str, str]) -> None:
        super().__init__()
        self.headers = headers
        self.sync_names = sync_names
        self.rows: list[Row] = []

    def set_rows(self, rows: list[Row]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None

    def data(self, index: Index, role: int = 0) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        r = self.rows[index.row()]
        cells = (
            r.receipt_no,
            tr_text(r.item_name),
            r.applicant,
            status_label(r.status, lang_of_app()),
            r.due_date,
            self.sync_names.get(r.sync_state, r.sync_state),
        )
        return cells[index.column()]


class HomePage(QWidget):
    """Today's list, search and numbers."""

    def __init__(self, shell: Shell, workspace: Workspace) -> None:
        super().__init__(workspace)
        self.shell, self.workspace = shell, workspace
        self.search = QLineEdit(self)
        self.search.setObjectName("search")
        self.search.setPlaceholderText(
            self.tr("Receipt number, ID number, name or phone (scanner ready)")
        )
        self.search.setAccessibleName(self.tr("Search applications"))
        self.search.setToolTip(with_shortcut(self.tr("Search applications"), key("search")))
        self.search.setClearButtonEnabled(True)
        self.search.setMaximumWidth(FORM_MAX_WIDTH)  # a receipt number is not 1,900 px wide
        self.search.returnPressed.connect(self.run_search)
        self.title = QLabel(self.tr("Today at this window"), self)
        self.title.setObjectName("list_title")
        self.numbers = QLabel(self)
        self.numbers.setObjectName("today_numbers")
        self.message = error_label(self, "home_message")
        headers = [
            self.tr("Receipt no."),
            self.tr("Service item"),
            self.tr("Applicant"),
            self.tr("Status"),
            self.tr("Due"),
            self.tr("Sync"),
        ]
        sync_names = {
            "pending": self.tr("waiting"),
            "synced": self.tr("sent"),
            "rejected": self.tr("refused"),
            "conflict": self.tr("conflict"),
        }
        self.model = RowsModel(headers, sync_names)
        self.table = QTableView(self)
        self.table.setObjectName("today_table")
        self.table.setAccessibleName(self.tr("Applications"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.activated.connect(self._open_row)
        self.table.installEventFilter(self)
        self._layout()
        from PySide6.QtGui import QKeySequence, QShortcut

        QShortcut(QKeySequence(key("search")), self, self.search.setFocus)

    def _layout(self) -> None:
        label = QLabel(self.tr("&Find:"), self)
        label.setBuddy(self.search)
        top = QHBoxLayout()
        top.addWidget(label)
        top.addWidget(self.search, 3)
        top.addStretch(1)  # the box stops at its maximum width, at the left
        box = QVBoxLayout(self)
        box.addLayout(top)
        box.addWidget(self.message)
        box.addWidget(self.numbers)
        box.addWidget(self.title)
        box.addWidget(self.table, 1)

    def enter(self) -> None:
        """Shown: reload today's list and numbers, put the cursor in the search box."""
        self.title.setText(self.tr("Today at this window"))
        show_error(self.message, "")
        self.shell.ops.store(self._load_today, self._show_today, self._failed)
        self.search.setFocus()

    def _load_today(self) -> tuple[list[Row], Numbers]:
        return self.shell.backend.today(), self.shell.backend.today_numbers()

    def _show_today(self, result: tuple[list[Row], Numbers]) -> None:
        rows, numbers = result
        self.model.set_rows(rows)
        self._fit_columns()
        self.numbers.setText(
            self.tr(
                "Today: {received} received, {accepted} accepted, {notices} notices, "
                "{settled} settled, satisfaction {satisfaction}"
            ).format(**asdict(numbers))
        )

    def run_search(self) -> None:
        text = self.search.text().strip()
        if not text:
            self.enter()
            return
        self.shell.ops.store(
            lambda: self.shell.backend.search(text),
            lambda rows: self._found(text, rows),
            self._failed,
        )

    def _found(self, text: str, rows: list[Row]) -> None:
        if not rows and is_valid_receipt_no(text):  # another window's? the platform knows
            self.search.clear()
            self.workspace.open_case(text)
            return
        if len(rows) == 1:
            self.search.clear()
            self.workspace.open_detail(rows[0].receipt_no)
            return
        self.title.setText(self.tr('{n} result(s) for "{text}"').format(n=len(rows), text=text))
        self.model.set_rows(rows)
        self._fit_columns()
        if rows:
            self.table.selectRow(0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """A scanner types wherever the focus is: characters typed on the list go to the
        search box, so a scan after browsing the list still finds the application."""
        if watched is self.table and isinstance(event, QKeyEvent):
            plain = not event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier
            if (
                event.type() == QEvent.Type.KeyPress
                and plain
                and event.text().isprintable()
                and event.text().strip()
            ):
                self.search.setFocus()
                self.search.insert(event.text())
                return True
        return False

    def _fit_columns(self) -> None:
        """Every column as wide as its content, none stretched over empty space. The receipt
        number is never cut: its column is at least a whole number wide (scanned numbers
        are read off this column)."""
        from PySide6.QtWidgets import QHeaderView

        header = self.table.horizontalHeader()
        modes = {0: QHeaderView.ResizeMode.Fixed}
        for col in range(self.model.columnCount()):
            header.setSectionResizeMode(
                col, modes.get(col, QHeaderView.ResizeMode.ResizeToContents)
            )
        widest = max((r.receipt_no for r in self.model.rows), key=len, default="000-XXXX-000-X")
        needed = max(
            self.table.sizeHintForColumn(0),  # what the cells' delegate asks for
            header.sectionSizeHint(0),
            self.table.fontMetrics().horizontalAdvance(widest) + 2 * CELL_PADDING,
        )
        self.table.setColumnWidth(0, needed)

    def _open_row(self, index: QModelIndex) -> None:
        self.workspace.open_detail(self.model.rows[index.row()].receipt_no)

    def _failed(self, exc: BaseException) -> None:
        show_error(self.message, error_message(exc, self.tr("The list could not be loaded.")))
