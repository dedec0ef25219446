"""The citizen's tracking page over real HTTP: what it shows, what it refuses, and that
every refusal looks the same."""

from __future__ import annotations

import base64
from collections.abc import Callable

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from counter_app.errors import NotFound
from counter_app.store.submissions import load_submission
from counter_app.terminal import Terminal
from portal import services
from portal.pages.ratelimit import Limit
from portal.pages.web import PageConfig
from portal.server import BackgroundServer
from printing import qr_payload
from sync.engine import SyncReport
from tests.portal.pages.conftest import Take
from tests.portal.pages.pages_support import PERSONAL, code_of, plain_client, tracking_path

Sync = Callable[[], SyncReport]


def get(portal: BackgroundServer, path: str, client: httpx.Client | None = None) -> httpx.Response:
    with client or plain_client() as http:
        return http.get(portal.url + path)


def test_uploaded_receipt_shows_item_status_and_promised_date_without_personal_data(
    portal: BackgroundServer, terminal: Terminal, take: Take, sync: Sync
) -> None:
    result = take()
    sync()
    reply = get(portal, tracking_path(terminal, result.receipt_no))
    assert reply.status_code == 200
    page = reply.text
    assert "个体工商户设立登记" in page and "已受理" in page
    assert result.due_date is not None and result.due_date.isoformat() in page
    assert "正在上传" not in page  # it is on the platform, not "on its way"
    for secret in (*PERSONAL, "老王面馆"):
        assert secret not in page
    assert reply.headers["cache-control"] == "no-store"
    assert reply.headers["referrer-policy"] == "no-referrer"


def test_english_switch(
    portal: BackgroundServer, terminal: Terminal, take: Take, sync: Sync
) -> None:
    result = take()
    sync()
    page = get(portal, tracking_path(terminal, result.receipt_no) + "&lang=en").text
    assert "Registration of an individual business" in page and "Received" in page
    assert 'lang="en"' in page and "个体工商户" not in page


def test_wrong_code_missing_receipt_and_forged_payload_get_the_same_answer(
    portal: BackgroundServer, terminal: Terminal, take: Take, sync: Sync
) -> None:
    uploaded, pending = take("甲"), None
    sync()
    pending = take("乙")  # not uploaded: only its payload could prove it
    good = tracking_path(terminal, pending.receipt_no)
    forged_key = Ed25519PrivateKey.generate()
    sub_payload = good.split("&p=")[1]
    claim = qr_payload.verify_payload(terminal.public_key_bytes(), sub_payload)
    forged = qr_payload.sign_payload(
        forged_key, claim.receipt_no, claim.item_code, claim.accepted_at, claim.terminal_id
    )
    raw = bytearray(base64.urlsafe_b64decode(sub_payload + "=" * (-len(sub_payload) % 4)))
    raw[5] ^= 1
    flipped = base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()
    wrong_code = "a" * 26
    answers = [
        get(portal, f"/t/{uploaded.receipt_no}?c={wrong_code}"),
        get(portal, f"/t/{uploaded.receipt_no}?c={code_of(terminal, uploaded.receipt_no)[:-1]}b"),
        get(portal, f"/t/000-7QXM-001-2?c={code_of(terminal, uploaded.receipt_no)}"),
        get(portal, f"/t/{pending.receipt_no}?c={code_of(terminal, pending.receipt_no)}"),
        get(portal, good.split("&p=")[0] + "&p=" + forged),
        get(portal, good.split("&p=")[0] + "&p=" + flipped),
        get(portal, good.replace(f"c={code_of(terminal, pending.receipt_no)}", f"c={wrong_code}")),
        get(portal, "/t/no-receipt-at-all?c=x"),
    ]
    assert {a.status_code for a in answers} == {404}
    assert len({a.content for a in answers}) == 1
    assert "未查到办件" in answers[0].text


def test_unuploaded_receipt_shows_from_its_signed_payload(
    portal: BackgroundServer, terminal: Terminal, take: Take
) -> None:
    result = take()
    page = get(portal, tracking_path(terminal, result.receipt_no)).text
    day = terminal.today().isoformat()
    assert f"已于 {day} 在窗口受理，正在上传至平台。" in page
    assert "个体工商户设立登记" in page
    assert result.due_date is not None and result.due_date.isoformat() in page  # 5 working days
    en = get(portal, tracking_path(terminal, result.receipt_no) + "&lang=en").text
    assert f"Accepted at the counter on {day}, on its way to the platform." in en


def test_typed_code_finds_the_receipt(
    portal: BackgroundServer, terminal: Terminal, take: Take, sync: Sync
) -> None:
    result = take()
    sync()
    typed = qr_payload.typed_code(terminal.code_secret(), result.receipt_no)
    assert "查询码" in get(portal, "/t").text
    found = get(portal, f"/t/find?r={result.receipt_no.lower()}&c={typed.upper()}")
    assert found.status_code == 200 and "个体工商户设立登记" in found.text
    assert get(portal, f"/t/find?r={result.receipt_no}&c=aaaa-aaaa-aaaa").status_code == 404


def _typos(receipt_no: str) -> list[str]:
    """The two mistakes the check character catches: neighbours swapped, one wrong char."""
    compact = receipt_no.replace("-", "")
    swapped = compact[:8] + compact[9] + compact[8] + compact[10:]
    wrong = compact[:5] + ("X" if compact[5] != "X" else "Y") + compact[6:]
    assert compact[8] != compact[9], "the test needs two different neighbours to swap"
    return [swapped, wrong]


