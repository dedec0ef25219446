"""The shared wire models: strict requests, tolerant replies, a stable content hash."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from sync.canonical import content_hash
from sync.protocol import ApplicationIn, ChangesReply, PushRequest
from tests.portal.test_services import SHA, app


def test_content_hash_ignores_status_and_itself_but_not_content() -> None:
    a = app(1)
    assert content_hash(a) == a.content_hash
    assert content_hash(a.model_copy(update={"status": "voided"})) == a.content_hash
    assert content_hash(app(1, answers={"reason": "damaged"})) != a.content_hash
    assert content_hash(a.model_dump(mode="json")) == a.content_hash


def test_requests_reject_unknown_fields_and_bad_hashes() -> None:
    data = app(1).model_dump(mode="json")
    with pytest.raises(ValidationError):
        ApplicationIn.model_validate(data | {"surprise": 1})
    with pytest.raises(ValidationError):
        ApplicationIn.model_validate(data | {"materials": {"scan": ["not-a-hash"]}})
    with pytest.raises(ValidationError):
        PushRequest(applications=[app(i) for i in range(101)])


def test_replies_ignore_unknown_fields() -> None:
    reply = ChangesReply.model_validate({"cursor": 1, "future_field": [1, 2]})
    assert reply.cursor == 1 and reply.statuses == []


def test_files_lists_materials_and_signature_once() -> None:
    a = app(1, materials={"scan": [SHA], "copy": [SHA]}, signature="cd" * 32)
    assert a.files() == [SHA, "cd" * 32]


def test_bad_text_and_deep_nesting_refused_in_a_body_and_in_each_part_on_its_own() -> None:
    """The check runs once per body (nested models skip it while their body validates),
    yet an application or applicant validated on its own is still checked, and a body
    that fails leaves the next one checked too."""
    data = app(1).model_dump(mode="json")
    lone = data | {"answers": {"reason": "\ud800"}}
    deep: object = 1
    for _ in range(40):
        deep = [deep]
    applicant = data["applicant"] | {"name": "\ud800"}
    for bad, why in ((lone, "surrogate"), (data | {"answers": {"reason": deep}}, "nested deeper")):
        with pytest.raises(ValidationError, match=why):
            ApplicationIn.model_validate(bad)
        with pytest.raises(ValidationError, match=why):
            PushRequest.model_validate({"applications": [data, bad]})
    with pytest.raises(ValidationError, match="surrogate"):
        ApplicationIn.model_validate(data | {"applicant": applicant})
    assert PushRequest.model_validate({"applications": [data]}).applications[0].uuid
