"""Settling an application with a result (电子证照): the back office's licence form checked,
the document kept in the material store, the licence recorded, the status set.

The holder (持证主体) is always the application's applicant: the form shows the applicant's
code and refuses any other, so a licence can only ever be offered back to the person or
company who applied. A blank number is drawn (type code + issue day + 6 random digits); a
missing document is drawn by `portal.licence_pdf`. Every problem of a form is told at once,
in zh and en, and the form comes back with what was typed.

Order: check everything, keep the file, insert the licence, then `services.set_status` (the
one status path, so the owning terminal is told). Should the status be refused after all
(voided at the counter a moment ago), the licence row is deleted again.
"""

from __future__ import annotations

import json
import re
import secrets
import uuid as uuid_
from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import Connection, Row, delete, insert, select

from forms.schema_licences import TYPE_CODE_RE
from forms.text import Text
from portal import licence_pdf, services
from portal.db import Database, now_iso
from portal.errors import Invalid, PortalError
from portal.licences import (
    ID_TYPE_LABELS,
    VALID,
    Licence,
    holder_code,
    of_application,
    valid_of_application,
)
from portal.materials import MaterialStore
from portal.pages.tracking import definition, item_name
from portal.services import find_application
from sync.receipt_numbers import display_receipt_no
from sync.statuses import Status

#: The statuses an application may be settled with a result in.
RESULT_STATES = (Status.APPROVED, Status.READY_FOR_PICKUP, Status.DELIVERED)
_DAY_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_LIMITS = {"name": 200, "number": 100, "issuer": 200, "issuer_code": 64}
_LABELS = {
    "name": Text("证照名称", "licence name"),
    "type_code": Text("证照类型代码", "licence type code"),
    "number": Text("证照编号", "licence number"),
    "issuer": Text("发证机构", "issuing authority"),
    "issuer_code": Text("发证机构代码", "issuing authority's code"),
    "valid_from": Text("有效期起始日期", "valid from"),
    "valid_until": Text("有效期截止日期", "valid until"),
}
ALREADY = Text(
    "本申请已有有效的电子证照；如需重新颁发，请先注销原证照。",
    "This application already has a valid licence: revoke it before issuing another.",
)
NOT_PDF = Text("结果文件应为 PDF 文件。", "The result document must be a PDF file.")
BAD_STATE = Text(
    "颁发证照时，状态应为已批准、待领取或已办结送达。",
    "A licence is issued with the status approved, ready for pickup or delivered.",
)


@dataclass(frozen=True, slots=True)
class LicenceForm:
    """The back office's licence form, as typed (every value a string)."""

    status: str = Status.APPROVED.value
    note: str = ""
    name: str = ""
    type_code: str = ""
    number: str = ""
    issuer: str = ""
    issuer_code: str = ""
    valid_from: str = ""
    valid_until: str = ""
    holder_id_no: str = ""


def application_uuid(db: Database, receipt_no: str) -> str:
    """The UUID of the application with this receipt number (NotFound otherwise)."""
    with db.begin() as conn:
        return str(find_application(conn, db, receipt_no).uuid)


def defaults(db: Database, receipt_no: str, today: date) -> LicenceForm:
    """The form as it first shows: the item's licence type and department, today, the
    applicant's code."""
    with db.begin() as conn:
        row = find_application(conn, db, receipt_no)
        spec = definition(conn, db, row.service_code)
    issues = spec.get("issues_licence") or {}
    dept = spec.get("department") or {}
    return LicenceForm(
        name=str((issues.get("name") or {}).get("zh", "")),
        type_code=str(issues.get("type_code", "")),
        issuer=str(dept.get("zh", "")),
        issuer_code=str(dept.get("code", "")),
        valid_from=today.isoformat(),
        holder_id_no=str(json.loads(row.applicant).get("id_no", "")),
    )


def office_context(db: Database, uuid: str, receipt_no: str, today: date) -> dict[str, Any]:
    """What the detail page's licence card needs: the current licence and the form."""
    with db.begin() as conn:
        current = of_application(conn, db, uuid)
    return {
        "licence": current,
        "licence_form": defaults(db, receipt_no, today),
        "result_states": RESULT_STATES,
    }


