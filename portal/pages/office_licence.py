"""The back office's licence forms (电子证照, issue 16): settle an application with a result
(`POST /office/a/{receipt}/licence`, multipart: the licence data and, optionally, the
result PDF) and revoke its licence (`POST /office/a/{receipt}/licence/revoke`).

Both need a staff session and its CSRF token, like every back-office form (`office`); a
refused form comes back on the application's page with every problem told and the values
typed kept. The logic lives in `licence_issue` and `portal.licences`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from portal import licences
from portal.errors import PortalError
from portal.pages import office
from portal.pages.deadlines import today
from portal.pages.licence_issue import LicenceForm, application_uuid, issue
from portal.pages.web import lang_of

router = APIRouter(prefix="/office", include_in_schema=False)
Field = Annotated[str, Form(max_length=2000)]


def _read(document: UploadFile | None, most: int) -> bytes | None:
    """The uploaded file's bytes (at most `most` + 1, so an oversized one is told), or None
    when the form sent no file (a browser sends an empty part for an empty file input)."""
    if document is None:
        return None
    data = document.file.read(most + 1)
    return data or None


@router.post("/a/{receipt_no}/licence")
def settle_with_licence(
    request: Request,
    receipt_no: str,
    csrf: Field,
    status: Field = "approved",
    note: Field = "",
    name: Field = "",
    type_code: Field = "",
    number: Field = "",
    issuer: Field = "",
    issuer_code: Field = "",
    valid_from: Field = "",
    valid_until: Field = "",
    holder_id_no: Field = "",
    document: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Settle with a result: keep the licence and its document, then set the status."""
    who = office._user(request)
    if who is None:
        return office._to("/office/login")
    form = LicenceForm(
        status=status, note=note, name=name, type_code=type_code, number=number,
        issuer=issuer, issuer_code=issuer_code, valid_from=valid_from,
        valid_until=valid_until, holder_id_no=holder_id_no,
    )  # fmt: skip
    if not office._csrf_ok(request, who, csrf):
        return office._detail(request, who, receipt_no, office.BAD_FORM.get(lang_of(request)))
    store = request.app.state.materials
    try:
        data = _read(document, store.max_bytes)
        issue(office._db(request), store, receipt_no, form, data, who[0], today())
    except PortalError as exc:
        error = exc.message(lang_of(request))
        return office._detail(
            request, who, receipt_no, status=400, licence_form=form, licence_error=error
        )
    return office._to(f"/office/a/{receipt_no}")


@router.post("/a/{receipt_no}/licence/revoke")
def revoke_licence(request: Request, receipt_no: str, csrf: Field, reason: Field = "") -> Response:
    """Revoke (注销) the application's licence, with the reason."""
    who = office._user(request)
    if who is None:
        return office._to("/office/login")
    if not office._csrf_ok(request, who, csrf):
        return office._detail(request, who, receipt_no, office.BAD_FORM.get(lang_of(request)))
    try:
        db = office._db(request)
        licences.revoke(db, application_uuid(db, receipt_no), reason, who[0])
    except PortalError as exc:
        error = exc.message(lang_of(request))
        return office._detail(request, who, receipt_no, status=400, licence_error=error)
    return office._to(f"/office/a/{receipt_no}")