@pytest.mark.parametrize("how", ["typed", "qr path"])
def test_a_mistyped_number_is_told_as_the_terminal_tells_it(
    portal: BackgroundServer, terminal: Terminal, take: Take, sync: Sync, how: str
) -> None:
    result = take()
    sync()
    typed = qr_payload.typed_code(terminal.code_secret(), result.receipt_no)
    for typo in _typos(result.receipt_no):
        with pytest.raises(NotFound) as at_counter:
            load_submission(terminal.store, typo)
        path = f"/t/find?r={typo.lower()}&c={typed}" if how == "typed" else f"/t/{typo}?c={typed}"
        zh, en = get(portal, path), get(portal, path + "&lang=en")
        assert zh.status_code == en.status_code == 400
        assert at_counter.value.message("zh_CN") in zh.text
        assert at_counter.value.message("en") in en.text
        assert "one character is wrong or two neighbours are swapped" in en.text
        assert 'name="r"' in zh.text  # the typing form again, to correct it


def test_rate_limit_bites_per_address(
    portal: BackgroundServer, terminal: Terminal, take: Take, sync: Sync
) -> None:
    portal.app.state.pages = PageConfig(track_limit=Limit(3, 600), secure_cookies=False)
    result = take()
    sync()
    path = tracking_path(terminal, result.receipt_no)
    with plain_client() as http:
        codes = [http.get(portal.url + path).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        blocked = http.get(portal.url + path)
    assert blocked.status_code == 429 and 0 < int(blocked.headers["retry-after"]) <= 600
    assert "查询过于频繁" in blocked.text
    other = httpx.HTTPTransport(local_address="127.0.0.2")
    with plain_client(transport=other) as http:  # another address has its own budget
        assert http.get(portal.url + path).status_code == 200


def test_supplement_note_shows_what_to_bring(
    portal: BackgroundServer, terminal: Terminal, take: Take, sync: Sync
) -> None:
    result = take()
    sync()
    db = portal.app.state.db
    services.set_status(db, result.receipt_no, "supplement_needed", "请补交经营场所证明原件")
    page = get(portal, tracking_path(terminal, result.receipt_no)).text
    assert "需要补正材料" in page and "请补交经营场所证明原件" in page
    services.set_status(db, result.receipt_no, "supplement_needed", "<script>alert(1)</script>")
    page = get(portal, tracking_path(terminal, result.receipt_no)).text
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_rating_only_after_settlement_and_only_once(
    portal: BackgroundServer, terminal: Terminal, take: Take, sync: Sync
) -> None:
    result = take()
    sync()
    code = code_of(terminal, result.receipt_no)
    path = tracking_path(terminal, result.receipt_no)
    url = f"{portal.url}/t/{path.split('/t/')[1].split('?')[0]}/rate"
    with plain_client() as http:
        early = http.post(url, data={"c": code, "rating": "5"})
        assert early.status_code == 400 and "办结后才能评价" in early.text
        services.set_status(portal.app.state.db, result.receipt_no, "delivered")
        form = http.get(portal.url + path).text
        assert 'name="rating"' in form  # invited after settlement: the five levels by code
        for code_value, words in enumerate(("非常满意", "满意", "基本满意", "不满意"), 1):
            assert f'value="{code_value}" required> {words}' in form
        done = http.post(url, data={"c": code, "rating": "2", "comment": "很快"})
        assert done.status_code == 303
        assert "感谢您的评价" in http.get(portal.url + done.headers["location"]).text
        shown = http.get(portal.url + path).text
        assert 'id="your-rating"' in shown and "您的评价：满意" in shown
        again = http.post(url, data={"c": code, "rating": "1"})
        assert again.status_code == 400 and "您已评价过" in again.text
        stranger = http.post(url, data={"c": "b" * 26, "rating": "1"})
        assert stranger.status_code == 404
        bad = http.post(url, data={"c": code, "rating": "9"})
        assert bad.status_code == 400


@pytest.mark.parametrize("rating", ["0", "6", "x"])
def test_rating_out_of_range_is_refused(
    portal: BackgroundServer, terminal: Terminal, take: Take, sync: Sync, rating: str
) -> None:
    result = take()
    sync()
    services.set_status(portal.app.state.db, result.receipt_no, "approved")
    code = code_of(terminal, result.receipt_no)
    with plain_client() as http:
        reply = http.post(
            f"{portal.url}/t/{result.receipt_no}/rate", data={"c": code, "rating": rating}
        )
    assert reply.status_code == 400 and "请选择一项：非常满意" in reply.text


def test_a_one_time_notice_lists_what_to_bring(
    portal: BackgroundServer, terminal: Terminal, sync: Sync
) -> None:
    from tests.portal.pages.pages_support import CLERK, PERSON

    notice = terminal.intake.accept("PAGE-001", PERSON, {"shop": "老王面馆"}, {}, clerk_id=CLERK)
    assert notice.kind == "notice"
    sync()
    page = get(portal, tracking_path(terminal, notice.receipt_no)).text
    assert "一次性告知" in page and "居民身份证" in page and "已出具一次性告知单" in page
    english = get(portal, tracking_path(terminal, notice.receipt_no) + "&lang=en").text
    assert "Resident ID card" in english