def _day(value: str, key: str, problems: list[Text]) -> date | None:
    try:
        if _DAY_RE.fullmatch(value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    label = _LABELS[key]
    problems.append(
        Text(
            f"{label.zh}应为有效日期（YYYY-MM-DD）：{value}",
            f"{label.en} must be a real date (YYYY-MM-DD): {value}",
        )
    )
    return None


def _texts(form: LicenceForm, problems: list[Text]) -> None:
    for key in ("name", "issuer", "issuer_code", "type_code"):
        if not getattr(form, key):
            label = _LABELS[key]
            problems.append(Text(f"请填写{label.zh}。", f"Please fill in the {label.en}."))
    for key, most in _LIMITS.items():
        if len(getattr(form, key)) > most:
            label = _LABELS[key]
            problems.append(
                Text(
                    f"{label.zh}最多 {most} 个字符。",
                    f"The {label.en} is {most} characters at most.",
                )
            )
    if form.type_code and TYPE_CODE_RE.fullmatch(form.type_code) is None:
        problems.append(
            Text(
                "证照类型代码只能含字母、数字和 . _ -。",
                "The licence type code has letters, digits and . _ - only.",
            )
        )


def _dates(form: LicenceForm, today: date, problems: list[Text]) -> tuple[date, date | None]:
    start = _day(form.valid_from, "valid_from", problems) if form.valid_from else today
    end = _day(form.valid_until, "valid_until", problems) if form.valid_until else None
    if start and end and end < start:
        problems.append(Text("有效期截止日期早于起始日期。", "The licence ends before it starts."))
    elif end and end < today:
        problems.append(
            Text(
                "有效期截止日期已过，不能颁发已失效的证照。",
                "The licence would already have expired.",
            )
        )
    return start or today, end


def _holder(form: LicenceForm, applicant: dict[str, Any], problems: list[Text]) -> None:
    mine = holder_code(applicant)
    theirs = holder_code(applicant | {"id_no": form.holder_id_no})
    if theirs != mine:
        problems.append(
            Text(
                f"持证主体应为本申请的申请人（证件号码 {mine[1]}），不能是 {form.holder_id_no}。",
                f"The holder must be this application's applicant ({mine[1]}), "
                f"not {form.holder_id_no}.",
            )
        )


def _number_taken(conn: Connection, db: Database, type_code: str, number: str) -> bool:
    table = db.t("licences")
    query = select(table.c.licence_id).where(
        table.c.type_code == type_code, table.c.number == number
    )
    return conn.execute(query).first() is not None


def _checked(conn: Connection, db: Database, row: Row[Any], form: LicenceForm, today: date) -> Any:
    """The clean values of the form, or Invalid naming every problem at once."""
    form = LicenceForm(**{k: " ".join(str(v).split()) for k, v in asdict(form).items()})
    problems: list[Text] = []
    if form.status not in RESULT_STATES:
        problems.append(BAD_STATE)
    if valid_of_application(conn, db, row.uuid) is not None:
        problems.append(ALREADY)
    _texts(form, problems)
    start, end = _dates(form, today, problems)
    _holder(form, json.loads(row.applicant), problems)
    if form.number and _number_taken(conn, db, form.type_code, form.number):
        problems.append(
            Text(
                f"证照编号 {form.number} 已被同类型的另一证照使用。",
                f"Licence number {form.number} is taken by another licence of this type.",
            )
        )
    if problems:
        raise Invalid(Text("；".join(p.zh for p in problems), " ".join(p.en for p in problems)))
    number = form.number
    while not number or _number_taken(conn, db, form.type_code, number):
        number = f"{form.type_code}{today:%Y%m%d}{secrets.randbelow(10**6):06d}"
    return replace(form, number=number), start, end


def _document(document: bytes | None, sheet: licence_pdf.LicenceSheet, most: int) -> bytes:
    if not document:
        return licence_pdf.render(sheet)
    if not document.startswith(b"%PDF-"):
        raise Invalid(NOT_PDF)
    if len(document) > most:
        size = f"{most // 1048576} MB" if most >= 1048576 else f"{most // 1024} KB"
        raise Invalid(Text(f"结果文件超过 {size}。", f"The document is over {size}."))
    return document


def issue(
    db: Database,
    store: MaterialStore,
    receipt_no: str,
    form: LicenceForm,
    document: bytes | None,
    actor: str,
    today: date,
) -> Licence:
    """Record the licence, keep its document, settle the application; Invalid on bad input."""
    with db.begin() as conn:
        row = find_application(conn, db, receipt_no)
        if row.status == Status.VOIDED:
            raise Invalid(services.VOIDED_FINAL)
        form, start, end = _checked(conn, db, row, form, today)
        item = item_name(conn, db, row.service_code).zh
    applicant = json.loads(row.applicant)
    id_type, id_no = holder_code(applicant)
    sheet = licence_pdf.LicenceSheet(
        form.name, form.number, form.type_code, str(applicant.get("name", "")),
        ID_TYPE_LABELS[id_type].zh, id_no, form.issuer, form.issuer_code,
        today, start, end, item, display_receipt_no(row.receipt_no),
    )  # fmt: skip
    data = _document(document, sheet, store.max_bytes)
    sha = store.put_whole(data, row.hall)
    licence_id = uuid_.uuid4().hex
    values = {"licence_id": licence_id, "app_uuid": row.uuid, "hall": row.hall}
    values |= {"service_code": row.service_code, "sha256": sha, "size": len(data)}
    values |= {k: getattr(sheet, k) for k in ("name", "number", "type_code", "holder")}
    values |= {"holder_id_type": id_type, "holder_id_no": sheet.holder_id_no}
    values |= {"issuer": form.issuer, "issuer_code": form.issuer_code}
    values |= {"issued_on": today.isoformat(), "valid_from": start.isoformat()}
    values |= {"valid_until": end.isoformat() if end else None, "status": VALID}
    values |= {"issued_at": now_iso(), "issued_by": actor}
    table = db.t("licences")
    with db.begin() as conn:
        conn.execute(insert(table).values(**values))
    try:
        services.set_status(db, receipt_no, form.status, form.note)
    except PortalError:
        with db.begin() as conn:
            conn.execute(delete(table).where(table.c.licence_id == licence_id))
        raise
    with db.begin() as conn:
        found = of_application(conn, db, row.uuid)
    assert found is not None  # inserted above
    return found
