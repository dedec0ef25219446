"""Login, lockout, idle logout, language switch and large text, as a clerk meets them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from counter_app.ui.app import BASE_POINT_SIZE, LARGE_FACTOR
from counter_app.ui.shell import Shell
from tests.ui.helpers import login


def test_demo_credentials_shown_and_clerk_logs_in(qtbot, shell: Shell) -> None:
    demo_label = shell.window.findChild(object, "demo_credentials")
    assert demo_label is not None and "demo-clerk-1" in demo_label.text()
    with qtbot.waitSignal(shell.logged_in, timeout=10_000) as signal:
        login(qtbot, shell, "clerk", "demo-clerk-1")
    assert signal.args[0].clerk_id == "clerk"
    assert shell.workspace is not None
    assert shell.workspace.findChild(object, "signed_in").text() == "Signed in: clerk"


def test_wrong_password_says_so_and_keeps_the_id(qtbot, shell: Shell) -> None:
    login(qtbot, shell, "clerk", "not-the-password")
    page = shell.login_page
    qtbot.waitUntil(lambda: page.message.isVisible(), timeout=10_000)
    assert page.message.text() == "Wrong clerk ID or password."
    assert page.clerk_id.text() == "clerk" and page.password.text() == ""
    assert page.password.hasFocus()


def test_five_failures_lock_the_account(qtbot, shell: Shell) -> None:
    page = shell.login_page
    for _ in range(5):
        page.message.hide()
        page.clerk_id.clear()
        login(qtbot, shell, "clerk", "wrong-password")
        qtbot.waitUntil(
            lambda: page.message.isVisible() and page.submit.isEnabled(), timeout=10_000
        )
    page.clerk_id.clear()
    login(qtbot, shell, "clerk", "demo-clerk-1")
    qtbot.waitUntil(lambda: page.submit.isEnabled(), timeout=10_000)
    assert "lock" in page.message.text().lower()
    assert shell.session is None


def test_idle_logout_returns_to_login(qtbot, shell: Shell) -> None:
    shell.prefs.idle_minutes = 0.01  # 0.6 s: the configurable idle time, made short
    with qtbot.waitSignal(shell.logged_in, timeout=10_000):
        login(qtbot, shell, "clerk", "demo-clerk-1")
    with qtbot.waitSignal(shell.logged_out, timeout=10_000) as signal:
        pass
    assert signal.args == ["idle"]
    assert shell.session is None and shell.login_page is not None
    assert "without activity" in shell.login_page.message.text()
    from counter_app.terminal import Terminal

    def audited() -> bool:
        with Terminal.open(shell.data_dir) as terminal:
            rows = terminal.store.query("SELECT detail FROM audit_log WHERE action = 'logout'")
        return any('"idle"' in r["detail"] for r in rows)

    qtbot.waitUntil(audited, timeout=10_000)


def test_language_switch_to_chinese_and_back(qtbot, shell: Shell) -> None:
    page = shell.login_page
    assert page.submit.text() == "&Log in"
    page.language.setFocus()
    qtbot.keyClick(page.language, Qt.Key.Key_Up)  # English -> 中文
    qtbot.waitUntil(lambda: shell.login_page is not page)
    chinese = shell.login_page
    assert chinese.submit.text().replace("&", "").startswith("登录")
    assert shell.window.windowTitle().startswith("一窗")
    assert shell.prefs.lang == "zh_CN"
    chinese.language.setFocus()
    qtbot.keyClick(chinese.language, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: shell.login_page is not chinese)
    assert shell.login_page.submit.text() == "&Log in"


def test_large_text_grows_every_widget(qtbot, shell: Shell) -> None:
    page = shell.login_page
    before = page.clerk_id.font().pointSizeF()
    page.large.setFocus()
    qtbot.keyClick(page.large, Qt.Key.Key_Space)
    assert QApplication.font().pointSizeF() == BASE_POINT_SIZE * LARGE_FACTOR
    qtbot.waitUntil(lambda: page.clerk_id.font().pointSizeF() > before)
    assert shell.prefs.large_text is True
    assert page.clerk_id.sizeHint().height() > 0


def test_switching_language_keeps_what_was_typed(qtbot, shell: Shell) -> None:
    page = shell.login_page
    qtbot.keyClicks(page.clerk_id, "clerk")
    qtbot.keyClick(page.clerk_id, Qt.Key.Key_Return)
    qtbot.keyClicks(page.password, "demo-clerk-1")
    qtbot.keyClick(page.password, Qt.Key.Key_Tab)  # on to the language box
    assert page.language.hasFocus()
    qtbot.keyClick(page.language, Qt.Key.Key_Up)  # English -> 中文
    qtbot.waitUntil(lambda: shell.login_page is not page)
    chinese = shell.login_page
    assert chinese.clerk_id.text() == "clerk"
    assert chinese.password.text() == "demo-clerk-1"
    assert chinese.language.hasFocus()
    with qtbot.waitSignal(shell.logged_in, timeout=10_000):
        qtbot.keyClick(chinese.password, Qt.Key.Key_Return)  # nothing to type again


def test_the_numbers_the_login_page_sets_are_qt_s(shell: Shell) -> None:
    """The login page sets three Qt enum values by number (start-up: see `ui.widgets`);
    on screen they must still be centred, selectable and plain text."""
    from counter_app.ui import widgets

    assert Qt.AlignmentFlag.AlignCenter.value == widgets.ALIGN_CENTER
    assert Qt.TextInteractionFlag.TextSelectableByMouse.value == widgets.SELECTABLE_BY_MOUSE
    assert Qt.TextFormat.PlainText.value == widgets.PLAIN_TEXT
    page = shell.login_page
    assert page is not None
    assert page.findChild(object, "login_title").alignment() == Qt.AlignmentFlag.AlignCenter
    demo = page.findChild(object, "demo_credentials")
    assert demo.textInteractionFlags() == Qt.TextInteractionFlag.TextSelectableByMouse
    assert page.message.textFormat() == Qt.TextFormat.PlainText
