"""Electronic licences (电子证照, issue 16): what the platform keeps when the back office
settles an application with a result document, and the questions asked of it later.

A licence is the catalog data of GB/T 36902 (电子证照 目录信息规范: 证照名称, 证照编号,
证照类型代码, 持证主体 and its code, 发证机构 and its code, 发证日期, 有效期), the
application it settled, and its document in the material store (by SHA-256). It is `valid`
until the back office revokes it (注销, with a reason); a revoked or expired licence is never
offered as a material and never downloaded from the tracking page. Issuing lives with the
back office (`portal.pages.licence_issue`); this module only reads and revokes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, select, update

from forms.errors import IdentifierError
from forms.model import ServiceItem
from forms.text import Text
from portal.db import Database, now_iso
from portal.errors import Invalid, NotFound
from printing.model import mask_identifier
from sync.lookup import IdType, LicenceInfo, ReusableMaterial, id_type_of, normalised_id

VALID, REVOKED = "valid", "revoked"
STATE_LABELS = {VALID: Text("有效", "valid"), REVOKED: Text("已注销", "revoked")}
#: 持证主体代码类型 as the lookup's wire model names them (`sync.lookup.IdType`).
ID_TYPE_LABELS: dict[str, Text] = {
    "resident_id": Text("公民身份号码", "resident ID number"),
    "uscc": Text("统一社会信用代码", "unified social credit code"),
}
NO_LICENCE = Text("本申请没有有效的电子证照。", "This application has no valid licence.")
NEED_REASON = Text("请写明注销原因。", "Please say why the licence is revoked.")


@dataclass(frozen=True, slots=True)
class Licence:
    """One licence as stored (dates are hall-local days)."""

    licence_id: str
    app_uuid: str
    hall: str
    service_code: str
    name: str
    number: str
    type_code: str
    holder: str
    holder_id_type: str
    holder_id_no: str
    issuer: str
    issuer_code: str
    issued_on: date
    valid_from: date
    valid_until: date | None
    sha256: str
    size: int
    status: str
    issued_by: str
    revoked_reason: str | None

    def valid_on(self, day: date) -> bool:
        """Usable as a material on `day`: not revoked and within its validity."""
        ended = self.valid_until is not None and self.valid_until < day
        return self.status == VALID and self.valid_from <= day and not ended

    @property
    def state(self) -> Text:
        return STATE_LABELS.get(self.status, Text(self.status, self.status))

    @property
    def holder_id_label(self) -> Text:
        return ID_TYPE_LABELS.get(self.holder_id_type, Text(self.holder_id_type, ""))

    @property
    def masked_holder_id(self) -> str:
        """The holder's code as the receipt masks it (`printing.model.mask_identifier`): all a
        public page shows of the holder, who is always the applicant."""
        return mask_identifier(self.holder_id_no)


def licence_of(row: Any) -> Licence:
    """A stored licence row (or any object with its columns as attributes) as a Licence."""
    values = {k: getattr(row, k) for k in Licence.__slots__}
    for key in ("issued_on", "valid_from", "valid_until"):
        values[key] = date.fromisoformat(values[key]) if values[key] else None
    return Licence(**values)


def of_application(conn: Connection, db: Database, uuid: str) -> Licence | None:
    """The application's newest licence (valid or revoked), None when it has none."""
    table = db.t("licences")
    query = select(table).where(table.c.app_uuid == uuid)
    row = conn.execute(query.order_by(table.c.issued_at.desc()).limit(1)).first()
    return licence_of(row) if row is not None else None


def valid_of_application(conn: Connection, db: Database, uuid: str) -> Licence | None:
    found = of_application(conn, db, uuid)
    return found if found is not None and found.status == VALID else None


def holder_code(applicant: dict[str, Any]) -> tuple[IdType, str]:
    """(持证主体代码类型, 持证主体代码) of an application's applicant, the code in the form
    the lookup files it under (`sync.lookup.normalised_id`; as given when it is not one)."""
    id_type = id_type_of(str(applicant.get("kind", "person")))
    given = str(applicant.get("id_no", "")).strip().upper()
    try:
        return id_type, normalised_id(id_type, given)
    except IdentifierError:
        return id_type, given


def types_taken(item: ServiceItem) -> set[str]:
    """The licence types an item's materials take (`licence_type` in its definition)."""
    return {m.licence_type for m in item.materials if m.licence_type}


def held_by(
    conn: Connection,
    db: Database,
    holder: tuple[str, str],
    type_codes: set[str] | None,
    day: date,
    hall: str | None = None,
) -> list[Licence]:
    """The licences valid on `day` that `holder` (id type, code) holds, newest first: of
    `type_codes` (None: every type), issued for applications of `hall` (None: any hall)."""
    table = db.t("licences")
    query = select(table).where(
        table.c.holder_id_type == holder[0],
        table.c.holder_id_no == holder[1],
        table.c.status == VALID,
    )
    if type_codes is not None:
        query = query.where(table.c.type_code.in_(sorted(type_codes)))
    if hall is not None:
        query = query.where(table.c.hall == hall)
    rows = conn.execute(query.order_by(table.c.issued_at.desc())).all()
    return [lic for lic in map(licence_of, rows) if lic.valid_on(day)]


def offer(lic: Licence) -> ReusableMaterial:
    """A licence as a lookup offers it: `material_code` is its type code (the item's
    definition maps its materials to types), the provenance is the issuing platform."""
    info = LicenceInfo(
        name=lic.name,
        number=lic.number,
        type_code=lic.type_code,
        holder=lic.holder,
        holder_id_type="resident_id" if lic.holder_id_type == "resident_id" else "uscc",
        holder_id_no=lic.holder_id_no,
        issuer=lic.issuer,
        issuer_code=lic.issuer_code,
        valid_from=lic.valid_from,
        valid_until=lic.valid_until,
    )
    return ReusableMaterial(
        kind="licence",
        material_code=lic.type_code,
        title=lic.name,
        sha256=lic.sha256,
        size=lic.size,
        content_type="application/pdf",
        hall_id=lic.hall,
        service_code=lic.service_code,
        given_on=lic.issued_on,
        valid_until=lic.valid_until,
        licence=info,
    )


def licence_offers(
    conn: Connection,
    db: Database,
    holder: tuple[str, str],
    type_codes: set[str] | None,
    day: date,
    hall: str | None = None,
) -> list[tuple[ReusableMaterial, str]]:
    """(offer, the application it settled) for each licence `held_by` returns: what the
    lookup adds to the copies (`portal.lookup.offers`)."""
    return [(offer(lic), lic.app_uuid) for lic in held_by(conn, db, holder, type_codes, day, hall)]


def revoke(db: Database, uuid: str, reason: str, actor: str) -> Licence:
    """Revoke (注销) the application's valid licence; it is offered and served no more."""
    reason = reason.strip()
    if not reason:
        raise Invalid(NEED_REASON)
    table = db.t("licences")
    with db.begin() as conn:
        found = valid_of_application(conn, db, uuid)
        if found is None:
            raise NotFound(NO_LICENCE)
        conn.execute(
            update(table)
            .where(table.c.licence_id == found.licence_id)
            .values(status=REVOKED, revoked_at=now_iso(), revoked_by=actor, revoked_reason=reason)
        )
        return of_application(conn, db, uuid) or found
