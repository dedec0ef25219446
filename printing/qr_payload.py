"""What the receipt's QR code carries: the tracking URL with its code and a signed payload.

The QR holds ONE URL, `{portal}/t/{receipt_no}?c={code}&p={payload}`:

- `c` is the tracking code, HMAC-SHA256(code_secret, receipt number) cut to 128 bits: the
  portal knows the terminal's code_secret and checks it, and nobody can compute another
  receipt's code. Its first 12 characters, grouped 4-4-4, are printed for typing.
- `p` is a compact binary claim (receipt number, item code, accepted minute, terminal) with
  the terminal's Ed25519 signature, so the tracking page — or anyone holding the terminal's
  public key — can tell a genuine receipt before the application has been uploaded.

Binary layout of `p` (version 1; base64url without padding; every integer big-endian):

    offset  size        field
    0       1           version = 0x01
    1       1           n = number of characters in the compact receipt number
    2       ceil(5n/8)  the receipt number's Crockford base32 values, 5 bits each, packed
                        most significant bit first, zero bits padding the last byte
    .       1           L = length of the item code in bytes (ASCII, 1..64)
    .       L           the item code
    .       4           accepted time: whole minutes since 1970-01-01T00:00Z, unsigned
    .       1           m = number of characters in the terminal ID
    .       ceil(5m/8)  the terminal ID, packed like the receipt number
    .       64          Ed25519 signature over SIGNING_CONTEXT + all bytes above
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from forms.text import Text
from printing.errors import PayloadError
from sync.receipt_numbers import ALPHABET, is_crockford, normalise_crockford

VERSION = 1
SIGNING_CONTEXT = b"counter-terminal receipt v1\x00"
SIGNATURE_BYTES = 64
CODE_CHARS = 26
TYPED_CHARS = 12
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class ReceiptClaim:
    """What a verified payload says: the receipt, its item, when and where it was accepted."""

    receipt_no: str
    item_code: str
    accepted_at: datetime
    terminal_id: str


def _bad(zh: str, en: str) -> PayloadError:
    return PayloadError(Text(zh, en))


def compact_crockford(value: str) -> str:
    """`value` cleaned by the receipt numbers' one rule; PayloadError unless it is Crockford."""
    compact = normalise_crockford(value)
    if not is_crockford(compact):
        raise _bad(f"编号不是有效的字符：{value}", f"Not a valid base32 number: {value}")
    return compact


def _pack_crockford(value: str) -> bytes:
    compact = compact_crockford(value)
    bits = 0
    for ch in compact:
        bits = bits << 5 | ALPHABET.index(ch)
    nbytes = (5 * len(compact) + 7) // 8
    bits <<= nbytes * 8 - 5 * len(compact)
    return bytes([len(compact)]) + bits.to_bytes(nbytes, "big")


def _unpack_crockford(data: bytes, pos: int) -> tuple[str, int]:
    count = data[pos]
    nbytes = (5 * count + 7) // 8
    chunk = data[pos + 1 : pos + 1 + nbytes]
    if count == 0 or len(chunk) != nbytes:
        raise _bad("二维码数据不完整", "The QR payload is truncated")
    bits = int.from_bytes(chunk, "big") >> (nbytes * 8 - 5 * count)
    chars = [ALPHABET[(bits >> (5 * i)) & 31] for i in reversed(range(count))]
    return "".join(chars), pos + 1 + nbytes


