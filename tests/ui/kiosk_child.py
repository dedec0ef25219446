"""Child process for the kiosk test: the window on a real X server with no window manager,
typed at through the X server's own keyboard (XTEST), as a clerk's keyboard would.

It prints what happens ("ACTIVE counter_window", "LOGGED_IN", "DIALOG help_sheet",
"PAGE intake") and quits after F3 opened a new application, or after 40 s.
Usage: python -m tests.ui.kiosk_child DATA_DIR (with DISPLAY set to the Xvfb server).
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication, QWindow
from PySide6.QtWidgets import QApplication

from counter_app.ui.app import Language, make_app
from counter_app.ui.prefs import Prefs
from counter_app.ui.shell import Shell


class XKeyboard:
    """Key presses sent into the X server (libXtst), landing wherever X has the focus."""

    def __init__(self) -> None:
        self.x11 = ctypes.cdll.LoadLibrary("libX11.so.6")
        self.xtst = ctypes.cdll.LoadLibrary("libXtst.so.6")
        self.x11.XOpenDisplay.restype = ctypes.c_void_p
        self.x11.XStringToKeysym.restype = ctypes.c_ulong
        self.x11.XKeysymToKeycode.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
        self.x11.XFlush.argtypes = [ctypes.c_void_p]
        self.xtst.XTestFakeKeyEvent.argtypes = [
            ctypes.c_void_p,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_ulong,
        ]
        self.dpy = self.x11.XOpenDisplay(os.environ["DISPLAY"].encode())

    def tap(self, name: str) -> None:
        code = self.x11.XKeysymToKeycode(self.dpy, self.x11.XStringToKeysym(name.encode()))
        for down in (1, 0):
            self.xtst.XTestFakeKeyEvent(self.dpy, code, down, 0)
            self.x11.XFlush(self.dpy)
            time.sleep(0.03)

    def type(self, text: str) -> None:
        for char in text:
            self.tap({"-": "minus"}.get(char, char))


def drive(seen: dict[str, threading.Event]) -> None:
    """The clerk at the keyboard: log in, F1 for the key sheet, Esc, then F3."""
    keys = XKeyboard()
    seen["active"].wait(20)
    keys.type("clerk")
    keys.tap("Return")
    keys.type("demo-clerk-1")
    keys.tap("Return")
    seen["logged_in"].wait(20)
    time.sleep(0.5)
    keys.tap("F1")
    seen["dialog"].wait(20)
    time.sleep(0.5)
    keys.tap("Escape")
    time.sleep(0.8)
    keys.tap("F3")


def main(data_dir: Path) -> None:
    app = make_app(["kiosk_child"])
    language = Language(app)
    language.set("en")
    shell = Shell(app, data_dir, language, Prefs.load(data_dir))
    seen = {name: threading.Event() for name in ("active", "logged_in", "dialog")}

    def focus_changed(window: QWindow | None) -> None:
        name = window.objectName().removesuffix("Window") if window is not None else "-"
        print("ACTIVE", name, flush=True)
        if name == "counter_window":
            seen["active"].set()
        elif window is not None:
            print("DIALOG", name, flush=True)
            seen["dialog"].set()

    def logged_in(_session: object) -> None:
        print("LOGGED_IN", flush=True)
        seen["logged_in"].set()
        shell.workspace.page_changed.connect(lambda page: print("PAGE", page, flush=True))
        shell.workspace.page_changed.connect(
            lambda page: QTimer.singleShot(200, app.quit) if page == "intake" else None
        )

    QGuiApplication.instance().focusWindowChanged.connect(focus_changed)  # type: ignore[attr-defined]
    shell.logged_in.connect(logged_in)
    threading.Thread(target=drive, args=(seen,), daemon=True).start()
    QTimer.singleShot(40_000, app.quit)
    shell.start()
    app.exec()
    shell.shutdown()


if __name__ == "__main__":
    QApplication.setApplicationName("kiosk_child")
    main(Path(sys.argv[1]))
