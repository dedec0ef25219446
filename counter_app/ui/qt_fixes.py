"""Work-arounds for bugs of the installed PySide6, each applied only where a probe finds it.

PySide6 6.12.0: `SignalInstance.emit()` returns `True` without taking a reference to it, so
every signal emitted from Python takes one reference from `True` for good. The window emits
thousands a day (every background operation emits three), and when the count reaches zero the
interpreter aborts with "Fatal Python error: bool_dealloc" — after a long test run, at exit,
or in the middle of a clerk's afternoon. Emitting is wrapped once, process-wide, to give the
reference back. The probe runs at import (a few microseconds): a PySide6 without the bug is
left alone.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance

PROBES = 64


class _Probe(QObject):
    ping = Signal()


def emit_loses_a_reference() -> bool:
    """True when emitting a signal takes a reference from the object `emit` returns."""
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(PROBES):
        probe.ping.emit()
    return before - sys.getrefcount(True) >= PROBES * 3 // 4


def _give_back(result: object) -> None:
    ctypes.pythonapi.Py_IncRef(ctypes.py_object(result))


def patch_emit() -> bool:
    """Wrap `SignalInstance.emit` when it loses references; True when it was wrapped."""
    original = SignalInstance.emit
    if getattr(original, "gives_back_reference", False) or not emit_loses_a_reference():
        return False

    def emit(self: SignalInstance, *args: Any) -> Any:
        result = original(self, *args)
        _give_back(result)
        return result

    emit.gives_back_reference = True  # type: ignore[attr-defined]
    SignalInstance.emit = emit  # type: ignore[method-assign]
    return True
