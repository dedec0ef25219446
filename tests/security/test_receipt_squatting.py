"""Attack 1: a terminal pushes applications under receipt numbers it did not issue.

Receipt numbers are predictable (day + terminal + sequence), so before the fix a rogue
terminal could push the owner's next numbers first: the owner's real push then landed as a
conflict and the citizen's real tracking code answered 404.
"""

from __future__ import annotations

from typing import Any

from sync.protocol import PushReply
from sync.receipt_numbers import new_receipt_no
from tests.security.conftest import HALL, OTHER_HALL, Window, forged, web


def _push(by: Window, *apps: dict[str, Any]) -> PushReply:
    with by.api() as api:
        resp = api.post("/push", json={"applications": list(apps)})
    assert resp.status_code == 200, resp.text
    return PushReply.model_validate_json(resp.content)


def test_squatting_the_owners_next_receipt_numbers_is_refused(
    owner: Window, neighbour: Window, stranger: Window
) -> None:
    today = owner.terminal.today()
    predicted = [new_receipt_no(today, owner.terminal_id, seq) for seq in (1, 2)]
    reply = _push(neighbour, *(forged(n, HALL) for n in predicted))
    for result in reply.results:
        assert result.outcome == "rejected"
        assert result.reason is not None and owner.terminal_id in result.reason.en
        assert owner.terminal_id in result.reason.zh
    other = _push(stranger, forged(predicted[0], OTHER_HALL), forged(predicted[1], HALL))
    assert [r.outcome for r in other.results] == ["rejected", "rejected"]

    taken = owner.take("the citizen's own application")
    assert taken.receipt_no == predicted[0]
    report = owner.sync()
    assert report.pushed == [taken.receipt_no] and not report.set_aside
    with web(owner.portal) as browser:
        page = browser.get(f"/t/{taken.receipt_no}", params={"c": owner.code(taken.receipt_no)})
    assert page.status_code == 200, "the citizen's real code must find the real application"


def test_receipt_numbers_that_fail_their_check_or_are_not_compact_are_refused(
    owner: Window,
) -> None:
    good = new_receipt_no(owner.terminal.today(), owner.terminal_id, 7)
    wrong_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    grouped = f"{good[:3]}-{good[3:7]}-{good[7:10]}-{good[10:]}"
    reply = _push(owner, forged(wrong_check, HALL), forged(grouped, HALL), forged("X" * 20, HALL))
    assert [r.outcome for r in reply.results] == ["rejected"] * 3
    assert all(r.reason is not None and "check" in r.reason.en for r in reply.results)
    assert [r.outcome for r in _push(owner, forged(good, HALL)).results] == ["stored"]
