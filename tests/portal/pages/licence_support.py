"""Shared by the licence tests (电子证照, issue 16): a real portal on SQLite and PostgreSQL
whose item issues a licence, a logged-in back office, and the settle form posted as a
browser posts it (multipart, with the page's CSRF token)."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from forms.catalog import load_item
from portal import services
from portal.pages import staff
from portal.pages.ratelimit import Limit
from portal.pages.web import PageConfig
from portal.server import BackgroundServer
from portal.settings import Settings
from tests.portal.pages.pages_support import STAFF, STAFF_PASSWORD, csrf_of, plain_client

ITEM_FILE = Path(__file__).parent / "data" / "PAGE-001.yaml"
ISSUES = {"type_code": "YYZZ", "name": {"zh": "营业执照", "en": "Business licence"}}


@pytest.fixture(name="portal")
def licence_portal(tmp_path: Path, db_url: str) -> Iterator[BackgroundServer]:
    """The pages' portal on each engine; its catalog's newest PAGE-001 issues a 营业执照."""
    settings = Settings(db_url=db_url, materials_dir=tmp_path / "portal-files")
    with BackgroundServer(settings) as server:
        server.app.state.pages = PageConfig(track_limit=Limit(1000, 600), secure_cookies=False)
        item = load_item(ITEM_FILE).to_dict()
        newer = item | {"version": 2, "issues_licence": ISSUES}
        services.publish_catalog(server.app.state.db, [item, newer])
        yield server


@pytest.fixture(name="office_http")
def licence_office(portal: BackgroundServer) -> Iterator[httpx.Client]:
    staff.add_staff(portal.app.state.db, STAFF, "审查员", STAFF_PASSWORD)
    with plain_client(base_url=portal.url) as http:
        form = http.get("/office/login")
        data = {"username": STAFF, "password": STAFF_PASSWORD, "csrf": csrf_of(form.text)}
        assert http.post("/office/login", data=data).status_code == 303
        yield http


def form_values(html: str) -> dict[str, str]:
    """The licence form's prefilled inputs, as a browser would post them."""
    section = html.split('id="licence"', 1)[1].split("</section>", 1)[0]
    values = dict(re.findall(r'<input type="text" name="(\w+)"[^>]*?value="([^"]*)"', section))
    return values | {"csrf": csrf_of(html), "status": "approved"}


def settle(
    http: httpx.Client, no: str, document: bytes | None = None, lang: str = "", **changes: str
) -> httpx.Response:
    """Post the settle form with its defaults, `changes` over them, and the file if any."""
    data: dict[str, Any] = form_values(http.get(f"/office/a/{no}").text) | changes
    files = {"document": ("result.pdf", document or b"", "application/pdf")}
    suffix = "?lang=en" if lang else ""
    return http.post(f"/office/a/{no}/licence{suffix}", data=data, files=files)


def pdf_text(data: bytes, tmp_path: Path) -> str:
    """What a reader of the PDF sees (poppler's pdftotext)."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
