"""Enrollment codes, tokens and revocation, on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import os
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from portal import enrollment
from portal.db import Database
from portal.errors import EnrollRefused, Invalid, NotFound, TerminalRevoked, Unauthorized
from sync.protocol import EnrollRequest, ErrorCode

HOUR = timedelta(hours=1)


def request(code: str, terminal_id: str = "7QXM", key: bytes | None = None) -> EnrollRequest:
    raw = key or Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return EnrollRequest(
        code=code,
        public_key=base64.b64encode(raw).decode(),
        code_secret=base64.b64encode(os.urandom(32)).decode(),
        proposed_terminal_id=terminal_id,
    )


def test_code_enrolls_keeping_the_proposed_id_and_token_works(db: Database) -> None:
    code = enrollment.issue_code(db, "南昌市民中心", 12, HOUR)
    assert len(code) == 14 and code.count("-") == 2
    reply = enrollment.enroll(db, request(code.lower().replace("-", " ")))
    assert (reply.terminal_id, reply.hall, reply.window) == ("7QXM", "南昌市民中心", 12)
    assert len(base64.urlsafe_b64decode(reply.token + "=")) == 32
    assert enrollment.authenticate(db, reply.token).terminal_id == "7QXM"
    rows = enrollment.list_terminals(db)
    assert "token_hash" not in rows[0] and rows[0]["terminal_id"] == "7QXM"


def test_taken_id_gets_another_same_key_keeps_it(db: Database) -> None:
    key = base64.b64decode(request("x" * 4).public_key)
    first = enrollment.enroll(db, request(enrollment.issue_code(db, "H", 1, HOUR), key=key))
    other = enrollment.enroll(db, request(enrollment.issue_code(db, "H", 2, HOUR)))
    again = enrollment.enroll(db, request(enrollment.issue_code(db, "H", 3, HOUR), key=key))
    assert first.terminal_id == "7QXM" != other.terminal_id
    assert again.terminal_id == "7QXM" and again.window == 3
    with pytest.raises(Unauthorized):  # re-enrolling replaced the old token
        enrollment.authenticate(db, first.token)


@pytest.mark.parametrize(
    ("make", "code", "status"),
    [
        (lambda db: "0000-0000-0000", ErrorCode.CODE_UNKNOWN, 400),
        (lambda db: enrollment.issue_code(db, "H", 1, -HOUR), ErrorCode.CODE_EXPIRED, 410),
    ],
)
def test_unknown_and_expired_codes_refused(db: Database, make, code, status) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(EnrollRefused) as info:
        enrollment.enroll(db, request(make(db)))
    assert (info.value.code, info.value.status_code) == (code, status)


def test_reused_code_refused(db: Database) -> None:
    code = enrollment.issue_code(db, "H", 1, HOUR)
    enrollment.enroll(db, request(code))
    with pytest.raises(EnrollRefused) as info:
        enrollment.enroll(db, request(code, "AAAA"))
    assert info.value.code == ErrorCode.CODE_USED
    assert "once" in info.value.message("en") and "一次" in info.value.message("zh_CN")


def test_malformed_key_refused_and_code_not_spent(db: Database) -> None:
    code = enrollment.issue_code(db, "H", 1, HOUR)
    bad = request(code).model_copy(update={"public_key": base64.b64encode(b"short").decode()})
    with pytest.raises(Invalid):
        enrollment.enroll(db, bad)
    enrollment.enroll(db, request(code))  # still good


def test_revoked_terminal_refused_with_reason(db: Database) -> None:
    reply = enrollment.enroll(db, request(enrollment.issue_code(db, "H", 1, HOUR)))
    enrollment.revoke(db, reply.terminal_id.lower(), "设备丢失")
    with pytest.raises(TerminalRevoked) as info:
        enrollment.authenticate(db, reply.token)
    assert "设备丢失" in info.value.message("zh_CN") and info.value.status_code == 403


def test_revoke_unknown_and_bad_code_requests(db: Database) -> None:
    with pytest.raises(NotFound):
        enrollment.revoke(db, "ZZZZ", "x")
    with pytest.raises(Unauthorized):
        enrollment.authenticate(db, "no-such-token")
    with pytest.raises(Invalid):
        enrollment.issue_code(db, "  ", 1, HOUR)
