"""Terminal enrollment: one-time codes, tokens, revocation, and checking a request's token.

A code is issued by IT staff for one hall and window (`portal enroll-code`), read out or
typed at the terminal, and is good once, until it expires. Once, with one exception: the
terminal that used it may use it again until it expires, because the platform may have
enrolled it and lost the reply on the way back (it then gets the same terminal ID and a new
token; the lost token, never seen by anyone, stops working). Only the SHA-256 of codes and
tokens is stored, so a copy of the database lets nobody enroll or impersonate a terminal.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Connection, insert, select, update

from forms.text import Text
from portal import replacement
from portal.db import Database, now_iso
from portal.errors import EnrollRefused, Invalid, NotFound, TerminalRevoked, Unauthorized
from sync.protocol import EnrollReply, EnrollRequest, ErrorCode
from sync.receipt_numbers import ALPHABET, normalise_crockford

CODE_CHARS = 12


@dataclass(frozen=True)
class TerminalInfo:
    """The authenticated caller of an /api/v1 request."""

    terminal_id: str
    hall: str
    window: int


def _sha(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def normalise_code(code: str) -> str:
    """Codes are Crockford base32 (no I, L, O, U: read aloud, never misheard as 1/0), cleaned
    by the receipt numbers' one rule."""
    return normalise_crockford(code)


def issue_code(db: Database, hall: str, window: int, ttl: timedelta) -> str:
    """A new one-time enrollment code for `hall`/`window`, shown grouped as XXXX-XXXX-XXXX."""
    if not hall.strip() or window < 0:
        raise Invalid(Text("大厅名称和窗口号必须填写。", "Hall name and window number needed."))
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_CHARS))
    now = datetime.now(UTC)
    with db.begin() as conn:
        conn.execute(
            insert(db.t("enroll_codes")).values(
                code_hash=_sha(code),
                hall=hall.strip(),
                window=window,
                created_at=now.isoformat(timespec="microseconds"),
                expires_at=(now + ttl).isoformat(timespec="microseconds"),
            )
        )
    return "-".join(code[i : i + 4] for i in range(0, CODE_CHARS, 4))


def _decode32(value: str, what: str) -> bytes:
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise Invalid(Text(f"{what} 格式错误。", f"Malformed {what}."))
    return raw


def _refuse(code: ErrorCode) -> EnrollRefused:
    texts = {
        ErrorCode.CODE_UNKNOWN: Text("注册码无效，请核对后重新输入。", "Unknown enrollment code."),
        ErrorCode.CODE_EXPIRED: Text(
            "注册码已过期，请向信息科申请新的注册码。",
            "The enrollment code has expired; ask IT for a new one.",
        ),
        ErrorCode.CODE_USED: Text(
            "注册码已被使用过，每个注册码只能使用一次。",
            "The enrollment code was already used; each code works once.",
        ),
    }
    return EnrollRefused(code, texts[code])


@dataclass(frozen=True)
class _Claim:
    """A code that may be used: its hash, hall and window, and `retry_of` when it was used
    already by the very terminal asking again (its reply was lost on the way)."""

    code_hash: str
    hall: str
    window: int
    retry_of: str | None = None


def _claim_code(db: Database, conn: Connection, req: EnrollRequest) -> _Claim:
    """Unknown and expired codes refuse everyone; a used code refuses all but its user."""
    codes = db.t("enroll_codes")
    code_hash = _sha(normalise_code(req.code))
    row = conn.execute(select(codes).where(codes.c.code_hash == code_hash)).one_or_none()
    if row is None:
        raise _refuse(ErrorCode.CODE_UNKNOWN)
    if row.expires_at <= now_iso():
        raise _refuse(ErrorCode.CODE_EXPIRED)
    retry_of = None if row.used_at is None else _same_terminal(db, conn, row.used_by, req)
    return _Claim(code_hash, row.hall, row.window, retry_of)


def _same_terminal(db: Database, conn: Connection, used_by: str | None, req: EnrollRequest) -> str:
    """`used_by` when `req` comes from it again: the same public key AND the same code
    secret (derived from its private key, so knowing the public key is not enough), and not
    revoked since. Anyone else -- or a revoked terminal -- hears "code already used"."""
    terms = db.t("terminals")
    row = conn.execute(select(terms).where(terms.c.terminal_id == used_by)).one_or_none()
    same = (
        row is not None
        and row.revoked_at is None
        and hmac.compare_digest(row.public_key, req.public_key)
        and hmac.compare_digest(row.code_secret or "", req.code_secret)
    )
    if not same or used_by is None:
        raise _refuse(ErrorCode.CODE_USED)
    return used_by


