"""`counter-app --demo`: a throwaway terminal with the sample catalog and demo clerks
(no Qt here, so tests and the CLI can use it).

The data folder is a fresh temporary directory removed on `close()`, so a demo never touches
a real terminal's data. The demo clerks' passwords are fixed and shown on the login screen in
demo mode only. When the reference portal can be started, it runs on loopback in a thread
and the terminal enrolls with it, so the whole loop (intake, sync, tracking) runs from one
command.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from counter_app import clerks
from counter_app.store.catalog import import_path
from counter_app.terminal import Terminal
from forms.catalog import SAMPLE_CATALOG_DIR
from forms.errors import CatalogError

log = logging.getLogger(__name__)

CATALOG = SAMPLE_CATALOG_DIR  # one home; a path relative to this file broke when it moved
HALL = "示范政务服务大厅 Demo Service Hall"
WINDOW = "8"
#: (clerk ID, password, role): shown on the login screen in demo mode.
CREDENTIALS: tuple[tuple[str, str, str], ...] = (
    ("clerk", "demo-clerk-1", "clerk"),
    ("supervisor", "demo-super-1", "supervisor"),
    ("admin", "demo-admin-1", "admin"),
)
NAMES = {"clerk": "王小明", "supervisor": "李主管", "admin": "张管理"}


@dataclass
class Demo:
    """A prepared demo terminal; `close()` stops the portal and removes the folder."""

    data_dir: Path
    credentials: tuple[tuple[str, str, str], ...] = CREDENTIALS
    portal_url: str | None = None
    _root: Path | None = None
    _stoppers: list[Any] = field(default_factory=list)

    def banner(self) -> str:
        """What the demo prints when it starts: where its platform and back office are."""
        if not self.portal_url:
            return f"demo terminal: {self.data_dir} (no platform: working offline)"
        from counter_app.ops.demo_portal import OFFICE_LOGIN

        user, password = OFFICE_LOGIN
        return (
            f"demo terminal: {self.data_dir}\n"
            f"platform: {self.portal_url}  (tracking: {self.portal_url}/t)\n"
            f"back office: {self.portal_url}/office  user {user}  password {password}"
        )

    def close(self) -> None:
        for stop in reversed(self._stoppers):
            try:
                stop()
            except Exception:  # a demo closing must not hide the real exit status
                log.warning("demo shutdown step failed", exc_info=True)
        self._stoppers.clear()
        if self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)
            self._root = None


def prepare(root: Path | None = None, with_portal: bool = True) -> Demo:
    """Create the demo terminal under `root` (default: a new temporary folder)."""
    owned = root is None
    base = Path(tempfile.mkdtemp(prefix="counter-demo-")) if root is None else Path(root)
    demo = Demo(base / "terminal", _root=base if owned else None)
    try:
        init_terminal(demo.data_dir)
        if with_portal:
            start_portal(demo, base)
    except BaseException:  # Ctrl+C while preparing too: no folder is left behind
        demo.close()
        raise
    return demo


def init_terminal(data_dir: Path) -> None:
    """Terminal identity, the sample catalog and the three demo clerks."""

    terminal = Terminal.init(data_dir, hall=HALL, window=WINDOW)
    try:
        for path in sorted(CATALOG.glob("*.yaml")):
            try:
                import_path(terminal.store, path)
            except CatalogError as exc:  # one broken sample must not stop the demo
                log.warning("demo skips %s: %s", path.name, exc.message("en"))
        admin_id, admin_pw, _ = CREDENTIALS[-1]
        clerks.add_clerk(terminal.store, admin_id, NAMES[admin_id], admin_pw, "admin")
        session = clerks.authenticate(terminal.store, admin_id, admin_pw)
        for clerk_id, password, role in CREDENTIALS[:-1]:
            clerks.add_clerk(
                terminal.store, clerk_id, NAMES[clerk_id], password, role, actor=session
            )
    finally:
        terminal.close()


def start_portal(demo: Demo, base: Path) -> None:
    """Start the reference portal on loopback and enroll the terminal with it
    (`counter_app.ops.demo_portal`, which also publishes the sample catalog there).

    The demo still works offline when this fails (the sync indicator then says so)."""
    from counter_app.ops.demo_portal import run_portal_and_enroll  # needs the [portal] extra

    try:
        url, stop = run_portal_and_enroll(demo.data_dir, base / "portal")
    except Exception:  # the portal is optional for a demo; say why in the log
        log.warning("demo portal could not start; the demo runs offline", exc_info=True)
        return
    demo.portal_url = url
    demo._stoppers.append(stop)
