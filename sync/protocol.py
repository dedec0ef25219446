"""The sync wire protocol, version 1: the pydantic models both ends share.

The portal's FastAPI routes are typed with these models, so the OpenAPI document it serves
(/openapi.json) is generated from this one file, and the terminal parses every reply with the
same models: a reply that does not fit is a `sync.errors.ProtocolError`, never a half-read
record. Requests reject unknown fields (a typo is an error); replies ignore them, so an older
terminal keeps working against a newer platform.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Literal, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator
from pydantic import ModelWrapValidatorHandler as Handler

from forms.text import Text
from sync.ratings import Channel, Satisfaction, ServiceEvent
from sync.receipt_numbers import TERMINAL_ID_PATTERN
from sync.sound_json import sound_once
from sync.statuses import Status

API_PREFIX = "/api/v1"
#: The most applications (or status events) one push may carry.
MAX_BATCH = 100
#: The most hashes one "which are missing?" question may carry.
MAX_HASHES = 1000

Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
TerminalId = Annotated[str, Field(pattern=TERMINAL_ID_PATTERN)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
#: Integers the platform stores: within a signed 64-bit column (a larger one was a 500).
MAX_STORED_INT = 2**62


class Request(BaseModel):
    """A body the terminal sends: unknown fields are an error; so are text that is not
    Unicode and nesting deeper than `sync.sound_json.MAX_DEPTH`, anywhere in it."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="wrap")
    @classmethod
    def _sound_json(cls, data: Any, handler: Handler[Self]) -> Self:
        return sound_once(data, handler)  # the outermost Request checks the whole body


class Reply(BaseModel):
    """A body the platform sends: unknown fields are ignored (forward compatible)."""

    model_config = ConfigDict(extra="ignore")


class WireText(Reply):
    """A `forms.text.Text` on the wire."""

    zh: str
    en: str

    @classmethod
    def of(cls, text: Text) -> WireText:
        return cls(zh=text.zh, en=text.en)

    def text(self) -> Text:
        return Text(self.zh, self.en)


class ErrorCode(StrEnum):
    """`ErrorReply.error`: what the terminal branches on (the message is for people)."""

    INVALID = "invalid_request"
    UNAUTHORIZED = "unauthorized"
    REVOKED = "revoked"
    OTHER_HALL = "other_hall"
    NOT_FOUND = "not_found"
    CODE_UNKNOWN = "code_unknown"
    CODE_EXPIRED = "code_expired"
    CODE_USED = "code_used"
    TOO_LARGE = "too_large"
    UPLOAD_QUOTA = "upload_quota"
    RATE_LIMITED = "rate_limited"
    OFFSET_MISMATCH = "offset_mismatch"
    CHECKSUM_MISMATCH = "checksum_mismatch"
    BUSY = "busy"
    INTERNAL = "internal"


class ErrorReply(Reply):
    """Every non-2xx reply of /api/v1. 429 and 503 also carry a Retry-After header."""

    error: str
    message: WireText
    retry_after: int | None = None
    received: int | None = None  # OFFSET_MISMATCH: bytes the platform already holds


# --- enrollment -------------------------------------------------------------------------


class EnrollRequest(Request):
    """POST /api/v1/enroll (no token yet): a one-time code plus the terminal's keys."""

    code: Annotated[str, Field(min_length=4, max_length=64)]
    public_key: Annotated[str, Field(min_length=40, max_length=64)]  # base64, raw Ed25519
    code_secret: Annotated[str, Field(min_length=40, max_length=64)]  # base64, 32 bytes
    proposed_terminal_id: TerminalId


class EnrollReply(Reply):
    terminal_id: str
    token: str  # shown once; the platform keeps only its SHA-256
    hall: str
    window: int
    last_receipt_no: str = ""  # the highest held from this ID: number above it (issue 16)
    replaced_key: str = ""  # a replacement code: the old key's fingerprint, since when
    replaced_key_since: str = ""


# --- applications -----------------------------------------------------------------------


class Applicant(Request):
    """Personal data: goes only to the enrolled platform, never to a public page."""

    kind: Literal["person", "company"]
    id_no: Annotated[str, Field(min_length=1, max_length=64)]
    name: Name
    phone: Annotated[str, Field(max_length=32)] | None = None


class NoticeItemIn(Request):
    """A material the one-time notice asked for: missing, or given but wrong (with a note)."""

    code: Annotated[str, Field(min_length=1, max_length=64)]
    reason: Literal["missing", "wrong", "deferred"]  # deferred: 容缺, note {"form", "due"}
    note: Annotated[str, Field(max_length=2000)] = ""


