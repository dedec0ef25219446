"""The signed QR payload and the tracking code: what the portal and a phone rely on."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from hypothesis import given
from hypothesis import strategies as st

from printing import qr_payload
from printing.errors import PayloadError
from printing.qr_payload import (
    code_matches,
    sign_payload,
    tracking_code,
    typed_code,
    verify_payload,
)
from sync.receipt_numbers import ALPHABET
from tests.printing.printing_support import ACCEPTED_AT, CODE_SECRET

RECEIPT = "0K3-7QXM-004-R"


def _sign(key: Ed25519PrivateKey, receipt: str = RECEIPT) -> str:
    return sign_payload(key, receipt, "SCJG-001", ACCEPTED_AT, "7QXM")


def test_payload_round_trips_to_the_claim(signing_key: Ed25519PrivateKey) -> None:
    claim = verify_payload(signing_key.public_key(), _sign(signing_key))
    assert claim.receipt_no == "0K37QXM004R"
    assert claim.item_code == "SCJG-001"
    assert claim.accepted_at == ACCEPTED_AT.replace(second=0).astimezone(UTC)
    assert claim.terminal_id == "7QXM"


def test_payload_is_compact_base64url_without_padding(signing_key: Ed25519PrivateKey) -> None:
    payload = _sign(signing_key)
    assert re.fullmatch(r"[A-Za-z0-9_-]+", payload)
    assert len(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))) == 90
    assert len(payload) == 120


def test_raw_public_key_bytes_verify(signing_key: Ed25519PrivateKey) -> None:
    raw = signing_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    assert verify_payload(raw, _sign(signing_key)).terminal_id == "7QXM"


def test_every_flipped_byte_is_rejected(signing_key: Ed25519PrivateKey) -> None:
    data = bytearray(base64.urlsafe_b64decode(_sign(signing_key) + "=="))
    for index in range(len(data)):
        tampered = data.copy()
        tampered[index] ^= 0x01
        text = base64.urlsafe_b64encode(bytes(tampered)).rstrip(b"=").decode()
        with pytest.raises(PayloadError):
            verify_payload(signing_key.public_key(), text)


def test_another_terminals_key_is_rejected_with_a_clear_message(
    signing_key: Ed25519PrivateKey,
) -> None:
    other = Ed25519PrivateKey.generate().public_key()
    with pytest.raises(PayloadError) as caught:
        verify_payload(other, _sign(signing_key))
    assert "签名不符" in caught.value.message("zh_CN")
    assert "Signature mismatch" in caught.value.message("en")


@pytest.mark.parametrize("bad", ["", "AQ", "!!!not base64!!!", "A" * 200])
def test_malformed_payloads_are_payload_errors(signing_key: Ed25519PrivateKey, bad: str) -> None:
    with pytest.raises(PayloadError):
        verify_payload(signing_key.public_key(), bad)


def test_a_signed_payload_of_an_unknown_version_is_refused(
    signing_key: Ed25519PrivateKey,
) -> None:
    body = bytearray(qr_payload._body(RECEIPT, "SCJG-001", ACCEPTED_AT, "7QXM"))
    body[0] = 2
    signature = signing_key.sign(qr_payload.SIGNING_CONTEXT + bytes(body))
    text = base64.urlsafe_b64encode(bytes(body) + signature).rstrip(b"=").decode()
    with pytest.raises(PayloadError, match="version"):
        verify_payload(signing_key.public_key(), text)


def test_a_bad_public_key_is_a_payload_error(signing_key: Ed25519PrivateKey) -> None:
    with pytest.raises(PayloadError):
        verify_payload(b"short", _sign(signing_key))


@pytest.mark.parametrize(
    ("receipt", "item", "when"),
    [
        ("0K3-7QXM-0U4-R", "SCJG-001", ACCEPTED_AT),  # U is not Crockford
        (RECEIPT, "", ACCEPTED_AT),
        (RECEIPT, "事项", ACCEPTED_AT),
        (RECEIPT, "SCJG-001", datetime(2026, 11, 26, 14, 5)),  # naive time
    ],
)
def test_signing_refuses_what_cannot_be_encoded(
    signing_key: Ed25519PrivateKey, receipt: str, item: str, when: datetime
) -> None:
    with pytest.raises(PayloadError):
        sign_payload(signing_key, receipt, item, when, "7QXM")


@given(
    receipt=st.text(alphabet=ALPHABET, min_size=1, max_size=20),
    item=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", min_size=1, max_size=64),
    minutes=st.integers(min_value=0, max_value=4_000_000_000),  # to year 9575
)
def test_any_claim_round_trips(receipt: str, item: str, minutes: int) -> None:
    key = Ed25519PrivateKey.from_private_bytes(bytes(32))
    when = qr_payload.EPOCH + qr_payload.timedelta(minutes=minutes)
    claim = verify_payload(key.public_key(), sign_payload(key, receipt, item, when, "ZZ00"))
    assert (claim.receipt_no, claim.item_code, claim.accepted_at) == (receipt, item, when)


def test_tracking_code_is_26_lowercase_base32_chars_and_depends_on_secret_and_number() -> None:
    code = tracking_code(CODE_SECRET, RECEIPT)
    assert re.fullmatch(r"[a-z2-7]{26}", code)
    assert code == tracking_code(CODE_SECRET, "0k3 7qxm 004 r")  # as typed
    assert code != tracking_code(CODE_SECRET, "0K3-7QXM-005-R")
    assert code != tracking_code(b"another terminal", RECEIPT)


def test_typed_code_is_the_first_twelve_grouped() -> None:
    typed = typed_code(CODE_SECRET, RECEIPT)
    assert re.fullmatch(r"[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}", typed)
    assert typed.replace("-", "") == tracking_code(CODE_SECRET, RECEIPT)[:12]


def test_code_matches_full_or_typed_form_in_any_case() -> None:
    full = tracking_code(CODE_SECRET, RECEIPT)
    typed = typed_code(CODE_SECRET, RECEIPT)
    assert code_matches(CODE_SECRET, RECEIPT, full)
    assert code_matches(CODE_SECRET, RECEIPT, typed.upper())
    assert code_matches(CODE_SECRET, RECEIPT, typed.replace("-", " "))
    assert not code_matches(CODE_SECRET, RECEIPT, full[:11])
    assert not code_matches(CODE_SECRET, "0K3-7QXM-005-R", typed)
    assert not code_matches(CODE_SECRET, RECEIPT, "a" * 26)


def test_qr_url_joins_portal_number_code_and_payload() -> None:
    url = qr_payload.qr_url("https://p.example/", RECEIPT, "abc", "PAY")
    assert url == "https://p.example/t/0K3-7QXM-004-R?c=abc&p=PAY"


def test_a_signed_time_beyond_the_calendar_is_a_payload_error(
    signing_key: Ed25519PrivateKey,
) -> None:
    body = bytearray(qr_payload._body(RECEIPT, "SCJG-001", ACCEPTED_AT, "7QXM"))
    start = 1 + 8 + 9  # version, receipt number, item code
    body[start : start + 4] = b"\xff\xff\xff\xff"
    signature = signing_key.sign(qr_payload.SIGNING_CONTEXT + bytes(body))
    text = base64.urlsafe_b64encode(bytes(body) + signature).rstrip(b"=").decode()
    with pytest.raises(PayloadError, match="out of range"):
        verify_payload(signing_key.public_key(), text)


def test_times_before_1970_cannot_be_signed(signing_key: Ed25519PrivateKey) -> None:
    with pytest.raises(PayloadError):
        sign_payload(signing_key, RECEIPT, "A", datetime(1969, 1, 1, tzinfo=UTC), "7QXM")
