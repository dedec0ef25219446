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

from sqlalchemy import Connection, Row, select, update

from forms.text import Text
from portal.db import Database, now_iso
from portal.errors import Invalid, NotFound

VALID, REVOKED = "valid", "revoked"
STATE_LABELS = {VALID: Text("有效", "valid"), REVOKED: Text("已注销", "revoked")}
#: 持证主体代码类型 as the lookup's wire model names them (`sync.lookup.IdType`).
ID_TYPE_LABELS = {
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
    def masked_holder(self) -> str:
        """The holder as a public page may show it: first character, then stars."""
        return self.holder[:1] + "*" * max(len(self.holder) - 1, 1)

    @property
    def masked_holder_id(self) -> str:
        """First 4 and last 4 characters of the holder's code, stars between."""
        n = self.holder_id_no
        return n[:4] + "*" * max(len(n) - 8, 0) + n[-4:] if len(n) > 8 else "*" * len(n)


def _licence(row: Row[Any]) -> Licence:
    values = {k: getattr(row, k) for k in Licence.__slots__}
    for key in ("issued_on", "valid_from", "valid_until"):
        values[key] = date.fromisoformat(values[key]) if values[key] else None
    return Licence(**values)


def of_application(conn: Connection, db: Database, uuid: str) -> Licence | None:
    """The application's newest licence (valid or revoked), None when it has none."""
    table = db.t("licences")
    query = select(table).where(table.c.app_uuid == uuid)
    row = conn.execute(query.order_by(table.c.issued_at.desc()).limit(1)).first()
    return _licence(row) if row is not None else None


def valid_of_application(conn: Connection, db: Database, uuid: str) -> Licence | None:
    found = of_application(conn, db, uuid)
    return found if found is not None and found.status == VALID else None


def held_by(
    db: Database, id_type: str, id_no: str, type_codes: set[str], day: date
) -> list[Licence]:
    """The valid licences of these types that this holder holds on `day`, newest first."""
    if not type_codes:
        return []
    table = db.t("licences")
    query = select(table).where(
        table.c.holder_id_type == id_type,
        table.c.holder_id_no == id_no,
        table.c.status == VALID,
        table.c.type_code.in_(sorted(type_codes)),
    )
    with db.begin() as conn:
        rows = conn.execute(query.order_by(table.c.issued_at.desc())).all()
    return [lic for lic in map(_licence, rows) if lic.valid_on(day)]


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