def _free_terminal_id(db: Database, conn: Connection, proposed: str, public_key: str) -> str:
    """The proposed ID when nobody else has it (or it is this same key re-enrolling)."""
    terms = db.t("terminals")
    candidate = proposed
    while True:
        owner = conn.execute(
            select(terms.c.public_key).where(terms.c.terminal_id == candidate)
        ).scalar_one_or_none()
        if owner is None or owner == public_key:
            return candidate
        candidate = "".join(secrets.choice(ALPHABET) for _ in range(4))


def _renew_token(
    db: Database, conn: Connection, claim: _Claim, tid: str, token: str
) -> EnrollReply:
    """The enrollment again for the terminal that used the code: only its token changes;
    the rest of the reply is the one that was lost (a replacement's old key included)."""
    terms = db.t("terminals")
    conn.execute(update(terms).where(terms.c.terminal_id == tid).values(token_hash=_sha(token)))
    told = (
        replacement.replaced_key(db, conn, tid)
        if replacement.replaces(db, conn, claim.code_hash)
        else {}
    )
    told["last_receipt_no"] = replacement.highest_receipt(db, conn, tid)
    return EnrollReply(terminal_id=tid, token=token, hall=claim.hall, window=claim.window, **told)


def enroll(db: Database, req: EnrollRequest) -> EnrollReply:
    """Trade a valid code and the terminal's keys for a terminal ID and a fresh token."""
    Ed25519PublicKey.from_public_bytes(_decode32(req.public_key, "public_key"))
    _decode32(req.code_secret, "code_secret")
    token = secrets.token_urlsafe(32)  # 256 random bits
    terms, codes = db.t("terminals"), db.t("enroll_codes")
    with db.begin() as conn:
        claim = _claim_code(db, conn, req)
        if claim.retry_of is not None:  # the first reply was lost: a new token, same terminal
            return _renew_token(db, conn, claim, claim.retry_of, token)
        same = replacement.replaces(db, conn, claim.code_hash)  # a window moved to a new PC
        tid = same or _free_terminal_id(db, conn, req.proposed_terminal_id, req.public_key)
        told = replacement.keep_old_key(db, conn, tid) if same else {}
        told["last_receipt_no"] = replacement.highest_receipt(db, conn, tid)
        values = {
            "hall": claim.hall,
            "window": claim.window,
            "public_key": req.public_key,
            "code_secret": req.code_secret,
            "token_hash": _sha(token),
            "enrolled_at": now_iso(),
            "revoked_at": None,
            "revoked_reason": None,
        }
        done = conn.execute(update(terms).where(terms.c.terminal_id == tid).values(**values))
        if done.rowcount == 0:
            conn.execute(insert(terms).values(terminal_id=tid, **values))
        claimed = conn.execute(
            update(codes)
            .where(codes.c.code_hash == claim.code_hash, codes.c.used_at.is_(None))
            .values(used_at=now_iso(), used_by=tid)
        )
        if claimed.rowcount != 1:  # another request won the race for the same code
            raise _refuse(ErrorCode.CODE_USED)
    return EnrollReply(terminal_id=tid, token=token, hall=claim.hall, window=claim.window, **told)


def authenticate(db: Database, token: str) -> TerminalInfo:
    """The terminal a Bearer token belongs to; unknown -> 401, revoked -> 403 with reason."""
    with db.begin() as conn:
        return authenticate_in(db, conn, token)


def authenticate_in(db: Database, conn: Connection, token: str) -> TerminalInfo:
    """`authenticate` inside the caller's transaction: a push checks its token, the hall's
    materials and stores its batch on one pooled connection (each checkout costs a ping,
    a BEGIN and a COMMIT round trip; a push took three)."""
    terms = db.t("terminals")
    row = conn.execute(select(terms).where(terms.c.token_hash == _sha(token))).one_or_none()
    if row is None:
        raise Unauthorized()
    if row.revoked_at is not None:
        raise TerminalRevoked(row.terminal_id, row.revoked_reason or "-")
    return TerminalInfo(row.terminal_id, row.hall, row.window)


def revoke(db: Database, terminal_id: str, reason: str) -> None:
    """Refuse every request of `terminal_id` from now on, telling its clerk `reason`."""
    terms = db.t("terminals")
    with db.begin() as conn:
        done = conn.execute(
            update(terms)
            .where(terms.c.terminal_id == terminal_id.upper())
            .values(revoked_at=now_iso(), revoked_reason=reason)
        )
    if done.rowcount == 0:
        raise NotFound(Text(f"没有终端 {terminal_id}。", f"No terminal {terminal_id}."))


def list_terminals(db: Database) -> list[dict[str, object]]:
    """Every terminal with its hall, window, state and last audit head (for the CLI)."""
    terms = db.t("terminals")
    cols = [c for c in terms.c if c.name not in ("token_hash", "code_secret", "public_key")]
    with db.begin() as conn:
        rows = conn.execute(select(*cols).order_by(terms.c.terminal_id)).mappings().all()
    return [dict(r) for r in rows]
