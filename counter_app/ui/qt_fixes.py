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

import sys
from collections.abc import Callable
from functools import cache
from itertools import repeat
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, SignalInstance

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


@cache
def _py_incref() -> Callable[[object], None]:
    """Py_IncRef through ctypes, imported at the first emit (after the first paint: ctypes
    is ~2 ms of the window's start)."""
    import ctypes

    incref = ctypes.pythonapi.Py_IncRef
    return lambda obj: incref(ctypes.py_object(obj))


def _give_back(result: object) -> None:
    _py_incref()(result)


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


# -- None ---------------------------------------------------------------------------------
# PySide6 6.12.0 (not 6.11.3): every call of a method that returns nothing (`setText`,
# `show`, `processEvents`, `QTest.keyClick`, ...) takes one reference from `None` for good.
# On Python 3.11 `None` is not immortal: after a few tens of thousands of such calls (a few
# thousand key presses at the counter) the interpreter aborts with "none_dealloc". There is
# no single method to wrap, so the references are given back in bulk: a reserve at start
# (so a burst between two top-ups cannot reach zero) and a timer that tops `None` up to
# where it was. Found by the clerk benchmark (bench/bench_clerk.py).
NONE_RESERVE = 200_000  # references held from the start (1.6 MB of list)
# The reserve is extended from `repeat`, not from `[None] * n`: a temporary list would fault
# in another 1.6 MB at start-up, and a fresh page costs 2-12 us on these VMs (~3-5 ms here).
NONE_TOP_UP_MS = 250
_NONE_KEPT: list[None] = []


def void_call_loses_a_reference() -> bool:
    """True when a PySide6 method returning None takes a reference from None."""
    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(PROBES):
        probe.setObjectName("probe")
    return before - sys.getrefcount(None) >= PROBES * 3 // 4


def top_up_none(floor: int) -> int:
    """Give None back what it lost below `floor`; how many references were given."""
    missing = floor - sys.getrefcount(None)
    if missing > 0:
        _NONE_KEPT.extend(repeat(None, missing))
    return max(missing, 0)


def keep_none_alive(parent: QObject) -> QTimer | None:
    """Hold a reserve of references to None and top it up every NONE_TOP_UP_MS on `parent`'s
    thread; None (and nothing done) when the installed PySide6 does not lose references."""
    if not void_call_loses_a_reference():
        return None
    _NONE_KEPT.extend(repeat(None, NONE_RESERVE))
    floor = sys.getrefcount(None)
    timer = QTimer(parent)
    timer.setObjectName("none_keeper")
    timer.timeout.connect(lambda: top_up_none(floor))
    timer.start(NONE_TOP_UP_MS)
    return timer


# -- the source scan ----------------------------------------------------------------------
# PySide6 (6.x, `shibokensupport.feature.feature_imported`) reads the whole source of every
# module the first time an import statement names it after Qt loaded, to learn whether the
# module says "PySide6" (for `from __feature__ import snake_case`, which we never use). At
# the window's start that is ~50 modules, 6 ms of CPU and 550 fresh pages, mostly for the
# standard library the process had loaded long before Qt (argparse alone: 100 KB). The scan
# records -1, "ignore this module", for a module without "PySide6"; switching then keeps the
# caller's selection, which is "no feature" everywhere in this process. So the modules
# loaded before Qt are marked -1 up front; a module imported later is still scanned.
# A PySide6 without the scan, or with a feature selected anywhere, is left alone.
FEATURE_IGNORE = -1


def _feature_table() -> dict[str, int] | None:
    feature = sys.modules.get("shibokensupport.feature")
    table = getattr(feature, "pyside_feature_dict", None)
    return table if isinstance(table, dict) else None


def skip_source_scan(modules: list[str]) -> int:
    """Mark `modules` (names loaded before Qt) as not using PySide6, so PySide6 does not
    read their source; how many were marked. Nothing when a feature is selected anywhere."""
    table = _feature_table()
    if table is None or any(isinstance(v, int) and v > 0 for v in table.values()):
        return 0
    marked = 0
    for name in modules:
        if name not in table and not name.startswith(("PySide6", "shiboken6", "counter_app.ui")):
            table[name] = FEATURE_IGNORE
            marked += 1
    return marked
