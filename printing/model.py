"""What a receipt or notice shows: everything the printer needs and nothing from the database.

`ReceiptData` is built by the terminal (counter_app.intake.receipts) from its store and handed to a
layout or back-end; printing never reads the store. Personal data arrives already masked, so
no layout can print more of it than the masking helpers here allow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from forms.text import Text
from printing.errors import ReceiptDataError

#: The papers a receipt is laid out for (`printing.render` draws them).
PAPERS: tuple[str, ...] = ("a4", "80mm")

Kind = Literal["acceptance", "notice"]
KINDS: tuple[str, ...] = ("acceptance", "notice")


def mask_name(name: str) -> str:
    """Keep the first and last character, star the middle: 张三明 -> 张*明, 张三 -> 张*.

    A receipt lies on counters and in bins; the full name is not needed to recognise it.
    """
    name = name.strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_identifier(identifier: str) -> str:
    """Star all but the last four characters (an ID number is the key to a person's data)."""
    identifier = identifier.strip()
    if len(identifier) <= 4:
        return identifier
    return "*" * (len(identifier) - 4) + identifier[-4:]


@dataclass(frozen=True, slots=True)
class Material:
    """A material received at the counter; `reused` when it came from an earlier application."""

    name: Text
    reused: bool = False


@dataclass(frozen=True, slots=True)
class MissingMaterial:
    """A material the one-time notice asks for, and why (missing, expired, unreadable...)."""

    name: Text
    reason: Text


@dataclass(frozen=True, slots=True)
class ReceiptData:
    """One acceptance receipt or one-time notice, ready to draw.

    `tracking_url` is the whole URL the QR carries (with `c=` and `p=`); the paper prints
    `short_address` (the portal's `/t` page) for typing instead. `verification_code` is the
    typed form ("abcd-efgh-ijkl") a citizen enters on that page. Name and identifier must be
    masked already (`mask_name`, `mask_identifier`).
    """

    kind: Kind
    hall: str
    window: str
    receipt_no: str
    item_name: Text
    department: Text
    applicant_name: str
    applicant_id: str
    accepted_at: datetime
    promised_date: date
    fee: str
    clerk_id: str
    tracking_url: str
    verification_code: str
    materials: tuple[Material, ...] = ()
    missing: tuple[MissingMaterial, ...] = ()
    come_back: Text = field(default_factory=lambda: Text("", ""))
    signature_png: bytes | None = None
    duplicate: bool = False
    #: Set when no platform is known yet: printed instead of the tracking address.
    offline_note: Text | None = None
    settled_on_the_spot: bool = False  # 即办件: accepted and settled in one step
    seal_png: bytes | None = None  # the hall's seal, on a one-time notice (行政许可法 §32)
    due_provisional: bool = False  # the promised date may move (holidays not yet published)
    #: A supplement taken at this window for another window's application (issue 16): whose.
    taken_for: Text | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ReceiptDataError(
                Text(f"未知的回执类型：{self.kind}", f"Unknown receipt kind: {self.kind}")
            )
        if self.accepted_at.tzinfo is None:
            raise ReceiptDataError(Text("受理时间缺少时区", "The acceptance time has no time zone"))

    @property
    def is_notice(self) -> bool:
        return self.kind == "notice"

    @property
    def short_address(self) -> str:
        """Where a person types the receipt number and the code: the portal's `/t` page
        (the QR's URL up to its `/t/`), short enough to copy from paper."""
        return self.tracking_url[: self.tracking_url.rindex("/t/")] + "/t"
