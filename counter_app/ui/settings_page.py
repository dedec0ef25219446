"""Settings (administrators): paper, idle logout, language, large text, the platform's
address and enrollment, the catalog versions on this terminal, and clerks.

Window preferences are saved in the data folder (`Prefs`); enrollment and clerks go through
the service layer, which checks the admin role itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from counter_app.desk import Overview
from counter_app.ui.keys import key
from counter_app.ui.widgets import button, error_label, error_message, show_error

if TYPE_CHECKING:
    from counter_app.ui.shell import Shell
    from counter_app.ui.workspace import Workspace


class SettingsPage(QWidget):
    """Preferences of this window and administration of the terminal."""

    def __init__(self, shell: Shell, workspace: Workspace) -> None:
        super().__init__(workspace)
        self.shell = shell
        prefs = shell.prefs
        self.paper = QComboBox(self)
        self.paper.addItem(self.tr("A4"), "a4")
        self.paper.addItem(self.tr("80 mm roll"), "80mm")
        self.paper.setCurrentIndex(max(0, self.paper.findData(prefs.paper)))
        self.idle = QSpinBox(self)
        self.idle.setObjectName("idle_minutes")
        self.idle.setRange(1, 240)
        self.idle.setValue(int(prefs.idle_minutes))
        self.idle.setSuffix(self.tr(" min"))
        self.language = QComboBox(self)
        self.language.setObjectName("settings_language")
        self.language.addItem("中文", "zh_CN")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(1 if shell.language.code == "en" else 0)
        self.large = QCheckBox(self.tr("Large text"), self)
        self.large.setObjectName("settings_large_text")
        self.large.setChecked(prefs.large_text)
        self.portal = QLineEdit(self)
        self.portal.setObjectName("portal_url")
        self.code = QLineEdit(self)
        self.code.setObjectName("enroll_code")
        self.catalog = QListWidget(self)
        self.catalog.setObjectName("catalog_versions")
        self.clerks = QListWidget(self)
        self.clerks.setObjectName("clerk_list")
        self.new_clerk = ClerkForm(self)
        self.new_clerk.add_requested.connect(self.add_clerk)
        self.message = error_label(self, "settings_message")
        self.done = QLabel(self)
        names = (
            (self.paper, self.tr("Paper")),
            (self.idle, self.tr("Idle logout after")),
            (self.language, self.tr("Language")),
            (self.portal, self.tr("Address")),
            (self.code, self.tr("Enrollment code")),
            (self.catalog, self.tr("Catalog on this terminal")),
            (self.clerks, self.tr("Clerks")),
        )
        for widget, name in names:
            widget.setAccessibleName(name)
        self._layout()

    def _layout(self) -> None:
        window = QGroupBox(self.tr("This window"), self)
        form = QFormLayout(window)
        form.addRow(self.tr("Paper"), self.paper)
        form.addRow(self.tr("Idle logout after"), self.idle)
        form.addRow(self.tr("Language"), self.language)
        form.addRow("", self.large)
        form.addRow(
            "", button(self.tr("&Save"), key("settings_save"), self.save, self, "settings_save")
        )
        platform = QGroupBox(self.tr("Online platform"), self)
        pform = QFormLayout(platform)
        pform.addRow(self.tr("Address"), self.portal)
        pform.addRow(self.tr("Enrollment code"), self.code)
        pform.addRow("", button(self.tr("&Enroll"), key("enroll"), self.enroll, self, "enroll"))
        lists = QHBoxLayout()
        for title, widget in (
            (self.tr("Catalog on this terminal"), self.catalog),
            (self.tr("Clerks"), self.clerks),
        ):
            group = QGroupBox(title, self)
            QVBoxLayout(group).addWidget(widget)
            lists.addWidget(group)
        box = QVBoxLayout(self)
        box.addWidget(window)
        box.addWidget(platform)
        box.addLayout(lists, 1)
        box.addWidget(self.new_clerk)
        box.addWidget(self.message)
        box.addWidget(self.done)

    def enter(self) -> None:
        self.shell.ops.store(self.shell.backend.admin_overview, self._show, self._failed)
        self.paper.setFocus()

    def _show(self, overview: Overview) -> None:
        self.portal.setText(overview.portal_url)
        self.catalog.clear()
        self.catalog.addItems(list(overview.catalog))
        self.clerks.clear()
        self.clerks.addItems(list(overview.clerks))

    def save(self) -> None:
        prefs = self.shell.prefs
        prefs.paper = self.paper.currentData()
        prefs.idle_minutes = self.idle.value()
        self.shell.set_large_text(self.large.isChecked())
        self.done.setText(self.tr("Saved."))
        if self.language.currentData() != self.shell.language.code:
            self.shell.set_language(self.language.currentData())

    def enroll(self) -> None:
        url, code, session = (
            self.portal.text().strip(),
            self.code.text().strip(),
            self.shell.session,
        )
        if not url or not code:
            show_error(
                self.message, self.tr("Enter the platform's address and the enrollment code.")
            )
            return
        self.shell.ops.store(
            lambda: self.shell.backend.enroll(url, code, session), self._enrolled, self._failed
        )

    def _enrolled(self, _reply: object) -> None:
        """Enrolled: sync starts now, no restart needed."""
        self.done.setText(self.tr("Enrolled."))
        self.shell.start_sync()

    def add_clerk(self, clerk_id: str, name: str, password: str, role: str) -> None:
        """Create a clerk; the service layer checks the admin role and the password rules."""
        session = self.shell.session
        show_error(self.message, "")
        self.shell.ops.store(
            lambda: self.shell.backend.add_clerk(session, clerk_id, name, password, role),
            lambda _r: self._clerk_added(clerk_id),
            self._failed,
        )

    def _clerk_added(self, clerk_id: str) -> None:
        self.new_clerk.clear()
        self.done.setText(self.tr("Clerk {id} added.").format(id=clerk_id))
        self.enter()

    def _failed(self, exc: BaseException) -> None:
        show_error(self.message, error_message(exc, self.tr("The operation failed.")))


class ClerkForm(QGroupBox):
    """A new clerk's ID, name, password and role.

    Signals: add_requested(clerk_id, name, password, role)."""

    add_requested = Signal(str, str, str, str)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Add a clerk"))
        self.clerk_id = QLineEdit(self)
        self.clerk_id.setObjectName("new_clerk_id")
        self.name = QLineEdit(self)
        self.name.setObjectName("new_clerk_name")
        self.password = QLineEdit(self)
        self.password.setObjectName("new_clerk_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.role = QComboBox(self)
        self.role.setObjectName("new_clerk_role")
        for role, label in (
            ("clerk", self.tr("Clerk")),
            ("supervisor", self.tr("Supervisor")),
            ("admin", self.tr("Administrator")),
        ):
            self.role.addItem(label, role)
        row = QHBoxLayout(self)
        for widget, label in (
            (self.clerk_id, self.tr("Clerk ID")),
            (self.name, self.tr("Name")),
            (self.password, self.tr("Password")),
            (self.role, self.tr("Role")),
        ):
            widget.setAccessibleName(label)
            if isinstance(widget, QLineEdit):
                widget.setPlaceholderText(label)
            row.addWidget(widget)
        row.addWidget(button(self.tr("A&dd clerk"), key("add_clerk"), self._add, self, "add_clerk"))

    def _add(self) -> None:
        self.add_requested.emit(
            self.clerk_id.text().strip(),
            self.name.text().strip(),
            self.password.text(),
            self.role.currentData(),
        )

    def clear(self) -> None:
        for edit in (self.clerk_id, self.name, self.password):
            edit.clear()
