"""The back office's licence forms (电子证照, issue 16) walked like every back-office form
(docs/architecture.md, "Trust boundaries"): with a staff session they settle and revoke; with
none, or with a session revoked by logout, they lead to the login and change nothing."""

from __future__ import annotations

import re

from portal.pages import staff
from tests.security.conftest import STAFF, STAFF_PASSWORD, Window, staff_login, web
from tests.sync.conftest import PERSON, pdf


def test_licence_forms_with_a_session_none_and_a_revoked_one(
    owner: Window, staff_user: str
) -> None:
    first = owner.take("licence walk 1", scan=[pdf("licence walk 1", 3000)])
    second = owner.take("licence walk 2", scan=[pdf("licence walk 2", 3000)])
    owner.sync()
    forms = {
        f"/office/a/{second.receipt_no}/licence": {"name": "营业执照", "type_code": "YYZZ"},
        f"/office/a/{first.receipt_no}/licence/revoke": {"reason": "依法撤销"},
    }
    defaults = {"issuer": "市场监督管理局", "issuer_code": "SCJG"}
    with web(owner.portal) as browser:
        assert staff_login(browser, STAFF, STAFF_PASSWORD).status_code == 303
        cookie = browser.cookies[staff.SESSION_COOKIE]
        found = re.search(r'name="csrf" value="([0-9a-f]+)"', browser.get("/office").text)
        assert found
        csrf = found.group(1)
        person = PERSON["id_no"]
        mine = {"name": "营业执照", "type_code": "YYZZ", "holder_id_no": person, "csrf": csrf}
        reply = browser.post(f"/office/a/{first.receipt_no}/licence", data=mine | defaults)
        assert reply.status_code == 303  # settled with a licence (a platform-drawn PDF)
        assert browser.post("/office/logout", data={"csrf": csrf}).status_code == 303
    for kind, held in (("none", None), ("revoked", cookie)):
        with web(owner.portal) as browser:
            if held:
                browser.cookies.set(staff.SESSION_COOKIE, held)
            for path, form in forms.items():
                data = form | defaults | {"holder_id_no": person, "csrf": csrf}
                reply = browser.post(path, data=data)
                assert (reply.status_code, reply.headers["location"]) == (303, "/office/login"), (
                    kind,
                    path,
                )
    with web(owner.portal) as browser:
        assert staff_login(browser, STAFF, STAFF_PASSWORD).status_code == 303
        first_page = browser.get(f"/office/a/{first.receipt_no}").text
        assert 'id="licence-state">有效' in first_page  # not revoked
        assert 'id="licence-number"' not in browser.get(f"/office/a/{second.receipt_no}").text
