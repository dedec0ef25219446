"""Shared by the pages tests: the applicant, a settable clock, HTTP helpers."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime

import httpx

from counter_app.store.submissions import load_submission
from counter_app.terminal import Terminal
from printing import qr_payload
from sync.receipt_numbers import display_receipt_no

HALL = "南昌市民中心"
CLERK, PASSWORD = "C001", "counter-pass-1"
STAFF, STAFF_PASSWORD = "reviewer", "office-pass-123"
PERSON = {"kind": "person", "id_no": "11010519491231002X", "name": "王小明", "phone": "13800138000"}
PERSONAL = (PERSON["name"], PERSON["id_no"], PERSON["phone"], "王", "138001")


class Clock:
    """The terminal's clock, set by the test."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def pdf(tag: str, size: int = 2000) -> bytes:
    """A distinct small PDF-looking file (the store sniffs the %PDF- magic)."""
    body = hashlib.sha256(tag.encode()).hexdigest().encode() * (size // 64 + 1)
    return b"%PDF-1.4\n" + body[:size]


def plain_client(**kwargs: object) -> httpx.Client:
    """No proxies from the environment, short timeouts, cookies kept per client."""
    return httpx.Client(timeout=httpx.Timeout(10.0), trust_env=False, **kwargs)  # type: ignore[arg-type]


def tracking_path(terminal: Terminal, receipt_no: str, with_payload: bool = True) -> str:
    """The QR's path and query, as the receipt prints it (without the host)."""
    sub = load_submission(terminal.store, receipt_no)
    key, tid = terminal.private_key(), terminal.terminal_id
    payload = qr_payload.sign_payload(key, receipt_no, sub.service_code, sub.accepted_at, tid)
    url = qr_payload.qr_url(
        "", display_receipt_no(receipt_no), code_of(terminal, receipt_no), payload
    )
    return url if with_payload else url.split("&p=")[0]


def code_of(terminal: Terminal, receipt_no: str) -> str:
    return qr_payload.tracking_code(terminal.code_secret(), receipt_no)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert found, "no CSRF field in the page"
    return found.group(1)
