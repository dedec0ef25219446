"""The README's screenshots of every step of the counter window, at the sizes of a hall.

The entry point prepares the demo terminal and calls `take` for each language and size:

    Xvfb :98 -screen 0 1920x1080x24 &
    DISPLAY=:98 .venv/bin/python -m counter_app.ops.screenshots [zh_CN|en|all] [WxH ...]

`take` walks one application from login to the receipt and saves a PNG per step in
docs/screenshots/<W>x<H>/ (a developer's tool: it needs the source tree, for the sample
answers). With no arguments: both languages at 1366x768 (a common hall screen) and
1920x1080. The window fills the whole screen size given, as a kiosk without a window
manager shows it. Look at every picture before committing them.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication

from counter_app.desk import DemoLogins
from counter_app.ui import app as uiapp
from counter_app.ui.prefs import Prefs
from counter_app.ui.shell import Shell

ROOT = Path(__file__).resolve().parents[2]
HERE = ROOT / "docs" / "screenshots"
SIZES = ((1366, 768), (1920, 1080))
LANGS = ("zh_CN", "en")


def pump(seconds: float = 0.3) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.01)


def wait(cond, timeout: float = 15.0) -> None:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise TimeoutError("step did not finish")
        QApplication.processEvents()
        time.sleep(0.01)
    pump(0.3)


def _open(
    lang: str, size: tuple[int, int], data_dir: Path, demo: DemoLogins
) -> tuple[Shell, uiapp.Language]:
    """The window on `data_dir` in `lang` at `size`, started (the login page comes next)."""
    app = uiapp.make_app()
    language = uiapp.Language(app)
    language.set(lang)
    shell = Shell(app, data_dir, language, Prefs.load(data_dir), demo)
    shell.start()
    shell.window.resize(*size)
    return shell, language


def _log_in(shell: Shell) -> Any:
    """Log in as the demo clerk and start a new application; the intake flow, its item
    list loaded."""
    login = shell.login_page
    assert login is not None  # shown once the terminal opened
    login.clerk_id.setText("clerk")
    login.password.setText("demo-clerk-1")
    login.submit.click()
    wait(lambda: shell.workspace is not None and shell.ops.pending == 0)
    ws = shell.workspace
    ws.new_application()
    flow = ws.intake
    wait(lambda: flow.picker.list.count() > 5)
    return flow


def _close(shell: Shell, language: uiapp.Language) -> None:
    language.set("en")  # removes this run's translators: the next run may be in English
    shell.window.close()
    shell.shutdown()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


def take(lang: str, size: tuple[int, int], data_dir: Path, demo: DemoLogins) -> None:
    """Walk the window on `data_dir` (a demo terminal with `demo`'s logins), saving PNGs."""
    shell, language = _open(lang, size, data_dir, demo)
    app = shell.app
    suffix = "" if lang == "zh_CN" else "-en"
    folder = HERE / f"{size[0]}x{size[1]}"
    folder.mkdir(parents=True, exist_ok=True)

    def shot(name: str) -> None:
        pump(0.4)
        shell.window.grab().save(str(folder / f"{name}{suffix}.png"))

    wait(lambda: bool(shell.identity))
    shot("01-login")
    flow = _log_in(shell)
    ws = shell.workspace
    flow.picker.filter.setText("zdsh")
    shot("02-item-picker")
    flow.picker.filter.clear()
    answers = json.loads((ROOT / "tests/forms/answers/MZ-002.json").read_text("utf-8"))
    flow.choose_item("MZ-002")
    flow.applicant.set_values(
        {
            "id_no": answers["applicant_id_no"],
            "name": answers["applicant_name"],
            "phone": "13807910004",
        }
    )
    wait(lambda: shell.ops.pending == 0)
    shot("03-applicant")
    flow.next()
    shot("04-form-errors-empty")
    flow.next()
    shot("05-form-every-error-at-its-field")
    flow.form.set_values({k: v for k, v in answers.items() if k != "members"})
    for member in answers["members"]:
        flow.form.rows["members"].editor.add_entry(member)
    flow._revalidate()
    pump()
    shot("06-form-filled-group")
    flow.next()
    image = QImage(60, 40, QImage.Format.Format_RGB32)
    image.fill(QColor("teal"))
    photo = Path(data_dir) / "scan.png"
    image.save(str(photo))
    for code in ("id_card", "household_register", "income_proof", "medical_records"):
        flow.materials.attach(code, [str(photo)])
    shot("07-materials")
    flow.next()
    pad = flow.signature.pad
    from PySide6.QtCore import QPointF

    pad.strokes = [
        [QPointF(60 + i * 6, 120 - 40 * ((i % 7) / 7)) for i in range(60)],
        [QPointF(90 + i * 5, 80 + (i % 5) * 6) for i in range(40)],
    ]
    pad.update()
    shot("08-signature")
    flow.next()
    shot("09-review")
    flow.next()
    wait(lambda: flow.result.pdf is not None)
    shot("10-receipt-preview")
    ws.show_page("home")
    wait(lambda: shell.ops.pending == 0)
    shot("11-home")
    row = ws.home.model.rows[0]
    ws.open_detail(row.receipt_no)
    wait(lambda: shell.ops.pending == 0)
    shot("12-detail")
    show_hall_case(shell)
    shot("19-hall-case")
    ws.show_page("stats")
    wait(lambda: shell.ops.pending == 0)
    shot("13-statistics")
    citizen_rating(shell, row.receipt_no, folder / f"18-citizen-rating{suffix}.png")
    uiapp.set_large_text(app, True)
    ws.show_page("home")
    wait(lambda: shell.ops.pending == 0)
    shot("14-large-text")
    uiapp.set_large_text(app, False)
    _close(shell, language)


def citizen_rating(shell: Shell, receipt_no: str, out: Path) -> None:
    """The citizen screen inviting a rating of the acceptance, two lines answered."""
    from counter_app.ui.citizen import CitizenScreen

    screen = CitizenScreen.on_second_screen(shell, force=True)
    assert screen is not None
    screen.resize(1024, 600)
    screen.ask_rating(type("R", (), {"receipt_no": receipt_no, "kind": "acceptance"})())
    screen.answer("overall", 1)
    screen.answer("efficiency", 2)
    pump(0.4)
    screen.grab().save(str(out))
    screen.close()


def show_hall_case(shell: Shell) -> None:
    """The case page for an application of window 3 (issue 16) as the platform describes
    it; the walk has no platform, so the description is made here from the catalog."""
    from counter_app.intake.hall_supplement import RemoteCase

    ws = shell.workspace
    assert ws is not None
    item = shell.backend.item("SCJG-001")
    case = RemoteCase(
        "demo-uuid", "11A-7QXM-001-M", "3", item.code, item.version, item.name, "王*国",
        "received", "", tuple(m for m in item.materials if m.deferrable),
    )  # fmt: skip
    ws.case._show(case)
    ws.show_page("case")


def take_city(lang: str, size: tuple[int, int], data_dir: Path, demo: DemoLogins) -> None:
    """The applicant step with the city lookup's offers (`counter_app.ops.demo_city`: window
    3 of the hall served this applicant before), after the clerk's "citizen agreed" tick."""
    shell, language = _open(lang, size, data_dir, demo)
    wait(lambda: bool(shell.identity) and shell.login_page is not None)
    flow = _log_in(shell)
    flow.choose_item("RS-001")
    flow.applicant.edits["id_no"].setText("11010519491231002X")
    wait(lambda: flow.city.consent.isVisible())
    flow.city.consent.setChecked(True)
    wait(lambda: flow.city.offers.count() > 0 and shell.ops.pending == 0)
    suffix = "" if lang == "zh_CN" else "-en"
    folder = HERE / f"{size[0]}x{size[1]}"
    folder.mkdir(parents=True, exist_ok=True)
    pump(0.4)
    shell.window.grab().save(str(folder / f"03b-applicant-city-lookup{suffix}.png"))
    _close(shell, language)