class ApplicationIn(Request):
    """One application as the terminal pushes it. Idempotent by (uuid, revision, content)."""

    uuid: Annotated[str, Field(min_length=8, max_length=64)]
    revision: Annotated[int, Field(ge=1, le=MAX_STORED_INT)] = 1
    receipt_no: Annotated[str, Field(min_length=4, max_length=32)]
    kind: Literal["acceptance", "notice"]
    service_code: Annotated[str, Field(min_length=1, max_length=64)]
    service_version: Annotated[int, Field(ge=1, le=MAX_STORED_INT)]
    hall: Name
    window: Annotated[str, Field(max_length=20)]
    clerk_id: Annotated[str, Field(min_length=1, max_length=64)]
    accepted_at: AwareDatetime
    due_date: date | None = None
    status: Status
    answers: dict[str, Any]
    applicant: Applicant
    materials: dict[str, list[Sha256]] = Field(default_factory=dict)
    signature: Sha256 | None = None  # the applicant's signature image, uploaded like a material
    notice_items: list[NoticeItemIn] = Field(default_factory=list)
    notice_uuid: Annotated[str, Field(max_length=64)] | None = None  # the notice this completes
    signed_payload: Annotated[str, Field(max_length=2000)] | None = None
    content_hash: Sha256

    def files(self) -> list[str]:
        """Every file the platform must hold first: the materials and the signature."""
        hashes = [h for group in self.materials.values() for h in group]
        return list(dict.fromkeys(hashes + ([self.signature] if self.signature else [])))


class StatusEventIn(Request):
    """A status set at the counter (e.g. voided by a supervisor), idempotent by event_id."""

    event_id: Annotated[str, Field(min_length=1, max_length=80)]
    uuid: Annotated[str, Field(min_length=8, max_length=64)]
    status: Status
    note: Annotated[str, Field(max_length=2000)] = ""
    at: AwareDatetime


Region = Annotated[str, Field(pattern=r"^(\d{6}|\d{9}|\d{12})?$")]
Comment = Annotated[str, Field(max_length=1000)]
Stars = Annotated[int, Field(ge=1, le=5)]


class RatingIn(Request):
    """One 好差评 rating (GB/T 39046-2020 table 9) taken on the terminal's citizen screen.

    Idempotent by `event_id`, the rating's client-generated UUID. `code` is the standard's
    满意度代码 (1 = 非常满意); `rating` is the 1-5 STAR count a terminal from before the
    standard sends instead (5 stars = code 1), turned into the code on arrival.
    """

    event_id: Annotated[str, Field(min_length=1, max_length=80)]
    uuid: Annotated[str, Field(min_length=8, max_length=64)]  # the application (办件)
    code: Satisfaction | None = None
    rating: Stars | None = None
    channel: Channel = Channel.HALL_TERMINAL
    service_event: ServiceEvent = ServiceEvent.ACCEPTANCE
    count: Annotated[int, Field(ge=1, le=1000)] = 1  # 评价次数
    overall: Satisfaction | None = None  # 整体满意度
    efficiency: Satisfaction | None = None  # 服务效率
    level: Satisfaction | None = None  # 服务水平
    attitude: Satisfaction | None = None  # 服务态度
    comment: Comment = ""  # 文字评价
    region: Region = ""  # 行政区划 (the hall's region code)
    at: AwareDatetime  # 评价时间

    @model_validator(mode="after")
    def _standard_code(self) -> RatingIn:
        if self.code is None:
            if self.rating is None:
                raise ValueError("a rating needs its satisfaction code")
            self.code = Satisfaction.from_stars(self.rating)
        return self

    @property
    def satisfaction(self) -> Satisfaction:
        return self.code or Satisfaction.from_stars(self.rating or 0)


class ChainHead(Reply):
    """GET /api/v1/audit-head: the last audit chain head the calling terminal pushed, as
    the platform holds it (seq 0 and hash "" before any). `counter-app audit verify`
    compares it with the local chain: a chain cut or rewritten below it shows."""

    seq: int
    hash: str


class AuditHead(Request):
    """The head of the terminal's hash-chained audit log at push time, and an anchor: the
    terminal's hash now at the seq of the last head the platform confirmed. The platform
    keeps every (seq, hash) it was told; two different hashes for one seq mean the chain
    was rewritten below the anchor (`portal.audit_heads`)."""

    seq: Annotated[int, Field(ge=0, le=MAX_STORED_INT)]
    hash: Annotated[str, Field(min_length=1, max_length=128)]
    anchor_seq: Annotated[int, Field(ge=1, le=MAX_STORED_INT)] | None = None
    anchor_hash: Annotated[str, Field(max_length=128)] | None = None  # "" = entry is gone


