"""What the window gets from the desk: plain frozen dataclasses, no dicts."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

from forms.text import Text

if TYPE_CHECKING:
    from forms.model import MaterialSpec


class Draft(Protocol):
    """What the window's intake draft gives the desk to accept."""

    @property
    def service_code(self) -> str: ...
    @property
    def service_version(self) -> int | None: ...
    @property
    def draft_id(self) -> str: ...
    @property
    def applicant(self) -> Mapping[str, str]: ...
    @property
    def answers(self) -> Mapping[str, object]: ...
    @property
    def attachments(self) -> Mapping[str, list[str]]: ...
    @property
    def reuse(self) -> Collection[str]: ...
    @property
    def deferred(self) -> Mapping[str, list[str]]: ...  # 容缺: material code -> [form, due]

    def signature_png(self) -> bytes | None: ...


class DemoLogins(Protocol):
    """A demo terminal's logins, shown on the login page (the entry point prepares it)."""

    @property
    def credentials(self) -> Sequence[tuple[str, str, str]]: ...  # clerk ID, password, role


@dataclass(frozen=True, slots=True)
class Identity:
    """The terminal as the title bar shows it."""

    hall: str
    window: str
    terminal_id: str
    enrolled: bool
    timezone: str  # the hall's: every time the window shows


@dataclass(frozen=True, slots=True)
class Known:
    """What the terminal knows of an applicant: to fill in, and materials to reuse."""

    name: str
    phone: str
    answers: dict[str, object]  # the answers they gave last time for this item
    materials: tuple[str, ...]  # codes of materials on file


@dataclass(frozen=True, slots=True)
class Row:
    """One application as the home page lists it (personal data already masked)."""

    receipt_no: str
    service_code: str
    item_name: Text
    applicant: str
    status: str
    due_date: str
    sync_state: str
    accepted_at: str


@dataclass(frozen=True, slots=True)
class Step:
    at: str  # hall-local, "YYYY-MM-DD HH:MM"
    status: str
    source: str
    note: Text | str  # a supplement's note is read for people (`desk.hall.step_note`)


@dataclass(frozen=True, slots=True)
class Given:
    name: Text
    reused: bool


@dataclass(frozen=True, slots=True)
class Detail:
    """One application for the detail page (applicant masked)."""

    receipt_no: str
    kind: str
    status: str
    item_name: Text
    applicant: str
    due_date: date | None
    events: tuple[Step, ...]
    materials: tuple[Given, ...]
    missing: tuple[Text, ...]
    missing_specs: tuple[MaterialSpec, ...]


@dataclass(frozen=True, slots=True)
class Numbers:
    """One day's (or a period's) numbers, as shown."""

    day: str
    received: int
    accepted: int
    notices: int
    settled: int
    on_time: int
    overdue: int
    ratings: int
    satisfaction: str  # share of satisfied ratings, "87%", or "-" without ratings
    rating_rate: str  # share of applications rated, "40%", or "-"
    bad: int  # 不满意/非常不满意 ratings


@dataclass(frozen=True, slots=True)
class RatingRow:
    """好差评 figures of one window, item or clerk over the period (as open data counts)."""

    group: str  # "window" | "item" | "clerk"
    key: str
    ratings: int
    rating_rate: float | None
    satisfaction_rate: float | None
    bad_ratings: int


@dataclass(frozen=True, slots=True)
class Period:
    totals: Numbers
    days: tuple[Numbers, ...]
    ratings: tuple[RatingRow, ...] = ()
    age: Mapping[str, float] = field(default_factory=dict)  # `sync.age_report` columns


@dataclass(frozen=True, slots=True)
class SyncStatus:
    waiting: int
    oldest: datetime | None
    enrolled: bool
    clock: Text | None = None  # what is wrong with this clock (`sync.clock`), for the clerk


@dataclass(frozen=True, slots=True)
class Overview:
    """The administration page: where the terminal is enrolled, its catalog and clerks."""

    portal_url: str
    catalog: tuple[str, ...]
    clerks: tuple[str, ...]
