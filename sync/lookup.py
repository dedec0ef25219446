"""The "one number" lookup on the wire: what a terminal asks the platform about the applicant
at its counter, and what it is offered back. One home for terminal and platform.

A lookup names exactly one applicant (a resident ID or a unified social credit code, checked
with the same `forms.validators` the applicant step uses, so a number the clerk could not
save is refused before it leaves the terminal), the application it is for (its receipt
number, or the draft id while it has none yet), the clerk, and the proof that the citizen
present agreed: how (on the citizen screen, or the clerk ticked "citizen agreed/signed" where
the window has no citizen screen) and when. The reply offers the applicant's reusable
materials, each with its provenance (hall, terminal, window, item, date) and its validity,
and the profile last given (name, phone, address, each with where and when).

An offer is a copy a citizen gave at some window (`kind="copy"`) or an electronic licence
(电子证照, `kind="licence"`) the platform keeps from a settled application; a licence carries
its catalog data as GB/T 36902 (电子证照 目录信息规范) names it, in `LicenceInfo`.
Offered files are fetched by content address (`material_path`) and checked against it.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field, model_validator

from forms.errors import IdentifierError
from forms.validators import parse_resident_id, parse_uscc
from sync.protocol import API_PREFIX, Name, Reply, Request, Sha256, TerminalId

#: POST: one applicant's offers. GET `material_path(sha256)`: one offered file.
LOOKUP_PATH = f"{API_PREFIX}/lookup"
#: The most offers one reply carries (newest first); a citizen with more sees the newest.
MAX_OFFERS = 200

#: 持证主体代码类型: a person's resident ID (GB 11643) or a company's credit code (GB 32100).
IdType = Literal["resident_id", "uscc"]
#: How the citizen agreed: confirmed on the citizen screen, or (no citizen screen at this
#: window) the clerk ticked that the citizen agreed or signed.
ConsentMethod = Literal["citizen_screen", "clerk_attested"]
#: The platform setting that decides whose materials a lookup sees.
Scope = Literal["hall", "city"]
Code = Annotated[str, Field(min_length=1, max_length=64)]
Short = Annotated[str, Field(max_length=200)]


def material_path(sha256: str) -> str:
    """The download route of an offered file (only for a terminal it was offered to)."""
    return f"{LOOKUP_PATH}/materials/{sha256}"


def id_type_of(applicant_kind: str) -> IdType:
    """The identifier type of an applicant kind ("person" or "company")."""
    return "resident_id" if applicant_kind == "person" else "uscc"


def normalised_id(id_type: IdType, id_no: str) -> str:
    """`id_no` in the form the store files it under; raises `IdentifierError` (zh/en) for a
    number that is not a valid identifier of that type."""
    if id_type == "resident_id":
        return parse_resident_id(id_no).number
    return parse_uscc(id_no).code


class ConsentProof(Request):
    """How and when the citizen present agreed to the lookup."""

    method: ConsentMethod
    at: AwareDatetime


class LookupRequest(Request):
    """POST /api/v1/lookup: one applicant, for one application, by one clerk, with consent.

    One identifier per request by construction (no list, no pattern): bulk lookups cannot be
    expressed. `id_no` is validated and normalised here, on both ends."""

    id_type: IdType
    id_no: Annotated[str, Field(min_length=1, max_length=64)]
    receipt_no: Annotated[str, Field(min_length=4, max_length=32)] | None = None
    draft_id: Annotated[str, Field(min_length=8, max_length=64)] | None = None
    service_code: Code | None = None  # the item the application is for (the citizen sees it)
    clerk_id: Code
    consent: ConsentProof

    @model_validator(mode="after")
    def _one_applicant_one_application(self) -> LookupRequest:
        if (self.receipt_no is None) == (self.draft_id is None):
            raise ValueError("a lookup is for one application: a receipt number or a draft id")
        try:
            self.id_no = normalised_id(self.id_type, self.id_no)
        except IdentifierError as exc:
            raise ValueError(exc.text.en) from None
        return self

    @property
    def application(self) -> str:
        """The application the lookup is for, as the trails record it."""
        return self.receipt_no or self.draft_id or ""


class LicenceInfo(Reply):
    """The catalog data of an electronic licence (GB/T 36902 目录信息)."""

    name: Name  # 证照名称
    number: Annotated[str, Field(min_length=1, max_length=100)]  # 证照编号
    type_code: Code  # 证照类型代码
    holder: Name  # 持证主体
    holder_id_type: IdType  # 持证主体代码类型
    holder_id_no: Code  # 持证主体代码
    issuer: Name  # 发证机构
    issuer_code: Code  # 发证机构代码
    valid_from: date  # 有效期起始日期
    valid_until: date | None = None  # 有效期截止日期 (None: 长期)


class ReusableMaterial(Reply):
    """One offer: a file the applicant gave (or was issued) before, and where it came from.

    `material_code` is the item material the copy was given for, or for a licence its type
    code (an item's definition maps its materials to licence types). `valid_until` is the
    document's own validity (an ID card's expiry, a licence's end), None when unknown or
    unlimited; an expired offer is shown marked and is never preselected."""

    kind: Literal["copy", "licence"]
    material_code: Code
    title: Short
    sha256: Sha256
    size: Annotated[int, Field(ge=0)]
    content_type: Annotated[str, Field(max_length=100)]
    hall_id: Short  # provenance: the hall ...
    terminal_id: TerminalId | None = None  # ... the terminal (None: issued by the platform)
    window: Annotated[str, Field(max_length=20)] = ""  # ... its window
    service_code: Code  # ... the item it was given for
    given_on: date  # ... and the hall's day it was given (or issued)
    valid_until: date | None = None
    licence: LicenceInfo | None = None

    @model_validator(mode="after")
    def _licence_has_its_data(self) -> ReusableMaterial:
        if (self.kind == "licence") != (self.licence is not None):
            raise ValueError("a licence offer carries its catalog data, a copy none")
        return self

    def expired(self, today: date) -> bool:
        """True once the document's validity ended before `today` (the hall's day)."""
        return self.valid_until is not None and self.valid_until < today


class ProfileValue(Reply):
    """One profile field as last given, with where and when."""

    value: Short
    hall_id: Short
    terminal_id: str | None = None
    given_on: date


class Profile(Reply):
    """The applicant's contact data as last given anywhere in the scope (None: never)."""

    name: ProfileValue | None = None
    phone: ProfileValue | None = None
    address: ProfileValue | None = None

    def filled(self) -> dict[str, str]:
        """The fields that have a value, by name (what the applicant step may fill)."""
        values = {"name": self.name, "phone": self.phone, "address": self.address}
        return {key: v.value for key, v in values.items() if v is not None and v.value}


class LookupReply(Reply):
    """What the platform offers: the profile, the materials (newest first) and the scope it
    searched. Files may be fetched until `download_until`, by this terminal only."""

    scope: Scope
    profile: Profile = Field(default_factory=Profile)
    materials: list[ReusableMaterial] = Field(default_factory=list)
    download_until: AwareDatetime | None = None

    def offers_for(self, material_code: str) -> list[ReusableMaterial]:
        """The offers given for one material code."""
        return [m for m in self.materials if m.material_code == material_code]
