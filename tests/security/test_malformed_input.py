"""Attack 9 (the API's part): bodies and queries that made the platform answer 500 with a
traceback in its log: a lone surrogate in the answers, answers nested ~600 levels deep,
and open-data dates at the ends of the calendar. Each must be a 4xx ErrorReply."""

from __future__ import annotations

import json
import logging

import pytest

from sync.protocol import ErrorReply
from sync.receipt_numbers import new_receipt_no
from tests.security.conftest import HALL, Window, forged, web


def _push_raw(by: Window, body: str) -> ErrorReply:
    with by.api() as api:
        resp = api.post("/push", content=body, headers={"Content-Type": "application/json"})
    assert resp.status_code == 422, resp.text
    return ErrorReply.model_validate_json(resp.content)


def _application(by: Window, seq: int) -> dict[str, object]:
    return forged(new_receipt_no(by.terminal.today(), by.terminal_id, seq), HALL)


def test_a_lone_surrogate_in_the_answers_is_a_4xx(
    owner: Window, caplog: pytest.LogCaptureFixture
) -> None:
    body = json.dumps({"applications": [_application(owner, 1)]})
    body = body.replace('"note": "forged"', '"note": "\\ud800"')
    assert "\\ud800" in body
    reply = _push_raw(owner, body)
    assert reply.error == "invalid_request" and "surrogate" in reply.message.en
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_answers_nested_600_levels_deep_are_a_4xx(
    owner: Window, caplog: pytest.LogCaptureFixture
) -> None:
    nested = "1"
    for _ in range(600):
        nested = "[" + nested + "]"
    body = json.dumps({"applications": [_application(owner, 2)]})
    body = body.replace('"note": "forged"', f'"note": {nested}')
    reply = _push_raw(owner, body)
    assert reply.error == "invalid_request" and "nested deeper" in reply.message.en
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize(
    "dates",
    [
        {"from": "0001-01-01", "to": "9999-12-31"},
        {"from": "0001-01-01", "to": "0001-01-02"},
        {"from": "9999-12-30", "to": "9999-12-31"},
    ],
)
def test_open_data_at_the_ends_of_the_calendar_is_a_4xx(
    owner: Window, dates: dict[str, str]
) -> None:
    with web(owner.portal) as anyone:
        resp = anyone.get("/open/stats", params=dates)
    assert resp.status_code == 400, resp.text
    assert ErrorReply.model_validate_json(resp.content).error == "invalid_request"
