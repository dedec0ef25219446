"""`lookup`: what the tracking page may show, on SQLite and PostgreSQL, without HTTP."""

from __future__ import annotations

import base64
import os
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from portal import enrollment
from portal.db import Database
from portal.pages.tracking import lookup
from printing import qr_payload
from sync.protocol import EnrollRequest
from sync.receipt_numbers import display_receipt_no

ACCEPTED = datetime(2026, 11, 26, 6, 5, tzinfo=UTC)
RECEIPT = "0K37QXM0048"  # terminal 7QXM's 4th receipt of its day, with its check character


class FakeTerminal:
    """The two secrets a real terminal holds, enrolled on the platform for real."""

    def __init__(self, db: Database, terminal_id: str = "7QXM") -> None:
        self.key = Ed25519PrivateKey.generate()
        self.secret = os.urandom(32)
        raw = self.key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        code = enrollment.issue_code(db, "南昌市民中心", 3, timedelta(hours=1))
        req = EnrollRequest(
            code=code,
            public_key=base64.b64encode(raw).decode(),
            code_secret=base64.b64encode(self.secret).decode(),
            proposed_terminal_id=terminal_id,
        )
        self.terminal_id = enrollment.enroll(db, req).terminal_id

    def payload(self, receipt: str = RECEIPT, item: str = "PAGE-001") -> str:
        return qr_payload.sign_payload(self.key, receipt, item, ACCEPTED, receipt[3:7])

    def code(self, receipt: str = RECEIPT) -> str:
        return qr_payload.tracking_code(self.secret, receipt)


@pytest.fixture
def term(db: Database) -> FakeTerminal:
    return FakeTerminal(db)


def test_a_genuine_payload_shows_the_receipt_on_its_way(db: Database, term: FakeTerminal) -> None:
    found = lookup(db, display_receipt_no(RECEIPT), term.code(), term.payload())
    assert found is not None and not found.on_platform and not found.can_rate
    assert found.receipt_no == "0K3-7QXM-004-8"
    assert found.accepted_on.isoformat() == "2026-11-26"  # 14:05 in the hall
    assert found.item.zh == "PAGE-001"  # no catalog published: the code stands in
    assert [s.status for s in found.steps] == ["received"]


def test_the_typed_code_works_with_a_payload_too(db: Database, term: FakeTerminal) -> None:
    typed = qr_payload.typed_code(term.secret, RECEIPT)
    assert lookup(db, RECEIPT.lower(), typed, term.payload()) is not None


@pytest.mark.parametrize(
    "case", ["wrong code", "other receipt's payload", "unknown terminal", "no code", "garbage"]
)
def test_refusals_are_all_none(db: Database, term: FakeTerminal, case: str) -> None:
    other = "0K37QXM005A"
    stranger = "0K3ABCD0047"
    args = {
        "wrong code": (RECEIPT, term.code(other), term.payload()),
        "other receipt's payload": (RECEIPT, term.code(), term.payload(other)),
        "unknown terminal": (stranger, term.code(stranger), term.payload(stranger)),
        "no code": (RECEIPT, "", term.payload()),
        "garbage": (RECEIPT, term.code(), "!!not-base64!!"),
    }[case]
    assert lookup(db, *args) is None


def test_a_number_failing_its_check_finds_nothing_even_with_a_good_code(db: Database) -> None:
    term = FakeTerminal(db)
    swapped = RECEIPT[:4] + RECEIPT[5] + RECEIPT[4] + RECEIPT[6:]  # neighbours swapped
    assert lookup(db, RECEIPT, term.code(), term.payload()) is not None
    assert lookup(db, swapped, term.code(swapped), term.payload(swapped)) is None


def _push(db: Database, term: FakeTerminal, receipt: str = RECEIPT) -> str:
    """Store an application as the terminal's push would (no materials)."""
    from portal.enrollment import TerminalInfo
    from portal.services import push
    from sync.canonical import content_hash
    from sync.protocol import ApplicationIn, Outcome, PushRequest

    data = {
        "uuid": f"uuid-{receipt}",
        "receipt_no": receipt,
        "kind": "acceptance",
        "service_code": "PAGE-001",
        "service_version": 1,
        "hall": "南昌市民中心",
        "window": "3",
        "clerk_id": "C001",
        "accepted_at": ACCEPTED.isoformat(),
        "due_date": "2026-12-03",
        "status": "received",
        "answers": {"shop": "老王面馆"},
        "applicant": {"kind": "person", "id_no": "11010519491231002X", "name": "王小明"},
        "content_hash": "0" * 64,
    }
    data["content_hash"] = content_hash(ApplicationIn.model_validate(data))
    info = TerminalInfo(term.terminal_id, "南昌市民中心", 3)
    reply = push(db, info, PushRequest(applications=[ApplicationIn.model_validate(data)]), set())
    assert reply.results[0].outcome is Outcome.STORED
    return str(data["uuid"])


def test_the_whole_platform_side_on_both_databases(db: Database, term: FakeTerminal) -> None:
    """Lookup, status, rating, the back-office list and open data run the same queries on
    SQLite and PostgreSQL."""
    from datetime import date

    from portal.pages import office_data, opendata, ratings
    from portal.pages.office_paging import Filters
    from portal.services import set_status

    _push(db, term)
    shown = lookup(db, RECEIPT, term.code())
    assert shown is not None and shown.on_platform and shown.promised == date(2026, 12, 3)
    set_status(db, RECEIPT, "approved", "准予登记")
    shown = lookup(db, RECEIPT, term.code())
    assert shown is not None and shown.can_rate and shown.steps[-1].note == "准予登记"
    ratings.rate(db, shown, 5, "")  # 非常不满意: opens a 差评整改 case
    page = office_data.applications(db, Filters(status="approved"), date(2026, 12, 1))
    assert [(x.receipt_no, x.applicant, x.overdue) for x in page.lines] == [
        ("0K3-7QXM-004-8", "王小明", False)
    ]
    query = opendata.StatsQuery(date(2026, 11, 1), date(2026, 11, 30), "month")
    (row,) = opendata.stats(db, query, now=date(2026, 12, 1))
    assert (row["date"], row["received"], row["settled"], row["code_5"]) == ("2026-11", 1, 1, 1)
    assert (row["bad_ratings"], row["rectify_due"], row["satisfaction_rate"]) == (1, 0, 0.0)
