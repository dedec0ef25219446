"""Child process for the crash test: types part of an application, waits until the draft
is on disk, says so on stdout, then idles until the test kills it with SIGKILL."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from counter_app.ui.app import Language, make_app
from counter_app.ui.prefs import Prefs
from counter_app.ui.shell import Shell


def main(data_dir: Path) -> None:
    app = make_app(["draft_child"])
    language = Language(app)
    language.set("en")
    shell = Shell(app, data_dir, language, Prefs.load(data_dir))

    def logged_in(_session: object) -> None:
        flow = shell.workspace.intake
        flow.draft_saved.connect(lambda: print("SAVED", flush=True))
        shell.workspace.new_application()
        QTimer.singleShot(300, lambda: fill(flow))

    def fill(flow) -> None:  # type: ignore[no-untyped-def]
        if "RS-001" not in flow.catalog:  # the catalog loads on the storage thread: not yet
            QTimer.singleShot(100, lambda: fill(flow))
            return
        flow.choose_item("RS-001")
        flow.applicant.set_values(
            {"id_no": "11010519491231002X", "name": "张三丰", "phone": "13800138000"}
        )
        flow.next()
        flow.form.set_values({"reason": "replacement", "bank": "boc"})

    shell.logged_in.connect(logged_in)
    shell.opened.connect(lambda: shell._login("clerk", "demo-clerk-1"))
    shell.start()
    app.exec()


if __name__ == "__main__":
    QApplication.setApplicationName("draft_child")
    main(Path(sys.argv[1]))