class PushRequest(Request):
    """POST /api/v1/push."""

    applications: Annotated[list[ApplicationIn], Field(max_length=MAX_BATCH)] = Field(
        default_factory=list
    )
    events: Annotated[list[StatusEventIn], Field(max_length=MAX_BATCH)] = Field(
        default_factory=list
    )
    ratings: Annotated[list[RatingIn], Field(max_length=MAX_BATCH)] = Field(default_factory=list)
    audit_head: AuditHead | None = None


class Outcome(StrEnum):
    """What became of one pushed record. STORED and DUPLICATE clear the outbox entry;
    MISSING_MATERIALS is retried after uploading; CONFLICT and REJECTED are set aside."""

    STORED = "stored"
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"
    REJECTED = "rejected"
    MISSING_MATERIALS = "missing_materials"


class PushResult(Reply):
    uuid: str
    outcome: Outcome
    reason: WireText | None = None
    missing: list[str] = Field(default_factory=list)


class EventResult(Reply):
    """The fate of one status event or rating."""

    event_id: str
    outcome: Outcome
    reason: WireText | None = None


class PushReply(Reply):
    results: list[PushResult]
    event_results: list[EventResult] = Field(default_factory=list)


class ApplicationState(Reply):
    """GET /api/v1/applications/{receipt_no}: what the platform holds (own hall only)."""

    uuid: str
    receipt_no: str
    revision: int
    status: str
    hall: str
    terminal_id: str
    content_hash: str
    materials: dict[str, list[str]]
    # For another window of the hall to continue the case (issue 16; "" = not told):
    kind: str = ""
    window: str = ""
    service_code: str = ""
    service_version: int = 0
    applicant_name: str = ""  # masked (张*明): the window shows the case, not the person
    accepted_at: str = ""
    notice_items: list[NoticeItemIn] = Field(default_factory=list)
    supplied: list[str] = Field(default_factory=list)  # codes supplemented since
    supplement_asked: bool = False  # `sync.supplements.asks_supplement`


# --- materials --------------------------------------------------------------------------


class MissingRequest(Request):
    """POST /api/v1/materials/missing: which of these files does the platform lack?"""

    hashes: Annotated[list[Sha256], Field(max_length=MAX_HASHES)]


class MissingReply(Reply):
    missing: list[str]


class UploadState(Reply):
    """GET/PUT /api/v1/materials/{sha256}: how far an upload has got. `received` is where
    the next chunk starts; `complete` once the SHA-256 was checked and the file stored."""

    sha256: str
    received: int
    total: int | None = None
    complete: bool
    max_chunk: int | None = None  # the most bytes one PUT may carry on this platform


# --- changes ----------------------------------------------------------------------------


class StatusChange(Reply):
    """A status set on the platform; `remote_id` makes applying it idempotent."""

    remote_id: str
    uuid: str
    receipt_no: str
    status: str  # a newer platform may know states this terminal does not
    note: str = ""
    at: AwareDatetime
    #: The terminal and window that set it at a counter (None: the platform's staff).
    terminal_id: str | None = None
    window: str | None = None


class CatalogUpdate(Reply):
    """A published service item version; `definition` is `ServiceItem.to_dict()`."""

    code: str
    version: int
    definition: dict[str, Any]


class CalendarUpdate(Reply):
    """A year of the holiday calendar as the platform published it (`forms.workdays`
    year entry: holidays, make-up working weekend days, provisional, source)."""

    year: int
    entry: dict[str, Any]


class RatingChange(Reply):
    """A citizen's rating given on the platform (the tracking page: channel 二维码).

    `code` is the standard's 满意度代码; `rating` repeats it as stars for terminals from
    before the standard (they read only that). A reply without `code` is such an old one.
    """

    remote_id: str
    uuid: str
    receipt_no: str
    rating: Stars
    code: Satisfaction | None = None
    channel: Channel = Channel.QR_CODE
    service_event: ServiceEvent = ServiceEvent.SETTLEMENT
    count: int = 1
    at: AwareDatetime

    @property
    def satisfaction(self) -> Satisfaction:
        return Satisfaction(self.code) if self.code else Satisfaction.from_stars(self.rating)


class ChangesReply(Reply):
    """GET /api/v1/changes?cursor=N: everything after N, in order; ask again while `more`."""

    cursor: int
    statuses: list[StatusChange] = Field(default_factory=list)
    ratings: list[RatingChange] = Field(default_factory=list)
    catalog: list[CatalogUpdate] = Field(default_factory=list)
    calendar: list[CalendarUpdate] = Field(default_factory=list)
    more: bool = False
