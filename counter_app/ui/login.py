"""The login screen: clerk ID and password, checked offline by the clerks service.

Demo mode shows the demo clerks' credentials here and nowhere else. The language and
large-text switches sit here too, because a clerk who cannot read the screen cannot reach
the settings page.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from counter_app.ui.widgets import (
    ALIGN_CENTER,
    SELECTABLE_BY_MOUSE,
    button,
    error_label,
    show_error,
)


class LoginPage(QWidget):
    """Signals: login_requested(clerk_id, password); language_requested(code);
    large_text_toggled(bool)."""

    login_requested = Signal(str, str)
    language_requested = Signal(str)
    large_text_toggled = Signal(bool)

    def __init__(
        self,
        title: str,
        demo_lines: list[tuple[str, str, str]] | None,
        lang: str,
        large: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("login")
        self.clerk_id = QLineEdit(self)
        self.clerk_id.setObjectName("clerk_id")
        self.clerk_id.setAccessibleName(self.tr("Clerk ID"))
        self.password = QLineEdit(self)
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(self.tr("Password"))
        self.message = error_label(self, "login_message")
        self.submit = button(self.tr("&Log in"), "", self._submit, self, "login_button")
        self.submit.setToolTip(
            self.tr("Log in (Enter in the password field, or {key})").format(
                key=self.submit.shortcut().toString()
            )
        )
        self.language = self._language_box(lang)
        self.large = QCheckBox(self.tr("&Large text"), self)
        self.large.setObjectName("large_text")
        self.large.setChecked(large)
        self.large.toggled.connect(self.large_text_toggled)
        self._layout(title, demo_lines or [])
        self.clerk_id.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self._submit)

    def _language_box(self, lang: str) -> QComboBox:
        box = QComboBox(self)
        box.setObjectName("language")
        box.setAccessibleName(self.tr("Language"))
        box.addItem("中文", "zh_CN")
        box.addItem("English", "en")
        box.setCurrentIndex(1 if lang == "en" else 0)
        box.currentIndexChanged.connect(lambda _i: self.language_requested.emit(box.currentData()))
        return box

    def _layout(self, title: str, demo_lines: list[tuple[str, str, str]]) -> None:
        heading = QLabel(title, self)
        heading.setObjectName("login_title")
        heading.setProperty("alignment", ALIGN_CENTER)  # not Qt.AlignmentFlag: see widgets
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        heading.setFont(font)
        form = QFormLayout()
        form.addRow(self.tr("Clerk &ID"), self.clerk_id)
        form.addRow(self.tr("&Password"), self.password)
        form.addRow(self.tr("Lan&guage"), self.language)
        form.addRow("", self.large)
        for row in range(form.rowCount()):
            label = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            widget = label.widget() if label else None
            buddy = field.widget() if field else None
            if isinstance(widget, QLabel) and buddy is not None:
                widget.setBuddy(buddy)
        panel = QWidget(self)
        panel.setMaximumWidth(520)
        box = QVBoxLayout(panel)
        box.addWidget(heading)
        box.addLayout(form)
        box.addWidget(self.message)
        box.addWidget(self.submit)
        if demo_lines:
            box.addWidget(self._demo_label(demo_lines))
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        centred = QHBoxLayout()  # centred by stretches, not Qt.AlignmentFlag: see widgets
        centred.addStretch(1)
        centred.addWidget(panel)
        centred.addStretch(1)
        outer.addLayout(centred)
        outer.addStretch(2)
        self.setTabOrder(self.clerk_id, self.password)
        self.setTabOrder(self.password, self.language)
        self.setTabOrder(self.language, self.large)
        self.setTabOrder(self.large, self.submit)

    def _demo_label(self, lines: list[tuple[str, str, str]]) -> QLabel:
        rows = "".join(
            f"<tr><td>{r}</td><td><b>{c}</b></td><td><b>{p}</b></td></tr>" for c, p, r in lines
        )
        head = self.tr("Demo mode. Sign in as:")
        label = QLabel(f"<p>{head}</p><table cellpadding='3'>{rows}</table>", self)
        label.setObjectName("demo_credentials")
        label.setProperty("textInteractionFlags", SELECTABLE_BY_MOUSE)
        return label

    def typed(self) -> tuple[str, str]:
        """What the clerk typed so far (kept across a language switch)."""
        return self.clerk_id.text(), self.password.text()

    def retype(self, clerk_id: str, password: str) -> None:
        self.clerk_id.setText(clerk_id)
        self.password.setText(password)

    def _submit(self) -> None:
        clerk, password = self.clerk_id.text().strip(), self.password.text()
        if not clerk or not password:
            show_error(self.message, self.tr("Enter your clerk ID and password."))
            (self.clerk_id if not clerk else self.password).setFocus()
            return
        self.submit.setEnabled(False)
        self.login_requested.emit(clerk, password)

    def failed(self, message: str) -> None:
        """Show why the login was refused (wrong password, locked until ...) and retry."""
        show_error(self.message, message)
        self.submit.setEnabled(True)
        self.password.clear()
        self.password.setFocus()

    def showEvent(self, event: object) -> None:
        super().showEvent(event)  # type: ignore[arg-type]
        self.clerk_id.setFocus()
