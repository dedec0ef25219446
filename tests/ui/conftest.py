"""Fixtures for the window's tests: a demo terminal copied per test, the shell on it.

The demo terminal (sample catalog, three clerks with argon2 hashes) is built once per
session and copied for each test, so every test starts from the same real SQLite files.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from PySide6.QtWidgets import QApplication

from counter_app.ops import demo
from counter_app.ui.app import Language, make_app, set_large_text
from counter_app.ui.prefs import Prefs
from counter_app.ui.shell import Shell

UI_DIR = Path(__file__).parent
#: What the offscreen platform cannot do (size hints, raising, keyboard grabs for popups).
OFFSCREEN_LIMITS = r"This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The offscreen platform warns about what it cannot do for windows and popups; that is
    the test platform talking, not our code."""
    for item in items:
        if UI_DIR in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_LIMITS))


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo-template")
    prepared = demo.prepare(root, with_portal=False)
    return prepared.data_dir


@pytest.fixture
def data_dir(demo_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "terminal"
    shutil.copytree(demo_template, target)
    return target


class _Demo:
    credentials = demo.CREDENTIALS


def open_shell(
    app: QApplication,
    data_dir: Path,
    lang: str = "en",
    show_demo: bool = True,
    config: object = None,
) -> Shell:
    make_app()
    language = Language(app)
    language.set(lang)
    prefs = Prefs.load(data_dir)
    set_large_text(app, prefs.large_text)
    demo = _Demo() if show_demo else None
    shell = Shell(app, data_dir, language, prefs, demo, config=config)
    shell.start()
    return shell


def close_shell(app: QApplication, shell: Shell) -> None:
    """Shut the shell down and delete its window now, while everything it refers to is
    still alive (a deferred delete after the next test started crashed Qt)."""
    from PySide6.QtCore import QEvent

    shell.shutdown()
    shell.language.set("en")
    set_large_text(app, False)
    shell.window.close()
    shell.window.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    shell.deleteLater()
    shell.language.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


@pytest.fixture
def shell(qtbot, qapp: QApplication, data_dir: Path) -> Iterator[Shell]:  # type: ignore[no-untyped-def]
    opened = open_shell(qapp, data_dir)
    qtbot.waitUntil(lambda: bool(opened.identity), timeout=10_000)
    opened.window.activateWindow()
    qtbot.waitUntil(opened.window.isActiveWindow)
    yield opened
    close_shell(qapp, opened)
