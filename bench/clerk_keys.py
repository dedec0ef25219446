"""A clerk's keyboard for the clerk benchmark: every key a real event on the focused widget,
sent on a schedule, timed and counted (used by `bench.clerk_child`; imports Qt).

Each key is due `gap` seconds after the previous one, as a clerk types. Its response time
runs from when it was due to when the window has handled it and drained its event queue,
so work the window does between keys (a debounced validation, a redraw) that is still
running when the next key is due counts against that key, as the clerk would feel it.

Keys are counted per field group: `data` keys are the characters of the answers (Chinese
characters arrive as one input-method commit each, as a pinyin IME delivers them); `step`
keys move between steps (F3, Enter on the item, Ctrl+Enter); everything else (Tab, arrows,
Space on a check box, Ctrl+A, the Enter that closes a file dialog) is `extra`.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

NONE = Qt.KeyboardModifier.NoModifier
#: PySide6 6.12.0 on Python 3.11 drops a reference to None on every call of a method that
#: returns None (processEvents, keyClick, setText, ...): after some ten thousand calls the
#: interpreter aborts ("none_dealloc"). A benchmark makes that many; `top_up_none` gives
#: the references back so the measurement survives (see docs/performance.md).
_NONE_FLOOR = sys.getrefcount(None)
_NONE_REFS: list[None] = []


def top_up_none() -> None:
    """Put back the references to None that PySide6 dropped since the last call."""
    missing = _NONE_FLOOR - sys.getrefcount(None)
    if missing > 0:
        _NONE_REFS.extend([None] * missing)


TAB_LIMIT = 80  # more Tabs than this to reach a field: the field cannot be reached by keys


class Unreachable(RuntimeError):
    """A step the keyboard alone could not do (a clerk would need the mouse)."""


@dataclass
class Keyboard:
    """Sends keys to whatever has the focus; `latencies` in seconds, counts per group."""

    gap: float
    latencies: list[float] = field(default_factory=list)
    where: list[str] = field(default_factory=list)  # group, kind and target of each key
    data: Counter[str] = field(default_factory=Counter)
    extra: Counter[str] = field(default_factory=Counter)
    steps: int = 0
    item: str = ""  # the service item being entered: groups are named per item
    group: str = ""
    groups: list[str] = field(default_factory=list)
    settling: Callable[[], bool] = lambda: False  # the window is about to change the form
    _due: float = 0.0

    def start_group(self, name: str) -> None:
        name = f"{self.item}/{name}" if self.item else name
        self.group = name
        self.groups.append(name)
        self.extra[name] += 0

    def _send(self, deliver: Callable[[QWidget], None], kind: str) -> None:
        now = time.perf_counter()
        self._due = max(self._due + self.gap, now) if self._due else now
        while time.perf_counter() < self._due:
            QApplication.processEvents()
            top_up_none()
        target = QApplication.focusWidget() or QApplication.activeWindow()
        if target is None:
            raise Unreachable("no widget has the keyboard focus")
        deliver(target)
        QApplication.processEvents()
        self.latencies.append(time.perf_counter() - self._due)
        self.where.append(f"{self.group} {kind} {type(target).__name__}")
        top_up_none()
        if kind == "data":
            self.data[self.group] += 1
        elif kind == "step":
            self.steps += 1
        else:
            self.extra[self.group] += 1

    def press(self, key: Qt.Key, modifiers: Qt.KeyboardModifier = NONE, kind: str = "") -> None:
        self._send(lambda w: QTest.keyClick(w, key, modifiers), kind or "extra")

    def step(self, key: Qt.Key, modifiers: Qt.KeyboardModifier = NONE) -> None:
        self.press(key, modifiers, "step")

    def type(self, text: str) -> None:
        for char in text:
            if char.isascii():
                self._send(lambda w, c=char: QTest.keyClick(w, c), "data")  # type: ignore[misc]
            else:
                self._send(lambda w, c=char: _commit(w, c), "data")  # type: ignore[misc]

    def focus(self, target: QWidget) -> None:
        """Tab until `target` has the focus, as a clerk would (the form is filled in its
        reading order, so forward is the way)."""
        for _ in range(TAB_LIMIT):
            if _has_focus(target):
                return
            self.press(Qt.Key.Key_Tab)
        if not _has_focus(target):
            raise Unreachable(f"{target.objectName() or target} cannot be reached with Tab")


def _has_focus(target: QWidget) -> bool:
    focused = QApplication.focusWidget()
    return focused is not None and (focused is target or target.isAncestorOf(focused))


def _commit(widget: QWidget, text: str) -> None:
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def wait_until(cond: Callable[[], object], timeout: float = 30.0) -> None:
    """Run the event loop until `cond()` holds (a step's storage work, a dialog)."""
    end = time.perf_counter() + timeout
    while not cond():
        if time.perf_counter() > end:
            where = getattr(getattr(cond, "__code__", None), "co_firstlineno", "?")
            raise TimeoutError(f"the window did not get there in time (wait at line {where})")
        QApplication.processEvents()
        top_up_none()
        time.sleep(0.001)
