"""Another window of the demo hall that served the demo applicant before, so the city
lookup at the applicant step has something to offer (the screenshot of that step).

Window 3 is a terminal of its own (its folder beside the demo's), enrolled with the demo's
platform, which takes one social security card application with an ID card copy and
syncs it, as any window would. Needs the demo's platform (`demo.prepare(with_portal=True)`).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from counter_app import clerks
from counter_app.ops.demo import HALL, Demo
from counter_app.ops.provision import enroll
from counter_app.store.catalog import import_path
from counter_app.store.sync_port import StorePort
from counter_app.terminal import Terminal
from portal import enrollment
from portal.db import Database
from sync.engine import SyncEngine

ITEM = "RS-001"
#: The applicant window 3 served (a valid resident ID; the name and phone the lookup fills).
APPLICANT = {"kind": "person", "id_no": "11010519491231002X", "name": "张三丰",
             "phone": "13800138000"}  # fmt: skip
ANSWERS = {k: v for k, v in APPLICANT.items() if k != "kind"} | {
    "reason": "first",
    "is_minor": "no",
    "bank": "ccb",
    "collect_at": "branch",
}
CATALOG = Path(__file__).resolve().parents[2] / "assets" / "catalog"


def served_at_window_3(prepared: Demo) -> None:
    """Window 3 takes and syncs one application of APPLICANT with an ID card copy."""
    if not prepared.portal_url:
        raise RuntimeError("the city lookup needs the demo's platform")
    base = prepared.data_dir.parent
    db = Database(f"sqlite:///{base / 'portal' / 'portal.db'}")
    try:
        code = enrollment.issue_code(db, HALL, 3, timedelta(hours=1))
    finally:
        db.dispose()
    with Terminal.init(base / "window-3", "A003", HALL, "3") as other:
        import_path(other.store, CATALOG / f"{ITEM}.yaml")
        clerks.add_clerk(other.store, "A001", "管理员", "window-3-admin", "admin")
        admin = clerks.authenticate(other.store, "A001", "window-3-admin")
        clerks.add_clerk(other.store, "C003", "李窗口", "window-3-clerk", "clerk", actor=admin)
        enroll(other, prepared.portal_url, code)
        card = b"%PDF-1.4\n% ID card copy given at window 3\n" + b"0" * 2000
        photo = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
        files = {"id_card": [card], "photo": [photo]}
        other.intake.accept(ITEM, dict(APPLICANT), dict(ANSWERS), files, clerk_id="C003")
        SyncEngine(StorePort(other)).run_once()