def _body(receipt_no: str, item_code: str, accepted_at: datetime, terminal_id: str) -> bytes:
    code = item_code.encode("ascii", errors="replace")
    if not 1 <= len(code) <= 64 or not item_code.isascii():
        raise _bad(f"事项编码无效：{item_code}", f"Invalid item code: {item_code}")
    if accepted_at.tzinfo is None:
        raise _bad("受理时间缺少时区", "The acceptance time has no time zone")
    minutes = int((accepted_at - EPOCH).total_seconds() // 60)
    if not 0 <= minutes < 2**32:
        raise _bad("受理时间超出范围", "The acceptance time is out of range")
    return b"".join(
        [
            bytes([VERSION]),
            _pack_crockford(receipt_no),
            bytes([len(code)]) + code,
            struct.pack(">I", minutes),
            _pack_crockford(terminal_id),
        ]
    )


def sign_payload(
    private_key: Ed25519PrivateKey,
    receipt_no: str,
    item_code: str,
    accepted_at: datetime,
    terminal_id: str,
) -> str:
    """The signed payload for the QR's `p=` parameter.

    Base64url without padding: 120 characters for an 8-character item code.
    """
    body = _body(receipt_no, item_code, accepted_at, terminal_id)
    signature = private_key.sign(SIGNING_CONTEXT + body)
    return base64.urlsafe_b64encode(body + signature).rstrip(b"=").decode("ascii")


def _decode_b64(payload: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    except (ValueError, TypeError) as exc:
        raise _bad("二维码数据无法解码", "The QR payload is not valid base64url") from exc


def _parse_body(body: bytes) -> ReceiptClaim:
    if not body or body[0] != VERSION:
        raise _bad("二维码数据版本未知", "Unknown QR payload version")
    try:
        receipt_no, pos = _unpack_crockford(body, 1)
        length = body[pos]
        item_code = body[pos + 1 : pos + 1 + length].decode("ascii")
        pos += 1 + length
        (minutes,) = struct.unpack(">I", body[pos : pos + 4])
        terminal_id, pos = _unpack_crockford(body, pos + 4)
    except (IndexError, struct.error, UnicodeDecodeError) as exc:
        raise _bad("二维码数据不完整", "The QR payload is truncated") from exc
    if pos != len(body):
        raise _bad("二维码数据长度不符", "The QR payload has trailing bytes")
    try:
        accepted_at = EPOCH + timedelta(minutes=minutes)
    except OverflowError as exc:
        raise _bad("二维码中的时间无效", "The QR payload's time is out of range") from exc
    return ReceiptClaim(receipt_no, item_code, accepted_at, terminal_id)


def _public_key(key: Ed25519PublicKey | bytes) -> Ed25519PublicKey:
    if isinstance(key, Ed25519PublicKey):
        return key
    try:
        return Ed25519PublicKey.from_public_bytes(key)
    except ValueError as exc:
        raise _bad("公钥无效", "The public key is not a raw Ed25519 key") from exc


def verify_payload(public_key: Ed25519PublicKey | bytes, payload: str) -> ReceiptClaim:
    """The claim in `payload` if the terminal's key signed it; PayloadError otherwise.

    `public_key` is an Ed25519PublicKey or its 32 raw bytes.
    """
    data = _decode_b64(payload)
    if len(data) <= SIGNATURE_BYTES:
        raise _bad("二维码数据不完整", "The QR payload is truncated")
    body, signature = data[:-SIGNATURE_BYTES], data[-SIGNATURE_BYTES:]
    try:
        _public_key(public_key).verify(signature, SIGNING_CONTEXT + body)
    except InvalidSignature as exc:
        raise _bad(
            "签名不符：此回执不是该终端出具的，或已被改动",
            "Signature mismatch: this receipt was not issued by that terminal, or was altered",
        ) from exc
    return _parse_body(body)


def tracking_code(code_secret: bytes, receipt_no: str) -> str:
    """The 26-character code for `c=`: HMAC-SHA256 over the compact receipt number, 128 bits.

    Base32 lower case (a-z, 2-7) without padding, so it survives being read aloud and typed.
    """
    mac = hmac.new(code_secret, compact_crockford(receipt_no).encode("ascii"), hashlib.sha256)
    return base64.b32encode(mac.digest()[:16]).decode("ascii").rstrip("=").lower()


def typed_code(code_secret: bytes, receipt_no: str) -> str:
    """The first 12 characters of the tracking code as printed for typing: "abcd-efgh-ijkl"."""
    head = tracking_code(code_secret, receipt_no)[:TYPED_CHARS]
    return "-".join(head[i : i + 4] for i in range(0, TYPED_CHARS, 4))


def code_matches(code_secret: bytes, receipt_no: str, given: str) -> bool:
    """True when `given` is the receipt's full code or its typed form (any case, any hyphens).

    Compared in constant time; the portal also rate-limits lookups, since 60 bits of typed
    code are only safe against guessing when guesses are few.
    """
    cleaned = given.strip().lower().replace("-", "").replace(" ", "")
    if len(cleaned) not in (CODE_CHARS, TYPED_CHARS):
        return False
    expected = tracking_code(code_secret, receipt_no)[: len(cleaned)]
    return hmac.compare_digest(cleaned, expected)


def code_matches_any(code_secrets: Iterable[bytes], receipt_no: str, given: str) -> bool:
    """`code_matches` for any of these secrets: a terminal's earlier ones, for receipts
    printed before its window moved to a new PC (issue 16)."""
    return any(code_matches(secret, receipt_no, given) for secret in code_secrets)


def qr_url(portal: str, receipt_no: str, code: str, payload: str) -> str:
    """The one URL the QR encodes: the tracking page, its code, and the signed payload."""
    return f"{portal.rstrip('/')}/t/{receipt_no}?c={code}&p={payload}"
