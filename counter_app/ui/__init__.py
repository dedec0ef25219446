"""The counter window (PySide6): the only package that imports Qt.

Importing it first mends what the installed PySide6 gets wrong (`qt_fixes`), before any of
the window's modules can emit a signal.
"""

from counter_app.ui.qt_fixes import patch_emit

patch_emit()
