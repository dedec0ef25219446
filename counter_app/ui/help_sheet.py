"""F1: every key of the window on one sheet, read from `keys.ACTIONS` (the same table the
buttons take their keys from, so the sheet cannot tell a key that does not work)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from counter_app.ui.keys import ACTIONS
from counter_app.ui.widgets import open_once, tr_text


class HelpSheet(QDialog):
    """The list of keys; Esc closes it."""

    @classmethod
    def open_on(cls, parent: QWidget) -> HelpSheet:
        sheet = cls(parent)
        open_once(sheet)
        return sheet

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("help_sheet")
        self.setWindowTitle(self.tr("Keys"))
        self.table = QTableWidget(len(ACTIONS), 3, self)
        self.table.setObjectName("help_keys")
        self.table.setAccessibleName(self.tr("Keys"))
        self.table.setHorizontalHeaderLabels([self.tr("Key"), self.tr("Where"), self.tr("Does")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        for row, action in enumerate(ACTIONS):
            cells = (action.shown(), tr_text(action.where), tr_text(action.does))
            for col, text in enumerate(cells):
                self.table.setItem(row, col, QTableWidgetItem(text))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        box = QVBoxLayout(self)
        box.addWidget(self.table)
        self.resize(640, 720)
        self.table.setFocus()
