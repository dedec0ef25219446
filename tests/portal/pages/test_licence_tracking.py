"""The citizen's result on the tracking page (电子证照, issue 16), on a real portal (SQLite and
PostgreSQL): after the code check a settled application shows its licence and the document
downloads; without the right code, or for any other file, the same neutral 404 (attacks
performed for real over HTTP)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

import httpx

from counter_app.terminal import Terminal
from portal.server import BackgroundServer
from sync.engine import SyncReport
from tests.portal.pages.conftest import Take
from tests.portal.pages.licence_support import licence_office, licence_portal, settle
from tests.portal.pages.pages_support import PERSONAL, code_of, csrf_of, pdf, tracking_path

Sync = Callable[[], SyncReport]
FIXTURES = (licence_portal, licence_office)  # `portal` on both engines, `office_http`
SCAN = pdf("营业执照（个体工商户）正本", 20_000)


def _citizen(portal: BackgroundServer) -> httpx.Client:
    return httpx.Client(base_url=portal.url, trust_env=False)


def _settled(office_http: httpx.Client, take: Take, sync: Sync, shop: str = "老王面馆") -> str:
    no = take(shop).display_no
    sync()
    assert settle(office_http, no, SCAN, number=f"NC-{shop}").status_code == 303
    return no


def test_after_the_code_check_the_citizen_sees_the_licence_and_downloads_it(
    portal: BackgroundServer, office_http: httpx.Client, take: Take, sync: Sync, terminal: Terminal
) -> None:
    no = take().display_no
    sync()
    with _citizen(portal) as citizen:
        page = citizen.get(tracking_path(terminal, no.replace("-", ""), with_payload=False))
        assert page.status_code == 200 and 'id="licence"' not in page.text  # not settled yet
        assert settle(office_http, no, SCAN, number="NC-0042").status_code == 303
        page = citizen.get(tracking_path(terminal, no.replace("-", ""), with_payload=False))
        assert (
            'id="licence-number">NC-0042<' in page.text and 'id="licence-state">有效' in page.text
        )
        for secret in PERSONAL:  # the holder is the applicant: only the code's tail shows
            assert secret not in page.text
        assert 'id="licence-holder">申请人本人 <span class="mono">**************002X<' in page.text
        link = re.search(r'id="licence-download" href="([^"]+)"', page.text)
        assert link, "no download link"
        document = citizen.get(link.group(1).replace("&amp;", "&"))
    assert document.status_code == 200 and document.content == SCAN
    assert document.headers["content-disposition"].startswith("attachment")
    assert document.headers["cache-control"] == "no-store"


def test_the_english_page_says_the_same(
    portal: BackgroundServer, office_http: httpx.Client, take: Take, sync: Sync, terminal: Terminal
) -> None:
    no = _settled(office_http, take, sync)
    with _citizen(portal) as citizen:
        path = tracking_path(terminal, no.replace("-", ""), with_payload=False) + "&lang=en"
        page = citizen.get(path).text
    assert "Your result: electronic licence" in page and "Download the licence (PDF)" in page


def test_no_code_another_receipts_code_or_a_guessed_file_get_the_neutral_404(
    portal: BackgroundServer, office_http: httpx.Client, take: Take, sync: Sync, terminal: Terminal
) -> None:
    mine = _settled(office_http, take, sync, "甲店")
    other = _settled(office_http, take, sync, "乙店")
    sha = hashlib.sha256(SCAN).hexdigest()  # both were settled with the same document
    compact, other_code = mine.replace("-", ""), code_of(terminal, other.replace("-", ""))
    right = code_of(terminal, compact)
    material = hashlib.sha256(pdf("甲店")).hexdigest()  # the idcard copy given at the counter
    with _citizen(portal) as citizen:
        neutral = citizen.get(f"/t/{mine}?c={other_code}")
        assert neutral.status_code == 404
        attempts = {
            "no code": f"/t/{mine}/result/{sha}",
            "another receipt's code": f"/t/{mine}/result/{sha}?c={other_code}",
            "a material's sha256": f"/t/{mine}/result/{material}?c={right}",
            "a guessed sha256": f"/t/{mine}/result/{'0' * 64}?c={right}",
            "not a sha256": f"/t/{mine}/result/..portal.db{'x' * 300}?c={right}",
        }
        for what, path in attempts.items():
            reply = citizen.get(path)
            assert (reply.status_code, reply.content) == (404, neutral.content), what
        assert citizen.get(f"/t/{mine}/result/{sha}?c={right}").content == SCAN


def test_a_revoked_licence_is_shown_as_revoked_and_no_longer_served(
    portal: BackgroundServer, office_http: httpx.Client, take: Take, sync: Sync, terminal: Terminal
) -> None:
    no = _settled(office_http, take, sync)
    page = office_http.get(f"/office/a/{no}").text
    revoke = {"csrf": csrf_of(page), "reason": "登记信息有误"}
    assert office_http.post(f"/office/a/{no}/licence/revoke", data=revoke).status_code == 303
    right = code_of(terminal, no.replace("-", ""))
    with _citizen(portal) as citizen:
        page = citizen.get(f"/t/{no}?c={right}").text
        assert 'id="licence-state">已注销' in page and "licence-download" not in page
        sha = hashlib.sha256(SCAN).hexdigest()
        assert citizen.get(f"/t/{no}/result/{sha}?c={right}").status_code == 404
