"""Attack 11 (the platform's part): small leaks. A terminal probes which receipt numbers
exist in other halls (403 `other_hall` vs 404) and whether another hall holds a file and
its size (`/materials/missing`, `GET /materials/{sha}`); whoever reads the access log finds
the citizens' tracking codes; a staff password given on the command line shows in the
process list; an RTL override in applicant data reorders what the back office shows."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from pathlib import Path

import httpx

from portal.pages import staff
from portal.settings import Settings
from sync.receipt_numbers import new_receipt_no
from tests.reliability.portal_process import ROOT, PortalProcess
from tests.reliability.test_faults import free_port
from tests.security.conftest import (
    HALL,
    STAFF,
    STAFF_PASSWORD,
    Window,
    forged,
    staff_login,
    web,
)
from tests.sync.conftest import pdf


def test_probing_another_halls_receipt_numbers_looks_like_missing_ones(
    owner: Window, stranger: Window
) -> None:
    taken = owner.take("probed")
    owner.sync()
    never = new_receipt_no(owner.terminal.today(), owner.terminal_id, 999)
    with stranger.api() as api:
        there, absent = (
            api.get(f"/applications/{taken.receipt_no}"),
            api.get(f"/applications/{never}"),
        )
    assert there.status_code == absent.status_code == 404
    assert there.text.replace(taken.receipt_no, "N") == absent.text.replace(never, "N")


def test_probing_whether_another_hall_holds_a_file_tells_nothing(
    owner: Window, stranger: Window
) -> None:
    scan = pdf("a document only the owner's hall has", 30_000)
    sha = hashlib.sha256(scan).hexdigest()
    owner.take("holder", scan=[scan])
    assert owner.sync().materials_uploaded == 1
    with stranger.api() as api:
        assert api.post("/materials/missing", json={"hashes": [sha]}).json() == {"missing": [sha]}
        state = api.get(f"/materials/{sha}").json()
        assert (state["received"], state["total"], state["complete"]) == (0, None, False)
        sized = api.get(f"/materials/{sha}", params={"total": 123}).json()
        assert (sized["received"], sized["complete"]) == (0, False)
        claimed = api.put(f"/materials/{sha}", params={"offset": 0, "total": 10}, content=b"x" * 10)
        assert claimed.status_code == 422  # claiming it without its bytes fails the checksum
        proven = api.put(
            f"/materials/{sha}", params={"offset": 0, "total": len(scan)}, content=scan
        )
        assert proven.json()["complete"] is True  # with its bytes the hall holds it too
    stored = [p for p in owner.portal.app.state.materials.root.rglob(sha)]
    assert len(stored) == 1, "one copy on disk"


def test_tracking_codes_stay_out_of_the_access_log(
    owner: Window, portal_settings: Settings, tmp_path: Path
) -> None:
    """`portal serve` as in production, its output captured: after a lookup by QR (code and
    payload) and by the typed form, neither the code nor the payload is in the log."""
    taken = owner.take("logged")
    owner.sync()
    code = owner.code(taken.receipt_no)
    payload = str(owner.terminal.intake.get(taken.receipt_no).signed_payload or "")
    log = tmp_path / "serve.log"
    with PortalProcess(portal_settings, free_port(), log) as server:
        with httpx.Client(base_url=server.url, trust_env=False) as browser:
            qr = browser.get(f"/t/{taken.receipt_no}", params={"c": code, "p": payload})
            typed = browser.get("/t/find", params={"r": taken.receipt_no, "c": code[:12]})
        assert qr.status_code == typed.status_code == 200
        time.sleep(0.3)  # the access log line is written after the reply
    text = log.read_text("utf-8")
    assert f"/t/{taken.receipt_no}?c=***" in text, "no access log line: the test proves nothing"
    assert code not in text and code[:12] not in text
    assert not payload or payload[:40] not in text


def test_staff_passwords_never_appear_on_the_command_line(
    portal_settings: Settings, tmp_path: Path
) -> None:
    db = ["--db", portal_settings.db_url]
    portal = [sys.executable, "-m", "portal.cli", "staff", "add", "clerk2", *db]
    on_argv = subprocess.run([*portal, "--password", "secret-on-argv-1"], cwd=ROOT,
                             capture_output=True, text=True)  # fmt: skip
    assert on_argv.returncode == 2 and "--password" in on_argv.stderr
    waiting = subprocess.Popen([*portal, "--password-stdin"], cwd=ROOT, text=True,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE)  # fmt: skip
    cmdline = Path(f"/proc/{waiting.pid}/cmdline").read_bytes()
    waiting.communicate("from-stdin-pass-2\n", timeout=60)
    assert waiting.returncode == 0 and b"from-stdin-pass-2" not in cmdline
    secret = tmp_path / "password"
    secret.write_text("from-a-file-pass-3\n")
    from_file = subprocess.run([*portal, "--password-file", str(secret)], cwd=ROOT,
                               capture_output=True, text=True)  # fmt: skip
    assert from_file.returncode == 0, from_file.stderr
    from portal.db import Database

    check = Database(portal_settings.db_url)
    assert staff.check_password(check, "clerk2", "from-a-file-pass-3")
    check.dispose()


def test_an_rtl_override_in_applicant_data_is_shown_neutralised(
    owner: Window, staff_user: str
) -> None:
    number = new_receipt_no(owner.terminal.today(), owner.terminal_id, 1)
    evil = "王\u202egnp.exe"
    app = forged(number, HALL, answers={"note": "备注\u202e反转"})
    app["applicant"]["name"] = evil
    from sync.canonical import content_hash
    from sync.protocol import ApplicationIn

    model = ApplicationIn.model_validate(app)
    body = model.model_copy(update={"content_hash": content_hash(model)}).model_dump(mode="json")
    with owner.api() as api:
        assert (
            api.post("/push", json={"applications": [body]}).json()["results"][0]["outcome"]
            == "stored"
        )
    with web(owner.portal) as browser:
        assert staff_login(browser, STAFF, STAFF_PASSWORD).status_code == 303
        listing = browser.get("/office").text
        detail = browser.get(f"/office/a/{number}").text
    for page in (listing, detail):
        assert "\u202e" not in page and "王[U+202E]gnp.exe" in page
    assert "备注[U+202E]反转" in detail
