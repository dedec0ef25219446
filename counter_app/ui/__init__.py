"""The counter window (PySide6): the only package that imports Qt.

Importing it first mends what the installed PySide6 gets wrong (`qt_fixes`), before any of
the window's modules can emit a signal, and spares PySide6 reading the source of every module
loaded before it (`skip_source_scan`: ~6 ms of the window's start).
"""

import sys

_BEFORE_QT = [] if "PySide6" in sys.modules else list(sys.modules)

from counter_app.ui.qt_fixes import patch_emit, skip_source_scan  # noqa: E402 (after the list)

patch_emit()
skip_source_scan(_BEFORE_QT)
