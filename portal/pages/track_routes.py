"""The citizen's tracking page: `/t/{receipt_no}?c=CODE[&p=PAYLOAD][&lang=en]` (the receipt's
QR), `/t` (type the receipt number and the 12-character code) and the rating form (the five
levels of GB/T 39046: the form posts the standard code, 1 = 非常满意).

Every lookup counts against the caller's address first (`ratelimit`), so the 60-bit typed
code cannot be guessed at speed. Every refusal — unknown receipt, wrong code, forged
payload — is the same 404 page, byte for byte; it echoes nothing from the request. One
answer differs, as at the counter: a number whose check character fails is told as a typo
(`sync.receipt_numbers.mistyped_message`, 400, the typing form again). That tells a guesser
nothing: anyone can compute a check character.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from portal.db import Database
from portal.errors import Invalid, PortalError
from portal.licences import VALID
from portal.pages import ratelimit, ratings
from portal.pages.tracking import Tracking, lookup_on
from portal.pages.web import HEADERS, client_address, config, page
from sync.receipt_numbers import is_mistyped_receipt_no, mistyped_message

router = APIRouter(include_in_schema=False)
Text_ = Annotated[str, Query(max_length=400)]


def _db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def _counted(
    request: Request, receipt_no: str, code: str, payload: str = "", typo: bool = False
) -> Response | Tracking | None:
    """Count the lookup against the caller's address, then look the receipt up (`lookup_on`:
    None for every refusal), both on one pool checkout; or the 429 page when the address has
    used up its lookups, or with `typo` the typing form when the number fails its check."""
    db = _db(request)
    with db.autocommit() as conn:
        wait = ratelimit.count(conn, db, client_address(request), config(request).track_limit)
        if wait is None and not (typo and is_mistyped_receipt_no(receipt_no)):
            return lookup_on(conn, db, receipt_no, code, payload or None)
    return _mistyped(request, receipt_no) if wait is None else _limited(request, wait)


def _limited(request: Request, wait: int) -> Response:
    """The 429 page: this address has used up its lookups for `wait` more seconds."""
    response = page(request, "track_limited.html", {"minutes": -(-wait // 60)}, status=429)
    response.headers["Retry-After"] = str(wait)
    return response


def _neutral(request: Request, lang: str = "") -> HTMLResponse:
    return page(request, "track_neutral.html", {}, status=404, lang=lang)


def _mistyped(request: Request, receipt_no: str) -> HTMLResponse:
    """The typing form again, saying the number fails its check (as the terminal says it)."""
    context = {"error": mistyped_message(receipt_no)}
    return page(request, "track_form.html", context, status=400)


def _self_url(tracking: Tracking, code: str, payload: str, lang: str) -> str:
    params = {"c": code} | ({"p": payload} if payload and not tracking.on_platform else {})
    return f"/t/{tracking.receipt_no}?" + urlencode(params | ({"lang": "en"} if lang else {}))


def _show(request: Request, receipt_no: str, code: str, payload: str) -> Response:
    tracking = _counted(request, receipt_no, code, payload, typo=True)
    if isinstance(tracking, Response):
        return tracking
    if tracking is None:
        return _neutral(request)
    context = {
        "tr": tracking,
        "code": code,
        "payload": payload if not tracking.on_platform else "",
        "url_zh": _self_url(tracking, code, payload, ""),
        "url_en": _self_url(tracking, code, payload, "en"),
        "rated": request.query_params.get("rated") == "1",
        "error": "",
    }
    return page(request, "track.html", context)


@router.get("/t", response_class=HTMLResponse)
def typed_form(request: Request) -> Response:
    """The form for a typed receipt number and code (the text under the QR)."""
    return page(request, "track_form.html", {})


@router.get("/t/find")
def typed_lookup(request: Request, r: Text_ = "", c: Text_ = "") -> Response:
    return _show(request, r, c, "")


@router.get("/t/{receipt_no}")
def track(
    request: Request, receipt_no: str, c: Text_ = "", p: Annotated[str, Query(max_length=2000)] = ""
) -> Response:
    return _show(request, receipt_no, c, p)


@router.get("/t/{receipt_no}/result/{sha}")
def result(
    request: Request,
    receipt_no: str,
    sha: str,
    c: Text_ = "",
) -> Response:
    """The result document (电子证照) of a settled application, after the code check, as an
    attachment. No code, a wrong one, another receipt's, a file that is not this
    application's valid licence: the same neutral 404 as the page's."""
    tracking = _counted(request, receipt_no, c)
    if isinstance(tracking, Response):
        return tracking
    lic = tracking.licence if tracking is not None else None
    valid = lic is not None and lic.status == VALID and lic.sha256 == sha
    try:  # from whichever blob store, checked against its SHA-256
        data = request.app.state.materials.read(sha) if valid else None
    except PortalError:
        data = None  # an altered stored file is never served
    if data is None:
        return _neutral(request)
    name = f"licence-{tracking.receipt_no if tracking else ''}.pdf"
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(data, media_type="application/pdf", headers=HEADERS | disposition)


@router.post("/t/{receipt_no}/rate")
def rate(
    request: Request,
    receipt_no: str,
    c: Annotated[str, Form(max_length=400)],
    rating: Annotated[str, Form(max_length=2)],
    comment: Annotated[str, Form(max_length=4000)] = "",
    lang: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Rate once; back to the page (303) so a reload does not post again."""
    lang = "en" if lang.startswith("en") else "zh_CN"
    tracking = _counted(request, receipt_no, c)
    if isinstance(tracking, Response):
        return tracking
    if tracking is None:
        return _neutral(request, lang)
    try:
        code = int(rating) if rating.isdigit() else 0
        ratings.rate(_db(request), tracking, code, comment)
    except Invalid as exc:
        context = {"tr": tracking, "code": c, "payload": "", "rated": False}
        context |= {"error": exc.message(lang), "url_zh": "", "url_en": ""}
        return page(request, "track.html", context, status=400, lang=lang)
    url = _self_url(tracking, c, "", "en" if lang == "en" else "") + "&rated=1"
    return RedirectResponse(url, status_code=303, headers=HEADERS)
