"""Real terminals and a real portal for the sync benchmarks: a terminal data folder made by
`Terminal.init`, applications taken through `IntakeService.accept`, enrollment through the
protocol, and the portal served by uvicorn on loopback (in a thread, or in its own process
when the clients must not share its interpreter)."""

from __future__ import annotations

import json
import os
import random
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path

import httpx

from bench.core import ROOT
from bench.people import company, person
from counter_app import clerks
from counter_app.ops.provision import enroll
from counter_app.terminal import Terminal
from forms.catalog import load_catalog
from forms.model import ServiceItem
from portal import enrollment
from portal.db import Database
from portal.settings import Settings

PASSWORD = "bench-pass-1"
CLERK = "C001"
ANSWERS = ROOT / "tests" / "forms" / "answers"
PDF_HEAD = b"%PDF-1.4\n"


def client() -> httpx.Client:
    """Loopback only: no proxies from the environment, generous timeouts under load."""
    return httpx.Client(timeout=httpx.Timeout(120.0), trust_env=False)


def portal_settings(folder: Path, db_url: str | None = None) -> Settings:
    folder.mkdir(parents=True, exist_ok=True)
    return Settings(
        db_url=db_url or f"sqlite:///{folder / 'portal.db'}",
        materials_dir=folder / "materials",
    )


def new_terminal(folder: Path, terminal_id: str) -> Terminal:
    terminal = Terminal.init(folder, terminal_id, "南昌市民中心", "5")
    terminal.import_catalog(ROOT / "assets" / "catalog")
    clerks.add_clerk(terminal.store, "A001", "管理员", PASSWORD, "admin")
    admin = clerks.authenticate(terminal.store, "A001", PASSWORD)
    clerks.add_clerk(terminal.store, CLERK, "窗口", PASSWORD, "clerk", actor=admin)
    return terminal


def enroll_at(terminal: Terminal, db: Database, url: str) -> None:
    code = enrollment.issue_code(db, "南昌市民中心", 5, timedelta(hours=1))
    enroll(terminal, url, code, client)


class Intake:
    """Takes `accept()` calls round-robin over the sample items with valid answers."""

    def __init__(self, seed: int = 5) -> None:
        self.rng = random.Random(seed)
        catalog = load_catalog(ROOT / "assets" / "catalog")
        self.items: list[ServiceItem] = sorted(catalog.items.values(), key=lambda i: i.code)
        self.answers = {i.code: json.loads((ANSWERS / f"{i.code}.json").read_text()) for i in self.items}  # noqa: E501  # fmt: skip
        self.count = 0

    def next_item(self) -> ServiceItem:
        """The item the next `take` will use."""
        return self.items[(self.count + 1) % len(self.items)]

    def take(self, terminal: Terminal, unique_bytes: int = 0, sizes: Sequence[int] = ()) -> None:
        """One application. Its first material is `unique_bytes` of its own when given (or
        its first materials have files of their own of `sizes` bytes), the others one small
        file shared by every application (stored and sent once)."""
        self.count += 1
        item = self.items[self.count % len(self.items)]
        answers = self.answers[item.code]
        who = person(self.rng) if item.applicant_kind == "person" else company(self.rng)
        sizes = sizes or ([unique_bytes] if unique_bytes else [])
        files = {}
        for i, m in enumerate(item.required_materials(answers)):
            body = _unique(self.count * 8 + i, sizes[i]) if i < len(sizes) else b"shared"
            files[m.code] = [_typed(m.file_types, body)]
        applicant = {"kind": who.kind, "id_no": who.id_no, "name": who.name, "phone": who.phone}
        terminal.intake.accept(item.code, applicant, answers, files, clerk_id=CLERK)


def _unique(n: int, size: int) -> bytes:
    return os.urandom(16) + n.to_bytes(8, "big") + random.Random(n).randbytes(size - 24)


def _typed(types: tuple[str, ...], body: bytes) -> bytes:
    if "pdf" in types:
        return PDF_HEAD + body
    if "jpg" in types:
        return b"\xff\xd8\xff\xe0" + body
    return b"\x89PNG\r\n\x1a\n" + body


def serve(db_url: str, materials_dir: str, port: str) -> None:
    """The child's side of `PortalProcess`: uvicorn with the portal app, quiet logs."""
    import uvicorn

    from forms.catalog import load_sample_catalog
    from portal.app import create_app
    from portal.feed import publish_catalog

    settings = Settings(db_url=db_url, materials_dir=Path(materials_dir))
    app = create_app(settings)
    # as a deployed platform has it: the items the terminals take, so a 即办件's
    # on-the-spot `delivered` event is accepted (idempotent; a lock orders two servers)
    items = load_sample_catalog().items.values()
    publish_catalog(app.state.db, [item.to_dict() for item in items])
    uvicorn.run(app, host="127.0.0.1", port=int(port), log_level="warning")


class PortalProcess:
    """`portal serve` in its own process (its own interpreter and GIL), on a free port."""

    def __init__(self, settings: Settings, log: Callable[[str], None] = print) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.settings, self.log = settings, log
        self.log_path = settings.materials_dir.parent / "portal-stderr.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> PortalProcess:
        s = self.settings
        code = "import sys; from bench.terminals import serve; serve(*sys.argv[1:])"
        cmd = [sys.executable, "-c", code, s.db_url, str(s.materials_dir), str(self.port)]
        self.stderr = open(self.log_path, "wb")  # closed in __exit__
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stderr=self.stderr)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                with client() as c:
                    if c.get(f"{self.url}/api/v1/health").status_code == 200:
                        return self
            except httpx.TransportError:
                time.sleep(0.1)
        self.__exit__()
        last = self.log_path.read_text(errors="replace").strip().splitlines()[-1:]
        raise RuntimeError(f"the portal process did not start: {' '.join(last)}")

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=20)
            self.stderr.close()

    def errors(self) -> list[str]:
        """The exception line of every traceback the server logged."""
        text = self.log_path.read_text(errors="replace")
        return re.findall(r"^[\w.]+(?:Error|Exception)\b.*$", text, re.MULTILINE)
