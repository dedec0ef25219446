"""The demo's platform: the reference portal on loopback, the sample catalog published, and
the demo terminal enrolled with it, so `counter-app --demo` runs the whole loop (intake,
sync, status changes coming back) from one command. `counter_app.ops.demo` calls this."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from counter_app.ops.provision import enroll
from counter_app.store.catalog import latest_items
from counter_app.terminal import Terminal
from portal import enrollment, services
from portal.pages import staff
from portal.server import BackgroundServer
from portal.settings import Settings

#: The demo back office's login (user, password): printed when the demo starts, so a status
#: can be changed in the browser and seen coming back to the window.
OFFICE_LOGIN = ("office", "demo-office-1")


def run_portal_and_enroll(data_dir: Path, portal_dir: Path) -> tuple[str, Callable[[], None]]:
    """Start the portal (SQLite in `portal_dir`) with the demo back-office user, and enroll
    the terminal in `data_dir`. Returns the portal's URL and a function that stops it."""
    portal_dir.mkdir(parents=True, exist_ok=True)
    settings = Settings(
        db_url=f"sqlite:///{portal_dir / 'portal.db'}", materials_dir=portal_dir / "materials"
    )
    server = BackgroundServer(settings).start()
    server.app.state.pages.secure_cookies = False  # plain HTTP on loopback: a browser's login
    try:
        with Terminal.open(data_dir) as terminal:
            db = server.app.state.db
            services.publish_catalog(db, [item.to_dict() for item in latest_items(terminal.store)])
            staff.add_staff(db, OFFICE_LOGIN[0], "示范审批员 Demo officer", OFFICE_LOGIN[1])
            window = int(terminal.window) if terminal.window.isdigit() else 0
            code = enrollment.issue_code(db, terminal.hall or "Demo", window, timedelta(hours=1))
            enroll(terminal, server.url, code)
    except BaseException:
        server.stop()
        raise
    return server.url, server.stop
