"""Qualities a clerk notices: tab order, shortcuts in tooltips, accessible names, clear
errors when the terminal cannot open, printing the previewed pages, the CLI entry."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton

from counter_app.ui.shell import Shell
from tests.ui.conftest import close_shell, open_shell
from tests.ui.helpers import focused, login, press


def test_login_tab_order_follows_reading_order(qtbot, shell: Shell) -> None:
    page = shell.login_page
    page.clerk_id.setFocus()
    order = [page.password, page.language, page.large, page.submit]
    for expected in order:
        press(qtbot, Qt.Key.Key_Tab)
        assert focused(qtbot) is expected


def test_every_button_names_its_shortcut_and_every_input_has_a_name(qtbot, shell: Shell) -> None:
    with qtbot.waitSignal(shell.logged_in, timeout=10_000):
        login(qtbot, shell, "admin", "demo-admin-1")
    shell.workspace.new_application()
    buttons = [b for b in shell.workspace.findChildren(QPushButton) if not b.shortcut().isEmpty()]
    assert len(buttons) > 15
    for b in buttons:
        shortcut = b.shortcut().toString(b.shortcut().SequenceFormat.NativeText)
        assert shortcut in b.toolTip(), b.objectName()
    inputs = [
        e for e in shell.workspace.findChildren(QLineEdit) if not e.objectName().startswith("qt_")
    ]
    assert inputs
    assert all(e.accessibleName() for e in inputs), [
        e.objectName() for e in inputs if not e.accessibleName()
    ]


def test_uninitialised_data_folder_says_what_to_do(
    qtbot, qapp: QApplication, tmp_path: Path
) -> None:
    shell = open_shell(qapp, tmp_path / "empty", show_demo=False)
    try:
        page = shell.login_page
        qtbot.waitUntil(page.message.isVisible, timeout=10_000)
        assert "counter-app init" in page.message.text()
    finally:
        close_shell(qapp, shell)


def test_a_real_printer_gets_every_previewed_page(qtbot, shell: Shell, tmp_path: Path) -> None:
    """What a physical printer picked in the print dialog receives. No printer exists here and
    "Print to File" gets the PDF itself (tests/ui/test_print.py), so the drawing is checked
    on Qt's PDF engine standing in for the printer's paint device."""
    from reportlab.pdfgen import canvas

    from counter_app.ui.intake.result import draw_pages

    source = tmp_path / "in.pdf"
    c = canvas.Canvas(str(source))
    c.drawString(100, 700, "page one")
    c.showPage()
    c.drawString(100, 700, "page two")
    c.save()
    with qtbot.waitSignal(shell.logged_in, timeout=10_000):
        login(qtbot, shell, "clerk", "demo-clerk-1")
    result = shell.workspace.intake.result
    result.pane.show_pdf(source.read_bytes())
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    draw_pages(result.pane.pdf, printer)
    import pypdfium2

    assert len(pypdfium2.PdfDocument(str(out))) == 2


def test_counter_app_demo_opens_the_login_window() -> None:
    """`counter-app --demo` in its own process (a second app.exec() cannot run inside the
    test process), in smoke mode: it quits once the login window is up and idle."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "COUNTER_UI_SMOKE": "opened"}
    out = subprocess.run(
        [sys.executable, "-m", "counter_app", "--demo", "--lang", "en"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    ready = [line for line in out.stdout.splitlines() if line.startswith("ready ")]
    assert ready and "Demo Service Hall, window 8" in ready[0]


def test_work_area_tab_order_starts_at_the_top_bar(qtbot, shell: Shell) -> None:
    with qtbot.waitSignal(shell.logged_in, timeout=10_000):
        login(qtbot, shell, "clerk", "demo-clerk-1")
    ws = shell.workspace
    qtbot.waitUntil(ws.home.search.hasFocus, timeout=10_000)
    nav = ws.findChild(QPushButton, "nav_home")
    assert nav.nextInFocusChain() is not None
    chain, widget = [], nav
    for _ in range(6):
        widget = widget.nextInFocusChain()
        chain.append(widget.objectName())
    assert chain.index("nav_new") < chain.index("nav_stats")
    logout = ws.findChild(QPushButton, "nav_logout")
    after = logout.nextInFocusChain()
    while (
        after.objectName() in ("", "qt_scrollarea_viewport", "home_search_label")
        or not after.focusPolicy()
    ):
        after = after.nextInFocusChain()
    assert after.objectName() == "search"  # then the page, from its top
