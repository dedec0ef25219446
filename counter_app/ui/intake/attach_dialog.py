"""The file dialog that attaches a scan to one material.

Qt's own dialog (not the platform's), so it looks the same on every terminal, speaks the
window's language (Qt's qtbase translations are installed with ours, `app.Language`) and can
be driven in tests. It opens in the scanner's folder (`scan_dir` in the configuration) and
lists only the file types the material accepts: there is no "All files" to pick a PDF for a
photo with (a typed name is still checked when attached, `materials.file_problem`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QWidget

from counter_app.ui.widgets import tr_text

SAME_TYPE = {"jpg": ("jpeg",), "jpeg": ("jpg",), "tif": ("tiff",), "tiff": ("tif",)}


def patterns(file_types: tuple[str, ...]) -> list[str]:
    """Glob patterns for the types, with their other spelling and in upper case (scanners
    write SCAN0001.JPG)."""
    names: list[str] = []
    for ext in file_types:
        for name in (ext, *SAME_TYPE.get(ext, ())):
            for spelled in (name.lower(), name.upper()):
                if f"*.{spelled}" not in names:
                    names.append(f"*.{spelled}")
    return names


def start_folder(scan_dir: Path | None) -> Path:
    """The scanner's folder when it exists, else the clerk's home folder."""
    if scan_dir is not None and scan_dir.is_dir():
        return scan_dir
    return Path.home()


def speak_our_language(dialog: QFileDialog, saving: bool = False) -> None:
    """Qt's Chinese catalog lacks the labels Qt 6 renamed ("&Look in:", "Files of &type:"),
    so the dialog mixed languages: its labels are set from our own catalog."""
    labels = QFileDialog.DialogLabel
    texts = {
        labels.LookIn: QCoreApplication.translate("FileDialog", "Look in:"),
        labels.FileName: QCoreApplication.translate("FileDialog", "File &name:"),
        labels.FileType: QCoreApplication.translate("FileDialog", "Files of &type:"),
        labels.Reject: QCoreApplication.translate("FileDialog", "Cancel"),
        labels.Accept: QCoreApplication.translate("FileDialog", "&Save")
        if saving
        else QCoreApplication.translate("FileDialog", "&Open"),
    }
    for label, text in texts.items():
        dialog.setLabelText(label, text)


def attach_dialog(parent: QWidget, spec: Any, scan_dir: Path | None) -> QFileDialog:
    title = QCoreApplication.translate("MaterialsStep", "Attach: {name}")
    dialog = QFileDialog(parent, title.format(name=tr_text(spec.name)))
    dialog.setObjectName("attach_dialog")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
    dialog.setDirectory(str(start_folder(scan_dir)))
    types = tuple(getattr(spec, "file_types", ()) or ())
    dialog.setNameFilter(f"{tr_text(spec.name)} ({' '.join(patterns(types))})")
    speak_our_language(dialog)
    return dialog
