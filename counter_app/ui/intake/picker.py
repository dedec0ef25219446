"""Step 1: choose the service item. Type to filter by name, code or pinyin initials
("gtgs" finds 个体工商户设立登记); the items this window used recently come first.
Enter takes the highlighted item; the arrow keys move through the list from the filter box."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from counter_app.ui.widgets import tr_text


def initials(name: str) -> str:
    """Pinyin initials of a Chinese name, lower case: 社会保障卡申领 -> shbzksl."""
    from pypinyin import Style, lazy_pinyin

    return "".join(p[:1] for p in lazy_pinyin(name, style=Style.FIRST_LETTER)).lower()


def search_keys(item: Any) -> str:
    """Everything the filter matches against, lower case, in one string."""
    return " ".join([item.code.lower(), item.name.zh, item.name.en.lower(), initials(item.name.zh)])


def matches(keys: str, query: str) -> bool:
    return all(part in keys for part in query.lower().split())


def ordered(items: Iterable[Any], recent: list[str]) -> list[Any]:
    """Recently used first (most recent first), then by code."""
    rank = {code: i for i, code in enumerate(recent)}
    return sorted(items, key=lambda it: (rank.get(it.code, len(rank)), it.code))


class ItemPicker(QWidget):
    """Signals: chosen(str) with the service code."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.filter = QLineEdit(self)
        self.filter.setObjectName("item_filter")
        self.filter.setPlaceholderText(self.tr("Type a name, code or pinyin initials"))
        self.filter.setAccessibleName(self.tr("Filter service items"))
        self.list = QListWidget(self)
        self.list.setObjectName("item_list")
        self.list.setAccessibleName(self.tr("Service items"))
        self.empty = QLabel(self.tr("No service item matches."), self)
        self.empty.hide()
        label = QLabel(self.tr("&Service item"), self)
        label.setBuddy(self.filter)
        box = QVBoxLayout(self)
        box.addWidget(label)
        box.addWidget(self.filter)
        box.addWidget(self.list, 1)
        box.addWidget(self.empty)
        self._items: list[tuple[Any, str]] = []
        self._recent: set[str] = set()
        self.filter.textChanged.connect(self._refilter)
        self.filter.installEventFilter(self)
        self.list.installEventFilter(self)
        self.list.itemDoubleClicked.connect(lambda _i: self._take())

    def set_items(self, items: Iterable[Any], recent: list[str]) -> None:
        self._recent = set(recent)
        self._items = [(item, search_keys(item)) for item in ordered(items, recent)]
        self._refilter()

    def _refilter(self) -> None:
        self.list.clear()
        query = self.filter.text().strip()
        for item, keys in self._items:
            if query and not matches(keys, query):
                continue
            mark = "★ " if item.code in self._recent else ""
            row = QListWidgetItem(
                f"{mark}{tr_text(item.name)}    [{item.code}]  {tr_text(item.department)}"
            )
            row.setData(Qt.ItemDataRole.UserRole, item.code)
            self.list.addItem(row)
        self.empty.setVisible(self.list.count() == 0)
        self.list.setCurrentRow(0)

    def _take(self) -> None:
        row = self.list.currentItem()
        if row is not None:
            self.chosen.emit(row.data(Qt.ItemDataRole.UserRole))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Up/Down in the filter box move the highlight, so the hands stay on the keys.
        Return takes the item and is used up here: passed on, it would move the cursor on
        the applicant page it opens."""
        if watched in (self.filter, self.list) and isinstance(event, QKeyEvent):
            if event.type() != QEvent.Type.KeyPress:
                return False
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._take()
                return True
            if watched is not self.filter:
                return False
            step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1}.get(Qt.Key(event.key()))
            if step and self.list.count():
                row = max(0, min(self.list.count() - 1, self.list.currentRow() + step))
                self.list.setCurrentRow(row)
                return True
        return False

    def focus(self) -> None:
        self.filter.setFocus()
        self.filter.selectAll()
